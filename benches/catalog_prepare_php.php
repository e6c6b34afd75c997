<?php
/**
 * The plain-PHP implementation of the catalog rules that the core's
 * Wpwa\catalog_prepare is measured against: shared by catalog_transform.php
 * (generated products) and tests/wordpress/bench-catalog-cli.php (a real
 * WooCommerce catalog), so both compare the core with the same PHP code.
 */

declare(strict_types=1);

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
