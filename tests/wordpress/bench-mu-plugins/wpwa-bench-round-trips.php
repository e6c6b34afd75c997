<?php
/**
 * Plugin Name: wpwa bench — round-trip counter (benchmark site only)
 * Description: For a request that carries `X-Wpwa-Bench-Count: 1`, appends one
 *              JSON line to wp-content/uploads/wpwa-bench-round-trips.jsonl when
 *              the request has ended (after the plugin's after-response work):
 *              the route, the HTTP status, the calls the plugin made into the
 *              extension (Wpwa\Plugin\Core::calls(), every call goes through
 *              that class), the write transactions the extension committed
 *              (Wpwa\info()'s per-worker count, read at the start and at the
 *              end) and the server time from the request's start. Read by
 *              scripts/bench-round-trips. Installed only on the benchmark's
 *              throwaway site.
 */

defined( 'ABSPATH' ) || exit;

if ( '1' === ( $_SERVER['HTTP_X_WPWA_BENCH_COUNT'] ?? '' ) && function_exists( 'Wpwa\\info' ) ) {
	$GLOBALS['wpwa_bench_writes_before'] = (int) ( \Wpwa\info()['write_transactions'] ?? 0 );
	add_action(
		'shutdown',
		static function () {
			$line = array(
				'route'   => strtok( (string) ( $_SERVER['REQUEST_URI'] ?? '' ), '?' ),
				'status'  => http_response_code(),
				'calls'   => class_exists( 'Wpwa\\Plugin\\Core' ) ? \Wpwa\Plugin\Core::calls() : null,
				'writes'  => (int) ( \Wpwa\info()['write_transactions'] ?? 0 ) - $GLOBALS['wpwa_bench_writes_before'],
				'seconds' => microtime( true ) - (float) $_SERVER['REQUEST_TIME_FLOAT'],
			);
			file_put_contents( WP_CONTENT_DIR . '/uploads/wpwa-bench-round-trips.jsonl', wp_json_encode( $line ) . "\n", FILE_APPEND | LOCK_EX );
		},
		PHP_INT_MAX
	);
}
