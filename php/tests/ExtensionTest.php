<?php

declare(strict_types=1);

namespace Wpwa\Tests;

final class ExtensionTest extends WpwaTestCase
{
    public function testVersionMatchesTheCrate(): void
    {
        $cargo = (string) file_get_contents(__DIR__ . '/../../Cargo.toml');
        self::assertMatchesRegularExpression('/^version = "([^"]+)"/m', $cargo);
        preg_match('/^version = "([^"]+)"/m', $cargo, $m);
        self::assertSame($m[1], \Wpwa\version());
        self::assertSame($m[1], phpversion('wpwa') ?: \Wpwa\version());
    }

    public function testInfoDescribesBuildAndStore(): void
    {
        $info = \Wpwa\info();
        self::assertSame(['version', 'build', 'php_api', 'store_path', 'store_engine', 'store_location', 'schema_version', 'write_transactions'], array_keys($info));
        self::assertIsInt($info['write_transactions']);
        self::assertGreaterThanOrEqual(0, $info['write_transactions']);
        self::assertSame(\Wpwa\version(), $info['version']);
        self::assertMatchesRegularExpression('/\((release|debug)\)$/', $info['build']);
        self::assertSame(20220829, $info['php_api'], 'built against PHP 8.2');
        self::assertSame(WPWA_TEST_STORE, $info['store_path']);
        self::assertSame('sqlite', $info['store_engine']);
        self::assertSame(WPWA_TEST_STORE, $info['store_location']);
        self::assertGreaterThanOrEqual(1, $info['schema_version']);
    }

    public function testTheStoreIsAPrivateWalDatabase(): void
    {
        \Wpwa\log_write(0, 'info', 'test', 'touch the store');
        self::assertFileExists(WPWA_TEST_STORE);
        self::assertSame('0600', substr(sprintf('%o', fileperms(WPWA_TEST_STORE)), -4));
        self::assertSame('SQLite format 3', substr((string) file_get_contents(WPWA_TEST_STORE, false, null, 0, 15), 0, 15));
        self::assertFileExists(WPWA_TEST_STORE . '-wal', 'WAL mode keeps a write-ahead log beside the file');
    }

    public function testStoreOpenRefusesUnusablePaths(): void
    {
        foreach (['', 'relative/wpwa.sqlite', "/tmp/a\0b.sqlite", '/' . str_repeat('a', 5000)] as $bad) {
            try {
                \Wpwa\store_open($bad);
                self::fail('accepted ' . json_encode($bad));
            } catch (\Wpwa\ValidationException $e) {
                self::assertStringContainsString('absolute path', $e->getMessage());
            }
        }
        self::assertSame(WPWA_TEST_STORE, \Wpwa\info()['store_path'], 'a refused path leaves the store as it was');
    }

    public function testAMissingDirectoryIsAStorageError(): void
    {
        [$code, $out] = self::runIsolated(<<<'PHP'
            \Wpwa\store_open('/nonexistent-wpwa-dir/wpwa.sqlite');
            try { \Wpwa\log_query(); } catch (\Wpwa\StorageException $e) { echo 'caught: ', $e->getMessage(); }
            PHP);
        self::assertSame(0, $code, $out);
        self::assertStringContainsString('caught: invalid store path', $out);
        self::assertStringContainsString('the directory does not exist', $out);
    }

    public function testUsingTheStoreBeforeConfiguringItIsAStorageError(): void
    {
        [$code, $out] = self::runIsolated(<<<'PHP'
            var_dump(\Wpwa\info()['store_path'], \Wpwa\info()['schema_version']);
            try { \Wpwa\session_status(1); } catch (\Wpwa\StorageException $e) { echo 'caught: ', $e->getMessage(); }
            PHP);
        self::assertSame(0, $code, $out);
        self::assertStringContainsString("NULL\nint(0)", $out);
        self::assertStringContainsString('caught: the wpwa store is not configured', $out);
    }

    public function testTheStoreOpensOncePerProcessAndSurvivesReconfiguration(): void
    {
        $dir = dirname(WPWA_TEST_STORE);
        [$code, $out] = self::runIsolated(<<<PHP
            \\Wpwa\\store_open('$dir/other.sqlite');
            \\Wpwa\\log_write(3, 'info', 'test', 'in other');
            \\Wpwa\\store_open('$dir/other.sqlite');
            echo \\Wpwa\\log_query(['kind' => 'test'])['total'], ' ';
            \\Wpwa\\store_open('$dir/third.sqlite');
            echo \\Wpwa\\log_query(['kind' => 'test'])['total'];
            PHP);
        self::assertSame(0, $code, $out);
        self::assertSame('1 0', $out);
    }

    public function testSessionStatusOfANewVendorIsDisconnected(): void
    {
        $status = \Wpwa\session_status(4242);
        self::assertSame(
            ['vendor_id' => 4242, 'state' => 'disconnected', 'reason' => null, 'phone' => null, 'push_name' => null, 'since' => null, 'updated_at' => null, 'qr' => null, 'pairing' => null, 'gateway_session' => null],
            $status
        );
    }

    public function testTheExceptionTree(): void
    {
        $tree = [
            \Wpwa\Exception::class => \Exception::class,
            \Wpwa\ValidationException::class => \Wpwa\Exception::class,
            \Wpwa\AuthException::class => \Wpwa\Exception::class,
            \Wpwa\NotFoundException::class => \Wpwa\Exception::class,
            \Wpwa\RateLimitedException::class => \Wpwa\Exception::class,
            \Wpwa\TransportException::class => \Wpwa\Exception::class,
            \Wpwa\StorageException::class => \Wpwa\Exception::class,
            \Wpwa\TokenExpiredException::class => \Wpwa\AuthException::class,
            \Wpwa\TokenSignatureException::class => \Wpwa\AuthException::class,
            \Wpwa\TokenAudienceException::class => \Wpwa\AuthException::class,
            \Wpwa\TokenMalformedException::class => \Wpwa\AuthException::class,
            \Wpwa\PairingException::class => \Wpwa\ValidationException::class,
        ];
        foreach ($tree as $class => $parent) {
            self::assertTrue(class_exists($class), $class);
            self::assertSame($parent, get_parent_class($class), $class);
        }
    }
}
