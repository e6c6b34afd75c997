<?php

declare(strict_types=1);

namespace Wpwa\Tests;

/**
 * Every function, called with wrong types and hostile values, throws; none crashes the
 * process, and the extension keeps working afterwards.
 */
final class HostileInputTest extends WpwaTestCase
{
    /** @dataProvider hostileCalls */
    public function testHostileCallsThrow(string $function, array $args): void
    {
        try {
            $function(...$args);
            self::fail("$function accepted " . substr(var_export($args, true), 0, 200));
        } catch (\TypeError | \ArgumentCountError $e) {
            self::assertNotSame('', $e->getMessage());
        } catch (\Wpwa\Exception $e) {
            self::assertNotSame('', $e->getMessage());
        }
        self::assertSame('disconnected', \Wpwa\session_status(1)['state'], 'the extension still works');
    }

    public function hostileCalls(): array
    {
        $secret = self::SECRET;
        $aud = self::AUDIENCE;
        $object = new \stdClass();
        $resource = fopen('php://memory', 'r');
        $cases = [];
        $add = static function (string $fn, array $args) use (&$cases): void {
            $cases[sprintf('%s #%d', $fn, count($cases))] = ['Wpwa\\' . $fn, $args];
        };

        foreach ([[], [null], [[]], [$object], [-1], [PHP_INT_MIN], [0], ['1'], [1.5]] as $args) {
            $add('session_status', $args);
        }
        foreach ([[], [null], [[]], [$object], [''], ["\0"], ['../../etc/passwd'], ['relative'], [str_repeat('/x', 3000)]] as $args) {
            $add('store_open', $args);
        }
        foreach ([
            [],
            [$secret],
            [$secret, 'x', 'status:read', $aud, 60],
            [$secret, 1, ['scope'], $aud, 60],
            [$secret, 1, 'status:read', $aud, PHP_INT_MAX],
            [$secret, 1, 'status:read', str_repeat('a', 100000), 60],
            [$secret, 1, str_repeat('s', 100000), $aud, 60],
            ["\xff\xfe\xfd" . str_repeat('x', 40), 1, 'status:read', $aud, 60],
            ['', 1, 'status:read', $aud, 60],
            [$object, 1, 'status:read', $aud, 60],
        ] as $args) {
            $add('jwt_issue', $args);
        }
        foreach ([
            [],
            [$secret, null, $aud],
            [$secret, 1, $aud],
            [$secret, 'a.b.c', $aud],
            [$secret, str_repeat('.', 100000), $aud],
            [$secret, "\0.\0.\0", $aud],
            [$secret, "\xff.\xfe.\xfd", $aud],
            ['', 'a.b.c', $aud],
            [$secret, 'eyJhbGciOiJub25lIn0.eyJ2ZW5kb3JfaWQiOjF9.', $aud],
            [$secret, [], $aud],
        ] as $args) {
            $add('jwt_verify', $args);
        }
        foreach ([
            [],
            [1, 'info', 'sync'],
            ['one', 'info', 'sync', 'm'],
            [1, null, 'sync', 'm'],
            [1, 'info', 'sync', 'm', 'context'],
            [1, 'info', 'sync', 'm', ['r' => $resource]],
            [1, 'info', 'sync', 'm', ['f' => static fn () => 1]],
            [1, 'info', 'sync', str_repeat('€', 5000)],
            [1, 'info', str_repeat('k', 41), 'm'],
            [1, 'info', 'sync', "\xc3\x28"],
            [PHP_INT_MIN, 'info', 'sync', 'm'],
        ] as $args) {
            $add('log_write', $args);
        }
        foreach ([
            ['filter'],
            [$object],
            [['vendor_id' => $object]],
            [['limit' => PHP_INT_MAX]],
            [['offset' => PHP_INT_MAX]],
            [['since' => 'yesterday']],
            [[0 => 'vendor_id']],
            [['kind' => str_repeat('k', 10000)]],
        ] as $args) {
            $add('log_query', $args);
        }
        $gateway = ['url' => 'http://127.0.0.1:9', 'api_key' => 'k', 'webhook_url' => 'http://127.0.0.1/h', 'webhook_key' => str_repeat('k', 20)];
        foreach (['session_connect', 'session_refresh', 'session_disconnect'] as $fn) {
            foreach ([[], [1], [1, 'gateway'], [-1, $gateway], [1, ['url' => $object, 'api_key' => 'k']], [1, ['url' => "http://127.0.0.1:9\0", 'api_key' => 'k']], [1, $gateway, ['max_starts_per_hour' => -1]], [1, $gateway, ['nope' => 1]], [1, $gateway, ['qr_first_seconds' => 'x']]] as $args) {
                $add($fn, $args);
            }
        }
        foreach ([[], ['{}'], [[], null, 'k'], ['{}', [], 'k'], ['{}', 'abc', ''], [str_repeat('x', 70000), 'a', 'k'], ["\0\0", "\0", "\0"]] as $args) {
            $add('session_webhook', $args);
        }
        foreach ([[], [0], [1, -5], [1, 100000], ['x']] as $args) {
            $add('session_history', $args);
        }
        foreach ([[], ['url'], [[]], [['url' => 'http://127.0.0.1:9', 'api_key' => 'k']], [['url' => 'javascript:alert(1)', 'api_key' => 'k']]] as $args) {
            $add('gateway_test', $args);
        }
        return $cases;
    }

    public function testAFreshProcessSurvivesEveryHostileCall(): void
    {
        // The same calls in a process of their own: a segfault or abort would show here
        // as a non-zero exit instead of taking the test runner down with it.
        $dir = dirname(WPWA_TEST_STORE);
        [$code, $out] = self::runIsolated(<<<PHP
            \\Wpwa\\store_open('$dir/hostile.sqlite');
            \$thrown = 0;
            \$calls = [
                fn () => \\Wpwa\\session_status(-1),
                fn () => \\Wpwa\\jwt_verify(str_repeat('s', 40), str_repeat('A.', 2000), 'x'),
                fn () => \\Wpwa\\log_write(1, 'info', 'sync', 'm', ['deep' => array_fill(0, 3000, 1)]),
                fn () => \\Wpwa\\log_query(['limit' => -1]),
                fn () => \\Wpwa\\store_open("\\0"),
                fn () => \\Wpwa\\jwt_issue('x', 1, 's', 'a', 1),
            ];
            foreach (\$calls as \$call) {
                try { \$call(); } catch (\\Throwable \$e) { \$thrown++; }
            }
            echo "thrown=\$thrown alive=", \\Wpwa\\session_status(2)['state'];
            PHP);
        self::assertSame(0, $code, $out);
        self::assertSame('thrown=6 alive=disconnected', $out);
    }
}
