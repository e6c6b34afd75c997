<?php

declare(strict_types=1);

namespace Wpwa\Tests;

final class CatalogTest extends WpwaTestCase
{
    private static function product(array $overrides = []): array
    {
        return array_merge([
            'id' => 41,
            'vendor_id' => 7,
            'product_type' => 'simple',
            'status' => 'publish',
            'sku' => 'ACME-TEE-01',
            'title' => 'Organic Tee',
            'description' => '<p>Soft <em>organic</em> cotton.</p>',
            'price' => '19.5',
            'regular_price' => '24.999',
            'sale_price' => '19.5',
            'stock_status' => 'instock',
            'image' => ['url' => 'http://127.0.0.1/tee.jpg', 'mime' => 'image/jpeg', 'bytes' => 120000],
            'permalink' => 'http://127.0.0.1/product/organic-tee/',
        ], $overrides);
    }

    public function testReadyProductsComeBackAsCatalogItems(): void
    {
        [$result] = \Wpwa\catalog_prepare([self::product()], ['currency' => 'EUR', 'default_brand' => 'Acme Store']);
        self::assertSame('ready', $result['status']);
        self::assertSame(41, $result['product_id']);
        self::assertSame('ACME-TEE-01', $result['retailer_id']);
        self::assertSame([], $result['problems']);
        $item = json_decode($result['item'], true);
        self::assertSame('25.00 EUR', $item['price']);
        self::assertSame('19.50 EUR', $item['sale_price']);
        self::assertSame('Soft organic cotton.', $item['description']);
        self::assertSame('in stock', $item['availability']);
        self::assertSame('Acme Store', $item['brand']);
        self::assertSame('ACME-TEE-01', $item['id']);
    }

    public function testBrokenProductsComeBackWithReasons(): void
    {
        $results = \Wpwa\catalog_prepare([
            self::product(['id' => 1, 'title' => '', 'image' => null]),
            self::product(['id' => 2, 'price' => '0', 'regular_price' => '', 'image' => ['url' => 'http://127.0.0.1/x.webp', 'mime' => 'image/webp']]),
            self::product(['id' => 3, 'status' => 'draft']),
        ]);
        self::assertSame(['invalid', 'invalid', 'not_listed'], array_column($results, 'status'));
        self::assertSame(['missing_title', 'missing_image'], array_column($results[0]['problems'], 'code'));
        self::assertSame(['missing_price', 'image_format'], array_column($results[1]['problems'], 'code'));
        self::assertSame(['code' => 'image_format', 'found' => 'image/webp'], $results[1]['problems'][1], 'a code and its parameters, no English');
        self::assertSame(['code' => 'missing_image', 'max' => 5 * 1024 * 1024], $results[0]['problems'][1], 'the limit the words name');
        $small = \Wpwa\catalog_prepare([self::product(['id' => 4, 'image' => ['url' => 'http://127.0.0.1/x.jpg', 'mime' => 'image/jpeg', 'bytes' => 4 * 1024 * 1024]])], ['max_image_bytes' => 3 * 1024 * 1024]);
        self::assertSame([['code' => 'image_too_large', 'bytes' => 4 * 1024 * 1024, 'max' => 3 * 1024 * 1024]], $small[0]['problems'], "the admin's limit travels with the problem");
        self::assertNull($results[0]['item']);
    }

    public function testSaleDatesDecideTheCatalogPriceAndWhenToSyncAgain(): void
    {
        $start = 1_800_000_000;
        $end = $start + 10 * 86_400 - 1;
        $scheduled = self::product(['sale_from' => $start, 'sale_to' => $end]);
        $at = static fn(int $now) => \Wpwa\catalog_prepare([$scheduled], null, $now)[0];

        $before = $at($start - 30 * 86_400);
        self::assertSame('', json_decode($before['item'], true)['sale_price'], 'a future sale is not the price yet');
        self::assertSame('25.00 USD', json_decode($before['item'], true)['price']);
        self::assertSame($start, $before['next_price_change']);

        $during = $at($start);
        self::assertSame('19.50 USD', json_decode($during['item'], true)['sale_price']);
        self::assertSame($end + 1, $during['next_price_change']);

        $after = $at($end + 1);
        self::assertSame('', json_decode($after['item'], true)['sale_price']);
        self::assertNull($after['next_price_change']);

        [$undated] = \Wpwa\catalog_prepare([self::product()]);
        self::assertSame('19.50 USD', json_decode($undated['item'], true)['sale_price']);
        self::assertNull($undated['next_price_change']);

        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\catalog_prepare([self::product(['sale_from' => 'next week'])]);
    }

    public function testEscapedStoreNamesAreTheBrandAsWritten(): void
    {
        [$result] = \Wpwa\catalog_prepare([self::product()], ['default_brand' => 'Bolt &amp; Co Gadgets']);
        self::assertSame('Bolt & Co Gadgets', json_decode($result['item'], true)['brand']);
    }

    public function testPagesOfJsonReadAsTheRecordsThemselves(): void
    {
        $records = [
            self::product(),
            self::product(['id' => 42, 'price' => 12.5, 'regular_price' => 12.5, 'manage_stock' => 'yes', 'stock_quantity' => '3', 'image' => []]),
        ];
        $pages = [json_encode([$records[0]]), json_encode([$records[1]], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES)];
        self::assertSame(\Wpwa\catalog_prepare($records), \Wpwa\catalog_prepare($pages));

        try {
            \Wpwa\catalog_prepare([json_encode([$records[0]]), json_encode([['id' => 'x', 'vendor_id' => 7]])]);
            self::fail('accepted a page with a broken record');
        } catch (\Wpwa\ValidationException $e) {
            self::assertStringContainsString('page #1 of the products: product #0 is not a product record', $e->getMessage());
        }
    }

    public function testMalformedRecordsAndRulesAreRefused(): void
    {
        foreach ([
            [['not an array']],
            [[['id' => 'forty-one', 'vendor_id' => 7]]],
            [[['vendor_id' => 7]]],
            [[self::product(['price' => ['nested']])]],
        ] as [$products]) {
            try {
                \Wpwa\catalog_prepare($products);
                self::fail('accepted ' . json_encode($products));
            } catch (\Wpwa\ValidationException $e) {
                // A string is a page of records as JSON: this one is not JSON.
                self::assertMatchesRegularExpression('/(product|page) #0/', $e->getMessage());
            }
        }
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\catalog_prepare([self::product()], ['currency' => 'dollars']);
    }
}
