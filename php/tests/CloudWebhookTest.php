<?php

declare(strict_types=1);

namespace Wpwa\Tests;

final class CloudWebhookTest extends WpwaTestCase
{
    private const APP_SECRET = 'cloud-app-secret-for-tests';

    private static function body(string $wamid, string $text, string $from = '15550009'): string
    {
        return (string) json_encode(['object' => 'whatsapp_business_account', 'entry' => [['id' => '1', 'changes' => [['field' => 'messages', 'value' => [
            'metadata' => ['phone_number_id' => '42'],
            'contacts' => [['profile' => ['name' => 'Dana'], 'wa_id' => $from]],
            'messages' => [['from' => $from, 'id' => $wamid, 'timestamp' => (string) time(), 'type' => 'text', 'text' => ['body' => $text]]],
        ]]]]]]);
    }

    private static function sign(string $body): string
    {
        return 'sha256=' . hash_hmac('sha256', $body, self::APP_SECRET);
    }

    public function testTheHandshake(): void
    {
        self::assertSame('1158201444', \Wpwa\cloud_handshake('subscribe', 'verify-me', '1158201444', 'verify-me'));
        self::assertNull(\Wpwa\cloud_handshake('subscribe', 'wrong', '1158201444', 'verify-me'));
    }

    public function testASignedMessageIsRoutedStoredOnceAndListed(): void
    {
        $vendor = random_int(1000, 9999);
        $customer = (string) random_int(15550000000, 15559999999);
        $wamid = 'wamid.' . bin2hex(random_bytes(8));
        $body = self::body($wamid, "Hello #SHOP$vendor, do you ship?", $customer);
        $directory = [['vendor_id' => $vendor, 'code' => "SHOP$vendor", 'store_name' => "Shop $vendor"]];

        $report = \Wpwa\cloud_webhook($body, self::sign($body), self::APP_SECRET, $directory);
        self::assertSame([['wamid' => $wamid, 'vendor_id' => $vendor, 'conversation_id' => $report['stored'][0]['conversation_id'], 'rule' => 'vendor_code', 'conversation' => \Wpwa\conversation($vendor, $report['stored'][0]['conversation_id'])]], $report['stored']);
        $again = \Wpwa\cloud_webhook($body, self::sign($body), self::APP_SECRET, $directory);
        self::assertSame([[], 1], [$again['stored'], $again['duplicates']]);

        [$conversation] = \Wpwa\conversations($vendor);
        self::assertSame([$customer, 'Dana', "Hello #SHOP$vendor, do you ship?", 1], [$conversation['customer'], $conversation['customer_name'], $conversation['last_text'], $conversation['unread']]);
        self::assertSame($conversation, \Wpwa\conversation($vendor, $report['stored'][0]['conversation_id']));
        self::assertNull(\Wpwa\conversation($vendor + 1, $report['stored'][0]['conversation_id']), 'not through another vendor');
    }

    public function testTheEarlyIngestPathRefusesWhatTheFullRouteRefusesAndQueuesOnce(): void
    {
        $body = self::body('wamid.' . bin2hex(random_bytes(8)), 'Hello');
        foreach ([null, 'sha256=00', 'sha256=' . hash_hmac('sha256', $body, 'not-the-secret')] as $signature) {
            try {
                \Wpwa\webhook_accept($body, $signature, self::APP_SECRET);
                self::fail('a forged or missing signature is refused');
            } catch (\Wpwa\AuthException $e) {
                self::assertStringContainsString('webhook refused', $e->getMessage());
            }
        }
        $malformed = substr($body, 0, -3);
        try {
            \Wpwa\webhook_accept($malformed, self::sign($malformed), self::APP_SECRET);
            self::fail('a malformed body is refused');
        } catch (\Wpwa\ValidationException $e) {
            self::assertNotSame(413, $e->getCode());
        }
        $huge = str_repeat(' ', 256 * 1024 + 1);
        try {
            \Wpwa\webhook_accept($huge, null, self::APP_SECRET);
            self::fail('an oversized body is refused');
        } catch (\Wpwa\ValidationException $e) {
            self::assertSame(413, $e->getCode(), 'the code is the HTTP status the routes answer');
        }

        $before = \Wpwa\webhook_queue_stats()['pending'];
        self::assertTrue(\Wpwa\webhook_accept($body, self::sign($body), self::APP_SECRET));
        self::assertFalse(\Wpwa\webhook_accept($body, self::sign($body), self::APP_SECRET), 'a redelivery waiting in the queue');
        self::assertSame($before + 1, \Wpwa\webhook_queue_stats()['pending']);
    }

    public function testTheDrainRoutesQueuedMessagesAsTheFullRouteDoesAndEmptiesTheQueue(): void
    {
        $vendor = random_int(100000, 199999);
        \Wpwa\directory_put($vendor, "DRAIN$vendor", "Drain Shop $vendor");
        $customer = (string) random_int(15550000000, 15559999999);
        $wamid = 'wamid.' . bin2hex(random_bytes(8));
        $body = self::body($wamid, "Hello #DRAIN$vendor, is it in stock?", $customer);
        self::assertTrue(\Wpwa\webhook_accept($body, self::sign($body), self::APP_SECRET));

        $stored = [];
        do {
            $drained = \Wpwa\webhook_queue_drain([]);
            foreach ($drained['reports'] as $report) {
                $stored = array_merge($stored, array_values(array_filter($report['stored'], static fn (array $row): bool => $row['wamid'] === $wamid)));
            }
        } while ([] !== $drained['reports']);
        self::assertSame(0, $drained['queue']['pending']);
        self::assertNull($drained['queue']['oldest_received_at']);
        self::assertNull($drained['queue']['next_due_at']);
        self::assertNull($drained['interrupted']);
        self::assertCount(1, $stored);
        self::assertSame([$vendor, 'vendor_code'], [$stored[0]['vendor_id'], $stored[0]['rule']]);
        self::assertSame("Hello #DRAIN$vendor, is it in stock?", \Wpwa\conversations($vendor)[0]['last_text']);
        self::assertSame(1, \Wpwa\conversations($vendor)[0]['unread'], 'stored once');
    }

