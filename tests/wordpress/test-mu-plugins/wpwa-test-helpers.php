<?php
/**
 * Plugin Name: wpwa test helpers (test site only)
 * Description: REST routes the end-to-end suite uses to look inside the site:
 *              extension/store facts and a simulated WCFM `wcfm_menus` call.
 *              Every route requires the X-Wpwa-Test-Token header to equal the
 *              WPWA_TEST_TOKEN constant that scripts/test writes into
 *              wp-config.php. Installed only on the throwaway test site.
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

		register_rest_route(
			'wpwa-test/v1',
			'/info',
			array(
				'methods'             => 'GET',
				'permission_callback' => $guard,
				'callback'            => static function () {
					$loaded = extension_loaded( 'wpwa' ) || function_exists( 'Wpwa\\info' );
					$info   = null;
					if ( function_exists( 'Wpwa\\info' ) ) {
						try {
							$info = \Wpwa\info();
						} catch ( \Throwable $e ) {
							$info = array( 'error' => get_class( $e ) . ': ' . $e->getMessage() );
						}
					}
					$data_dir   = defined( 'WPWA_DATA_DIR' ) ? WPWA_DATA_DIR : dirname( ABSPATH ) . '/wpwa-data';
					$store_path = is_array( $info ) && ! empty( $info['store_path'] ) ? $info['store_path'] : $data_dir . '/wpwa.sqlite';
					return array(
						'extension_loaded' => $loaded,
						'info'             => $info,
						'abspath'          => ABSPATH,
						'content_dir'      => WP_CONTENT_DIR,
						'data_dir'         => $data_dir,
						'store_path'       => $store_path,
						'store_exists'     => file_exists( $store_path ),
						'store_size'       => file_exists( $store_path ) ? filesize( $store_path ) : null,
						'plugin_active'    => in_array( 'wpwa/wpwa.php', (array) get_option( 'active_plugins', array() ), true ),
						'vendor_page_id'   => (int) get_option( 'wpwa_vendor_page_id' ),
						'settings'         => get_option( 'wpwa_settings' ),
						'php_version'      => PHP_VERSION,
						'wp_version'       => get_bloginfo( 'version' ),
					);
				},
			)
		);

		// WCFM calls apply_filters( 'wcfm_menus', $menus ) when it builds the
		// vendor dashboard menu; this does the same, as the user named in ?as=.
		register_rest_route(
			'wpwa-test/v1',
			'/wcfm-menus',
			array(
				'methods'             => 'GET',
				'permission_callback' => $guard,
				'callback'            => static function ( WP_REST_Request $request ) {
					$as = (string) $request->get_param( 'as' );
					if ( '' !== $as ) {
						$user = get_user_by( 'login', $as );
						if ( ! $user ) {
							return new WP_Error( 'wpwa_test_no_user', 'no such user', array( 'status' => 404 ) );
						}
						wp_set_current_user( $user->ID );
					}
					$menus = apply_filters( 'wcfm_menus', array() );
					return array(
						'user'  => get_current_user_id(),
						'menus' => $menus,
					);
				},
			)
		);
	}
);
