<?php
/**
 * Installs WordPress into a prepared docroot (wp-config.php written, database
 * empty or already installed) without wp-cli: wp_install() as the installer
 * does, then the options a demo/test site needs. Idempotent.
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL, WPWA_SITE_TITLE, WPWA_ADMIN_USER,
 * WPWA_ADMIN_PASSWORD, WPWA_ADMIN_EMAIL.
 */

require __DIR__ . '/cli-bootstrap.php';

define( 'WP_INSTALLING', true );

// The installer e-mails the admin; there is no MTA here and nobody to read it.
function wp_new_blog_notification() {}

require $wpwa_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$admin_user  = wpwa_cli_env( 'WPWA_ADMIN_USER', 'admin' );
$admin_pass  = wpwa_cli_env( 'WPWA_ADMIN_PASSWORD' );
$admin_email = wpwa_cli_env( 'WPWA_ADMIN_EMAIL', 'admin@example.test' );
$title       = wpwa_cli_env( 'WPWA_SITE_TITLE', 'wpwa' );

if ( is_blog_installed() ) {
	fwrite( STDERR, "WordPress already installed\n" );
} else {
	$result = wp_install( $title, $admin_user, $admin_email, false, '', wp_slash( $admin_pass ) );
	if ( empty( $result['user_id'] ) ) {
		fwrite( STDERR, "wp_install failed\n" );
		exit( 1 );
	}
	fwrite( STDERR, "WordPress installed (admin user id {$result['user_id']})\n" );
}

update_option( 'siteurl', $wpwa_site_url );
update_option( 'home', $wpwa_site_url );
update_option( 'blogname', $title );
update_option( 'blog_public', '0' );
update_option( 'show_avatars', '0' );
update_option( 'users_can_register', '0' );
update_option( 'timezone_string', 'UTC' );

// Pretty permalinks; nginx routes unknown paths to index.php.
global $wp_rewrite;
$wp_rewrite->set_permalink_structure( '/%postname%/' );
$wp_rewrite->flush_rules( false );

if ( 'twentytwentyfive' !== get_stylesheet() && wp_get_theme( 'twentytwentyfive' )->exists() ) {
	switch_theme( 'twentytwentyfive' );
}
