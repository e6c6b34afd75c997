<?php
/**
 * Vendor detection across marketplace plugins.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin;

use Throwable;

defined( 'ABSPATH' ) || exit;

/**
 * Decides whether a user is a marketplace vendor.
 *
 * Recognises WCFM Marketplace, Dokan, WC Vendors and MultiVendorX vendors, and
 * any user holding the `wpwa_vendor` capability.
 *
 * @since 0.1.0
 */
final class Vendors {

	/**
	 * Capability that makes any user a vendor for wpwa.
	 *
	 * @since 0.1.0
	 */
	public const VENDOR_CAP = 'wpwa_vendor';

	/**
	 * Capability of wpwa administrators.
	 *
	 * @since 0.1.0
	 */
	public const MANAGE_CAP = 'manage_wpwa';

	/**
	 * Per-request cache.
	 *
	 * @var array<int,bool>
	 */
	private static array $cache = array();

	/**
	 * Whether the user is a vendor.
	 *
	 * @since 0.1.0
	 *
	 * @param int $user_id User ID.
	 * @return bool
	 */
	public static function is_vendor( int $user_id ): bool {
		if ( $user_id <= 0 ) {
			return false;
		}
		if ( isset( self::$cache[ $user_id ] ) ) {
			return self::$cache[ $user_id ];
		}

		$is_vendor = self::detect( $user_id );

		/**
		 * Filters whether a user is treated as a marketplace vendor by wpwa.
		 *
		 * Runs after the built-in detection (WCFM, Dokan, WC Vendors,
		 * MultiVendorX, the `wpwa_vendor` capability).
		 *
		 * @since 0.1.0
		 *
		 * @param bool $is_vendor Whether the user is a vendor.
		 * @param int  $user_id   User ID.
		 */
		$is_vendor = (bool) apply_filters( 'wpwa_is_vendor', $is_vendor, $user_id );

		self::$cache[ $user_id ] = $is_vendor;
		return $is_vendor;
	}

	/**
	 * Whether the current user is a vendor.
	 *
	 * @since 0.1.0
	 *
	 * @return bool
	 */
	public static function current_is_vendor(): bool {
		return self::is_vendor( get_current_user_id() );
	}

	/**
	 * Whether the user manages wpwa (may see any vendor's data).
	 *
	 * @since 0.1.0
	 *
	 * @param int $user_id User ID.
	 * @return bool
	 */
	public static function can_manage( int $user_id ): bool {
		return $user_id > 0 && user_can( $user_id, self::MANAGE_CAP );
	}

	/**
	 * IDs of every user wpwa recognises as a vendor, ordered by display name.
	 * Candidates are holders of the `wpwa_vendor` capability and users with
	 * the vendor roles of the supported marketplaces; each is confirmed with
	 * is_vendor().
	 *
	 * @since 0.2.0
	 *
	 * @return int[]
	 */
	public static function all_ids(): array {
		/**
		 * Filters the user roles whose members are candidate vendors.
		 *
		 * @since 0.2.0
		 *
		 * @param string[] $roles Default: wcfm_vendor, seller (Dokan), vendor (WC Vendors), dc_vendor (MultiVendorX).
		 */
		$roles = (array) apply_filters( 'wpwa_vendor_roles', array( 'wcfm_vendor', 'seller', 'vendor', 'dc_vendor' ) );
		$base  = array(
			'fields'  => 'ID',
			'orderby' => 'display_name',
			'order'   => 'ASC',
			'number'  => -1,
		);
		$ids   = get_users( $base + array( 'capability__in' => array( self::VENDOR_CAP ) ) );
		if ( $roles ) {
			$ids = array_merge( $ids, get_users( $base + array( 'role__in' => array_map( 'strval', $roles ) ) ) );
		}
		$ids = array_values( array_unique( array_map( 'intval', $ids ) ) );
		return array_values( array_filter( $ids, array( self::class, 'is_vendor' ) ) );
	}

	/**
	 * The vendor's store name as people read it: the marketplace's store
	 * name (WCFM returns it HTML-escaped), HTML entities decoded, for output
	 * through esc_html() and friends.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return string
	 */
	public static function store_name( int $vendor_id ): string {
		return html_entity_decode( Catalog\Config::store_name( $vendor_id ), ENT_QUOTES | ENT_HTML5, 'UTF-8' );
	}

	/**
	 * Forgets cached answers (after role changes in the same request).
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function flush_cache(): void {
		self::$cache = array();
	}

	/**
	 * Built-in detection. Third-party calls are guarded: a broken marketplace
	 * plugin must not take the dashboard down.
	 *
	 * @since 0.1.0
	 *
	 * @param int $user_id User ID.
	 * @return bool
	 */
	private static function detect( int $user_id ): bool {
		try {
			if ( user_can( $user_id, self::VENDOR_CAP ) ) {
				return true;
			}
			// WCFM Marketplace.
			if ( function_exists( 'wcfm_is_vendor' ) && wcfm_is_vendor( $user_id ) ) {
				return true;
			}
			// Dokan.
			if ( function_exists( 'dokan_is_user_seller' ) && dokan_is_user_seller( $user_id ) ) {
				return true;
			}
			// WC Vendors.
			if ( class_exists( 'WCV_Vendors' ) && is_callable( array( 'WCV_Vendors', 'is_vendor' ) ) && \WCV_Vendors::is_vendor( $user_id ) ) {
				return true;
			}
			// MultiVendorX (formerly WC Marketplace).
			if ( function_exists( 'is_user_mvx_vendor' ) && is_user_mvx_vendor( $user_id ) ) {
				return true;
			}
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
		return false;
	}
}
