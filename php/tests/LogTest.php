<?php

declare(strict_types=1);

namespace Wpwa\Tests;

final class LogTest extends WpwaTestCase
{
    private static int $vendor = 0;

    protected function setUp(): void
    {
        // Each test writes under its own vendor id, so tests never see each other's rows.
        self::$vendor = random_int(100000, 999999999);
    }

    public function testWriteThenQueryReturnsTheEntry(): void
    {
        $before = time();
        $id = \Wpwa\log_write(self::$vendor, 'warning', 'sync', 'Three products were rejected', ['rejected' => 3, 'ids' => [11, 12, 13]]);
        self::assertGreaterThan(0, $id);

        $page = \Wpwa\log_query(['vendor_id' => self::$vendor]);
        self::assertSame(1, $page['total']);
        $entry = $page['entries'][0];
        self::assertSame($id, $entry['id']);
        self::assertSame(self::$vendor, $entry['vendor_id']);
        self::assertSame('warning', $entry['level']);
        self::assertSame('sync', $entry['kind']);
        self::assertSame('Three products were rejected', $entry['message']);
        self::assertSame(['rejected' => 3, 'ids' => [11, 12, 13]], $entry['context']);
        self::assertGreaterThanOrEqual($before, $entry['created_at']);
        self::assertLessThanOrEqual(time(), $entry['created_at']);
        self::assertNull($entry['code'], 'an entry written without a code has none');
        self::assertSame([], $entry['params']);
    }

    public function testAnEventIsStoredAsItsCodeAndParams(): void
    {
        $vendor = random_int(100000, 999999999);
        \Wpwa\log_write($vendor, 'info', 'sync', 'Catalog sync started: 3 changes to send.', ['job_id' => 9], 'sync_started', ['total' => 3, 'secret' => 'hunter2']);
        $entry = \Wpwa\log_query(['vendor_id' => $vendor])['entries'][0];
        self::assertSame('sync_started', $entry['code']);
        self::assertSame(['total' => 3, 'secret' => '[redacted]'], $entry['params'], 'params are redacted like the context');
        self::assertSame(['job_id' => 9], $entry['context']);

        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\log_write($vendor, 'info', 'sync', 'x', null, 'Not A Code');
    }

    public function testQueryFiltersAndPages(): void
    {
        for ($i = 0; $i < 25; $i++) {
            \Wpwa\log_write(self::$vendor, $i % 5 === 0 ? 'error' : 'info', $i % 2 ? 'session' : 'sync', "event $i");
        }
        \Wpwa\log_write(self::$vendor + 1, 'error', 'sync', 'another vendor');

        self::assertSame(25, \Wpwa\log_query(['vendor_id' => self::$vendor])['total']);
        self::assertSame(5, \Wpwa\log_query(['vendor_id' => self::$vendor, 'level' => 'error'])['total']);
        self::assertSame(12, \Wpwa\log_query(['vendor_id' => self::$vendor, 'kind' => 'session'])['total']);
        self::assertSame(0, \Wpwa\log_query(['vendor_id' => self::$vendor, 'since' => time() + 3600])['total']);
        self::assertSame(25, \Wpwa\log_query(['vendor_id' => self::$vendor, 'since' => time() - 3600, 'until' => time() + 5])['total']);

        $first = \Wpwa\log_query(['vendor_id' => self::$vendor, 'limit' => 10]);
        $second = \Wpwa\log_query(['vendor_id' => self::$vendor, 'limit' => 10, 'offset' => 10]);
        self::assertCount(10, $first['entries']);
        self::assertSame('event 24', $first['entries'][0]['message'], 'newest first');
        self::assertSame('event 14', $second['entries'][0]['message']);
        $ids = array_merge(array_column($first['entries'], 'id'), array_column($second['entries'], 'id'));
        self::assertSame($ids, array_unique($ids), 'pages do not overlap');
        foreach ($first['entries'] as $entry) {
            self::assertSame(self::$vendor, $entry['vendor_id']);
        }
    }

    public function testSecretsAreRedactedInMessageAndContext(): void
    {
        $jwt = \Wpwa\jwt_issue(self::SECRET, 5, 'status:read', self::AUDIENCE, 60);
        \Wpwa\log_write(self::$vendor, 'info', 'auth', "Called the API with Authorization: Bearer s3cr3t-value and $jwt", [
            'access_token' => 'EAAGsecret',
            'api_key' => 'gateway-key',
            'nested' => ['app_secret' => 'shh', 'phone' => '+15550100'],
        ]);
        $entry = \Wpwa\log_query(['vendor_id' => self::$vendor])['entries'][0];
        $stored = json_encode($entry);
        foreach (['s3cr3t-value', $jwt, 'EAAGsecret', 'gateway-key', 'shh'] as $secret) {
            self::assertStringNotContainsString($secret, (string) $stored);
        }
        self::assertSame('+15550100', $entry['context']['nested']['phone']);
        self::assertSame('[redacted]', $entry['context']['api_key']);

        $raw = (string) file_get_contents(WPWA_TEST_STORE) . (string) @file_get_contents(WPWA_TEST_STORE . '-wal');
        self::assertStringNotContainsString('s3cr3t-value', $raw, 'the secret is not in the SQLite file either');
        self::assertStringNotContainsString('gateway-key', $raw);
    }

