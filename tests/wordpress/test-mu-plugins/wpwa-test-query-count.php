<?php
/**
 * Plugin Name: wpwa test helper: database query count (test site only)
 * Description: For a front-end request carrying the X-Wpwa-Test-Token header
 *              (equal to WPWA_TEST_TOKEN) and X-Wpwa-Count-Queries: 1, turns
 *              on SAVEQUERIES and, when the request ends, prints
 *              `<!-- wpwa-queries: N -->` with N = count( $wpdb->queries ), the
 *              queries WordPress ran from here on (everything the theme,
 *              WooCommerce and the plugins do for the page). Such a request
 *              also shows up to 48 products per shop page, so one page holds a
 *              48-product category. The chat-button test compares the count
 *              with the button on and off.
 */

defined( 'ABSPATH' ) || exit;

( static function () {
	$token = isset( $_SERVER['HTTP_X_WPWA_TEST_TOKEN'] ) ? (string) $_SERVER['HTTP_X_WPWA_TEST_TOKEN'] : '';
	if ( ! defined( 'WPWA_TEST_TOKEN' ) || '' === $token || ! hash_equals( (string) WPWA_TEST_TOKEN, $token ) || '1' !== ( $_SERVER['HTTP_X_WPWA_COUNT_QUERIES'] ?? '' ) ) {
		return;
	}
	if ( ! defined( 'SAVEQUERIES' ) ) {
		define( 'SAVEQUERIES', true );
	}
	add_filter( 'loop_shop_per_page', static fn() => 48, 1000 );
	add_action(
		'shutdown',
		static function () {
			global $wpdb;
			echo "\n<!-- wpwa-queries: " . (int) count( (array) $wpdb->queries ) . " -->\n";
		},
		0
	);
} )();
