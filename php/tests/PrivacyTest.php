<?php

declare(strict_types=1);

namespace Wpwa\Tests;

/**
 * A customer's WhatsApp data through the PHP API: export and erasure by phone number,
 * the retention purge's bounds, and numbers that could match the wrong person.
 */
final class PrivacyTest extends WpwaTestCase
{
    private const APP_SECRET = 'privacy-app-secret';

    /** The customer writes "#SHOP<vendor> $text"; returns the vendor. */
    private static function wrote(string $customer, string $text): int
    {
        $vendor = random_int(10000, 99999);
        $body = (string) json_encode(['object' => 'whatsapp_business_account', 'entry' => [['id' => '1', 'changes' => [['field' => 'messages', 'value' => [
            'metadata' => ['phone_number_id' => '42'],
            'contacts' => [['profile' => ['name' => 'Dana <b>'], 'wa_id' => $customer]],
            'messages' => [['from' => $customer, 'id' => 'wamid.' . bin2hex(random_bytes(8)), 'timestamp' => (string) time(), 'type' => 'text', 'text' => ['body' => "#SHOP$vendor $text"]]],
        ]]]]]]);
        $report = \Wpwa\cloud_webhook($body, 'sha256=' . hash_hmac('sha256', $body, self::APP_SECRET), self::APP_SECRET, [['vendor_id' => $vendor, 'code' => "SHOP$vendor", 'store_name' => "Shop $vendor"]]);
        self::assertSame($vendor, $report['stored'][0]['vendor_id']);
        return $vendor;
    }

    public function testAnExportHoldsTheCustomersConversationsOnly(): void
    {
        $dana = (string) random_int(15550000000, 15559999999);
        $erik = (string) random_int(4917000000000, 4917099999999);
        $a = self::wrote($dana, 'is the blue mug in stock?');
        $b = self::wrote($dana, 'do you ship to Berlin?');
        self::wrote($erik, 'invoice please');

        // Written the way a billing phone field holds it.
        $export = \Wpwa\privacy_export('+' . substr($dana, 0, 1) . ' (' . substr($dana, 1, 3) . ') ' . substr($dana, 4));
        $byVendor = array_column($export['conversations'], null, 'vendor_id');
        ksort($byVendor);
        $vendors = [$a, $b];
        sort($vendors);
        self::assertSame($vendors, array_keys($byVendor));
        self::assertSame('Dana <b>', $byVendor[$a]['customer_name']);
        self::assertSame('inbound', $byVendor[$a]['messages'][0]['direction']);
        self::assertSame("#SHOP$a is the blue mug in stock?", $byVendor[$a]['messages'][0]['text']);
        self::assertSame("#SHOP$b do you ship to Berlin?", $byVendor[$b]['messages'][0]['text']);
        self::assertSame(0, $export['vendor_replies']);
        self::assertNull($export['asked_for_shop_at']);
        self::assertStringNotContainsString('invoice', json_encode($export));
    }

    public function testAnErasureRemovesTheCustomerAndNobodyElse(): void
    {
        $dana = (string) random_int(15550000000, 15559999999);
        $erik = (string) random_int(15550000000, 15559999999);
        self::wrote($dana, 'one');
        self::wrote($dana, 'two');
        self::wrote($erik, 'three');

        // "other": what WhatsApp told of who she is.
        self::assertSame(['conversations' => 2, 'messages' => 2, 'other' => 1], \Wpwa\privacy_erase("00$dana"));
        self::assertSame([], \Wpwa\privacy_export($dana)['conversations']);
        self::assertCount(1, \Wpwa\privacy_export($erik)['conversations'], 'the other customer keeps theirs');
        self::assertSame(['conversations' => 0, 'messages' => 0, 'other' => 0], \Wpwa\privacy_erase($dana), 'nothing left the second time');
    }

