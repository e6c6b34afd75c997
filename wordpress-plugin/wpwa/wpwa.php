<?php
/**
 * Plugin Name:       WhatsApp Integration for WooCommerce Marketplaces (wpwa)
 * Description:       Gives every vendor of a WooCommerce marketplace a WhatsApp connection, a vendor dashboard (shortcode and WCFM tab) and an activity log, powered by the native wpwa PHP extension.
 * Version:           0.6.0
 * Requires at least: 6.1
 * Requires PHP:      8.2
 * WC requires at least: 9.0
 * WC tested up to:  10.7
 * Author:            The wpwa team
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       wpwa
 * Domain Path:       /languages
 *
 * @package Wpwa\Plugin
 */

defined( 'ABSPATH' ) || exit;

if ( defined( 'WPWA_PLUGIN_VERSION' ) ) {
	// Another copy of the plugin is already loaded; never declare anything twice.
	return;
}

define( 'WPWA_PLUGIN_VERSION', '0.6.0' );
define( 'WPWA_PLUGIN_FILE', __FILE__ );
define( 'WPWA_PLUGIN_DIR', plugin_dir_path( __FILE__ ) );
define( 'WPWA_PLUGIN_URL', plugin_dir_url( __FILE__ ) );
define( 'WPWA_PLUGIN_BASENAME', plugin_basename( __FILE__ ) );
define( 'WPWA_MIN_PHP', '8.2' );

if ( version_compare( PHP_VERSION, WPWA_MIN_PHP, '<' ) ) {
	// WordPress refuses to activate the plugin on older PHP (Requires PHP header);
	// this guards a copy that was activated before PHP was downgraded.
	add_action(
		'admin_notices',
		static function () {
			if ( ! current_user_can( 'activate_plugins' ) ) {
				return;
			}
			printf(
				'<div class="notice notice-error"><p>%s</p></div>',
				esc_html(
					sprintf(
						/* translators: 1: required PHP version, 2: running PHP version. */
						__( 'WhatsApp Integration for WooCommerce Marketplaces needs PHP %1$s or newer; this site runs PHP %2$s. The plugin is inactive until PHP is upgraded.', 'wpwa' ),
						WPWA_MIN_PHP,
						PHP_VERSION
					)
				)
			);
		}
	);
	return;
}

require_once WPWA_PLUGIN_DIR . 'includes/autoload.php';
require_once WPWA_PLUGIN_DIR . 'includes/functions.php';
require_once WPWA_PLUGIN_DIR . 'includes/api.php';

register_activation_hook( __FILE__, array( \Wpwa\Plugin\Installer::class, 'activate' ) );
register_deactivation_hook( __FILE__, array( \Wpwa\Plugin\Installer::class, 'deactivate' ) );

add_action( 'plugins_loaded', array( \Wpwa\Plugin\Plugin::class, 'boot' ) );
