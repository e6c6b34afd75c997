<?php
/**
 * The store on MariaDB through the binding: opening the WordPress database,
 * moving a SQLite store into it, dropping its tables. The database tests need
 * a MariaDB server reachable as root over the socket in WPWA_TEST_MARIADB
 * (scripts/test starts one); without it they are skipped.
 */

declare(strict_types=1);

namespace Wpwa\Tests;

final class StoreDatabaseTest extends WpwaTestCase
{
    private const DATABASE = 'wpwa_php_tests';

    /** @return array<string,mixed> */
    private static function options(string $prefix): array
    {
        $socket = getenv('WPWA_TEST_MARIADB');
        if (!is_string($socket) || $socket === '') {
            self::markTestSkipped('WPWA_TEST_MARIADB (a MariaDB socket) is not set');
        }
        return ['host' => 'localhost:' . $socket, 'user' => 'root', 'database' => self::DATABASE, 'prefix' => $prefix];
    }

    public function testOptionsTheCoreRefusesLeaveTheWorkerOnItsStore(): void
    {
        foreach ([
            ['user' => 'wp', 'database' => 'wp', 'prefix' => 'wp-;DROP'],
            ['user' => '', 'database' => 'wp'],
            ['user' => 'wp', 'database' => ''],
        ] as $options) {
            try {
                \Wpwa\store_open_database($options);
                self::fail('accepted ' . json_encode($options));
            } catch (\Wpwa\StorageException $e) {
                self::assertNotSame('', $e->getMessage());
            }
        }
        self::assertSame('sqlite', \Wpwa\info()['store_engine']);
        self::assertSame(WPWA_TEST_STORE, \Wpwa\info()['store_location']);
    }

    public function testAWorkerOnTheWordPressDatabaseStoresAndReadsThere(): void
    {
        $options = self::options('phpopen_');
        $code = sprintf(
            '$o = %s; \Wpwa\store_open_database($o); \Wpwa\log_write(0, "info", "test", "on mariadb");'
            . ' $i = \Wpwa\info(); echo json_encode([$i["store_engine"], $i["store_location"], $i["schema_version"], \Wpwa\log_query(["kind" => "test"])["total"]]);'
            . ' \Wpwa\store_drop_database_tables($o);',
            var_export($options, true)
        );
        [$exit, $out] = self::runIsolated($code);
        self::assertSame(0, $exit, $out);
        [$engine, $location, $schema, $rows] = json_decode($out, true, 512, JSON_THROW_ON_ERROR);
        self::assertSame('mariadb', $engine);
        self::assertStringContainsString(self::DATABASE, $location);
        self::assertStringContainsString('phpopen_wpwa_*', $location);
        self::assertStringNotContainsString('password', $location);
        self::assertGreaterThanOrEqual(1, $schema);
        self::assertSame(1, $rows);
    }

    public function testMovingTheStoreCopiesEveryRowAndRefusesASecondCopy(): void
    {
        $options = self::options('phpmove_');
        \Wpwa\store_drop_database_tables($options);
        for ($i = 0; $i < 25; $i++) {
            \Wpwa\log_write(0, 'info', 'test', "row $i ünïcødé 💬", ['i' => $i]);
        }

        $report = \Wpwa\store_move_to_database(WPWA_TEST_STORE, $options);
        self::assertTrue($report['ok'], (string) $report['error']);
        self::assertNull($report['error']);
        self::assertNotEmpty($report['tables']);
        $rows = 0;
        foreach ($report['tables'] as $table) {
            self::assertSame($table['source_rows'], $table['target_rows'], $table['table']);
            self::assertSame($table['source_hash'], $table['target_hash'], $table['table']);
            $rows += $table['target_rows'];
        }
        self::assertGreaterThanOrEqual(25, $rows);

        $again = \Wpwa\store_move_to_database(WPWA_TEST_STORE, $options);
        self::assertFalse($again['ok']);
        self::assertSame('target_not_empty', $again['error']);

        self::assertGreaterThan(0, \Wpwa\store_drop_database_tables($options));
        self::assertSame(0, \Wpwa\store_drop_database_tables($options));
        self::assertSame('sqlite', \Wpwa\info()['store_engine'], 'moving does not switch the worker');
        self::assertGreaterThanOrEqual(25, \Wpwa\log_query()['total']);
    }

    public function testAnUnreachableDatabaseIsAStorageErrorAndTheFileStaysAsItWas(): void
    {
        \Wpwa\log_write(0, 'info', 'test', 'before a failed move');
        clearstatcache();
        $size = filesize(WPWA_TEST_STORE);
        try {
            \Wpwa\store_move_to_database(WPWA_TEST_STORE, ['host' => 'localhost:/nonexistent/mysqld.sock', 'user' => 'wp', 'database' => 'wp']);
            self::fail('moved to a database that does not exist');
        } catch (\Wpwa\StorageException $e) {
            self::assertStringNotContainsString('secret', $e->getMessage());
        }
        clearstatcache();
        self::assertSame($size, filesize(WPWA_TEST_STORE));
        self::assertSame('sqlite', \Wpwa\info()['store_engine']);
    }
}
