<?php
/**
 * The plugin's store classes (StoreConfig, StoreMove) with the extension, on a
 * few WordPress functions (wp-shim.php): which engine the constant and the
 * option choose, every case in which a move is refused, the moving flag, and
 * a real move on MariaDB (WPWA_TEST_MARIADB, as in StoreDatabaseTest) that
 * switches the engine only after every table matched. Each case runs in its
 * own process, since a constant cannot be undefined.
 */

declare(strict_types=1);

namespace Wpwa\Tests;

final class StoreConfigTest extends WpwaTestCase
{
    private const DATABASE = 'wpwa_php_tests';

    /**
     * Runs `$body` (PHP statements ending in `return …;`) after `$setup` in a
     * process with the extension, the shim and the plugin's classes; returns
     * what it returned.
     *
     * @return mixed
     */
    private static function plugin(string $body, string $setup = ''): mixed
    {
        $dir = sys_get_temp_dir() . '/wpwa-store-config-' . getmypid() . '-' . bin2hex(random_bytes(4));
        $code = sprintf(
            'ini_set("error_log", "/dev/null"); define("WPWA_DATA_DIR", %s); define("WP_CONTENT_DIR", %s); %s require %s; wpwa_shim_run(static function () { %s });',
            var_export($dir, true),
            var_export($dir . '-content', true),
            $setup,
            var_export(__DIR__ . '/wp-shim.php', true),
            $body
        );
        [$exit, $out] = self::runIsolated($code);
        self::cleanUp($dir);
        $at = strrpos($out, "\n@@");
        self::assertSame(0, $exit, $out);
        self::assertNotFalse($at, $out);
        $json = strtok(substr($out, $at + 3), "\n");
        return json_decode((string) $json, true, 512, JSON_THROW_ON_ERROR);
    }

    private static function cleanUp(string $dir): void
    {
        foreach (glob($dir . '/{,.}*', GLOB_BRACE) ?: [] as $file) {
            if (is_file($file)) {
                unlink($file);
            }
        }
        if (is_dir($dir)) {
            rmdir($dir);
        }
    }

    private const STATE = 'return [\Wpwa\Plugin\StoreConfig::engine(), \Wpwa\Plugin\StoreConfig::source(), \Wpwa\Plugin\StoreConfig::engine_is_fixed(), \Wpwa\Plugin\StoreConfig::constant_is_invalid()];';

    public function testTheEngineComesFromTheConstantElseTheMoveElseSqlite(): void
    {
        self::assertSame(['sqlite', 'default', false, false], self::plugin(self::STATE));
        self::assertSame(['wordpress', 'moved', false, false], self::plugin('update_site_option("wpwa_store_engine", "wordpress"); ' . self::STATE));
        self::assertSame(['sqlite', 'default', false, false], self::plugin('update_site_option("wpwa_store_engine", "mongodb"); ' . self::STATE));
        self::assertSame(['wordpress', 'constant', true, false], self::plugin(self::STATE, 'define("WPWA_STORE", " WordPress ");'));
        self::assertSame(['sqlite', 'constant', true, false], self::plugin('update_site_option("wpwa_store_engine", "wordpress"); ' . self::STATE, 'define("WPWA_STORE", "sqlite");'));
        self::assertSame(['sqlite', 'default', false, true], self::plugin(self::STATE, 'define("WPWA_STORE", "mysql");'));
    }

    public function testAMoveIsRefusedWhenTheConstantDecidesWhenMovedAlreadyAndWhileAnotherRuns(): void
    {
        $move = '$r = \Wpwa\Plugin\StoreMove::move(); return [$r["ok"], $r["error"], $r["message"], get_site_option("wpwa_store_engine", null), get_site_option("wpwa_store_moving", null), get_site_option("wpwa_store_move_result", null), count($GLOBALS["wpwa_shim_actions"])];';
        foreach ([
            ['engine_fixed', 'The WPWA_STORE constant in wp-config.php decides', '', 'define("WPWA_STORE", "sqlite");'],
            ['already_moved', 'already in the WordPress database', 'update_site_option("wpwa_store_engine", "wordpress");', ''],
            ['moving', 'A move is already under way', 'update_site_option("wpwa_store_moving", ["started" => time() - 30, "user_id" => 2]);', ''],
        ] as [$code, $words, $before, $setup]) {
            [$ok, $error, $message, $engine, $flag, $result, $actions] = self::plugin($before . ' ' . $move, $setup);
            self::assertFalse($ok, $code);
            self::assertSame($code, $error);
            self::assertStringContainsString($words, $message);
            self::assertSame($code === 'already_moved' ? 'wordpress' : null, $engine, "$code: the engine record is unchanged");
            self::assertSame($code === 'moving', $flag !== null, "$code: only the other move's flag is up");
            self::assertNull($result, "$code: a refusal is not kept as the last move");
            self::assertSame(0, $actions, "$code: wpwa_store_moved did not fire");
        }
    }

