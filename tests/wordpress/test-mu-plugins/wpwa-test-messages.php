<?php
/**
 * Plugin Name: wpwa test helpers for customer messages (test site only)
 * Description: Token-guarded REST routes the message end-to-end tests use to
 *              tune the Customer messages settings (fallback, automatic
 *              replies, allowance, notification template, rate card and cost
 *              cap) and to put them back, and to send a message on a vendor's
 *              behalf the way the plugin does (its connection and limits).
 *              Requires the X-Wpwa-Test-Token header to equal WPWA_TEST_TOKEN.
 *              Installed only on the throwaway test site.
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
					$allowed  = array( 'fallback', 'fallback_vendor', 'auto_replies', 'allowance', 'notify_template', 'notify_language', 'menu_intro', 'cost_cap', 'rate_currency', 'price_marketing', 'price_marketing_lite', 'price_utility', 'price_authentication', 'price_authentication_international', 'price_service', 'price_referral_conversion' );
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
		register_rest_route(
			'wpwa-test/v1',
			'/message-send',
			array(
				'methods'             => 'POST',
				'permission_callback' => static function ( WP_REST_Request $request ) {
					return defined( 'WPWA_TEST_TOKEN' )
						&& is_string( $request->get_header( 'x_wpwa_test_token' ) )
						&& hash_equals( (string) WPWA_TEST_TOKEN, (string) $request->get_header( 'x_wpwa_test_token' ) );
				},
				// vendor_id, to, message (as Wpwa\message_send() takes it): sent through the
				// vendor's messages connection within MessagesConfig::limits(), as order
				// updates are. Answers `sent` with the result, or `error` {code, message, data}.
				'callback'            => static function ( WP_REST_Request $request ) {
					$vendor_id  = (int) $request->get_param( 'vendor_id' );
					$connection = \Wpwa\Plugin\Connections::cloud( $vendor_id, \Wpwa\Plugin\Connections::MESSAGES );
					$sent       = is_wp_error( $connection )
						? $connection
						: \Wpwa\Plugin\Core::message_send(
							$vendor_id,
							(string) $request->get_param( 'to' ),
							(array) $request->get_param( 'message' ),
							$connection,
							\Wpwa\Plugin\Messages\Config::limits( $vendor_id )
						);
					if ( is_wp_error( $sent ) ) {
						return array(
							'error' => array(
								'code'    => $sent->get_error_code(),
								'message' => $sent->get_error_message(),
								'data'    => $sent->get_error_data(),
							),
						);
					}
					return array( 'sent' => $sent );
				},
			)
		);
	}
);

// How many routes the REST server that served a request holds, as the
// X-Wpwa-Test-Routes header of a request carrying the test token: the webhook
// route is served by a server holding only its own route.
add_filter(
	'rest_post_dispatch',
	static function ( $response, $server, $request ) {
		if ( $response instanceof WP_HTTP_Response && $server instanceof WP_REST_Server && $request instanceof WP_REST_Request
			&& defined( 'WPWA_TEST_TOKEN' )
			&& is_string( $request->get_header( 'x_wpwa_test_token' ) )
			&& hash_equals( (string) WPWA_TEST_TOKEN, (string) $request->get_header( 'x_wpwa_test_token' ) ) ) {
			$response->header( 'X-Wpwa-Test-Routes', (string) count( $server->get_routes() ) );
		}
		return $response;
	},
	10,
	3
);
