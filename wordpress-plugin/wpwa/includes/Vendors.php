<?php
/**
 * Vendor detection across marketplace plugins.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin;

use Throwable;
use Wpwa\Plugin\Integrations\Marketplaces;

defined( 'ABSPATH' ) || exit;

/**
 * Vendors as the marketplace sees them: who is one, their store's name and
 * URL, and which vendor a product belongs to, each answered by the active
 * marketplace's own API (Integrations\Marketplaces), with WordPress's own
 * data as the fallback.
 *
 * Recognises WCFM Marketplace, Dokan, WC Vendors and MultiVendorX vendors, and
 * any user holding the `wpwa_vendor` capability.
 *
 * @since 0.1.0
 * @since 0.7.0 Store name, store URL, product vendor and product scope.
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
		 * @since 0.7.0 store_owner (MultiVendorX 5) replaces dc_vendor, plus the loaded marketplaces' own roles.
		 *
		 * @param string[] $roles Default: wcfm_vendor, seller (Dokan), vendor (WC Vendors), store_owner (MultiVendorX 5).
		 */
		$roles = array( 'wcfm_vendor', 'seller', 'vendor', 'store_owner' );
		foreach ( Marketplaces::loaded() as $marketplace ) {
			$roles = array_merge( $roles, $marketplace->vendor_roles() );
		}
		$roles = (array) apply_filters( 'wpwa_vendor_roles', array_values( array_unique( $roles ) ) );
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
	 * The vendor's store name as plain text (HTML entities decoded: WCFM
	 * returns `Bolt &amp; Co Gadgets`), from the marketplace; the user's
	 * display name when the marketplace has none; '' for an unknown user.
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id Vendor user ID.
	 * @return string
	 */
	public static function store_name( int $user_id ): string {
		$name = '';
		try {
			$marketplace = Marketplaces::current();
			$name        = $marketplace ? $marketplace->store_name( $user_id ) : '';
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
		if ( '' === $name ) {
			$user = $user_id > 0 ? get_userdata( $user_id ) : false;
			$name = $user ? Integrations\Marketplace::plain_text( (string) $user->display_name ) : '';
		}

		/**
		 * Filters the vendor's store name (plain text: the catalog brand of
		 * products without one, the vendor code, the admin's Vendors page).
		 *
		 * @since 0.3.0
		 * @since 0.7.0 Applied by Vendors::store_name(), after decoding.
		 *
		 * @param string $name      Store name.
		 * @param int    $vendor_id Vendor user ID.
		 */
		return Integrations\Marketplace::plain_text( (string) apply_filters( 'wpwa_vendor_store_name', $name, $user_id ) );
	}

	/**
	 * Store names of several vendors, keyed by user ID, in the order people
	 * look names up (natural, case-insensitive); users without a name are
	 * left out. For the admin's lists of vendors.
	 *
	 * @since 0.7.0
	 *
	 * @param int[] $user_ids Vendor user IDs.
	 * @return array<int,string>
	 */
	public static function store_names( array $user_ids ): array {
		$ids = array_values( array_unique( array_filter( array_map( 'intval', $user_ids ) ) ) );
		// One query for every user's row and meta instead of one per vendor.
		cache_users( $ids );
		$names = array();
		foreach ( $ids as $id ) {
			$name = self::store_name( $id );
			if ( '' !== $name ) {
				$names[ $id ] = $name;
			}
		}
		uasort( $names, 'strnatcasecmp' );
		return $names;
	}

	/**
	 * The vendor's public store page, from the marketplace; the author
	 * archive when the marketplace has none.
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id Vendor user ID.
	 * @return string
	 */
	public static function store_url( int $user_id ): string {
		if ( $user_id <= 0 ) {
			return '';
		}
		$url = '';
		try {
			$marketplace = Marketplaces::current();
			$url         = $marketplace ? $marketplace->store_url( $user_id ) : '';
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
		if ( '' === $url ) {
			$url = (string) get_author_posts_url( $user_id );
		}

		/**
		 * Filters the URL of the vendor's store page.
		 *
		 * @since 0.7.0
		 *
		 * @param string $url       URL.
		 * @param int    $vendor_id Vendor user ID.
		 */
		return (string) apply_filters( 'wpwa_vendor_store_url', $url, $user_id );
	}

	/**
	 * The vendor a product or variation belongs to by the marketplace's own
	 * mapping (WCFM `wcfm_get_vendor_id_by_post`, Dokan
	 * `dokan_get_vendor_by_product`, WC Vendors
	 * `WCV_Vendors::get_vendor_from_product`, MultiVendorX 5 the owner of the
	 * product's store); the product's author when the marketplace names none.
	 *
	 * @since 0.7.0
	 *
	 * @param int $product_id Product or variation ID.
	 * @return int Vendor user ID, 0 for no product.
	 */
	public static function product_vendor( int $product_id ): int {
		$post = $product_id > 0 ? get_post( $product_id ) : null;
		if ( $post && 'product_variation' === $post->post_type ) {
			$post = get_post( (int) $post->post_parent );
		}
		if ( ! $post || 'product' !== $post->post_type ) {
			return 0;
		}
		$vendor = 0;
		try {
			$marketplace = Marketplaces::current();
			$vendor      = $marketplace ? $marketplace->product_vendor( (int) $post->ID ) : 0;
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
		if ( $vendor <= 0 ) {
			$vendor = (int) $post->post_author;
		}

		/**
		 * Filters the vendor a product belongs to.
		 *
		 * @since 0.7.0
		 *
		 * @param int $vendor     Vendor user ID.
		 * @param int $product_id Product ID (the parent of a variation).
		 */
		return (int) apply_filters( 'wpwa_product_vendor', $vendor, (int) $post->ID );
	}

	/**
	 * How the product readers find a vendor's products: by author, or by a
	 * product meta key holding one of some values (MultiVendorX 5 ties
	 * products to stores).
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array{author?:int,meta_key?:string,meta_values?:int[]}
	 */
	public static function product_scope( int $vendor_id ): array {
		$scope = array( 'author' => $vendor_id );
		try {
			$marketplace = Marketplaces::current();
			if ( $marketplace ) {
				$scope = $marketplace->product_scope( $vendor_id );
			}
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
		if ( isset( $scope['meta_key'] ) ) {
			return array(
				'meta_key'    => (string) $scope['meta_key'], // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key -- the marketplace's mapping.
				'meta_values' => array_values( array_filter( array_map( 'intval', (array) ( $scope['meta_values'] ?? array() ) ) ) ),
			);
		}
		return array( 'author' => (int) ( $scope['author'] ?? $vendor_id ) );
	}

	/**
	 * Built-in detection: the `wpwa_vendor` capability, or a vendor of a
	 * loaded marketplace by its own API. Third-party calls are guarded: a
	 * broken marketplace plugin must not take the dashboard down.
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
			foreach ( Marketplaces::loaded() as $marketplace ) {
				if ( $marketplace->is_vendor( $user_id ) ) {
					return true;
				}
			}
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
		return false;
	}
}
