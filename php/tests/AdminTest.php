<?php

declare(strict_types=1);

namespace Wpwa\Tests;

/** The admin console's calls: log purge, kinds, CSV export, store stats, messages this month, connection test. */
final class AdminTest extends WpwaTestCase
{
    public function testCsvExportFollowsTheFilterAndRedactsSecrets(): void
    {
        $vendor = random_int(100000, 999999999);
        \Wpwa\log_write($vendor, 'info', 'adminkind', 'first, with "quotes"');
        \Wpwa\log_write($vendor, 'error', 'adminkind', '=cmd|x', ['access_token' => 'EAAB-not-for-csv']);
        \Wpwa\log_write($vendor + 1, 'error', 'adminkind', 'someone else');

        $csv = \Wpwa\log_export_csv(['vendor_id' => $vendor, 'limit' => 1, 'offset' => 0]);
        $rows = array_map('str_getcsv', array_filter(explode("\r\n", $csv)));
        self::assertSame(['id', 'time', 'vendor_id', 'level', 'kind', 'message', 'context', 'code', 'params'], $rows[0]);
        self::assertCount(3, $rows, 'the page size does not cut an export');
        self::assertSame("'=cmd|x", $rows[1][5], 'a formula is neutralised');
        self::assertSame('first, with "quotes"', $rows[2][5]);
        self::assertStringNotContainsString('EAAB-not-for-csv', $csv);
        self::assertMatchesRegularExpression('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $rows[1][1]);

        self::assertContains('adminkind', \Wpwa\log_kinds());
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\log_export_csv(['level' => 'fatal']);
    }

    public function testPurgeDeletesOnlyOlderEntries(): void
    {
        $vendor = random_int(100000, 999999999);
        \Wpwa\log_write($vendor, 'info', 'purge', 'kept');
        self::assertSame(0, \Wpwa\log_purge(time() - 3600), 'nothing is older than an hour');
        self::assertSame(1, \Wpwa\log_query(['vendor_id' => $vendor])['total']);
        self::assertGreaterThanOrEqual(1, \Wpwa\log_purge(time() + 10));
        self::assertSame(0, \Wpwa\log_query(['vendor_id' => $vendor])['total']);
    }

    public function testStoreStatsNameTheFileItsSizeAndRows(): void
    {
        \Wpwa\log_write(0, 'info', 'stats', 'one row at least');
        $stats = \Wpwa\store_stats();
        self::assertSame(WPWA_TEST_STORE, $stats['path']);
        self::assertGreaterThan(4096, $stats['size_bytes']);
        self::assertSame(\Wpwa\info()['schema_version'], $stats['schema_version']);
        self::assertGreaterThanOrEqual(1, $stats['tables']['activity_log']);
        self::assertArrayHasKey('catalog_item', $stats['tables']);
    }

    public function testMessagesThisMonthOfAQuietVendor(): void
    {
        self::assertSame(0, \Wpwa\messages_this_month(random_int(100000, 999999999)));
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\messages_this_month(0);
    }

    public function testConnectionTestReportsEachStepWithoutThrowing(): void
    {
        $checks = \Wpwa\cloud_test([
            'url' => 'http://127.0.0.1:9', 'version' => 'v21.0', 'token' => 'secret-token-value',
            'phone_number_id' => '1234', 'waba_id' => '', 'catalog_id' => '5678',
        ]);
        self::assertSame(['phone_number', 'business_account', 'catalog'], array_column($checks, 'name'));
        self::assertSame([false, false, false], array_column($checks, 'ok'));
        self::assertSame('not set', $checks[1]['detail']);
        self::assertStringContainsString('cannot be reached', $checks[0]['detail']);
        self::assertStringNotContainsString('secret-token-value', json_encode($checks));

        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\cloud_test(['url' => 'http://127.0.0.1:9', 'token' => '']);
    }
}
