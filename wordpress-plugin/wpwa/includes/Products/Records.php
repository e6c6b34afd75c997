<?php
/**
 * Shape of the product records the readers produce for the catalog.
 *
 * @package Wpwa\Plugin
 * @since   0.3.0
 */

namespace Wpwa\Plugin\Products;

use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * The record format shared by every ProductReader (what the core's
 * `catalog_prepare()` and `catalog_sync_plan()` read), and the rules both
 * readers apply the same way: catalog visibility from the
 * `product_visibility` terms, variation titles and links, images.
 *
 * A record has exactly these keys, in this order: `id`, `vendor_id`,
 * `product_type`, `parent_id`, `status`, `visibility`, `sku`, `title`,
 * `description`, `short_description`, `price`, `regular_price`,
 * `sale_price`, `sale_from`, `sale_to` (the sale window as UTC Unix
 * timestamps, or null; since 0.7.0), `stock_status`, `manage_stock`,
 * `stock_quantity`, `image` (`url`, `mime`, `bytes`, or null), `permalink`,
 * `brand`. The core decides from the window whether the sale price is the
 * catalog price at a given time.
 *
 * @since 0.3.0
 */
final class Records {

	/**
	 * Post statuses of the products a vendor's records cover (drafts and the
	 * like are read so that the core can take them out of the catalog).
	 *
	 * @since 0.3.0
	 */
	public const STATUSES = array( 'publish', 'draft', 'private', 'pending' );

	/**
	 * Brand taxonomies, in order of preference (WooCommerce Brands, Perfect Brands).
	 *
	 * @since 0.3.0
	 */
	public const BRAND_TAXONOMIES = array( 'product_brand', 'pwb-brand' );

	/**
	 * SQL condition on the posts table selecting the vendor's products the
	 * way the marketplace ties products to vendors (Vendors::product_scope()):
	 * by author, or by a product meta value (MultiVendorX 5's store). Both
	 * readers use it, so they read the same products.
	 *
	 * @since 0.7.0
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param string $posts     Name or alias of the posts table in the query.
	 * @return string Prepared SQL, `1=0` when the vendor owns nothing.
	 */
	public static function owner_condition( int $vendor_id, string $posts ): string {
		global $wpdb;
		$scope = Vendors::product_scope( $vendor_id );
		if ( isset( $scope['meta_key'] ) ) {
			if ( ! $scope['meta_values'] ) {
				return '1=0';
			}
			// Meta values are strings; quoted integers keep the comparison on the index.
			$values = array_map( static fn( $id ) => (string) (int) $id, $scope['meta_values'] );
			return $wpdb->prepare(
				'%i.ID IN (SELECT post_id FROM %i WHERE meta_key = %s AND meta_value IN (' . implode( ',', array_fill( 0, count( $values ), '%s' ) ) . '))',
				array_merge( array( $posts, $wpdb->postmeta, $scope['meta_key'] ), $values )
			);
		}
		return $wpdb->prepare( '%i.post_author = %d', $posts, $scope['author'] ?? $vendor_id );
	}

	/**
	 * Builds a record with the keys in their canonical order and types.
	 *
	 * @since 0.3.0
	 *
	 * @param array<string,mixed> $r Values.
	 * @return array<string,mixed>
	 */
	public static function make( array $r ): array {
		$quantity = $r['stock_quantity'] ?? null;
		return array(
			'id'                => (int) $r['id'],
			'vendor_id'         => (int) $r['vendor_id'],
			'product_type'      => (string) ( $r['product_type'] ?? 'simple' ),
			'parent_id'         => empty( $r['parent_id'] ) ? null : (int) $r['parent_id'],
			'status'            => (string) ( $r['status'] ?? '' ),
			'visibility'        => (string) ( $r['visibility'] ?? 'visible' ),
			'sku'               => (string) ( $r['sku'] ?? '' ),
			'title'             => (string) ( $r['title'] ?? '' ),
			'description'       => (string) ( $r['description'] ?? '' ),
			'short_description' => (string) ( $r['short_description'] ?? '' ),
			'price'             => (string) ( $r['price'] ?? '' ),
			'regular_price'     => (string) ( $r['regular_price'] ?? '' ),
			'sale_price'        => (string) ( $r['sale_price'] ?? '' ),
			'sale_from'         => self::timestamp( $r['sale_from'] ?? null ),
			'sale_to'           => self::timestamp( $r['sale_to'] ?? null ),
			'stock_status'      => (string) ( $r['stock_status'] ?? '' ) !== '' ? (string) $r['stock_status'] : 'instock',
			'manage_stock'      => (bool) ( $r['manage_stock'] ?? false ),
			'stock_quantity'    => null === $quantity || '' === $quantity ? null : (int) $quantity,
			'image'             => isset( $r['image'] ) && is_array( $r['image'] ) ? array(
				'url'   => (string) $r['image']['url'],
				'mime'  => (string) $r['image']['mime'],
				'bytes' => null === $r['image']['bytes'] ? null : (int) $r['image']['bytes'],
			) : null,
			'permalink'         => (string) ( $r['permalink'] ?? '' ),
			'brand'             => (string) ( $r['brand'] ?? '' ),
		);
	}

	/**
	 * A sale date as the core reads it: Unix seconds (UTC), or null for none.
	 * WooCommerce stores `_sale_price_dates_from` / `_sale_price_dates_to` as
	 * timestamps; its getters answer `WC_DateTime` objects.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $value Timestamp (int or numeric string), DateTimeInterface, or empty.
	 * @return int|null
	 */
	public static function timestamp( $value ): ?int {
		if ( $value instanceof \DateTimeInterface ) {
			return $value->getTimestamp();
		}
		if ( is_int( $value ) ) {
			return $value;
		}
		if ( is_string( $value ) && '' !== trim( $value ) && is_numeric( trim( $value ) ) ) {
			return (int) trim( $value );
		}
		return null;
	}

