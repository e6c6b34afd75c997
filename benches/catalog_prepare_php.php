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
    $now = time();
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
        // The sale price counts inside its sale window only.
        $sale_on = (($p['sale_from'] ?? null) === null || (int) $p['sale_from'] <= $now)
            && (($p['sale_to'] ?? null) === null || $now <= (int) $p['sale_to']);
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
            $mime = php_image_kind($image);
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
        $stock = $p['stock_status'] ?? 'instock';
        if ($stock === 'instock' && !empty($p['manage_stock']) && ($p['stock_quantity'] ?? null) !== null && (int) $p['stock_quantity'] <= 0) {
            $stock = 'outofstock';
        }
        $availability = match ($stock) {
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
            'title' => php_truncate($title, 200),
            'description' => php_truncate($description, 9999),
            'availability' => $availability,
            'condition' => 'new',
            'price' => php_money($list, $currency),
            // Sent empty when there is no sale: an update merges fields, so leaving it
            // out would keep a sale that ended.
            'sale_price' => $sale && $sale < $list && $sale_on ? php_money($sale, $currency) : '',
            'link' => $p['permalink'],
            'image_link' => $image['url'],
            'brand' => php_plain((string) ($p['brand'] ?? '')) ?: (php_plain($brand) ?: '—'),
        ];
        if ($p['product_type'] === 'variation' && !empty($p['parent_id'])) {
            $item['item_group_id'] = 'wc_' . $p['parent_id'];
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

function php_money(int $cents, string $currency): string
{
    return sprintf('%d.%02d %s', intdiv($cents, 100), $cents % 100, $currency);
}

function php_truncate(string $text, int $max): string
{
    return mb_strlen($text) <= $max ? $text : mb_substr($text, 0, $max - 1) . '…';
}

/** The image's MIME type, from the attachment or, without one, from the URL. */
function php_image_kind(array $image): string
{
    $mime = strtolower(trim((string) ($image['mime'] ?? '')));
    if ($mime !== '') {
        return $mime === 'image/jpg' ? 'image/jpeg' : $mime;
    }
    $path = strtolower((string) strtok((string) $image['url'], '?#'));
    $dot = strrpos($path, '.');
    $ext = $dot === false ? $path : substr($path, $dot + 1);
    return match (true) {
        in_array($ext, ['jpg', 'jpeg'], true) => 'image/jpeg',
        $ext === 'png' => 'image/png',
        !str_contains($ext, '/') => "a .$ext file",
        default => 'of unknown type',
    };
}

function php_cents(?string $value): int
{
    $value = trim((string) $value);
    if ($value === '' || !preg_match('/^\d*(\.\d*)?$/', $value) || $value === '.') {
        return 0;
    }
    return (int) round((float) $value * 100);
}

/**
 * How the items of two answers of catalog_prepare() (or php_prepare()) compare, by
 * product: how many items `$a` builds, how many of them `$b` builds the same, and
 * for each field that differs, in how many items and one example.
 *
 * @return array{ready:int, same:int, fields:array<string, array{count:int, example:string}>}
 */
function catalog_items_compared(array $a, array $b): array
{
    $decoded = static fn(array $verdict) => is_string($verdict['item']) ? json_decode($verdict['item'], true) : $verdict['item'];
    $others = [];
    foreach ($b as $verdict) {
        $others[$verdict['product_id']] = $decoded($verdict);
    }
    $compared = ['ready' => 0, 'same' => 0, 'fields' => []];
    foreach ($a as $verdict) {
        $item = $decoded($verdict);
        if ($item === null) {
            continue;
        }
        ++$compared['ready'];
        $other = (array) ($others[$verdict['product_id']] ?? []);
        $compared['same'] += $item == $other ? 1 : 0;
        foreach (array_keys($item + $other) as $field) {
            if (($item[$field] ?? null) !== ($other[$field] ?? null)) {
                $compared['fields'][$field] ??= [
                    'count' => 0,
                    'example' => sprintf('product %d: %s against %s', $verdict['product_id'], json_encode($item[$field] ?? null), json_encode($other[$field] ?? null)),
                ];
                ++$compared['fields'][$field]['count'];
            }
        }
    }
    return $compared;
}
