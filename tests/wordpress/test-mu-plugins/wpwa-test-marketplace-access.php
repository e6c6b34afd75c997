<?php
/**
 * Plugin Name: wpwa test helpers — marketplace wp-admin access (test site only)
 * Description: Turns WCFM's "Backend Access (wp-admin)" restriction for vendors
 *              on or off, as WCFM's setup wizard and capability settings store
 *              it (wcfm_capability_options[vnd_wpadmin] = yes keeps vendors
 *              out). Requires the X-Wpwa-Test-Token header. Installed only on
 *              the throwaway test site.
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'rest_api_init',
	static function () {
		register_rest_route(
			'wpwa-test/v1',
			'/wcfm-backend-access',
			array(
				'methods'             => 'POST',
				'permission_callback' => static function ( WP_REST_Request $request ) {
					return defined( 'WPWA_TEST_TOKEN' )
						&& is_string( $request->get_header( 'x_wpwa_test_token' ) )
						&& hash_equals( (string) WPWA_TEST_TOKEN, (string) $request->get_header( 'x_wpwa_test_token' ) );
				},
				'callback'            => static function ( WP_REST_Request $request ) {
					$options  = get_option( 'wcfm_capability_options', array() );
					$options  = is_array( $options ) ? $options : array();
					$previous = (string) ( $options['vnd_wpadmin'] ?? 'no' );
					$blocked  = $request->get_param( 'blocked' );
					if ( null !== $blocked ) {
						$options['vnd_wpadmin'] = rest_sanitize_boolean( $blocked ) ? 'yes' : 'no';
						update_option( 'wcfm_capability_options', $options );
					}
					return array(
						'previous' => 'yes' === $previous,
						'blocked'  => 'yes' === ( $options['vnd_wpadmin'] ?? 'no' ),
					);
				},
			)
		);
	}
);
