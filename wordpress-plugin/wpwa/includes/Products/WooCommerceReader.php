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
		$result = $this->query(
			$vendor_id,
			0,
			array(
				'status'   => 'publish',
				'limit'    => 1,
				'paginate' => true,
				'return'   => 'ids',
			)
		);
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

		$ids = $this->query(
			$vendor_id,
			$after_id,
			array(
				'status'  => 'publish',
				'limit'   => $limit,
				'orderby' => 'ID',
				'order'   => 'ASC',
				'return'  => 'ids',
			)
		);

		return is_array( $ids ) ? array_map( 'intval', $ids ) : array();
	}

	/**
	 * `wc_get_products()` over the vendor's products (WooCommerce's default
	 * product types: simple, grouped, external, variable; variations belong
	 * to their parent) with IDs above $after_id. WP_Query has neither an "ID
	 * greater than" argument nor, through `wc_get_products()`, a meta query:
	 * both narrow the WHERE clause of this one query (the owner condition is
	 * the one the storage reader uses).
	 *
	 * @since 0.7.0
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param int                 $after_id  Only products with a greater ID.
	 * @param array<string,mixed> $args      Other `wc_get_products()` arguments.
	 * @return mixed What `wc_get_products()` returns.
	 */
	private function query( int $vendor_id, int $after_id, array $args ) {
		$filter = static function ( $where ) use ( $vendor_id, $after_id ) {
			global $wpdb;
			return $where . ' AND ' . Records::owner_condition( $vendor_id, $wpdb->posts ) . $wpdb->prepare( " AND {$wpdb->posts}.ID > %d", $after_id );
		};
		add_filter( 'posts_where', $filter );
		try {
			return wc_get_products( $args );
		} finally {
			remove_filter( 'posts_where', $filter );
		}
	}
	/**
	 * {@inheritDoc}
	 *
	 * Through `wc_get_products()` and the `WC_Product` getters, so
	 * WooCommerce's data stores, caches and filters apply.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $after_id  Only products with a greater ID.
	 * @param int $limit     Top-level products per page.
	 * @return array<int,array<string,mixed>>
	 */
	public function records( int $vendor_id, int $after_id = 0, int $limit = 100 ): array {
		if ( $vendor_id <= 0 ) {
			return array();
		}
		$limit    = max( 1, min( 500, $limit ) );
		$after_id = max( 0, $after_id );

		$products = $this->query(
			$vendor_id,
			$after_id,
			array(
				'status'  => Records::STATUSES,
				'limit'   => $limit,
				'page'    => 1,
				'orderby' => 'ID',
				'order'   => 'ASC',
			)
		);

		$products = is_array( $products ) ? array_filter( $products, 'is_object' ) : array();
		$children = array();
		foreach ( $products as $product ) {
			if ( 'variable' === $product->get_type() ) {
				$children = array_merge( $children, array_map( 'intval', (array) $product->get_children() ) );
			}
		}
		if ( $children ) {
			// The page's variations, their meta and their terms in three queries,
			// not three queries for each variation.
			_prime_post_caches( $children, true, true );
		}
		// The page's images (the products' and the variations' own) and their meta
		// in two queries, not two queries for each image.
		$images = array();
		foreach ( $products as $product ) {
			$images[] = (int) $product->get_image_id();
		}
		foreach ( $children as $child_id ) {
			$images[] = (int) get_post_thumbnail_id( $child_id );
		}
		$images = array_values( array_unique( array_filter( $images ) ) );
		if ( $images ) {
			_prime_post_caches( $images, false, true );
		}

		$records = array();
		foreach ( $products as $product ) {
			$id         = (int) $product->get_id();
			$type       = (string) $product->get_type();
			$link       = (string) $product->get_permalink();
			$brand      = $this->brand_of( $id );
			$visibility = (string) $product->get_catalog_visibility();
			$image      = $this->image_of( (int) $product->get_image_id() );

			$records[] = Records::make(
				array(
					'id'                => $id,
					'vendor_id'         => $vendor_id,
					'product_type'      => $type,
					'parent_id'         => null,
					'status'            => (string) $product->get_status(),
					'visibility'        => $visibility,
					'sku'               => (string) $product->get_sku( 'edit' ),
					'title'             => (string) $product->get_name(),
					'description'       => (string) $product->get_description(),
					'short_description' => (string) $product->get_short_description(),
					'price'             => (string) $product->get_price(),
					'regular_price'     => (string) $product->get_regular_price(),
					'sale_price'        => (string) $product->get_sale_price(),
					'sale_from'         => $product->get_date_on_sale_from( 'edit' ),
					'sale_to'           => $product->get_date_on_sale_to( 'edit' ),
					'stock_status'      => (string) $product->get_stock_status(),
					'manage_stock'      => (bool) $product->get_manage_stock(),
					'stock_quantity'    => $product->get_stock_quantity(),
					'image'             => $image,
					'permalink'         => $link,
					'brand'             => $brand,
				)
			);
			if ( 'variable' !== $type ) {
				continue;
			}
			foreach ( (array) $product->get_children() as $child_id ) {
				$variation = wc_get_product( $child_id );
				// get_variation_attributes() is the variation's own (WC_Product has none).
				if ( ! $variation instanceof \WC_Product_Variation ) {
					continue;
				}
				$attrs  = (array) $variation->get_variation_attributes();
				$desc   = (string) $variation->get_description();
				$manage = $variation->get_manage_stock();

				$records[] = Records::make(
					array(
						'id'                => (int) $variation->get_id(),
						'vendor_id'         => $vendor_id,
						'product_type'      => 'variation',
						'parent_id'         => $id,
						'status'            => Records::variation_status( (string) $product->get_status(), (string) $variation->get_status() ),
						'visibility'        => $visibility,
						'sku'               => (string) $variation->get_sku( 'edit' ),
						'title'             => Records::variation_title(
							(string) $product->get_name(),
							$attrs,
							static function ( string $taxonomy, string $slug ) {
								$term = get_term_by( 'slug', $slug, $taxonomy );
								return $term ? (string) $term->name : null;
							}
						),
						'description'       => '' !== trim( $desc ) ? $desc : (string) $product->get_description(),
						'short_description' => (string) $product->get_short_description(),
						'price'             => (string) $variation->get_price(),
						'regular_price'     => (string) $variation->get_regular_price(),
						'sale_price'        => (string) $variation->get_sale_price(),
						'sale_from'         => $variation->get_date_on_sale_from( 'edit' ),
						'sale_to'           => $variation->get_date_on_sale_to( 'edit' ),
						'stock_status'      => (string) $variation->get_stock_status(),
						'manage_stock'      => true === $manage || 'parent' === $manage,
						'stock_quantity'    => $variation->get_stock_quantity(),
						// WooCommerce answers the parent's image when the variation has none.
						'image'             => $this->image_of( (int) $variation->get_image_id() ),
						'permalink'         => Records::variation_link( $link, $attrs ),
						'brand'             => $brand,
					)
				);
			}
		}
		return $records;
	}

	/**
	 * Image facts of an attachment.
	 *
	 * @since 0.3.0
	 *
	 * @param int $attachment_id Attachment ID (0 for none).
	 * @return array{url:string,mime:string,bytes:int|null}|null
	 */
	private function image_of( int $attachment_id ): ?array {
		if ( $attachment_id <= 0 || 'attachment' !== get_post_type( $attachment_id ) ) {
			return null;
		}
		$url = (string) wp_get_attachment_url( $attachment_id );
		if ( '' === $url ) {
			return null;
		}
		$metadata = wp_get_attachment_metadata( $attachment_id, true );
		$bytes    = null;
		if ( is_array( $metadata ) && isset( $metadata['filesize'] ) && is_numeric( $metadata['filesize'] ) ) {
			$bytes = (int) $metadata['filesize'];
		} else {
			$path = get_attached_file( $attachment_id, true );
			if ( is_string( $path ) && '' !== $path && is_file( $path ) ) {
				$bytes = (int) filesize( $path );
			}
		}
		return array(
			'url'   => $url,
			'mime'  => (string) get_post_mime_type( $attachment_id ),
			'bytes' => $bytes,
		);
	}

	/**
	 * The product's brand: first brand taxonomy with terms, first term by name.
	 *
	 * @since 0.3.0
	 *
	 * @param int $product_id Product ID.
	 * @return string
	 */
	private function brand_of( int $product_id ): string {
		$names = array();
		foreach ( Records::BRAND_TAXONOMIES as $taxonomy ) {
			$terms              = taxonomy_exists( $taxonomy ) ? get_the_terms( $product_id, $taxonomy ) : false;
			$names[ $taxonomy ] = is_array( $terms ) ? wp_list_pluck( $terms, 'name' ) : array();
		}
		return Records::brand( $names );
	}
}
