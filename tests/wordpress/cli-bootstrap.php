<?php
/**
 * Shared by install.php and seed.php: makes a PHP CLI process look like a
 * request to the site (WordPress reads HTTP_HOST etc. while loading), from
 * WPWA_DOCROOT and WPWA_SITE_URL in the environment.
 */

if ( PHP_SAPI !== 'cli' ) {
	http_response_code( 404 );
	exit;
}

function wpwa_cli_env( string $name, ?string $default = null ): string {
	$value = getenv( $name );
	if ( false === $value || '' === $value ) {
		if ( null === $default ) {
			fwrite( STDERR, "missing environment variable $name\n" );
			exit( 2 );
		}
		return $default;
	}
	return $value;
}

$wpwa_docroot  = rtrim( wpwa_cli_env( 'WPWA_DOCROOT' ), '/' );
$wpwa_site_url = rtrim( wpwa_cli_env( 'WPWA_SITE_URL' ), '/' );
$wpwa_parts    = parse_url( $wpwa_site_url );

$_SERVER['HTTP_HOST']       = $wpwa_parts['host'] . ( isset( $wpwa_parts['port'] ) ? ':' . $wpwa_parts['port'] : '' );
$_SERVER['SERVER_NAME']     = $wpwa_parts['host'];
$_SERVER['SERVER_PORT']     = (string) ( $wpwa_parts['port'] ?? 80 );
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';
