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
	 * The plugin's areas, in the order they hook in. Each class's `init()`
	 * adds that area's actions, filters, shortcodes and REST routes and does
	 * nothing else, so this list and those methods are the whole wiring of
	 * the plugin to WordPress (besides the few hooks boot() adds itself).
	 *
	 * @since 0.7.0
	 */
	private const AREAS = array(
		Frontend\Shortcode::class,
		Frontend\Assets::class,
		Frontend\Navigation::class,
		Rest\Controller::class,
		Rest\SessionController::class,
		Rest\SyncController::class,
		Rest\MessagesController::class,
		Rest\WebhookServer::class,
		Messages\Directory::class,
		Messages\Templates::class,
		Rest\PreferencesController::class,
		Rest\ReplyController::class,
		Messages\PreferencesForm::class,
		Rest\AdminController::class,
		Logs::class,
		Privacy::class,
		CloudConnections::class,
		Connections::class,
		Catalog\Scheduler::class,
		Catalog\Checks::class,
		Catalog\Panel::class,
		Integrations\Marketplaces::class,
		Orders\Carts::class,
		Orders\Panel::class,
		ChatButton\Button::class,
		Orders\Consent::class,
		Orders\Updates::class,
		Orders\UpdatesPanel::class,
		Rest\OrderUpdatesController::class,
		Webhooks\Queue::class,
	);

	/**
	 * The areas of wp-admin, hooked in after AREAS on admin requests only.
	 *
	 * @since 0.7.0
	 */
	private const ADMIN_AREAS = array(
		Admin\Notices::class,
		Admin\SettingsPage::class,
		Admin\GatewaySettings::class,
		Admin\VendorsPage::class,
		Admin\CatalogSettings::class,
		Admin\MessagesSettings::class,
		Admin\ChatButtonSettings::class,
		Admin\CloudConnectionsBox::class,
		Admin\LogsPage::class,
		Admin\TemplatesPage::class,
		Admin\SiteHealth::class,
		Admin\StorageSettings::class,
		Admin\OrderUpdatesSettings::class,
		Orders\UpdatesBox::class,
	);

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

			foreach ( is_admin() ? array_merge( self::AREAS, self::ADMIN_AREAS ) : self::AREAS as $area ) {
				$area::init();
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
