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

// No update checks against WordPress.org: they cannot succeed here (outbound
// HTTP is blocked) and WordPress reports each failure as a PHP warning. A
// fresh, empty "last checked" answer makes core skip the request.
$wpwa_no_updates = static function () {
	global $wp_version;
	return (object) array(
		'last_checked'    => time(),
		'version_checked' => $wp_version,
		'updates'         => array(),
		'translations'    => array(),
		'response'        => array(),
		'no_update'       => array(),
		'checked'         => array(),
	);
};
add_filter( 'pre_site_transient_update_core', $wpwa_no_updates );
add_filter( 'pre_site_transient_update_plugins', $wpwa_no_updates );
add_filter( 'pre_site_transient_update_themes', $wpwa_no_updates );
remove_action( 'admin_init', '_maybe_update_core' );
remove_action( 'admin_init', '_maybe_update_plugins' );
remove_action( 'admin_init', '_maybe_update_themes' );
remove_action( 'wp_version_check', 'wp_version_check' );
remove_action( 'load-plugins.php', 'wp_update_plugins' );
remove_action( 'load-update.php', 'wp_update_plugins' );
remove_action( 'load-update-core.php', 'wp_update_plugins' );
remove_action( 'load-themes.php', 'wp_update_themes' );
remove_action( 'load-update.php', 'wp_update_themes' );
remove_action( 'load-update-core.php', 'wp_update_themes' );
remove_action( 'wp_update_plugins', 'wp_update_plugins' );
remove_action( 'wp_update_themes', 'wp_update_themes' );
add_filter( 'pre_http_request', static function ( $pre, $args, $url ) {
	// Belt and braces for the dashboard's news/events widgets and the like.
	$host = wp_parse_url( $url, PHP_URL_HOST );
	// Site Health (WP_Debug_Data::check_for_updates()) asks for updates directly,
	// past the hooks above: answer "nothing to update" instead of an error that
	// WordPress would report as a PHP warning.
	// Its file integrity test asks for core checksums: "none known" is skipped quietly.
	if ( 'api.wordpress.org' === $host && preg_match( '#/(plugins|themes)/update-check/|/core/checksums/#', (string) $url, $kind ) ) {
		$body = isset( $kind[1] ) && '' !== $kind[1]
			? array( $kind[1] => array(), 'translations' => array(), 'no_update' => array() )
			: array( 'checksums' => false );
		return array(
			'headers'  => array(),
			'body'     => wp_json_encode( $body ),
			'response' => array(
				'code'    => 200,
				'message' => 'OK',
			),
			'cookies'  => array(),
			'filename' => null,
		);
	}
	if ( $host && ! in_array( $host, array( '127.0.0.1', 'localhost' ), true ) ) {
		return new WP_Error( 'wpwa_loopback_only', 'outbound HTTP is disabled on this demo/test site' );
	}
	return $pre;
}, 10, 3 );

// The WordPress.org plugin directory (plugins_api()), which WooCommerce asks
// on the Plugins screen: the same failure the blocked request would give,
// without the PHP warning core raises for a failed request.
add_filter(
	'plugins_api',
	static function ( $result ) {
		return false === $result
			? new WP_Error( 'plugins_api_failed', 'the WordPress.org plugin directory is not reachable from this demo/test site' )
			: $result;
	},
	PHP_INT_MAX
);