    public function testACustomerWithoutAPhoneIsFoundByUsernameOrUserId(): void
    {
        $bsuid = 'US.' . random_int(10000000000, 99999999999) . random_int(100000000, 999999999);
        $username = '@dana.' . bin2hex(random_bytes(3));
        $vendor = random_int(10000, 99999);
        $body = (string) json_encode(['object' => 'whatsapp_business_account', 'entry' => [['id' => '1', 'changes' => [['field' => 'messages', 'value' => [
            'metadata' => ['phone_number_id' => '42'],
            'contacts' => [['profile' => ['name' => 'Dana', 'username' => $username], 'user_id' => $bsuid]],
            'messages' => [['from_user_id' => $bsuid, 'id' => 'wamid.' . bin2hex(random_bytes(8)), 'timestamp' => (string) time(), 'type' => 'text', 'text' => ['body' => "#SHOP$vendor hello"]]],
        ]]]]]]);
        $report = \Wpwa\cloud_webhook($body, 'sha256=' . hash_hmac('sha256', $body, self::APP_SECRET), self::APP_SECRET, [['vendor_id' => $vendor, 'code' => "SHOP$vendor", 'store_name' => "Shop $vendor"]]);
        self::assertSame($vendor, $report['stored'][0]['vendor_id']);

        self::assertSame([$bsuid], \Wpwa\privacy_customer_keys($username));
        self::assertSame([$bsuid], \Wpwa\privacy_customer_keys(ltrim($username, '@')));
        self::assertSame([$bsuid], \Wpwa\privacy_customer_keys($bsuid));
        $export = \Wpwa\privacy_export($bsuid);
        self::assertSame($username, $export['identity']['username']);
        self::assertNull($export['identity']['phone']);
        self::assertSame("#SHOP$vendor hello", $export['conversations'][0]['messages'][0]['text']);
        self::assertSame(['conversations' => 1, 'messages' => 1, 'other' => 1], \Wpwa\privacy_erase($bsuid));
        self::assertSame([], \Wpwa\privacy_customer_keys($username));
    }

    /** @dataProvider wrongPersonNumbers */
    public function testNumbersThatCouldMatchTheWrongPersonAreRefused(string $number): void
    {
        foreach (['Wpwa\privacy_whatsapp_id', 'Wpwa\privacy_export', 'Wpwa\privacy_erase'] as $function) {
            try {
                $function($number);
                self::fail("$function accepted " . var_export($number, true));
            } catch (\Wpwa\ValidationException $e) {
                self::assertStringContainsString('international form', $e->getMessage());
            }
        }
    }

    public function wrongPersonNumbers(): array
    {
        return [
            'national, no country code' => ['0170 1234567'],
            'too short' => ['12345'],
            'too long' => ['+1234567890123456'],
            'a wildcard' => ['1555%'],
            'SQL' => ["15550001234' OR '1'='1"],
            'empty' => [''],
        ];
    }

    public function testWhatsappIdsAreDigitsWithTheCountryCode(): void
    {
        self::assertSame('491701234567', \Wpwa\privacy_whatsapp_id('+49 (170) 123-4567'));
        self::assertSame('491701234567', \Wpwa\privacy_whatsapp_id('0049 170 1234567'));
    }

    public function testTheRetentionPurgeKeepsAtLeastAMonth(): void
    {
        $customer = (string) random_int(15550000000, 15559999999);
        self::wrote($customer, 'recent');
        self::assertSame(['conversations' => 0, 'messages' => 0, 'other' => 0], \Wpwa\messages_purge(31), 'a conversation of today is kept');
        self::assertCount(1, \Wpwa\privacy_export($customer)['conversations']);
        foreach ([0, 30, -5, 36501] as $days) {
            try {
                \Wpwa\messages_purge($days);
                self::fail("a retention of $days days was accepted");
            } catch (\Wpwa\ValidationException $e) {
                self::assertStringContainsString('31 to 36500 days', $e->getMessage());
            }
        }
    }
}
