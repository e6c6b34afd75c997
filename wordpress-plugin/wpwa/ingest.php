<?php
/**
 * Early ingest entry point of WhatsApp Cloud API webhooks: the callback URL to
 * give Meta for the fastest answers (Settings → WhatsApp shows it beside the
 * REST route's). Loads WordPress with SHORTINIT only (wp-config.php and the
 * database: no plugins, no theme) and queues the verified delivery; WordPress
 * processes it in the background. See includes/Webhooks/EarlyIngest.php.
 *
 * @package Wpwa\Plugin
 * @since   0.16.0
 */

// phpcs:disable WordPress.NamingConventions.PrefixAllGlobals.NonPrefixedConstantFound -- WordPress's own switch.
define( 'SHORTINIT', true );
// phpcs:enable

// WordPress is found above the plugin (wp-content/plugins/wpwa), by the path
// the web server ran (a symlinked plugin resolves __DIR__ elsewhere), then by
// this file's own, then at the document root (a moved wp-content).
$wpwa_script = isset( $_SERVER['SCRIPT_FILENAME'] ) ? (string) $_SERVER['SCRIPT_FILENAME'] : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- set by the web server; only used as a path.
$wpwa_dirs   = array( dirname( __DIR__, 3 ) );
if ( '' !== $wpwa_script ) {
	array_unshift( $wpwa_dirs, dirname( $wpwa_script, 4 ) );
}
if ( isset( $_SERVER['DOCUMENT_ROOT'] ) ) {
	$wpwa_dirs[] = (string) $_SERVER['DOCUMENT_ROOT']; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- set by the web server; only used as a path.
}
foreach ( $wpwa_dirs as $wpwa_dir ) {
	if ( '' !== $wpwa_dir && is_file( $wpwa_dir . '/wp-load.php' ) ) {
		require_once $wpwa_dir . '/wp-load.php';
		break;
	}
}
if ( ! defined( 'ABSPATH' ) ) {
	http_response_code( 503 );
	exit;
}
unset( $wpwa_script, $wpwa_dirs, $wpwa_dir );

require_once __DIR__ . '/includes/autoload.php';
\Wpwa\Plugin\Webhooks\EarlyIngest::serve();
