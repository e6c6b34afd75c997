<?php
/**
 * Benchmark: validate + transform WooCommerce product records into catalog items,
 * in the core (Wpwa\catalog_prepare) and in a plain-PHP implementation of the same
 * rules, on the same generated products in the same process. Prints products/s for
 * each and the ratio. Run through scripts/bench-catalog.
 */

declare(strict_types=1);

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

/** Plain-PHP version of the core's rules (src/catalog), as a plugin would write it. */
function php_prepare(array $products, string $currency, string $brand): array
{
    $out = [];
    foreach ($products as $p) {
        $rid = ($p['sku'] ?? '') !== '' ? trim((string) $p['sku']) : 'wc_' . $p['id'];
        if ($p['status'] !== 'publish' || ($p['visibility'] ?? '') === 'hidden' || in_array($p['product_type'], ['variable', 'grouped'], true)) {
            $out[] = ['product_id' => $p['id'], 'retailer_id' => $rid, 'status' => 'not_listed', 'problems' => [], 'item' => null];
            continue;
        }
        $problems = [];
        $title = php_plain((string) $p['title']);
        if ($title === '') {
            $problems[] = ['code' => 'missing_title', 'message' => 'Add a product title.'];
        }
        $regular = php_cents($p['regular_price'] ?? null);
        $current = php_cents($p['price'] ?? null);
        $sale = php_cents($p['sale_price'] ?? null);
        $list = $regular ?: $current;
        if (!$list) {
            $problems[] = ['code' => 'missing_price', 'message' => 'Set a price above zero.'];
        }
        $description = php_plain((string) $p['description']);
        if ($description === '') {
            $description = php_plain((string) ($p['short_description'] ?? ''));
        }
        if ($description === '') {
            $problems[] = ['code' => 'missing_description', 'message' => 'Write a description: WhatsApp shows it to customers.'];
        }
        $image = $p['image'] ?? null;
        if (!$image || trim((string) $image['url']) === '') {
            $problems[] = ['code' => 'missing_image', 'message' => 'Add a product image (JPG or PNG, under 5 MB).'];
        } else {
            $mime = strtolower(trim((string) ($image['mime'] ?? '')));
            if (!in_array($mime, ['image/jpeg', 'image/png'], true)) {
                $problems[] = ['code' => 'image_format', 'found' => $mime, 'message' => "Use a JPG or PNG image; this one is $mime."];
            }
            if (($image['bytes'] ?? 0) > 5 * 1024 * 1024) {
                $problems[] = ['code' => 'image_too_large', 'message' => 'Use a smaller image.'];
            }
        }
        if (mb_strlen($rid) > 100) {
            $problems[] = ['code' => 'retailer_id_too_long', 'message' => 'Shorten the SKU.'];
        }
        $availability = match ($p['stock_status'] ?? 'instock') {
            'instock' => 'in stock',
            'outofstock' => 'out of stock',
            'onbackorder' => 'available for order',
            default => null,
        };
        if ($availability === null) {
            $problems[] = ['code' => 'stock_unmapped', 'message' => 'Set the stock status.'];
        }
        if ($problems) {
            $out[] = ['product_id' => $p['id'], 'retailer_id' => $rid, 'status' => 'invalid', 'problems' => $problems, 'item' => null];
            continue;
        }
        $item = [
            'id' => $rid,
            'title' => mb_substr($title, 0, 200),
            'description' => mb_substr($description, 0, 9999),
            'availability' => $availability,
            'condition' => 'new',
            'price' => sprintf('%d.%02d %s', intdiv($list, 100), $list % 100, $currency),
            'link' => $p['permalink'],
            'image_link' => $image['url'],
            'brand' => $p['brand'] ?: $brand,
        ];
        if ($sale && $sale < $list) {
            $item['sale_price'] = sprintf('%d.%02d %s', intdiv($sale, 100), $sale % 100, $currency);
        }
        // Items leave as the JSON the API receives, as the core's do.
        $out[] = ['product_id' => $p['id'], 'retailer_id' => $rid, 'status' => 'ready', 'problems' => [], 'item' => json_encode($item, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)];
    }
    return $out;
}

function php_plain(string $html): string
{
    $text = preg_replace('#<(script|style)\b.*?</\1>#is', ' ', $html);
    $text = preg_replace('#<[^>]*>#', ' ', (string) $text);
    $text = html_entity_decode((string) $text, ENT_QUOTES | ENT_HTML5, 'UTF-8');
    return trim((string) preg_replace('/\s+/u', ' ', $text));
}

function php_cents(?string $value): int
{
    $value = trim((string) $value);
    if ($value === '' || !preg_match('/^\d*(\.\d*)?$/', $value) || $value === '.') {
        return 0;
    }
    return (int) round((float) $value * 100);
}

$products = make_products($count);
$best = ['core' => INF, 'php' => INF];
$check = null;
for ($round = 0; $round < $rounds; $round++) {
    $t = hrtime(true);
    $core = \Wpwa\catalog_prepare($products, ['currency' => 'USD', 'default_brand' => 'Acme Store']);
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
printf("catalog transform, %d products, best of %d rounds (same process, same input)\n", $count, $rounds);
printf("  core (Wpwa\\catalog_prepare): %10.0f products/s  (%.3f s)\n", $count / $best['core'], $best['core']);
printf("  plain PHP:                    %10.0f products/s  (%.3f s)\n", $count / $best['php'], $best['php']);
printf("  ratio core / PHP: %.2fx   (statuses: %s)\n", $best['php'] / $best['core'], json_encode($check[0]));