    public function testAStaleFlagNoLongerBlocksAndAFreshOneRefusesTheStore(): void
    {
        [$stale, $fresh, $error, $status, $retry] = self::plugin(
            'update_site_option("wpwa_store_moving", ["started" => time() - \Wpwa\Plugin\StoreMove::STALE_AFTER - 1]);'
            . ' $stale = \Wpwa\Plugin\StoreMove::in_progress();'
            . ' update_site_option("wpwa_store_moving", ["started" => time()]);'
            . ' $e = \Wpwa\Plugin\Core::store_stats();'
            . ' return [$stale, \Wpwa\Plugin\StoreMove::in_progress(), $e->get_error_code(), $e->get_error_data()["status"], $e->get_error_data()["retry_after"]];'
        );
        self::assertFalse($stale, 'a flag older than STALE_AFTER is ignored');
        self::assertTrue($fresh);
        self::assertSame('wpwa_store_moving', $error, 'no call reaches the store while the flag is up');
        self::assertSame(503, $status);
        self::assertSame(60, $retry);
    }

    public function testScheduledWorkSkipsItsTurnWhileAMoveRunsAndComesBackAfterIt(): void
    {
        [$idle, $moving, $purge, $scheduled] = self::plugin(
            '$idle = \Wpwa\Plugin\StoreMove::skip_turn("wpwa_sync_slice", [7, 9]);'
            . ' update_site_option("wpwa_store_moving", ["started" => time()]);'
            . ' $moving = \Wpwa\Plugin\StoreMove::skip_turn("wpwa_sync_slice", [7, 9]);'
            . ' $purge = \Wpwa\Plugin\StoreMove::skip_turn("wpwa_log_purge", [], false);'
            . ' return [$idle, $moving, $purge, $GLOBALS["wpwa_shim_scheduled"] ?? []];'
        );
        self::assertFalse($idle, 'no move: the work runs');
        self::assertTrue($moving);
        self::assertTrue($purge);
        self::assertCount(1, $scheduled, 'the daily purge just waits for tomorrow');
        self::assertSame(['wpwa_sync_slice', [7, 9]], array_slice($scheduled[0], 0, 2), 'the slice comes back');
        self::assertContains($scheduled[0][2], [59, 60], 'after Retry-After');
    }

    public function testAnUnreachableDatabaseFailsTheMoveAndLeavesTheSiteOnSqlite(): void
    {
        [$ok, $error, $message, $detail, $engine, $flag, $kept, $log] = self::plugin(
            '$GLOBALS["wpwa_shim_filters"]["wpwa_store_move_grace_seconds"] = 0;'
            . ' \Wpwa\Plugin\Core::event(0, "info", "test", "before_move");'
            . ' $r = \Wpwa\Plugin\StoreMove::move();'
            . ' return [$r["ok"], $r["error"], $r["message"], $r["detail"], \Wpwa\Plugin\StoreConfig::engine(), get_site_option("wpwa_store_moving", null), get_site_option("wpwa_store_move_result")["error"], \Wpwa\log_query(["kind" => "store"])["entries"][0]["code"] ?? null];',
            'define("DB_HOST", "localhost:/nonexistent/mysqld.sock"); define("DB_USER", "wp"); define("DB_PASSWORD", "not-shown"); define("DB_NAME", "wp");'
        );
        self::assertFalse($ok);
        self::assertSame('copy_failed', $error);
        self::assertStringContainsString('The site stays on the SQLite file and nothing was lost', $message);
        self::assertNotSame('', (string) $detail, 'what the database said is kept for the administrator');
        self::assertStringNotContainsString('not-shown', (string) $detail);
        self::assertSame('sqlite', $engine);
        self::assertNull($flag, 'the moving flag is cleared');
        self::assertSame('copy_failed', $kept, 'the result is kept for the Settings page');
        self::assertSame('store_move_failed', $log, 'the failure is in the activity log (on SQLite)');
    }

