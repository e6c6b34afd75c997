<?php
/**
 * The connection registry: which WhatsApp connection applies, resolved once.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin;

use WP_Error;
use Wpwa\Plugin\Catalog\Config as CatalogConfig;
use Wpwa\Plugin\Messages\Config as MessagesConfig;

defined( 'ABSPATH' ) || exit;

/**
 * One place that answers "which Cloud API connection applies for this vendor
 * and this purpose": integration model 1 (the marketplace's account, or the
 * central connection chosen in the settings), model 2 (the vendor's assigned
 * connection), sandbox mode (the local sandbox). The rules themselves stay in
 * the settings classes that own them (Catalog\Config::connection() for catalog
 * syncs, Messages\Config::connection() and its `wpwa_message_connection` filter
 * for messages); this registry asks each once per request, vendor and purpose,
 * so that a webhook that notifies a vendor and sends their automatic reply no
 * longer opens the same sealed token for every send. Sealed credentials are
 * opened once per request too (Core::secret_open() remembers what it opened).
 *
 * Settings or assignments saved during the request are seen: any change to a
 * `wpwa_` option or to a vendor's assigned connection forgets what was resolved.
 *
 * @since 0.7.0
 */
final class Connections {

	/**
	 * Purpose: sending WhatsApp messages (vendor 0: the marketplace's number).
	 *
	 * @since 0.7.0
	 */
	public const MESSAGES = 'messages';

	/**
	 * Purpose: syncing a vendor's catalog.
	 *
	 * @since 0.7.0
	 */
	public const CATALOG = 'catalog';

	/**
	 * Connections resolved in this request, by purpose and vendor.
	 *
	 * @var array<string,array<string,string>|WP_Error>
	 */
	private static array $resolved = array();

	/**
	 * The app secret Cloud API webhooks are signed with, once opened.
	 *
	 * @var string|null
	 */
	private static ?string $app_secret = null;

	/**
	 * Forgets resolved connections when the settings or assignments behind them change.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		foreach ( array( 'added_option', 'updated_option', 'deleted_option' ) as $hook ) {
			add_action( $hook, array( self::class, 'option_changed' ), 10, 1 );
		}
		foreach ( array( 'added_user_meta', 'updated_user_meta', 'deleted_user_meta' ) as $hook ) {
			add_action( $hook, array( self::class, 'meta_changed' ), 10, 3 );
		}
	}

	/**
	 * The Cloud API connection that applies for a vendor and purpose (`url`,
	 * `version`, `token`, and `phone_number_id` for messages or `catalog_id`
	 * for catalogs), or a WP_Error saying what to set up.
	 *
	 * @since 0.7.0
	 *
	 * @param int    $vendor_id Vendor user ID (0: the marketplace).
	 * @param string $purpose   self::MESSAGES or self::CATALOG.
	 * @return array<string,string>|WP_Error
	 */
	public static function cloud( int $vendor_id, string $purpose ) {
		$key = $purpose . ':' . $vendor_id;
		if ( ! array_key_exists( $key, self::$resolved ) ) {
			self::$resolved[ $key ] = self::CATALOG === $purpose ? CatalogConfig::connection( $vendor_id ) : MessagesConfig::connection( $vendor_id );
		}
		return self::$resolved[ $key ];
	}

	/**
	 * The app secret Cloud API webhooks are signed with ('' when none is set
	 * and sandbox mode is off).
	 *
	 * @since 0.7.0
	 *
	 * @return string
	 */
	public static function app_secret(): string {
		if ( null === self::$app_secret ) {
			self::$app_secret = MessagesConfig::app_secret();
		}
		return self::$app_secret;
	}

	/**
	 * Forgets every resolved connection (settings changed).
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function forget(): void {
		self::$resolved   = array();
		self::$app_secret = null;
	}

	/**
	 * Action on option changes: a `wpwa_` option may change which connection applies.
	 *
	 * @since 0.7.0
	 *
	 * @param string $option Option name.
	 * @return void
	 */
	public static function option_changed( $option ): void {
		if ( str_starts_with( (string) $option, 'wpwa_' ) ) {
			self::forget();
		}
	}

	/**
	 * Action on user meta changes: a vendor's assigned connection.
	 *
	 * @since 0.7.0
	 *
	 * @param int|int[]  $meta_id  Meta ID(s).
	 * @param int|string $user_id  User ID.
	 * @param string     $meta_key Meta key.
	 * @return void
	 */
	public static function meta_changed( $meta_id, $user_id, $meta_key ): void {
		if ( CloudConnections::ASSIGN_META === $meta_key ) {
			self::forget();
		}
	}
}
