<?php

declare(strict_types=1);

namespace Wpwa\Tests;

/**
 * The calls that spare the plugin round trips: the directory the core keeps, the ingest
 * report's conversation summaries, the Vendors page in one call, the stored catalog checks.
 */
final class RoundTripsTest extends WpwaTestCase
{
    private const APP_SECRET = 'round-trip-app-secret';

    private static function body(string $wamid, string $text, string $from): string
    {
        return (string) json_encode(['object' => 'whatsapp_business_account', 'entry' => [['id' => '1', 'changes' => [['field' => 'messages', 'value' => [
            'metadata' => ['phone_number_id' => '42'],
            'contacts' => [['profile' => ['name' => 'Robin'], 'wa_id' => $from]],
            'messages' => [['from' => $from, 'id' => $wamid, 'timestamp' => (string) time(), 'type' => 'text', 'text' => ['body' => $text]]],
        ]]]]]]);
    }

    private static function sign(string $body): string
    {
        return 'sha256=' . hash_hmac('sha256', $body, self::APP_SECRET);
    }

    private static function product(int $id, int $vendor, string $price): array
    {
        return [
            'id' => $id,
            'vendor_id' => $vendor,
            'product_type' => 'simple',
            'status' => 'publish',
            'title' => "Lamp $id",
            'description' => 'A lamp.',
            'price' => $price,
            'regular_price' => $price,
            'stock_status' => 'instock',
            'image' => ['url' => "http://127.0.0.1/$id.jpg", 'mime' => 'image/jpeg', 'bytes' => 1000],
            'permalink' => "http://127.0.0.1/product/$id/",
        ];
    }

    public function testTheStoredDirectoryRoutesWebhooksAndTheReportCarriesTheConversation(): void
    {
        $shop = random_int(100000, 499999);
        $other = $shop + 1;
        self::assertSame(2, \Wpwa\directory_replace([
            ['vendor_id' => $shop, 'code' => '', 'store_name' => "Lamp &amp; Co $shop"],
            ['vendor_id' => $other, 'code' => "OTHER$other", 'store_name' => "Other $other"],
        ]));
        $code = substr("LAMPCO$shop", 0, 20);
        self::assertSame([
            ['vendor_id' => $shop, 'code' => $code, 'store_name' => "Lamp & Co $shop"],
            ['vendor_id' => $other, 'code' => "OTHER$other", 'store_name' => "Other $other"],
        ], \Wpwa\directory());

        $customer = (string) random_int(15550000000, 15559999999);
        $wamid = 'wamid.' . bin2hex(random_bytes(8));
        $body = self::body($wamid, "Hi #$code, is the lamp in stock?", $customer);
        // Null: the directory the core keeps, read once the signature holds.
        $report = \Wpwa\cloud_webhook($body, self::sign($body), self::APP_SECRET, null);
        [$stored] = $report['stored'];
        self::assertSame([$wamid, $shop, 'vendor_code'], [$stored['wamid'], $stored['vendor_id'], $stored['rule']]);
        self::assertSame(\Wpwa\conversation($shop, $stored['conversation_id']), $stored['conversation'], 'the summary the plugin used to ask for');
        self::assertSame([$customer, 'Robin', "Hi #$code, is the lamp in stock?"], [$stored['conversation']['customer'], $stored['conversation']['customer_name'], $stored['conversation']['customer_text']]);

        try {
            \Wpwa\cloud_webhook($body, 'sha256=' . hash_hmac('sha256', $body, 'attacker'), self::APP_SECRET, null);
            self::fail('a forged webhook was accepted');
        } catch (\Wpwa\AuthException $e) {
            self::assertStringContainsString('webhook refused', $e->getMessage());
        }

        // One vendor renamed, one gone: the directory follows, codes stay unique.
        self::assertTrue(\Wpwa\directory_put($other, '', "Lamp Co $shop"));
        self::assertFalse(\Wpwa\directory_put($other, '', "Lamp Co $shop"), 'unchanged');
        $codes = array_column(\Wpwa\directory(), 'code', 'vendor_id');
        self::assertSame($code, $codes[$shop]);
        self::assertNotSame($code, $codes[$other]);
        self::assertTrue(\Wpwa\directory_remove($other));
        self::assertFalse(\Wpwa\directory_remove($other));
        self::assertSame([$shop], array_column(\Wpwa\directory(), 'vendor_id'));
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\directory_put(0, '', 'Nobody');
    }

    public function testTheVendorsPageGetsEveryRowInOneCall(): void
    {
        $vendor = random_int(500000, 899999);
        $since = time() - 30 * 86400;
        [$row, $bare] = \Wpwa\vendors_overview([
            ['vendor_id' => $vendor, 'catalog_id' => '555'],
            ['vendor_id' => $vendor + 1, 'catalog_id' => null],
        ], null, $since);
        self::assertSame($vendor, $row['vendor_id']);
        self::assertSame(\Wpwa\session_status($vendor), $row['session']);
        self::assertSame(\Wpwa\catalog_sync_status($vendor), $row['sync']);
        self::assertSame(\Wpwa\catalog_summary($vendor, '555'), $row['catalog']);
        self::assertSame(\Wpwa\messages_this_month($vendor), $row['messages_this_month']);
        self::assertSame(\Wpwa\response_metrics($vendor, $since), $row['response']);
        self::assertNull($bare['catalog'], 'no catalog connection, no counts');
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\vendors_overview([['catalog_id' => '1']], null, $since);
    }

    public function testCatalogChecksAreStoredAndOnlyChangedProductsAreCheckedAgain(): void
    {
        $vendor = random_int(900000, 999999);
        $base = $vendor * 100;
        $records = [self::product($base + 1, $vendor, '10'), self::product($base + 2, $vendor, '12'), self::product($base + 3, $vendor, '')];
        self::assertNull(\Wpwa\catalog_checked($vendor, 'rules-a'), 'never checked');
        self::assertSame(['ready' => 2, 'invalid' => 1, 'not_listed' => 0], \Wpwa\catalog_check($vendor, $records, ['currency' => 'EUR'], 'rules-a', null));
        $checked = \Wpwa\catalog_checked($vendor, 'rules-a');
        self::assertSame([2, 1], [$checked['ready'], $checked['needs_attention']]);
        self::assertSame([$base + 3, 'invalid', 'missing_price'], [$checked['attention'][0]['product_id'], $checked['attention'][0]['status'], $checked['attention'][0]['problems'][0]['code']]);
        self::assertNull(\Wpwa\catalog_checked($vendor, 'rules-b'), 'other rules: check it whole again');

        // The broken product got a price; the second one was deleted.
        \Wpwa\catalog_check($vendor, [self::product($base + 3, $vendor, '5')], ['currency' => 'EUR'], 'rules-a', [$base + 3, $base + 2]);
        $checked = \Wpwa\catalog_checked($vendor, 'rules-a');
        self::assertSame([2, 0, []], [$checked['ready'], $checked['needs_attention'], $checked['attention']]);

        self::assertTrue(\Wpwa\catalog_checks_forget($vendor));
        self::assertNull(\Wpwa\catalog_checked($vendor, 'rules-a'));
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\catalog_check($vendor, $records, null, '', null);
    }
}
