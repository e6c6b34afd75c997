<?php

declare(strict_types=1);

namespace Wpwa\Tests;

final class SessionTest extends WpwaTestCase
{
    private const WEBHOOK_KEY = 'gateway-webhook-key-0123456789';

    /** A gateway nobody listens on: loopback's discard port. */
    private const DEAD_GATEWAY = [
        'url' => 'http://127.0.0.1:9',
        'api_key' => 'sandbox-key',
        'webhook_url' => 'http://127.0.0.1/wp-json/wpwa/v1/webhooks/gateway',
        'webhook_key' => self::WEBHOOK_KEY,
        'name_prefix' => 'phpunit',
    ];

    public function testAnUnreachableGatewayIsATransportErrorSayingWhatToCheck(): void
    {
        try {
            \Wpwa\session_connect(random_int(1000, 9999), self::DEAD_GATEWAY);
            self::fail('connected to nothing');
        } catch (\Wpwa\TransportException $e) {
            self::assertStringContainsString('cannot be reached', $e->getMessage());
            self::assertStringContainsString('check the gateway URL', $e->getMessage());
        }
        $this->expectException(\Wpwa\TransportException::class);
        \Wpwa\gateway_test(self::DEAD_GATEWAY);
    }

    public function testConnectAttemptsAreRateLimitedWithARetryTime(): void
    {
        $vendor = random_int(10000, 99999);
        $policy = ['max_starts_per_hour' => 2];
        for ($i = 0; $i < 2; $i++) {
            try {
                \Wpwa\session_connect($vendor, self::DEAD_GATEWAY, $policy);
            } catch (\Wpwa\TransportException $e) {
                // Counted all the same.
            }
        }
        try {
            \Wpwa\session_connect($vendor, self::DEAD_GATEWAY, $policy);
            self::fail('a third attempt went through');
        } catch (\Wpwa\RateLimitedException $e) {
            self::assertStringContainsString('try again in', $e->getMessage());
            self::assertGreaterThan(3500, $e->getCode(), 'the code holds the seconds to wait');
            self::assertLessThanOrEqual(3600, $e->getCode());
        }
    }

    public function testPairingCodesAreRefusedWithACodeThePluginWords(): void
    {
        $vendor = random_int(200000, 299999);
        foreach (['12', '+1 555 abc 0000', ''] as $typed) {
            try {
                \Wpwa\session_pairing_code($vendor, $typed, self::DEAD_GATEWAY);
                self::fail("accepted {$typed}");
            } catch (\Wpwa\PairingException $e) {
                self::assertSame(1, $e->getCode(), "{$typed}: not a WhatsApp number");
                self::assertInstanceOf(\Wpwa\ValidationException::class, $e);
            }
        }
        try {
            \Wpwa\session_pairing_code($vendor, '+1 555 000 1234', self::DEAD_GATEWAY);
            self::fail('a code without a session waiting to be linked');
        } catch (\Wpwa\PairingException $e) {
            self::assertSame(2, $e->getCode(), 'no session waits to be linked');
            self::assertStringContainsString('disconnected', $e->getMessage());
        }
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\session_pairing_code($vendor, '+15550001234', self::DEAD_GATEWAY, ['pairing_code_seconds' => 4]);
    }

    public function testSessionCallsReturnTheTransitionTheyMade(): void
    {
        $vendor = random_int(100000, 199999);
        $status = \Wpwa\session_status($vendor);
        // No session yet: nothing to ask the gateway, nothing moved.
        foreach (['session_refresh', 'session_disconnect'] as $fn) {
            $after = ('Wpwa\\' . $fn)($vendor, self::DEAD_GATEWAY);
            self::assertSame(['from' => null, 'to' => $status['state']], $after['transition'], $fn);
            unset($after['transition']);
            self::assertSame($status, $after, "$fn: the session as session_status() gives it");
        }
    }

    public function testBadConnectionsArePointedOut(): void
    {
        foreach ([
            [[], 'missing field `url`'],
            [['url' => 'http://127.0.0.1:9'], 'missing field `api_key`'],
            [['url' => 'ftp://x', 'api_key' => 'k'], 'http(s)'],
            [['url' => 'http://127.0.0.1:9', 'api_key' => ['k']], 'api_key: invalid type: sequence, expected a string'],
            [['url' => 'http://127.0.0.1:9', 'api_key' => 'k', 'webhook_url' => 'http://127.0.0.1/x', 'webhook_key' => 'short'], 'webhook_key'],
        ] as [$connection, $expected]) {
            try {
                \Wpwa\session_connect(1, $connection);
                self::fail('accepted ' . json_encode($connection));
            } catch (\Wpwa\ValidationException $e) {
                self::assertStringContainsString($expected, $e->getMessage());
            }
        }
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\session_status(1, ['qr_first_seconds' => 0]);
    }

    public function testAForgedOrUnsignedWebhookIsRefused(): void
    {
        $body = (string) json_encode(['id' => 'evt_1', 'timestamp' => 1, 'event' => 'session.status', 'session' => 'phpunit_v1', 'payload' => ['status' => 'WORKING']]);
        foreach ([null, '', hash_hmac('sha512', $body, 'attacker'), 'not-hex'] as $signature) {
            try {
                \Wpwa\session_webhook($body, $signature, self::WEBHOOK_KEY);
                self::fail('accepted signature ' . var_export($signature, true));
            } catch (\Wpwa\AuthException $e) {
                self::assertStringContainsString('gateway webhook refused', $e->getMessage());
            }
        }
    }

    public function testSignedWebhooksAreVerifiedOnTheRawBytes(): void
    {
        $body = '{"id":"evt_raw_' . random_int(1, PHP_INT_MAX) . '","timestamp":1,"event":"session.status","session":"nobody_v1","payload":{"status":"WORKING"}}';
        $outcome = \Wpwa\session_webhook($body, hash_hmac('sha512', $body, self::WEBHOOK_KEY), self::WEBHOOK_KEY);
        self::assertSame('ignored', $outcome['outcome']);
        // The same JSON with other whitespace is other bytes: its signature no longer matches.
        $this->expectException(\Wpwa\AuthException::class);
        \Wpwa\session_webhook(str_replace(',', ', ', $body), hash_hmac('sha512', $body, self::WEBHOOK_KEY), self::WEBHOOK_KEY);
    }

    public function testSignedButMalformedWebhooksAreValidationErrors(): void
    {
        foreach (['not json', '{}', '{"event":"session.status","session":"x","payload":{"status":"DANCING"}}', "\xff\xfe"] as $body) {
            try {
                \Wpwa\session_webhook($body, hash_hmac('sha512', $body, self::WEBHOOK_KEY), self::WEBHOOK_KEY);
                self::fail('accepted ' . bin2hex($body));
            } catch (\Wpwa\ValidationException $e) {
                self::assertStringContainsString('gateway webhook refused', $e->getMessage());
            }
        }
    }

    public function testHistoryStartsEmptyAndValidatesItsLimit(): void
    {
        self::assertSame([], \Wpwa\session_history(random_int(100000, 999999)));
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\session_history(1, 0);
    }
}
