<?php
/**
 * Benchmark: a full catalog sync of N products through the extension against the
 * sandbox's Cloud API catalog, in one PHP process running slices the way WP-Cron does.
 * Prints the wall time, its ratio to the physical floor that latency, concurrency and
 * the catalog batch rate limit allow, and the process's peak memory.
 *
 * Usage: php -d extension=… catalog_sync.php SANDBOX_URL COUNT
 */

declare(strict_types=1);

[$_, $sandbox, $count] = $argv + [null, 'http://127.0.0.1:18799', '10000'];
$count = (int) $count;

$dir = sys_get_temp_dir() . '/wpwa-bench-' . getmypid();
mkdir($dir, 0700);
\Wpwa\store_open("$dir/wpwa.sqlite");

$config = json_decode((string) file_get_contents("$sandbox/sandbox/config"), true);
$catalog = (string) random_int(100000000, 999999999);
$connection = ['url' => $sandbox, 'version' => 'v21.0', 'token' => $config['cloud_token'] ?? 'sandbox-token', 'catalog_id' => $catalog];
$options = ['batch_size' => 100, 'concurrency' => 4, 'poll_interval_ms' => 50];

$products = [];
for ($i = 1; $i <= $count; $i++) {
    $products[] = [
        'id' => $i, 'vendor_id' => 1, 'status' => 'publish', 'sku' => sprintf('BENCH-%05d', $i),
        'title' => "Benchmark product $i", 'description' => "<p>Product <b>$i</b>, in stock.</p>",
        'price' => '19.99', 'regular_price' => '24.99', 'sale_price' => '19.99', 'stock_status' => 'instock',
        'image' => ['url' => "http://127.0.0.1/uploads/$i.jpg", 'mime' => 'image/jpeg', 'bytes' => 80000],
        'permalink' => "http://127.0.0.1/product/$i/",
    ];
}

$started = hrtime(true);
$job = \Wpwa\catalog_sync_plan(1, $products, $connection, $options);
$planned = (hrtime(true) - $started) / 1e9;
$slices = 0;
while ($job['state'] === 'running') {
    $job = \Wpwa\catalog_sync_run(1, $job['job_id'], $connection, $options, 20000);
    $slices++;
}
$wall = (hrtime(true) - $started) / 1e9;

$stats = json_decode((string) file_get_contents("$sandbox/sandbox/catalogs/$catalog/stats"), true);
$items = count(json_decode((string) file_get_contents("$sandbox/sandbox/catalogs/$catalog/items"), true)['items']);

// The floor: batches are admitted at most `limit` per `window` (the first one at once),
// and the last one still needs its send, its processing and one status poll.
$batches = (int) ceil($count / $options['batch_size']);
$latency = $config['cloud_latency_ms'] / 1000;
$processing = $config['batch_processing_ms'] / 1000;
$limit = max(1, (int) $config['catalog_batch_limit']);
$window = $config['catalog_window_ms'] / 1000;
$admission = max((ceil($batches / $limit) - 1) * $window, (ceil($batches / $options['concurrency']) - 1) * $latency);
$floor = $admission + $latency + $processing + $latency;

preg_match('/VmHWM:\s+(\d+) kB/', (string) file_get_contents('/proc/self/status'), $hwm);
printf("catalog sync, %d products in %d batches of %d, concurrency %d, latency %d ms, limit %d batches / %d ms\n",
    $count, $batches, $options['batch_size'], $options['concurrency'], $config['cloud_latency_ms'], $limit, $config['catalog_window_ms']);
printf("  state %s: %d synced, %d rejected; catalog holds %d items; %d slices; %d rate-limited answers\n",
    $job['state'], $job['synced'], $job['rejected'], $items, $slices, $stats['rate_limited'] ?? 0);
printf("  wall time %.2f s (planning %.2f s), physical floor %.2f s, ratio %.2f\n", $wall, $planned, $floor, $wall / $floor);
printf("  peak memory: PHP heap %.1f MiB, process RSS high-water mark %.1f MiB\n", memory_get_peak_usage(true) / 1048576, ($hwm[1] ?? 0) / 1024);

array_map('unlink', glob("$dir/*") ?: []);
rmdir($dir);
exit($job['state'] === 'done' && $items === $count ? 0 : 1);
