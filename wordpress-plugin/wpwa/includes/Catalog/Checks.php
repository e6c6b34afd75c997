<?php
/**
 * Keeps the core's per-product catalog checks in step with WooCommerce.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Catalog;

use Throwable;
use WP_Post;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Products\Readers;

defined( 'ABSPATH' ) || exit;

/**
 * The dashboard's catalog panel reads each product's verdict (ready, needs
 * attention and why) from the core, which stores it per product; before, every
 * view read and validated the vendor's whole catalog. This class checks a
 * product again when it changes: WooCommerce's product saves, status changes,
 * trash and deletion, a product's meta, a product moved to another vendor. The
 * changed products are queued and checked once when the request ends; a request
 * that changed more than BULK products of a vendor (an import) makes the next
 * view check that vendor's whole catalog instead.
 *
 * @since 0.7.0
 */
final class Checks {

	/**
	 * More changed products than this in one request: check the whole catalog on the next view.
	 *
	 * @since 0.7.0
	 */
	public const BULK = 100;

	/**
	 * Transient prefix of a vendor's published product count.
	 *
	 * @since 0.7.0
	 */
	private const PUBLISHED_COUNT = 'wpwa_published_';

	/**
	 * Changed products by vendor: vendor ID => product ID => true.
	 *
	 * @var array<int,array<int,true>>
	 */
	private static array $pending = array();

	/**
	 * Changed posts by vendor, variations by their own ID too: vendor ID => post ID => true.
	 *
	 * @var array<int,array<int,true>>
	 */
	private static array $noted = array();

	/**
	 * Hooks the product events.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		foreach ( array( 'woocommerce_new_product', 'woocommerce_update_product', 'woocommerce_new_product_variation', 'woocommerce_update_product_variation', 'wp_trash_post', 'untrashed_post', 'before_delete_post' ) as $hook ) {
			add_action( $hook, array( self::class, 'product_changed' ), 30, 1 );
		}
		add_action( 'save_post_product', array( self::class, 'product_changed' ), 30, 1 );
		add_action( 'save_post_product_variation', array( self::class, 'product_changed' ), 30, 1 );
		add_action( 'transition_post_status', array( self::class, 'status_changed' ), 30, 3 );
		add_action( 'post_updated', array( self::class, 'post_updated' ), 30, 3 );
		foreach ( array( 'added_post_meta', 'updated_post_meta', 'deleted_post_meta' ) as $hook ) {
			add_action( $hook, array( self::class, 'meta_changed' ), 30, 2 );
		}
	}

	/**
	 * Queues a product (a variation queues its product) of its current vendor.
	 *
	 * @since 0.7.0
	 *
	 * @param int|string $post_id Post ID.
	 * @param int        $vendor  Vendor to queue it for (default: its owner now).
	 * @return void
	 */
	public static function product_changed( $post_id, int $vendor = 0 ): void {
		$post = get_post( (int) $post_id );
		if ( ! $post instanceof WP_Post || ! in_array( $post->post_type, array( 'product', 'product_variation' ), true ) ) {
			return;
		}
		$product = 'product_variation' === $post->post_type && $post->post_parent ? (int) $post->post_parent : (int) $post->ID;
		$vendor  = $vendor > 0 ? $vendor : Scheduler::owner( $post );
		if ( $vendor <= 0 ) {
			return;
		}
		if ( empty( self::$pending ) ) {
			add_action( 'shutdown', array( self::class, 'flush' ), 4 );
		}
		self::$pending[ $vendor ][ $product ] = true;
		// The sync's notes name the variation too: one that is deleted leaves its
		// catalog item behind unless the core knows to look at it.
		self::$noted[ $vendor ][ $product ]        = true;
		self::$noted[ $vendor ][ (int) $post->ID ] = true;
	}

	/**
	 * `transition_post_status`.
	 *
	 * @since 0.7.0
	 *
	 * @param string  $new_status New status.
	 * @param string  $old_status Old status.
	 * @param WP_Post $post       Post.
	 * @return void
	 */
	public static function status_changed( $new_status, $old_status, $post ): void {
		if ( $new_status !== $old_status && $post instanceof WP_Post ) {
			self::product_changed( $post->ID );
		}
	}

	/**
	 * `post_updated`: a product moved to another vendor leaves the old one's checks.
	 *
	 * @since 0.7.0
	 *
	 * @param int     $post_id Post ID.
	 * @param WP_Post $after   Post after.
	 * @param WP_Post $before  Post before.
	 * @return void
	 */
	public static function post_updated( $post_id, $after, $before ): void {
		if ( $after instanceof WP_Post && $before instanceof WP_Post && (int) $after->post_author !== (int) $before->post_author ) {
			self::product_changed( $post_id, (int) $before->post_author );
			self::product_changed( $post_id );
		}
	}

	/**
	 * Post meta of a product changed (price, image, stock written directly).
	 *
	 * @since 0.7.0
	 *
	 * @param int|int[]  $meta_id Meta ID(s).
	 * @param int|string $post_id Post ID.
	 * @return void
	 */
	public static function meta_changed( $meta_id, $post_id ): void {
		if ( in_array( get_post_type( (int) $post_id ), array( 'product', 'product_variation' ), true ) ) {
			self::product_changed( $post_id );
		}
	}

	/**
	 * Checks the queued products again, vendor by vendor. Runs when the request ends.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function flush(): void {
		$pending       = self::$pending;
		$noted         = self::$noted;
		self::$pending = array();
		self::$noted   = array();
		foreach ( array_keys( $pending ) as $vendor_id ) {
			delete_transient( self::PUBLISHED_COUNT . $vendor_id );
		}
		if ( empty( $pending ) || ! Core::available() ) {
			return;
		}
		foreach ( $pending as $vendor_id => $products ) {
			try {
				// The next sync reads what changed (or, after a bulk change, everything).
				$bulk  = count( $products ) > self::BULK;
				$noted = Core::catalog_changes_note( (int) $vendor_id, $bulk ? null : array_keys( $noted[ $vendor_id ] ?? array() ) );
				if ( is_wp_error( $noted ) ) {
					Core::report( $noted->get_error_message() );
				}
				if ( $bulk ) {
					$result = Core::catalog_checks_forget( (int) $vendor_id );
				} else {
					$ids    = array_keys( $products );
					$rules  = Sync::rules( (int) $vendor_id );
					$result = Core::catalog_check( (int) $vendor_id, Sync::records_of( (int) $vendor_id, $ids ), $rules, Sync::rules_key( $rules ), $ids );
				}
				if ( is_wp_error( $result ) ) {
					Core::report( $result->get_error_message() );
				}
			} catch ( Throwable $e ) {
				Core::report( $e );
			}
		}
	}

	/**
	 * The vendor's published product count, kept until one of their products
	 * changes: the dashboard and the status poll show it on every view, and
	 * counting a large catalog costs a query that grows with it.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return int
	 */
	public static function published_count( int $vendor_id ): int {
		$kept = get_transient( self::PUBLISHED_COUNT . $vendor_id );
		if ( is_numeric( $kept ) ) {
			return (int) $kept;
		}
		$count = Readers::get()->count_published( $vendor_id );
		set_transient( self::PUBLISHED_COUNT . $vendor_id, $count, HOUR_IN_SECONDS );
		return $count;
	}
}
