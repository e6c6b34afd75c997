<?php
/**
 * Plugin Name: wpwa test store engine (test site only)
 * Description: Token-guarded routes for tests/e2e/test/store-move.test.mjs:
 *              where the store is (`/store`), and putting the site back on
 *              its SQLite file after a move (`/store-reset`: the wpwa tables
 *              of the WordPress database dropped, unless `keep_tables` asks
 *              to leave them as a killed move would, the move's record and
 *              result removed), so the files that run afterwards find the
 *              site as they expect it. Installed only on the throwaway test site.
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'rest_api_init',
	static function () {
		$guard = static function ( WP_REST_Request $request ) {
			return defined( 'WPWA_TEST_TOKEN' )
				&& is_string( $request->get_header( 'x_wpwa_test_token' ) )
				&& hash_equals( (string) WPWA_TEST_TOKEN, (string) $request->get_header( 'x_wpwa_test_token' ) );
		};

		$state = static function (): array {
			$info = null;
			if ( function_exists( 'Wpwa\\info' ) ) {
				\Wpwa\Plugin\Core::ensure_store( true );
				try {
					$info = \Wpwa\info();
				} catch ( \Throwable $e ) {
					$info = array( 'error' => get_class( $e ) . ': ' . $e->getMessage() );
				}
			}
			$stats = function_exists( 'Wpwa\\store_stats' ) ? \Wpwa\Plugin\Core::store_stats() : null;
			return array(
				'engine'      => \Wpwa\Plugin\StoreConfig::engine(),
				'stats'       => is_array( $stats ) ? $stats : null,
				'source'      => \Wpwa\Plugin\StoreConfig::source(),
				'fixed'       => \Wpwa\Plugin\StoreConfig::engine_is_fixed(),
				'moving'      => \Wpwa\Plugin\StoreMove::in_progress(),
				'info'        => $info,
				'sqlite_path' => \Wpwa\Plugin\DataDir::store_path(),
				'prefix'      => $GLOBALS['wpdb']->base_prefix,
				'database'    => DB_NAME,
			);
		};

		register_rest_route(
			'wpwa-test/v1',
			'/store',
			array(
				'methods'             => 'POST',
				'permission_callback' => $guard,
				'callback'            => $state,
			)
		);

		register_rest_route(
			'wpwa-test/v1',
			'/store-reset',
			array(
				'methods'             => 'POST',
				'permission_callback' => $guard,
				'callback'            => static function ( WP_REST_Request $request ) use ( $state ) {
					if ( \Wpwa\Plugin\StoreConfig::engine_is_fixed() ) {
						return new WP_Error( 'wpwa_test_engine_fixed', 'WPWA_STORE fixes the engine', array( 'status' => 409 ) );
					}
					$dropped = empty( $request->get_param( 'keep_tables' ) )
						? \Wpwa\store_drop_database_tables( \Wpwa\Plugin\StoreConfig::database_options() )
						: 0;
					\Wpwa\Plugin\StoreConfig::record_engine( \Wpwa\Plugin\StoreConfig::SQLITE );
					delete_site_option( \Wpwa\Plugin\StoreMove::RESULT_OPTION );
					delete_site_option( \Wpwa\Plugin\StoreMove::FLAG_OPTION );
					\Wpwa\Plugin\Core::forget_store();
					return array( 'dropped' => $dropped ) + $state();
				},
			)
		);
	}
);
