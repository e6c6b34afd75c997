<?php
/**
 * Plugin Name: wpwa demo/test — loopback only
 * Description: Keeps a demo or test site from making the browser fetch anything
 *              off this machine (emoji CDN, Gravatar, DNS prefetch hints), so
 *              pages render the same with no network and the browser tests see
 *              no failed requests. Server-side HTTP is blocked in wp-config.php
 *              (WP_HTTP_BLOCK_EXTERNAL).
 */

defined( 'ABSPATH' ) || exit;

remove_action( 'wp_head', 'print_emoji_detection_script', 7 );
remove_action( 'admin_print_scripts', 'print_emoji_detection_script' );
remove_action( 'wp_print_styles', 'print_emoji_styles' );
remove_action( 'admin_print_styles', 'print_emoji_styles' );
remove_action( 'embed_head', 'print_emoji_detection_script' );
add_filter( 'emoji_svg_url', '__return_false' );

add_filter(
	'wp_resource_hints',
	static function ( $urls ) {
		return array_values(
			array_filter(
				(array) $urls,
				static function ( $url ) {
					$href = is_array( $url ) ? ( $url['href'] ?? '' ) : (string) $url;
					$host = wp_parse_url( $href, PHP_URL_HOST );
					return in_array( $host, array( null, false, '127.0.0.1', 'localhost' ), true );
				}
			)
		);
	},
	PHP_INT_MAX
);

// Avatars come from Gravatar: off, and a local blank if anything still asks.
add_filter( 'pre_option_show_avatars', '__return_zero' );
add_filter(
	'pre_get_avatar_data',
	static function ( $args ) {
		$args['url']          = includes_url( 'images/blank.gif' );
		$args['found_avatar'] = true;
		return $args;
	}
);