    public function testAMoveOnMariaDbCopiesEveryTableSwitchesTheEngineAndReopensTheWorker(): void
    {
        $socket = getenv('WPWA_TEST_MARIADB');
        if (!is_string($socket) || $socket === '') {
            self::markTestSkipped('WPWA_TEST_MARIADB (a MariaDB socket) is not set');
        }
        $setup = sprintf(
            'define("DB_HOST", %s); define("DB_USER", "root"); define("DB_PASSWORD", ""); define("DB_NAME", %s); $GLOBALS["wpdb"] = (object) ["base_prefix" => "phpcfg_"];',
            var_export('localhost:' . $socket, true),
            var_export(self::DATABASE, true)
        );
        $out = self::plugin(
            '$GLOBALS["wpdb"] = (object) ["base_prefix" => "phpcfg_"];'
            . ' $GLOBALS["wpwa_shim_filters"]["wpwa_store_move_grace_seconds"] = 0;'
            . ' \Wpwa\store_drop_database_tables(\Wpwa\Plugin\StoreConfig::database_options());'
            . ' for ($i = 0; $i < 30; $i++) { \Wpwa\Plugin\Core::event(0, "info", "test", "row_" . $i, ["i" => $i]); }'
            . ' $sqlite = \Wpwa\Plugin\Core::store_stats()["tables"];'
            . ' $r = \Wpwa\Plugin\StoreMove::move();'
            . ' $info = \Wpwa\Plugin\Core::info();'
            . ' $after = \Wpwa\Plugin\Core::store_stats()["tables"];'
            . ' $again = \Wpwa\Plugin\StoreMove::move();'
            . ' $dropped = \Wpwa\store_drop_database_tables(\Wpwa\Plugin\StoreConfig::database_options());'
            . ' return ["result" => $r, "sqlite" => $sqlite, "after" => $after, "engine" => \Wpwa\Plugin\StoreConfig::engine(), "source" => \Wpwa\Plugin\StoreConfig::source(),'
            . ' "info" => [$info["store_engine"], $info["store_location"]], "flag" => get_site_option("wpwa_store_moving", null), "actions" => array_column($GLOBALS["wpwa_shim_actions"], 0), "again" => $again["error"], "dropped" => $dropped];',
            $setup
        );
        $result = $out['result'];
        self::assertTrue($result['ok'], $result['message'] . ' ' . $result['detail']);
        self::assertNull($result['error']);
        self::assertSame('wordpress', $result['engine']);
        self::assertStringContainsString('now in the WordPress database', $result['message']);
        $copied = array_column($result['tables'], 'table');
        $stored = array_keys($out['sqlite']);
        sort($copied);
        sort($stored);
        self::assertSame($stored, $copied, 'every table of the store');
        self::assertContains('send_reservation', $copied);
        foreach ($result['tables'] as $table) {
            self::assertTrue($table['match'], $table['table']);
            self::assertSame($out['sqlite'][$table['table']], $table['source_rows'], $table['table'] . ': the SQLite rows');
            self::assertSame($table['source_rows'], $table['target_rows'], $table['table']);
            self::assertMatchesRegularExpression('/^[0-9a-f]{64}$/', $table['source_hash']);
            self::assertSame($table['source_hash'], $table['target_hash'], $table['table']);
        }
        self::assertGreaterThanOrEqual(30, $out['sqlite']['activity_log']);
        self::assertSame(['wordpress', 'moved'], [$out['engine'], $out['source']]);
        self::assertSame('mariadb', $out['info'][0], 'this worker reopened its store in the database');
        self::assertStringContainsString('phpcfg_wpwa_*', $out['info'][1]);
        self::assertSame($out['sqlite']['activity_log'] + 1, $out['after']['activity_log'], 'the move itself is logged in the database');
        self::assertNull($out['flag']);
        self::assertSame(['wpwa_store_moved'], $out['actions']);
        self::assertSame('already_moved', $out['again']);
        self::assertGreaterThan(0, $out['dropped']);
    }
}
