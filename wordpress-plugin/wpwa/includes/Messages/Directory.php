<?php
/**
 * Keeps the vendor directory the core routes customer messages with.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Messages;

use Throwable;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Integrations\Marketplaces;
use Wpwa\Plugin\StoreConfig;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * The core stores the directory (vendor, chosen code, store name), so that a
 * webhook needs nothing from WordPress: before this, every webhook listed all
 * vendors (two unbounded user queries and per-vendor lookups) before its
 * signature was even checked. This class keeps the stored copy in step:
 *
 * - a user's role, capabilities, profile or meta changing queues that user;
 *   when the request ends, each queued user is put in the directory (a vendor)
 *   or taken out of it (anyone else);
 * - the whole directory is rebuilt when it was never built for this site, for
 *   this version of its rules or for the active marketplace (activation,
 *   upgrade, a marketplace switch), and whenever a `wpwa_message_vendor_directory`
 *   filter is in use (it sees the whole directory, so it cannot be applied
 *   vendor by vendor).
 *
 * @since 0.7.0
 */
final class Directory {

	/**
	 * Option holding what the stored directory was built for (see state()).
	 *
	 * @since 0.7.0
	 */
	public const STATE_OPTION = 'wpwa_directory_state';

	/**
	 * Bumped when what goes into a listing changes, so stored directories are rebuilt.
	 *
	 * @since 0.7.0
	 */
	private const FORMAT = 1;

	/**
	 * User meta keys written often that never change a listing (logins, activity,
	 * carts, screen options), so that a customer's page view queues nothing.
	 *
	 * @since 0.7.0
	 */
	private const QUIET_META = array( 'session_tokens', 'wc_last_active', 'last_update', 'dismissed_wp_pointers', 'wpwa_preferences', 'wpwa_notify_email' );

	/**
	 * Users whose listing must be put or removed when the request ends.
	 *
	 * @var array<int,true>
	 */
	private static array $pending = array();

	/**
	 * Whether the shutdown flush is hooked.
	 *
	 * @var bool
	 */
	private static bool $flush_hooked = false;

	/**
	 * Hooks the user and marketplace events that change the directory.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		foreach ( array( 'user_register', 'profile_update', 'deleted_user' ) as $hook ) {
			add_action( $hook, array( self::class, 'queue' ), 20, 1 );
		}
		foreach ( array( 'set_user_role', 'add_user_role', 'remove_user_role' ) as $hook ) {
			add_action( $hook, array( self::class, 'queue' ), 20, 1 );
		}
		foreach ( array( 'added_user_meta', 'updated_user_meta', 'deleted_user_meta' ) as $hook ) {
			add_action( $hook, array( self::class, 'queue_meta' ), 20, 3 );
		}
		// After Marketplaces::note_switch (98) and Installer::maybe_upgrade (99).
		add_action( 'init', array( self::class, 'maybe_rebuild' ), 100 );
	}

	/**
	 * What a stored directory is valid for: the rules' format, the active
	 * marketplace and the store engine (a site switched to a database that holds
	 * no directory yet would send every message to the marketplace team).
	 *
	 * @since 0.7.0
	 *
	 * @return string
	 */
	private static function state(): string {
		$current = Marketplaces::current();
		return self::FORMAT . ':' . ( $current ? $current->id() : '' ) . ':' . StoreConfig::engine();
	}

	/**
	 * Rebuilds the stored directory when it was built for something else (or
	 * never). One autoloaded option read on every other request.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function maybe_rebuild(): void {
		if ( ! self::is_current() && Core::available() ) {
			self::rebuild();
		}
	}

	/**
	 * Whether the stored directory was built for what the site is now.
	 *
	 * @since 0.14.0
	 *
	 * @return bool
	 */
	public static function is_current(): bool {
		return get_option( self::STATE_OPTION ) === self::state();
	}

	/**
	 * Forgets what the stored directory was built for, so that the next
	 * request rebuilds it (activation, deactivation: vendors may change while
	 * the plugin's hooks are not there to see it).
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function invalidate(): void {
		delete_option( self::STATE_OPTION );
	}

	/**
	 * Lists every vendor anew in the core's directory.
	 *
	 * @since 0.7.0
	 *
	 * @return bool Whether the core took it.
	 */
	public static function rebuild(): bool {
		self::$pending = array();
		$result        = Core::directory_replace( Config::directory() );
		if ( is_wp_error( $result ) ) {
			Core::report( $result->get_error_message() );
			return false;
		}
		update_option( self::STATE_OPTION, self::state(), true );
		return true;
	}

	/**
	 * Queues a user whose listing may have changed.
	 *
	 * @since 0.7.0
	 *
	 * @param int|string $user_id User ID.
	 * @return void
	 */
	public static function queue( $user_id ): void {
		$user_id = (int) $user_id;
		if ( $user_id <= 0 ) {
			return;
		}
		self::$pending[ $user_id ] = true;
		if ( ! self::$flush_hooked ) {
			self::$flush_hooked = true;
			add_action( 'shutdown', array( self::class, 'flush' ), 5 );
		}
	}

	/**
	 * Queues the user whose meta changed, unless the key never affects a listing.
	 *
	 * @since 0.7.0
	 *
	 * @param int|int[]  $meta_id   Meta ID(s).
	 * @param int|string $user_id   User ID.
	 * @param string     $meta_key  Meta key.
	 * @return void
	 */
	public static function queue_meta( $meta_id, $user_id, $meta_key ): void {
		$meta_key = (string) $meta_key;
		if ( in_array( $meta_key, self::QUIET_META, true ) || str_starts_with( $meta_key, '_woocommerce_persistent_cart' ) ) {
			return;
		}
		self::queue( $user_id );
	}

	/**
	 * Puts or removes each queued user (or rebuilds, when a directory filter is
	 * in use). Runs when the request ends, and before the directory is read.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function flush(): void {
		if ( empty( self::$pending ) || ! Core::available() ) {
			return;
		}
		$pending       = array_keys( self::$pending );
		self::$pending = array();
		try {
			if ( has_filter( 'wpwa_message_vendor_directory' ) ) {
				self::rebuild();
				return;
			}
			Vendors::flush_cache();
			foreach ( $pending as $user_id ) {
				if ( get_userdata( $user_id ) && Vendors::is_vendor( $user_id ) ) {
					$listing = Config::listing( $user_id );
					$result  = Core::directory_put( $user_id, $listing['code'], $listing['store_name'] );
				} else {
					$result = Core::directory_remove( $user_id );
				}
				if ( is_wp_error( $result ) ) {
					Core::report( $result->get_error_message() );
				}
			}
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
	}

	/**
	 * The directory as the core keeps it, this request's changes included:
	 * `vendor_id`, `code` (unique, without `#`), `store_name`.
	 *
	 * @since 0.7.0
	 *
	 * @return array<int,array{vendor_id:int,code:string,store_name:string}>
	 */
	public static function entries(): array {
		self::flush();
		$entries = Core::directory();
		return is_array( $entries ) ? $entries : array();
	}
}
