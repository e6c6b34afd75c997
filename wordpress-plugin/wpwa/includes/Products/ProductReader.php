<?php
/**
 * Contract for reading a vendor's WooCommerce products.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Products;

defined( 'ABSPATH' ) || exit;

/**
 * Reads a vendor's products. Two implementations exist: one through
 * WooCommerce's API (the normal path) and one reading WooCommerce's storage
 * format directly (the fast path for large catalogs). Both must give the same
 * answers for the same data.
 *
 * A vendor's products are the `product` posts the marketplace ties to the
 * vendor (Records::owner_condition(): their author, or MultiVendorX 5's
 * store meta).
 * Catalog sync adds a method returning full product records; the ID paging
 * below is what it builds on.
 *
 * @since 0.1.0
 */
interface ProductReader {

	/**
	 * Short machine name of the reader, e.g. `woocommerce` or `storage`.
	 *
	 * @since 0.1.0
	 *
	 * @return string
	 */
	public function name(): string;

	/**
	 * Number of published products owned by the vendor.
	 *
	 * @since 0.1.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return int
	 */
	public function count_published( int $vendor_id ): int;

	/**
	 * IDs of the vendor's published products in ascending order, one page at
	 * a time (keyset paging: pass the last ID of the previous page).
	 *
	 * @since 0.1.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $after_id  Return IDs greater than this one (0 to start).
	 * @param int $limit     Page size, 1 to 1000.
	 * @return int[]
	 */
	public function published_ids( int $vendor_id, int $after_id = 0, int $limit = 100 ): array;

	/**
	 * Catalog records of the vendor's products (published, draft, private or
	 * pending), one page of top-level products at a time in ascending ID
	 * order (keyset paging: pass the highest top-level ID of the previous
	 * page). A variable product's record is followed by one record per
	 * variation. The format is described in `Records`; every reader must give
	 * identical records for the same data.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $after_id  Only products with a greater ID (0 to start).
	 * @param int $limit     Top-level products per page, 1 to 500.
	 * @return array<int,array<string,mixed>>
	 */
	public function records( int $vendor_id, int $after_id = 0, int $limit = 100 ): array;
}
