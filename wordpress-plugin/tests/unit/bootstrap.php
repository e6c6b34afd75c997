<?php
/**
 * Bootstrap of the plugin's unit tests: WordPress's own function files, loaded
 * without a database or a request, and the plugin's autoloader. Options the
 * code under test reads are answered through WordPress's `pre_option_{name}`
 * filters (see OptionsFixture), so get_option() runs as WordPress wrote it and
 * never reaches for the database.
 *
 * WordPress comes from WPWA_WP_DIR (scripts/test passes the copy that
 * scripts/lib/wordpress.sh's fetch_wordpress() unpacks).
 *
 * @package Wpwa\Plugin\Tests
 */

$wpwa_wp_dir = rtrim( (string) getenv( 'WPWA_WP_DIR' ), '/' );
if ( '' === $wpwa_wp_dir || ! is_file( $wpwa_wp_dir . '/wp-includes/version.php' ) ) {
	fwrite( STDERR, "Set WPWA_WP_DIR to an unpacked WordPress (scripts/test does: /var/cache/wpwa/wordpress-6.8).\n" );
	exit( 1 );
}

define( 'ABSPATH', $wpwa_wp_dir . '/' );
define( 'WPINC', 'wp-includes' );
define( 'WP_CONTENT_DIR', sys_get_temp_dir() . '/wpwa-unit-content' );
define( 'WP_CONTENT_URL', 'https://shop.example/wp-content' );
define( 'WP_LANG_DIR', WP_CONTENT_DIR . '/languages' );
define( 'WP_PLUGIN_DIR', WP_CONTENT_DIR . '/plugins' );
define( 'WP_DEBUG', true );

// The same files, in the same order, as wp-settings.php loads them before it
// connects to the database.
require ABSPATH . WPINC . '/version.php';
require ABSPATH . WPINC . '/compat.php';
require ABSPATH . WPINC . '/load.php';
require ABSPATH . WPINC . '/default-constants.php';
require ABSPATH . WPINC . '/class-wp-error.php';
require ABSPATH . WPINC . '/plugin.php';
require ABSPATH . WPINC . '/functions.php';
require ABSPATH . WPINC . '/formatting.php';
require ABSPATH . WPINC . '/kses.php';
require ABSPATH . WPINC . '/shortcodes.php';
require ABSPATH . WPINC . '/l10n.php';
require ABSPATH . WPINC . '/class-wp-textdomain-registry.php';
require ABSPATH . WPINC . '/class-wp-locale.php';
require ABSPATH . WPINC . '/pomo/mo.php';
require ABSPATH . WPINC . '/l10n/class-wp-translation-controller.php';
require ABSPATH . WPINC . '/l10n/class-wp-translations.php';
require ABSPATH . WPINC . '/l10n/class-wp-translation-file.php';
require ABSPATH . WPINC . '/l10n/class-wp-translation-file-mo.php';
require ABSPATH . WPINC . '/l10n/class-wp-translation-file-php.php';

wp_initial_constants();
timer_start();

// WordPress's translation lookups need the registry and an object cache; the
// runtime cache of cache.php is WordPress's own default.
require ABSPATH . WPINC . '/cache.php';
wp_cache_init();
$GLOBALS['wp_textdomain_registry'] = new WP_Textdomain_Registry();
$GLOBALS['wp_textdomain_registry']->init();

require __DIR__ . '/OptionsFixture.php';
OptionsFixture::answer( 'WPLANG', '' );
OptionsFixture::answer( 'timezone_string', 'UTC' );
OptionsFixture::answer( 'gmt_offset', 0 );
OptionsFixture::answer( 'blog_charset', 'UTF-8' );

// Translations load only after the theme is set up (WordPress 6.7+ warns otherwise).
do_action( 'after_setup_theme' );

require dirname( __DIR__, 2 ) . '/wpwa/includes/autoload.php';