    public function testEscapedStoreNamesGiveDecodedNamesAndUniqueCodesThatRoute(): void
    {
        $bolt = random_int(10000, 49999);
        $alike = $bolt + 1;
        $escaped = "Bolt &amp; Co Gadgets $bolt";
        $directory = [
            ['vendor_id' => $alike, 'code' => '', 'store_name' => "Bolt Co Gadgets $bolt"],
            ['vendor_id' => $bolt, 'code' => '', 'store_name' => $escaped],
        ];
        $code = substr("BOLTCOGADGETS$bolt", 0, 20);
        self::assertSame([
            ['vendor_id' => $bolt, 'code' => $code, 'store_name' => "Bolt & Co Gadgets $bolt"],
            ['vendor_id' => $alike, 'code' => substr($code, 0, 20 - strlen((string) $alike)) . $alike, 'store_name' => "Bolt Co Gadgets $bolt"],
        ], \Wpwa\vendor_directory($directory));

        $customer = (string) random_int(15550000000, 15559999999);
        $wamid = 'wamid.' . bin2hex(random_bytes(8));
        $body = self::body($wamid, "Hi #$code, is the lamp in stock?", $customer);
        $report = \Wpwa\cloud_webhook($body, self::sign($body), self::APP_SECRET, $directory);
        self::assertSame([$bolt, 'vendor_code'], [$report['stored'][0]['vendor_id'], $report['stored'][0]['rule']]);
    }

    public function testAccountUpdatesChangeTheAccountStateOnceAndInOrder(): void
    {
        $waba = (string) random_int(100000000000000, 999999999999999);
        $update = static fn (array $value, int $time): string => (string) json_encode(['object' => 'whatsapp_business_account', 'entry' => [
            ['id' => $waba, 'time' => $time, 'changes' => [['field' => 'account_update', 'value' => $value]]],
        ]]);
        self::assertNull(\Wpwa\business_account($waba), 'no event seen yet');

        $offboarded = $update(['event' => 'ACCOUNT_OFFBOARDED'], 1_000);
        $report = \Wpwa\cloud_webhook($offboarded, self::sign($offboarded), self::APP_SECRET, []);
        self::assertSame([[
            'waba_id' => $waba, 'from' => 'connected', 'to' => 'offboarded', 'event' => 'ACCOUNT_OFFBOARDED',
            'reason' => null, 'initiated_by' => null, 'phone_number' => null,
        ]], $report['account_changes']);
        $again = \Wpwa\cloud_webhook($offboarded, self::sign($offboarded), self::APP_SECRET, []);
        self::assertSame([], $again['account_changes'], 'a redelivery changes nothing');

        $removed = $update(['event' => 'PARTNER_REMOVED', 'phone_number' => '15550783881', 'disconnection_info' => ['reason' => 'CHANGE_NUMBER', 'initiated_by' => 'USER']], 2_000);
        $report = \Wpwa\cloud_webhook($removed, self::sign($removed), self::APP_SECRET, []);
        self::assertSame(['offboarded', 'disconnected', 'CHANGE_NUMBER', 'USER'], [
            $report['account_changes'][0]['from'], $report['account_changes'][0]['to'],
            $report['account_changes'][0]['reason'], $report['account_changes'][0]['initiated_by'],
        ]);
        $late = \Wpwa\cloud_webhook($offboarded, self::sign($offboarded), self::APP_SECRET, []);
        self::assertSame([], $late['account_changes'], 'an older event changes nothing');

        $account = \Wpwa\business_account($waba);
        self::assertSame(['disconnected', 'PARTNER_REMOVED', 'CHANGE_NUMBER', '15550783881', 2000], [
            $account['state'], $account['last_event'], $account['reason'], $account['phone_number'], $account['event_at'],
        ]);
        $listed = array_values(array_filter(\Wpwa\business_accounts(), static fn (array $a): bool => $a['waba_id'] === $waba));
        self::assertSame([$account], $listed);
    }

    public function testForgedUnsignedAndMalformedWebhooksStoreNothing(): void
    {
        $body = self::body('wamid.forged', 'hi');
        foreach ([null, '', 'sha256=' . hash_hmac('sha256', $body, 'attacker'), 'md5=abc'] as $signature) {
            try {
                \Wpwa\cloud_webhook($body, $signature, self::APP_SECRET, []);
                self::fail('accepted ' . var_export($signature, true));
            } catch (\Wpwa\AuthException $e) {
                self::assertStringContainsString('webhook refused', $e->getMessage());
            }
        }
        foreach (['{not json', '{"object":"page"}', str_repeat(' ', 300000)] as $bad) {
            try {
                \Wpwa\cloud_webhook($bad, self::sign($bad), self::APP_SECRET, []);
                self::fail('accepted a malformed body');
            } catch (\Wpwa\ValidationException $e) {
                self::assertNotSame('', $e->getMessage());
            }
        }
        $stored = array_filter(\Wpwa\conversations(0, 200), static fn ($c) => $c['last_text'] === 'hi');
        self::assertSame([], $stored, 'nothing from the refused webhooks reached the marketplace team');
    }
}
