<?php
/**
 * Plugin Name: wpwa test helper: WooCommerce feature compatibility (test site only)
 * Description: GET wpwa-test/v1/wc-features answers, for each of WooCommerce's
 *              High-Performance Order Storage and cart/checkout blocks
 *              features, whether it is enabled and which plugins WooCommerce
 *              counts as compatible, incompatible or uncertain
 *              (FeaturesUtil::get_compatible_plugins_for_feature, the list its
 *              Features screen and Plugins screen show). Requires the
 *              X-Wpwa-Test-Token header to equal WPWA_TEST_TOKEN.
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'rest_api_init',
	static function () {
		register_rest_route(
			'wpwa-test/v1',
			'/wc-features',
			array(
				'methods'             => 'GET',
				'permission_callback' => static function ( WP_REST_Request $request ) {
					$token = $request->get_header( 'x_wpwa_test_token' );
					return defined( 'WPWA_TEST_TOKEN' ) && is_string( $token ) && hash_equals( (string) WPWA_TEST_TOKEN, $token );
				},
				'callback'            => static function () {
					if ( ! class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
						return new WP_Error( 'no_woocommerce', 'WooCommerce is not loaded', array( 'status' => 500 ) );
					}
					$features = array();
					foreach ( array( 'custom_order_tables', 'cart_checkout_blocks' ) as $feature ) {
						$features[ $feature ] = array(
							'enabled' => \Automattic\WooCommerce\Utilities\FeaturesUtil::feature_is_enabled( $feature ),
							'plugins' => \Automattic\WooCommerce\Utilities\FeaturesUtil::get_compatible_plugins_for_feature( $feature ),
						);
					}
					return array( 'features' => $features );
				},
			)
		);
	}
);
