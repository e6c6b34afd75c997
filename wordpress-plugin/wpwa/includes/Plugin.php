<?php
/**
 * Plugin bootstrap.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin;

use Throwable;

defined( 'ABSPATH' ) || exit;

/**
 * Wires the plugin's components to WordPress on `plugins_loaded`.
 *
 * @since 0.1.0
 */
final class Plugin {

	/**
	 * Whether boot() ran.
	 *
	 * @var bool
	 */
	private static bool $booted = false;

	/**
	 * Boots the plugin. Safe with or without the extension: nothing here
	 * calls into it except the lazy store registration.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function boot(): void {
		if ( self::$booted ) {
			return;
		}
		self::$booted = true;

		try {
			add_action( 'init', array( self::class, 'load_textdomain' ), 1 );
			add_action( 'before_woocommerce_init', array( self::class, 'declare_woocommerce_compatibility' ) );
			add_action( 'init', array( Installer::class, 'maybe_upgrade' ), 99 );
			add_action( 'wp_initialize_site', array( Installer::class, 'on_new_site' ), 20 );

			// Roles and capabilities live in user meta; forget cached vendor answers when they change.
			foreach ( array( 'added_user_meta', 'updated_user_meta', 'deleted_user_meta', 'set_user_role' ) as $hook ) {
				add_action( $hook, array( Vendors::class, 'flush_cache' ), 10, 0 );
			}

			Frontend\Shortcode::init();
			Frontend\Assets::init();
			Frontend\Navigation::init();
			Rest\Controller::init();
			Rest\SessionController::init();
			Rest\SyncController::init();
			Rest\MessagesController::init();
			Messages\Directory::init();
			Rest\PreferencesController::init();
			Messages\PreferencesForm::init();
			Rest\AdminController::init();
			Logs::init();
			Privacy::init();
			CloudConnections::init();
			Connections::init();
			Catalog\Scheduler::init();
			Catalog\Checks::init();
			Catalog\Panel::init();
			Integrations\Marketplaces::init();

			if ( is_admin() ) {
				Admin\Notices::init();
				Admin\SettingsPage::init();
				Admin\GatewaySettings::init();
				Admin\VendorsPage::init();
				Admin\CatalogSettings::init();
				Admin\MessagesSettings::init();
				Admin\CloudConnectionsBox::init();
				Admin\LogsPage::init();
				Admin\SiteHealth::init();
			}

			// Tell the extension where the store is, so every worker reports
			// it (Wpwa\info()) and first use needs no extra step. Cheap: the
			// file itself is opened lazily by the core. On `init`, because a
			// failure message is translated.
			if ( Core::available() ) {
				add_action( 'init', array( self::class, 'register_store' ), 5 );
			}
		} catch ( Throwable $e ) {
			Core::report( $e );
		}

		/**
		 * Fires once wpwa has registered its hooks.
		 *
		 * @since 0.1.0
		 *
		 * @param bool $extension_loaded Whether the wpwa PHP extension is available.
		 */
		do_action( 'wpwa_loaded', Core::available() );
	}

	/**
	 * Registers the store path with the extension (failures are shown to
	 * administrators by the admin notice and reported on first real use).
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function register_store(): void {
		try {
			Core::ensure_store( true );
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
	}

	/**
	 * Tells WooCommerce which of its optional features wpwa works with:
	 * High-Performance Order Storage (wpwa reads orders only through
	 * WooCommerce's CRUD API) and the cart and checkout blocks (wpwa adds
	 * nothing to cart or checkout). WooCommerce lists the plugin as compatible
	 * on WooCommerce → Settings → Advanced → Features and on the Plugins
	 * screen.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function declare_woocommerce_compatibility(): void {
		if ( ! class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
			return;
		}
		foreach ( array( 'custom_order_tables', 'cart_checkout_blocks' ) as $feature ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( $feature, WPWA_PLUGIN_FILE, true );
		}
	}

	/**
	 * Loads translations from the plugin's languages folder (files in
	 * wp-content/languages/plugins take precedence).
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function load_textdomain(): void {
		load_plugin_textdomain( 'wpwa', false, dirname( WPWA_PLUGIN_BASENAME ) . '/languages' );
	}
}
