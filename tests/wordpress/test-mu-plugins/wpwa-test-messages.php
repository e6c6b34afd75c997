<?php
/**
 * Plugin Name: wpwa test helpers for customer messages (test site only)
 * Description: A token-guarded REST route the message end-to-end tests use to
 *              tune the Customer messages settings (fallback, automatic
 *              replies, allowance, notification template) and to put them
 *              back. Requires the X-Wpwa-Test-Token header to equal
 *              WPWA_TEST_TOKEN. Installed only on the throwaway test site.
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'rest_api_init',
	static function () {
		register_rest_route(
			'wpwa-test/v1',
			'/messages-settings',
			array(
				'methods'             => 'POST',
				'permission_callback' => static function ( WP_REST_Request $request ) {
					return defined( 'WPWA_TEST_TOKEN' )
						&& is_string( $request->get_header( 'x_wpwa_test_token' ) )
						&& hash_equals( (string) WPWA_TEST_TOKEN, (string) $request->get_header( 'x_wpwa_test_token' ) );
				},
				'callback'            => static function ( WP_REST_Request $request ) {
					$allowed  = array( 'fallback', 'fallback_vendor', 'auto_replies', 'allowance', 'notify_template', 'notify_language', 'menu_intro' );
					$settings = get_option( 'wpwa_messages', array() );
					$settings = is_array( $settings ) ? $settings : array();
					foreach ( (array) $request->get_json_params() as $key => $value ) {
						if ( in_array( $key, $allowed, true ) ) {
							$settings[ $key ] = $value;
						}
					}
					// Straight to the option: the plugin's sanitizer is for the admin form.
					remove_all_filters( 'sanitize_option_wpwa_messages' );
					update_option( 'wpwa_messages', $settings );
					return array_intersect_key( get_option( 'wpwa_messages', array() ), array_flip( $allowed ) );
				},
			)
		);
	}
);
