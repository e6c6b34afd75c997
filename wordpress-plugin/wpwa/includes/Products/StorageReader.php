<?php
/**
 * Product reader over WooCommerce's storage format.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Products;

defined( 'ABSPATH' ) || exit;

/**
 * Reads `product` posts straight from the posts table: the fast path for
 * large catalogs, and the path used when WooCommerce itself is not loaded.
 *
 * @since 0.1.0
 */
final class StorageReader implements ProductReader {

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.1.0
	 */
	public function name(): string {
		return 'storage';
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.1.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return int
	 */
	public function count_published( int $vendor_id ): int {
		global $wpdb;

		if ( $vendor_id <= 0 ) {
			return 0;
		}

		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching -- counting is cheap on the type_status_date index; a stale cache would show wrong counts.
		$count = $wpdb->get_var(
			$wpdb->prepare(
				"SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_type = %s AND post_status = %s AND post_author = %d",
				'product',
				'publish',
				$vendor_id
			)
		);

		return (int) $count;
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.1.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $after_id  Return IDs greater than this one.
	 * @param int $limit     Page size.
	 * @return int[]
	 */
	public function published_ids( int $vendor_id, int $after_id = 0, int $limit = 100 ): array {
		global $wpdb;

		if ( $vendor_id <= 0 ) {
			return array();
		}
		$limit    = max( 1, min( 1000, $limit ) );
		$after_id = max( 0, $after_id );

		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching -- bulk read path by design.
		$ids = $wpdb->get_col(
			$wpdb->prepare(
				"SELECT ID FROM {$wpdb->posts} WHERE post_type = %s AND post_status = %s AND post_author = %d AND ID > %d ORDER BY ID ASC LIMIT %d",
				'product',
				'publish',
				$vendor_id,
				$after_id,
				$limit
			)
		);

		return array_map( 'intval', (array) $ids );
	}
}
