<?php

declare(strict_types=1);

namespace Wpwa\Tests;

/**
 * Automatic replies, the vendor menu and response metrics through the PHP API. The
 * Cloud API here is a closed port: what must not call it answers without a call, and
 * what must call it fails as a transport error.
 */
final class AutoReplyTest extends WpwaTestCase
{
    private const APP_SECRET = 'auto-reply-app-secret';
    private const DEAD_API = ['url' => 'http://127.0.0.1:9', 'version' => 'v21.0', 'token' => 'sandbox-token', 'phone_number_id' => '100000000000001'];
    private const MONDAY_TEN = ['weekday' => 0, 'minute' => 600];

    /** A customer writes "#SHOP<vendor> …" to the marketplace; returns [vendor, customer]. */
    private static function customerWrote(): array
    {
        $vendor = random_int(10000, 99999);
        $customer = (string) random_int(15550000000, 15559999999);
        $body = (string) json_encode(['object' => 'whatsapp_business_account', 'entry' => [['id' => '1', 'changes' => [['field' => 'messages', 'value' => [
            'metadata' => ['phone_number_id' => '42'],
            'contacts' => [['profile' => ['name' => 'Dana'], 'wa_id' => $customer]],
            'messages' => [['from' => $customer, 'id' => 'wamid.' . bin2hex(random_bytes(8)), 'timestamp' => (string) time(), 'type' => 'text', 'text' => ['body' => "Hi #SHOP$vendor"]]],
        ]]]]]]);
        $report = \Wpwa\cloud_webhook($body, 'sha256=' . hash_hmac('sha256', $body, self::APP_SECRET), self::APP_SECRET, [['vendor_id' => $vendor, 'code' => "SHOP$vendor", 'store_name' => "Shop $vendor"]]);
        self::assertSame($vendor, $report['stored'][0]['vendor_id']);
        return [$vendor, $customer];
    }

    public function testRepliesTurnedOffAnswerWithoutCallingTheApi(): void
    {
        [$vendor, $customer] = self::customerWrote();
        $off = ['acknowledgement' => '', 'away_message' => null, 'hours' => null];
        self::assertSame(['sent' => false, 'reason' => 'off'], \Wpwa\message_auto_reply($vendor, $customer, $off, self::MONDAY_TEN, 'Shop', self::DEAD_API));
        // Closed on Mondays, no away message: off too.
        $closedMonday = ['acknowledgement' => 'Thanks from {vendor}', 'hours' => [null, null, null, null, null, null, null]];
        self::assertSame(['sent' => false, 'reason' => 'off'], \Wpwa\message_auto_reply($vendor, $customer, $closedMonday, self::MONDAY_TEN, 'Shop', self::DEAD_API));
    }

    public function testAnApplicableReplyIsSentAndAnUnreachableApiIsATransportError(): void
    {
        [$vendor, $customer] = self::customerWrote();
        $this->expectException(\Wpwa\TransportException::class);
        \Wpwa\message_auto_reply($vendor, $customer, ['acknowledgement' => 'Thanks! {vendor} will answer soon.', 'hours' => null], self::MONDAY_TEN, 'Shop', self::DEAD_API);
    }

    /** @dataProvider badReplies */
    public function testMalformedPreferencesAndTimesAreRefused(array $replies, array $time, string $expected): void
    {
        $this->expectException(\Wpwa\ValidationException::class);
        $this->expectExceptionMessage($expected);
        \Wpwa\message_auto_reply(7, '15550001111', $replies, $time, 'Shop', self::DEAD_API);
    }

    public function badReplies(): array
    {
        $day = ['open' => '09:00', 'close' => '17:00'];
        return [
            'six days' => [['hours' => array_fill(0, 6, $day)], self::MONDAY_TEN, 'seven days'],
            'bad time' => [['hours' => array_fill(0, 7, ['open' => '9am', 'close' => '17:00'])], self::MONDAY_TEN, 'a time like 09:30'],
            'minute 60' => [['hours' => array_fill(0, 7, ['open' => '09:60', 'close' => '17:00'])], self::MONDAY_TEN, 'a time like 09:30'],
            'text not a string' => [['acknowledgement' => ['x']], self::MONDAY_TEN, 'acknowledgement: invalid type: sequence, expected a string'],
            'weekday 7' => [[], ['weekday' => 7, 'minute' => 0], 'weekday'],
            'minute 1440' => [[], ['weekday' => 0, 'minute' => 1440], 'minute'],
        ];
    }

    public function testTheVendorMenuNeedsVendorsAndTheWindow(): void
    {
        try {
            \Wpwa\message_vendor_menu('15550001111', [], 'Which shop?', 'Shops', self::DEAD_API);
            self::fail('an empty menu was accepted');
        } catch (\Wpwa\ValidationException $e) {
            self::assertStringContainsString('1 to 10 rows', $e->getMessage());
        }
        $vendors = [['vendor_id' => 5, 'code' => 'ACME', 'store_name' => 'Acme Store']];
        try {
            \Wpwa\message_vendor_menu((string) random_int(15550000000, 15559999999), $vendors, 'Which shop?', 'Shops', self::DEAD_API);
            self::fail('a menu went to a customer who never wrote');
        } catch (\Wpwa\ValidationException $e) {
            self::assertStringContainsString('24 hours', $e->getMessage());
        }
    }

    public function testResponseMetricsCountAnOpenTurnAsPending(): void
    {
        [$vendor] = self::customerWrote();
        $metrics = \Wpwa\response_metrics($vendor, time() - 86400);
        self::assertSame(['turns' => 1, 'answered' => 0, 'pending' => 1, 'response_rate' => null, 'average_response_seconds' => null], $metrics);
        self::assertSame(['turns' => 0, 'answered' => 0, 'pending' => 0, 'response_rate' => null, 'average_response_seconds' => null], \Wpwa\response_metrics($vendor + 1, 0));
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\response_metrics(0, 0);
    }
}
