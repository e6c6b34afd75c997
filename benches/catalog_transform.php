<?php
/**
 * Benchmark: validate + transform WooCommerce product records into catalog items,
 * in the core (Wpwa\catalog_prepare) and in a plain-PHP implementation of the same
 * rules, on the same generated products in the same process. Prints products/s for
 * each and the ratios; fails if the two build different items. Run through
 * scripts/bench-catalog.
 */

declare(strict_types=1);

require __DIR__ . '/catalog_prepare_php.php';

$count = (int) ($argv[1] ?? 20000);
$rounds = (int) ($argv[2] ?? 5);

/** The same products for both implementations: mostly valid, some broken in each way. */
function make_products(int $count): array
{
    $products = [];
    for ($i = 1; $i <= $count; $i++) {
        $p = [
            'id' => $i,
            'vendor_id' => 7,
            'product_type' => 'simple',
            'status' => 'publish',
            'visibility' => 'visible',
            'sku' => $i % 3 ? "SKU-$i" : null,
            'title' => "Organic cotton tee no. $i",
            'description' => "<p>Soft <strong>organic</strong> cotton&nbsp;tee, size $i.</p><ul><li>Fair trade</li><li>Machine washable</li></ul>",
            'short_description' => '',
            'price' => sprintf('%d.%02d', 10 + $i % 90, $i % 100),
            'regular_price' => sprintf('%d.%02d', 12 + $i % 90, $i % 100),
            'sale_price' => $i % 4 ? '' : sprintf('%d.%02d', 10 + $i % 90, $i % 100),
            'stock_status' => ['instock', 'outofstock', 'onbackorder'][$i % 3],
            'manage_stock' => false,
            'stock_quantity' => null,
            'image' => ['url' => "http://127.0.0.1/wp-content/uploads/p$i.jpg", 'mime' => 'image/jpeg', 'bytes' => 150000 + $i],
            'permalink' => "http://127.0.0.1/product/p$i/",
            'brand' => null,
        ];
        switch ($i % 50) {
            case 1: $p['title'] = ''; break;
            case 2: $p['price'] = '0'; $p['regular_price'] = ''; break;
            case 3: $p['image'] = null; break;
            case 4: $p['image']['mime'] = 'image/webp'; break;
            case 5: $p['description'] = '<p>&nbsp;</p>'; break;
        }
        $products[] = $p;
    }
    return $products;
}

$products = make_products($count);
$rules = ['currency' => 'USD', 'default_brand' => 'Acme Store'];
$best = ['json' => INF, 'core' => INF, 'php' => INF];
$check = null;
for ($round = 0; $round < $rounds; $round++) {
    // As the sync hands the core its records: pages of 200, each json_encode'd (counted).
    $t = hrtime(true);
    $pages = [];
    foreach (array_chunk($products, 200) as $page) {
        $pages[] = json_encode($page, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
    }
    $from_json = \Wpwa\catalog_prepare($pages, $rules);
    $best['json'] = min($best['json'], (hrtime(true) - $t) / 1e9);
    unset($pages);

    $t = hrtime(true);
    $core = \Wpwa\catalog_prepare($products, $rules);
    $best['core'] = min($best['core'], (hrtime(true) - $t) / 1e9);

    $t = hrtime(true);
    $php = php_prepare($products, 'USD', 'Acme Store');
    $best['php'] = min($best['php'], (hrtime(true) - $t) / 1e9);
    $check = [array_count_values(array_column($core, 'status')), array_count_values(array_column($php, 'status'))];
}
if ($check[0] != $check[1]) {
    fwrite(STDERR, "the two implementations disagree: " . json_encode($check) . "\n");
    exit(1);
}
// The ratio only means something if both build the same items.
foreach (['the core on JSON pages and on arrays' => $from_json, 'the core and plain PHP' => $php] as $pair => $other) {
    $compared = catalog_items_compared($core, $other);
    if ($compared['same'] !== $compared['ready'] || count($other) !== count($core)) {
        fwrite(STDERR, "$pair build different items: " . json_encode($compared['fields']) . "\n");
        exit(1);
    }
}
printf("catalog transform, %d products, best of %d rounds (same process, same input)\n", $count, $rounds);
printf("  core on JSON pages (json_encode counted): %10.0f products/s  (%.3f s)\n", $count / $best['json'], $best['json']);
printf("  core on the PHP arrays:                    %10.0f products/s  (%.3f s)\n", $count / $best['core'], $best['core']);
printf("  plain PHP:                                 %10.0f products/s  (%.3f s)\n", $count / $best['php'], $best['php']);
printf("  ratio core / PHP: %.2fx on JSON pages, %.2fx on arrays   (statuses: %s; every item the same)\n", $best['php'] / $best['json'], $best['php'] / $best['core'], json_encode($check[0]));
