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

		$owner = Records::owner_condition( $vendor_id, $wpdb->posts );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching,WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- counting is cheap on the type_status_date index; a stale cache would show wrong counts. $owner is prepared.
		$count = $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_type = %s AND post_status = %s AND $owner", 'product', 'publish' ) );

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

		$owner = Records::owner_condition( $vendor_id, $wpdb->posts );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching,WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- bulk read path by design. $owner is prepared.
		$ids = $wpdb->get_col( $wpdb->prepare( "SELECT ID FROM {$wpdb->posts} WHERE post_type = %s AND post_status = %s AND $owner AND ID > %d ORDER BY ID ASC LIMIT %d", 'product', 'publish', $after_id, $limit ) );

		return array_map( 'intval', (array) $ids );
	}
	/**
	 * {@inheritDoc}
	 *
	 * A handful of bulk queries per page, whatever its size: the products,
	 * their variations, their meta, their terms, their images' data and the
	 * names of the variation attribute terms.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $after_id  Only products with a greater ID.
	 * @param int $limit     Top-level products per page.
	 * @return array<int,array<string,mixed>>
	 */
	public function records( int $vendor_id, int $after_id = 0, int $limit = 100 ): array {
		global $wpdb;

		if ( $vendor_id <= 0 ) {
			return array();
		}
		$limit    = max( 1, min( 500, $limit ) );
		$after_id = max( 0, $after_id );
		$owner    = Records::owner_condition( $vendor_id, $wpdb->posts );

		// Every statement below is prepared, lists through one placeholder per item.
		// phpcs:disable WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching -- bulk read path by design: a few queries for a whole page of products.
		$parents = $wpdb->get_results(
			$wpdb->prepare(
				// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $owner is prepared by Records::owner_condition().
				"SELECT * FROM {$wpdb->posts} WHERE post_type = 'product' AND $owner AND post_status IN (" . implode( ',', array_fill( 0, count( Records::STATUSES ), '%s' ) ) . ') AND ID > %d ORDER BY ID ASC LIMIT %d',
				array_merge( Records::STATUSES, array( $after_id, $limit ) )
			)
		);
		if ( ! $parents ) {
			return array();
		}
		$parent_ids = array_map( static fn( $p ) => (int) $p->ID, $parents );

		$variations = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT * FROM {$wpdb->posts} WHERE post_type = 'product_variation' AND post_parent IN (" . implode( ',', array_fill( 0, count( $parent_ids ), '%d' ) ) . ") AND post_status IN ('publish','private') ORDER BY post_parent ASC, menu_order ASC, ID ASC",
				$parent_ids
			)
		);
		$children   = array();
		foreach ( (array) $variations as $v ) {
			$children[ (int) $v->post_parent ][] = $v;
		}

		$all_ids = $parent_ids;
		foreach ( (array) $variations as $v ) {
			$all_ids[] = (int) $v->ID;
		}
		$keys = array( '_sku', '_price', '_regular_price', '_sale_price', '_sale_price_dates_from', '_sale_price_dates_to', '_stock_status', '_manage_stock', '_stock', '_thumbnail_id', '_variation_description' );
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT post_id, meta_key, meta_value FROM {$wpdb->postmeta} WHERE post_id IN (" . implode( ',', array_fill( 0, count( $all_ids ), '%d' ) ) . ') AND (meta_key IN (' . implode( ',', array_fill( 0, count( $keys ), '%s' ) ) . ') OR meta_key LIKE %s) ORDER BY meta_id ASC',
				array_merge( $all_ids, $keys, array( $wpdb->esc_like( 'attribute_' ) . '%' ) )
			)
		);
		$meta = array();
		foreach ( (array) $rows as $row ) {
			// First value wins, as get_post_meta( $id, $key, true ) answers.
			if ( ! isset( $meta[ (int) $row->post_id ][ $row->meta_key ] ) ) {
				$meta[ (int) $row->post_id ][ $row->meta_key ] = (string) $row->meta_value;
			}
		}

		$taxonomies = array_merge( array( 'product_type', 'product_visibility' ), Records::BRAND_TAXONOMIES );
		$rows       = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT tr.object_id, tt.taxonomy, t.slug, t.name FROM {$wpdb->term_relationships} tr INNER JOIN {$wpdb->term_taxonomy} tt ON tt.term_taxonomy_id = tr.term_taxonomy_id INNER JOIN {$wpdb->terms} t ON t.term_id = tt.term_id WHERE tr.object_id IN (" . implode( ',', array_fill( 0, count( $parent_ids ), '%d' ) ) . ') AND tt.taxonomy IN (' . implode( ',', array_fill( 0, count( $taxonomies ), '%s' ) ) . ')',
				array_merge( $parent_ids, $taxonomies )
			)
		);
		$terms      = array();
		foreach ( (array) $rows as $row ) {
			$terms[ (int) $row->object_id ][ $row->taxonomy ]['slugs'][] = (string) $row->slug;
			$terms[ (int) $row->object_id ][ $row->taxonomy ]['names'][] = (string) $row->name;
		}

		// Images: attachment rows and their file/metadata meta.
		$images = array();
		foreach ( $all_ids as $id ) {
			$thumb = (int) ( $meta[ $id ]['_thumbnail_id'] ?? 0 );
			if ( $thumb > 0 ) {
				$images[ $thumb ] = null;
			}
		}
		if ( $images ) {
			$image_ids = array_keys( $images );
			$files     = array();
			foreach ( (array) $wpdb->get_results( $wpdb->prepare( "SELECT post_id, meta_key, meta_value FROM {$wpdb->postmeta} WHERE post_id IN (" . implode( ',', array_fill( 0, count( $image_ids ), '%d' ) ) . ") AND meta_key IN ('_wp_attached_file','_wp_attachment_metadata') ORDER BY meta_id ASC", $image_ids ) ) as $row ) {
				if ( ! isset( $files[ (int) $row->post_id ][ $row->meta_key ] ) ) {
					$files[ (int) $row->post_id ][ $row->meta_key ] = (string) $row->meta_value;
				}
			}
			foreach ( (array) $wpdb->get_results( $wpdb->prepare( "SELECT ID, post_mime_type, guid FROM {$wpdb->posts} WHERE ID IN (" . implode( ',', array_fill( 0, count( $image_ids ), '%d' ) ) . ") AND post_type = 'attachment'", $image_ids ) ) as $row ) {
				$id            = (int) $row->ID;
				$metadata      = maybe_unserialize( $files[ $id ]['_wp_attachment_metadata'] ?? '' );
				$images[ $id ] = Records::image(
					$id,
					(string) $row->post_mime_type,
					(string) ( $files[ $id ]['_wp_attached_file'] ?? '' ),
					is_array( $metadata ) ? $metadata : array(),
					(string) $row->guid
				);
			}
		}

		// Names of the taxonomy terms variations are made of (pa_color => red => Red).
		$term_names = array();
		$wanted     = array();
		foreach ( (array) $variations as $v ) {
			foreach ( $meta[ (int) $v->ID ] ?? array() as $key => $value ) {
				if ( 0 === strpos( $key, 'attribute_pa_' ) && '' !== $value ) {
					$wanted[ substr( $key, 10 ) . "\0" . $value ] = array( substr( $key, 10 ), $value );
				}
			}
		}
		if ( $wanted ) {
			// Every taxonomy with every slug asked for; the pairs not wanted are dropped below.
			$taxonomies = array_values( array_unique( array_column( $wanted, 0 ) ) );
			$slugs      = array_values( array_unique( array_column( $wanted, 1 ) ) );
			$rows       = $wpdb->get_results(
				$wpdb->prepare(
					"SELECT tt.taxonomy, t.slug, t.name FROM {$wpdb->terms} t INNER JOIN {$wpdb->term_taxonomy} tt ON tt.term_id = t.term_id WHERE tt.taxonomy IN (" . implode( ',', array_fill( 0, count( $taxonomies ), '%s' ) ) . ') AND t.slug IN (' . implode( ',', array_fill( 0, count( $slugs ), '%s' ) ) . ')',
					array_merge( $taxonomies, $slugs )
				)
			);
			foreach ( (array) $rows as $row ) {
				if ( ! isset( $wanted[ $row->taxonomy . "\0" . $row->slug ] ) ) {
					continue;
				}
				$term_names[ $row->taxonomy ][ $row->slug ] = (string) $row->name;
			}
		}
		// phpcs:enable

		$records = array();
		foreach ( $parents as $row ) {
			$post = new \WP_Post( $row );
			$id   = (int) $post->ID;
			$m    = $meta[ $id ] ?? array();
			$t    = $terms[ $id ] ?? array();
			$type = $t['product_type']['slugs'][0] ?? 'simple';
			// Cached so that get_permalink() reads no row again.
			wp_cache_add( $id, $post, 'posts' );
			$link  = (string) get_permalink( $post );
			$names = array();
			foreach ( Records::BRAND_TAXONOMIES as $taxonomy ) {
				$names[ $taxonomy ] = $t[ $taxonomy ]['names'] ?? array();
			}
			$brand      = Records::brand( $names );
			$visibility = Records::visibility( $t['product_visibility']['slugs'] ?? array() );
			$image      = $images[ (int) ( $m['_thumbnail_id'] ?? 0 ) ] ?? null;
			$manage     = 'yes' === ( $m['_manage_stock'] ?? 'no' );
			$stock      = $m['_stock'] ?? '';
			$stock      = '' === $stock ? null : (int) (float) $stock;

			$records[] = Records::make(
				array(
					'id'                => $id,
					'vendor_id'         => $vendor_id,
					'product_type'      => $type,
					'parent_id'         => null,
					'status'            => $post->post_status,
					'visibility'        => $visibility,
					'sku'               => $m['_sku'] ?? '',
					'title'             => $post->post_title,
					'description'       => $post->post_content,
					'short_description' => $post->post_excerpt,
					'price'             => $m['_price'] ?? '',
					'regular_price'     => $m['_regular_price'] ?? '',
					'sale_price'        => $m['_sale_price'] ?? '',
					'sale_from'         => $m['_sale_price_dates_from'] ?? null,
					'sale_to'           => $m['_sale_price_dates_to'] ?? null,
					'stock_status'      => $m['_stock_status'] ?? 'instock',
					'manage_stock'      => $manage,
					'stock_quantity'    => $stock,
					'image'             => $image,
					'permalink'         => $link,
					'brand'             => $brand,
				)
			);
			if ( 'variable' !== $type ) {
				continue;
			}
			foreach ( $children[ $id ] ?? array() as $vrow ) {
				$vid   = (int) $vrow->ID;
				$vm    = $meta[ $vid ] ?? array();
				$attrs = array();
				foreach ( $vm as $key => $value ) {
					if ( 0 === strpos( $key, 'attribute_' ) ) {
						$attrs[ $key ] = $value;
					}
				}
				$own_manage = 'yes' === ( $vm['_manage_stock'] ?? 'no' );
				$own_stock  = $vm['_stock'] ?? '';
				$own_stock  = '' === $own_stock ? null : (int) (float) $own_stock;
				$thumb      = (int) ( $vm['_thumbnail_id'] ?? 0 );
				$vdesc      = $vm['_variation_description'] ?? '';

				$records[] = Records::make(
					array(
						'id'                => $vid,
						'vendor_id'         => $vendor_id,
						'product_type'      => 'variation',
						'parent_id'         => $id,
						'status'            => Records::variation_status( $post->post_status, (string) $vrow->post_status ),
						'visibility'        => $visibility,
						'sku'               => $vm['_sku'] ?? '',
						'title'             => Records::variation_title(
							$post->post_title,
							$attrs,
							static fn( string $taxonomy, string $slug ) => $term_names[ $taxonomy ][ $slug ] ?? null
						),
						'description'       => '' !== trim( $vdesc ) ? $vdesc : $post->post_content,
						'short_description' => $post->post_excerpt,
						'price'             => $vm['_price'] ?? '',
						'regular_price'     => $vm['_regular_price'] ?? '',
						'sale_price'        => $vm['_sale_price'] ?? '',
						'sale_from'         => $vm['_sale_price_dates_from'] ?? null,
						'sale_to'           => $vm['_sale_price_dates_to'] ?? null,
						'stock_status'      => $vm['_stock_status'] ?? 'instock',
						'manage_stock'      => $own_manage || $manage,
						'stock_quantity'    => $own_manage ? $own_stock : ( $manage ? $stock : $own_stock ),
						'image'             => $thumb > 0 ? ( $images[ $thumb ] ?? null ) : $image,
						'permalink'         => Records::variation_link( $link, $attrs ),
						'brand'             => $brand,
					)
				);
			}
		}
		return $records;
	}
	/**
	 * Fingerprints of a page of the vendor's products, made from the database
	 * rows their records are read from (the product's and its variations' posts,
	 * their meta but for counters and edit locks, their terms with names and
	 * slugs) and `$context`, without building product objects: a product whose
	 * fingerprint did not change since it was last read needs no reading. The
	 * page is the one records() reads after `$after_id`.
	 *
	 * @since 0.8.0
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param int    $after_id  Only products with a greater ID.
	 * @param int    $limit     Top-level products per page.
	 * @param string $context   What else a record depends on (the reader, the site's links).
	 * @return array<int,array{fingerprint:string,variations:int[]}> By product ID, in ID order.
	 */
	public function fingerprints( int $vendor_id, int $after_id, int $limit, string $context ): array {
		global $wpdb;

		if ( $vendor_id <= 0 ) {
			return array();
		}
		$limit = max( 1, min( 500, $limit ) );
		$owner = Records::owner_condition( $vendor_id, $wpdb->posts );
		$post  = "MD5(CONCAT_WS('|', post_modified_gmt, post_status, post_author, post_parent, menu_order, post_name, post_password, post_title, post_excerpt, post_content))";

		// phpcs:disable WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching -- bulk read path by design: four queries for a whole page of products.
		$parents = $wpdb->get_results(
			$wpdb->prepare(
				// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $owner is prepared by Records::owner_condition(); $post is a constant expression.
				"SELECT ID, $post AS h FROM {$wpdb->posts} WHERE post_type = 'product' AND $owner AND post_status IN (" . implode( ',', array_fill( 0, count( Records::STATUSES ), '%s' ) ) . ') AND ID > %d ORDER BY ID ASC LIMIT %d',
				array_merge( Records::STATUSES, array( max( 0, $after_id ), $limit ) )
			)
		);
		if ( ! $parents ) {
			return array();
		}
		$parent_ids = array_map( static fn( $row ) => (int) $row->ID, $parents );
		$in_parents = implode( ',', array_fill( 0, count( $parent_ids ), '%d' ) );
		$variations = $wpdb->get_results(
			// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $post is a constant expression, $in_parents placeholders.
			$wpdb->prepare( "SELECT ID, post_parent, $post AS h FROM {$wpdb->posts} WHERE post_type = 'product_variation' AND post_parent IN ($in_parents) ORDER BY post_parent ASC, ID ASC", $parent_ids )
		);
		$all_ids = $parent_ids;
		foreach ( (array) $variations as $row ) {
			$all_ids[] = (int) $row->ID;
		}
		$in_all = implode( ',', array_fill( 0, count( $all_ids ), '%d' ) );
		$meta   = array();
		foreach ( (array) $wpdb->get_results(
			$wpdb->prepare(
				// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $in_all placeholders.
				"SELECT post_id, MD5(GROUP_CONCAT(MD5(CONCAT(meta_key, '=', meta_value)) ORDER BY meta_id ASC SEPARATOR '')) AS h FROM {$wpdb->postmeta} WHERE post_id IN ($in_all) AND meta_key NOT IN ('_edit_lock', '_edit_last', 'total_sales', '_wc_review_count', '_wc_rating_count', '_wc_average_rating') GROUP BY post_id",
				$all_ids
			)
		) as $row ) {
			$meta[ (int) $row->post_id ] = (string) $row->h;
		}
		$terms = array();
		foreach ( (array) $wpdb->get_results(
			$wpdb->prepare(
				// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $in_all placeholders.
				"SELECT tr.object_id, MD5(GROUP_CONCAT(CONCAT(tt.term_taxonomy_id, ':', t.slug, ':', t.name) ORDER BY tt.term_taxonomy_id ASC SEPARATOR '|')) AS h FROM {$wpdb->term_relationships} tr INNER JOIN {$wpdb->term_taxonomy} tt ON tt.term_taxonomy_id = tr.term_taxonomy_id INNER JOIN {$wpdb->terms} t ON t.term_id = tt.term_id WHERE tr.object_id IN ($in_all) GROUP BY tr.object_id",
				$all_ids
			)
		) as $row ) {
			$terms[ (int) $row->object_id ] = (string) $row->h;
		}
		// phpcs:enable

		$parts = array();
		foreach ( $parents as $row ) {
			$id           = (int) $row->ID;
			$parts[ $id ] = array(
				'rows'       => array( $context, $id, (string) $row->h, $meta[ $id ] ?? '', $terms[ $id ] ?? '' ),
				'variations' => array(),
			);
		}
		foreach ( (array) $variations as $row ) {
			$id     = (int) $row->ID;
			$parent = (int) $row->post_parent;
			array_push( $parts[ $parent ]['rows'], $id, (string) $row->h, $meta[ $id ] ?? '', $terms[ $id ] ?? '' );
			$parts[ $parent ]['variations'][] = $id;
		}
		$fingerprints = array();
		foreach ( $parts as $id => $part ) {
			$fingerprints[ $id ] = array(
				'fingerprint' => md5( implode( "\n", $part['rows'] ) ),
				'variations'  => $part['variations'],
			);
		}
		return $fingerprints;
	}
}
