<?php
/**
 * Plugin Name: wpwa test helpers for sessions (test site only)
 * Description: Token-guarded REST routes the session end-to-end tests use to
 *              set up their own vendors (so they never disturb the seeded
 *              ones other tests look at) and to tune the session policy
 *              settings. Every route requires the X-Wpwa-Test-Token header to
 *              equal WPWA_TEST_TOKEN. Installed only on the throwaway test site.
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

		// Creates (or resets the password of) a vendor: a subscriber with the wpwa_vendor capability.
		register_rest_route(
			'wpwa-test/v1',
			'/vendor',
			array(
				'methods'             => 'POST',
				'permission_callback' => $guard,
				'callback'            => static function ( WP_REST_Request $request ) {
					$login    = sanitize_user( (string) $request->get_param( 'login' ), true );
					$password = (string) $request->get_param( 'password' );
					if ( '' === $login || strlen( $password ) < 8 ) {
						return new WP_Error( 'wpwa_test_bad_vendor', 'login and password (8+ chars) required', array( 'status' => 400 ) );
					}
					$user = get_user_by( 'login', $login );
					if ( $user ) {
						wp_set_password( $password, $user->ID );
						$id = (int) $user->ID;
					} else {
						$id = wp_insert_user(
							array(
								'user_login'   => $login,
								'user_pass'    => $password,
								'user_email'   => $login . '@example.test',
								'display_name' => (string) ( $request->get_param( 'display_name' ) ?: $login ),
								'role'         => 'subscriber',
							)
						);
						if ( is_wp_error( $id ) ) {
							return $id;
						}
					}
					( new WP_User( $id ) )->add_cap( 'wpwa_vendor' );
					return array(
						'id'    => (int) $id,
						'login' => $login,
					);
				},
			)
		);

		// Partial update of wpwa_settings (session policy and model only).
		register_rest_route(
			'wpwa-test/v1',
			'/settings',
			array(
				'methods'             => 'POST',
				'permission_callback' => $guard,
				'callback'            => static function ( WP_REST_Request $request ) {
					$allowed  = array( 'max_starts_per_hour', 'qr_first_seconds', 'qr_next_seconds', 'pairing_code_seconds', 'offline_expiry_days', 'integration_model' );
					$settings = get_option( 'wpwa_settings', array() );
					$settings = is_array( $settings ) ? $settings : array();
					foreach ( (array) $request->get_json_params() as $key => $value ) {
						if ( in_array( $key, $allowed, true ) ) {
							$settings[ $key ] = 'integration_model' === $key ? (string) $value : (int) $value;
						}
					}
					update_option( 'wpwa_settings', $settings );
					return $settings;
				},
			)
		);
	}
);
