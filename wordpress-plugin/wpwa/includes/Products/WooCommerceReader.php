<?php
/**
 * Product reader using WooCommerce's API.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Products;

defined( 'ABSPATH' ) || exit;

/**
 * Reads products through `wc_get_products()`, so WooCommerce's own data
 * stores, caches and filters apply. Used whenever WooCommerce is active.
 *
 * @since 0.1.0
 */
final class WooCommerceReader implements ProductReader {

	/**
	 * Whether this reader can run (WooCommerce is loaded).
	 *
	 * @since 0.1.0
	 *
	 * @return bool
	 */
	public static function supported(): bool {
		return function_exists( 'wc_get_products' );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.1.0
	 */
	public function name(): string {
		return 'woocommerce';
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
		if ( $vendor_id <= 0 ) {
			return 0;
		}
		$result = wc_get_products( $this->base_args( $vendor_id ) + array(
			'limit'    => 1,
			'paginate' => true,
			'return'   => 'ids',
		) );
		if ( is_object( $result ) && isset( $result->total ) ) {
			return (int) $result->total;
		}
		return is_array( $result ) ? count( $result ) : 0;
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
		if ( $vendor_id <= 0 ) {
			return array();
		}
		$limit    = max( 1, min( 1000, $limit ) );
		$after_id = max( 0, $after_id );

		$filter = static function ( $where ) use ( $after_id ) {
			global $wpdb;
			return $where . $wpdb->prepare( " AND {$wpdb->posts}.ID > %d", $after_id );
		};

		// WP_Query has no "ID greater than" argument; narrow the WHERE clause
		// for this one query only.
		add_filter( 'posts_where', $filter );
		try {
			$ids = wc_get_products( $this->base_args( $vendor_id ) + array(
				'limit'            => $limit,
				'orderby'          => 'ID',
				'order'            => 'ASC',
				'return'           => 'ids',
			) );
		} finally {
			remove_filter( 'posts_where', $filter );
		}

		return is_array( $ids ) ? array_map( 'intval', $ids ) : array();
	}

	/**
	 * Query arguments shared by every read: the vendor's published products
	 * (WooCommerce's default product types: simple, grouped, external,
	 * variable; variations belong to their parent).
	 *
	 * @since 0.1.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>
	 */
	private function base_args( int $vendor_id ): array {
		return array(
			'author' => $vendor_id,
			'status' => 'publish',
		);
	}
}