	/**
	 * WooCommerce's catalog visibility from the `product_visibility` term slugs.
	 *
	 * @since 0.3.0
	 *
	 * @param string[] $slugs Term slugs of the product.
	 * @return string visible, catalog, search or hidden.
	 */
	public static function visibility( array $slugs ): string {
		$no_catalog = in_array( 'exclude-from-catalog', $slugs, true );
		$no_search  = in_array( 'exclude-from-search', $slugs, true );
		if ( $no_catalog && $no_search ) {
			return 'hidden';
		}
		if ( $no_catalog ) {
			return 'search';
		}
		if ( $no_search ) {
			return 'catalog';
		}
		return 'visible';
	}

	/**
	 * The brand among a product's terms: the first brand taxonomy that has
	 * terms, its first term by name.
	 *
	 * @since 0.3.0
	 *
	 * @param array<string,string[]> $names Term names by taxonomy.
	 * @return string
	 */
	public static function brand( array $names ): string {
		foreach ( self::BRAND_TAXONOMIES as $taxonomy ) {
			if ( ! empty( $names[ $taxonomy ] ) ) {
				$list = array_map( 'strval', $names[ $taxonomy ] );
				sort( $list, SORT_STRING );
				return $list[0];
			}
		}
		return '';
	}

	/**
	 * A variation's name as WooCommerce generates it: "Parent - Value, Value",
	 * attribute terms by name, "any" attributes left out.
	 *
	 * @since 0.3.0
	 *
	 * @param string               $parent_title Title of the variable product.
	 * @param array<string,string> $attributes   `attribute_{name}` => value (term slug for taxonomies).
	 * @param callable             $term_name    fn( string $taxonomy, string $slug ): ?string.
	 * @return string
	 */
	public static function variation_title( string $parent_title, array $attributes, callable $term_name ): string {
		$values = array();
		foreach ( $attributes as $key => $value ) {
			$value = (string) $value;
			if ( '' === $value ) {
				continue;
			}
			$name = substr( (string) $key, strlen( 'attribute_' ) );
			if ( 0 === strpos( $name, 'pa_' ) ) {
				$label = $term_name( $name, $value );
				$value = null !== $label && '' !== $label ? $label : $value;
			}
			$values[] = $value;
		}
		return $values ? $parent_title . ' - ' . implode( ', ', $values ) : $parent_title;
	}

	/**
	 * A variation's link: the variable product's page with the variation's
	 * attributes preselected, as WooCommerce links it.
	 *
	 * @since 0.3.0
	 *
	 * @param string               $parent_link Permalink of the variable product.
	 * @param array<string,string> $attributes  `attribute_{name}` => value.
	 * @return string
	 */
	public static function variation_link( string $parent_link, array $attributes ): string {
		$args = array();
		foreach ( $attributes as $key => $value ) {
			if ( '' !== (string) $value ) {
				$args[ (string) $key ] = rawurlencode( (string) $value );
			}
		}
		return $args ? add_query_arg( $args, $parent_link ) : $parent_link;
	}

	/**
	 * A variation's status for the catalog: its own (publish, or private when
	 * disabled) while the variable product is published, else the parent's.
	 *
	 * @since 0.3.0
	 *
	 * @param string $parent_status Post status of the variable product.
	 * @param string $own_status    Post status of the variation.
	 * @return string
	 */
	public static function variation_status( string $parent_status, string $own_status ): string {
		return 'publish' === $parent_status ? $own_status : $parent_status;
	}

	/**
	 * Image facts from an attachment's stored data, as wp_get_attachment_url()
	 * and wp_get_attachment_metadata() give them.
	 *
	 * @since 0.3.0
	 *
	 * @param int                 $id       Attachment ID.
	 * @param string              $mime     post_mime_type.
	 * @param string              $file     `_wp_attached_file` (relative to uploads, usually).
	 * @param array<string,mixed> $metadata `_wp_attachment_metadata`.
	 * @param string              $guid     Attachment GUID (fallback URL).
	 * @return array{url:string,mime:string,bytes:int|null}|null
	 */
	public static function image( int $id, string $mime, string $file, array $metadata, string $guid ): ?array {
		$uploads = wp_get_upload_dir();
		$url     = '';
		$path    = '';
		if ( '' !== $file ) {
			if ( 0 === strpos( $file, $uploads['basedir'] ) ) {
				$url  = str_replace( $uploads['basedir'], $uploads['baseurl'], $file );
				$path = $file;
			} elseif ( false === strpos( $file, '://' ) && '/' !== $file[0] ) {
				$url  = $uploads['baseurl'] . '/' . $file;
				$path = $uploads['basedir'] . '/' . $file;
			}
		}
		if ( '' === $url ) {
			$url = $guid;
		}
		/** This filter is documented in wp-includes/post.php */
		$url = (string) apply_filters( 'wp_get_attachment_url', $url, $id ); // phpcs:ignore WordPress.NamingConventions.PrefixAllGlobals.NonPrefixedHooknameFound -- WordPress's own filter, applied as wp_get_attachment_url() applies it.
		if ( '' === $url ) {
			return null;
		}
		$bytes = null;
		if ( isset( $metadata['filesize'] ) && is_numeric( $metadata['filesize'] ) ) {
			$bytes = (int) $metadata['filesize'];
		} elseif ( '' !== $path && is_file( $path ) ) {
			$bytes = (int) filesize( $path );
		}
		return array(
			'url'   => $url,
			'mime'  => $mime,
			'bytes' => $bytes,
		);
	}
}