    public function testCoreEventsLandInTheLog(): void
    {
        // Opening a fresh store migrates it, which the core reports through tracing.
        $dir = dirname(WPWA_TEST_STORE);
        [$code, $out] = self::runIsolated(<<<PHP
            \\Wpwa\\store_open('$dir/events-' . getmypid() . '.sqlite');
            echo json_encode(\\Wpwa\\log_query(['kind' => 'store']));
            PHP);
        self::assertSame(0, $code, $out);
        $page = json_decode($out, true);
        $schema = \Wpwa\info()['schema_version'];
        self::assertSame($schema, $page['total'], 'one entry per migration');
        $oldest = end($page['entries']);
        self::assertSame('Store schema migrated to version 1', $oldest['message']);
        self::assertSame(0, $oldest['vendor_id']);
        self::assertSame(1, $oldest['context']['schema_version']);
        self::assertSame('store_migrated', $oldest['code'], 'a core event carries its code');
        self::assertSame("Store schema migrated to version $schema", $page['entries'][0]['message']);
    }

    /** @dataProvider refusedEntries */
    public function testBadEntriesAreRefusedAndNothingIsStored(int $vendor, string $level, string $kind, string $message, ?array $context, string $expected): void
    {
        $vendorForCheck = self::$vendor;
        try {
            \Wpwa\log_write($vendor === -1 ? -1 : $vendorForCheck, $level, $kind, $message, $context);
            self::fail('a bad entry was accepted');
        } catch (\Wpwa\ValidationException $e) {
            self::assertStringContainsString($expected, $e->getMessage());
        }
        self::assertSame(0, \Wpwa\log_query(['vendor_id' => $vendorForCheck])['total']);
    }

    public function refusedEntries(): array
    {
        $deep = ['x' => 1];
        for ($i = 0; $i < 12; $i++) {
            $deep = ['x' => $deep];
        }
        return [
            'negative vendor' => [-1, 'info', 'sync', 'm', null, 'vendor_id'],
            'unknown level' => [1, 'fatal', 'sync', 'm', null, 'unknown log level'],
            'empty kind' => [1, 'info', '', 'm', null, 'invalid log kind'],
            'kind with markup' => [1, 'info', '<script>', 'm', null, 'invalid log kind'],
            'empty message' => [1, 'info', 'sync', '  ', null, 'empty'],
            'NUL in message' => [1, 'info', 'sync', "a\0b", null, 'NUL'],
            'oversized message' => [1, 'info', 'sync', str_repeat('x', 4001), null, 'longer than 4000'],
            'list context' => [1, 'info', 'sync', 'm', [1, 2, 3], 'associative array'],
            'object in context' => [1, 'info', 'sync', 'm', ['o' => new \stdClass()], 'not objects'],
            'deep context' => [1, 'info', 'sync', 'm', $deep, 'nested deeper'],
            'huge context' => [1, 'info', 'sync', 'm', ['blob' => str_repeat('y', 20000)], 'larger than'],
            'too many values' => [1, 'info', 'sync', 'm', ['list' => range(1, 5000)], 'more than'],
            'non-finite number' => [1, 'info', 'sync', 'm', ['n' => INF], 'non-finite'],
            'invalid UTF-8' => [1, 'info', 'sync', 'm', ['s' => "\xff\xfe"], 'UTF-8'],
        ];
    }

    /** @dataProvider refusedFilters */
    public function testBadFiltersAreRefused(array $filter, string $expected): void
    {
        $this->expectException(\Wpwa\ValidationException::class);
        $this->expectExceptionMessage($expected);
        \Wpwa\log_query($filter);
    }

    public function refusedFilters(): array
    {
        return [
            'unknown key' => [['vendor' => 1], 'unknown field `vendor`'],
            'string vendor' => [['vendor_id' => '1 OR 1=1'], 'vendor_id: invalid type: string'],
            'negative vendor' => [['vendor_id' => -3], 'vendor_id must be between 0'],
            'zero limit' => [['limit' => 0], 'page size'],
            'huge limit' => [['limit' => 100000], 'page size'],
            'negative offset' => [['offset' => -1], 'offset'],
            'unknown level' => [['level' => 'loud'], 'unknown log level'],
            'kind injection' => [['kind' => "x' OR '1'='1"], 'invalid log kind'],
            'array level' => [['level' => ['info']], 'level: invalid type: sequence, expected a string'],
        ];
    }
}
