<?php
/**
 * Products for the test and demo sites, through WooCommerce's own API only:
 * WC_Product_Simple, WC_Product_Variable + WC_Product_Variation, global
 * attributes through wc_create_attribute(), terms of WooCommerce's own
 * taxonomies, and real image attachments drawn with GD. Shared by seed.php,
 * catalog-cli.php and marketplace-cli.php (which load WordPress first, with
 * WooCommerce active, and wp-admin/includes/{image,file,media}.php).
 *
 * Test and demo only; never shipped.
 */

/**
 * Draws a product picture (solid colour, border, name) and returns the bytes.
 *
 * @param string $label  Text on the picture.
 * @param int[]  $rgb    Background colour.
 * @param string $format jpg, png or gif.
 * @param int    $size   Width and height in pixels.
 */
function wpwa_products_image_bytes( string $label, array $rgb, string $format, int $size = 640 ): string {
	$img  = imagecreatetruecolor( $size, $size );
	$bg   = imagecolorallocate( $img, $rgb[0], $rgb[1], $rgb[2] );
	$fg   = imagecolorallocate( $img, 255, 255, 255 );
	$dark = imagecolorallocate( $img, (int) ( $rgb[0] * 0.6 ), (int) ( $rgb[1] * 0.6 ), (int) ( $rgb[2] * 0.6 ) );
	$edge = (int) ( $size / 16 );
	imagefilledrectangle( $img, 0, 0, $size - 1, $size - 1, $bg );
	imagefilledrectangle( $img, $edge, $edge, $size - 1 - $edge, $size - 1 - $edge, $dark );
	imagefilledellipse( $img, (int) ( $size / 2 ), (int) ( $size * 0.44 ), (int) ( $size * 0.47 ), (int) ( $size * 0.47 ), $bg );
	$text = strtoupper( $label );
	$x    = max( 10, (int) ( ( $size - imagefontwidth( 5 ) * strlen( $text ) ) / 2 ) );
	imagestring( $img, 5, $x, (int) ( $size * 0.78 ), $text, $fg );
	ob_start();
	if ( 'jpg' === $format ) {
		imagejpeg( $img, null, 85 );
	} elseif ( 'gif' === $format ) {
		imagegif( $img );
	} else {
		imagepng( $img, null, 6 );
	}
	imagedestroy( $img );
	return (string) ob_get_clean();
}

/**
 * An image attachment, found again by $key (kept in `_wpwa_seed_key`) or
 * uploaded as the media library does: file in uploads, attachment post,
 * generated sizes and metadata, alt text.
 *
 * @param string $key    Stable key of this picture.
 * @param string $label  Title and alt text.
 * @param int[]  $rgb    Colour.
 * @param string $format jpg, png or gif.
 * @param int    $author Uploader.
 * @return int Attachment ID.
 */
function wpwa_products_image( string $key, string $label, array $rgb, string $format, int $author ): int {
	$existing = get_posts(
		array(
			'post_type'      => 'attachment',
			'post_status'    => 'inherit',
			'meta_key'       => '_wpwa_seed_key',
			'meta_value'     => $key,
			'fields'         => 'ids',
			'posts_per_page' => 1,
		)
	);
	if ( $existing ) {
		$file = get_attached_file( $existing[0] );
		if ( $file && file_exists( $file ) ) {
			return (int) $existing[0];
		}
		wp_delete_attachment( $existing[0], true );
	}
	$name   = sanitize_file_name( strtolower( $key ) ) . '.' . $format;
	$upload = wp_upload_bits( $name, null, wpwa_products_image_bytes( $label, $rgb, $format, 'gif' === $format ? 320 : 640 ) );
	if ( ! empty( $upload['error'] ) ) {
		throw new RuntimeException( "image $name: {$upload['error']}" );
	}
	$mime = array(
		'jpg' => 'image/jpeg',
		'png' => 'image/png',
		'gif' => 'image/gif',
	)[ $format ];
	$id   = wp_insert_attachment(
		array(
			'post_mime_type' => $mime,
			'post_title'     => $label,
			'post_content'   => '',
			'post_status'    => 'inherit',
			'post_author'    => $author,
		),
		$upload['file'],
		0,
		true
	);
	if ( is_wp_error( $id ) ) {
		throw new RuntimeException( "attachment $name: " . $id->get_error_message() );
	}
	wp_update_attachment_metadata( $id, wp_generate_attachment_metadata( $id, $upload['file'] ) );
	update_post_meta( $id, '_wpwa_seed_key', $key );
	update_post_meta( $id, '_wp_attachment_image_alt', $label );
	return (int) $id;
}

/**
 * IDs of terms of a WooCommerce taxonomy (product_cat, product_tag,
 * product_brand, pa_*), created by name where missing.
 *
 * @param string   $taxonomy Taxonomy (registered by WooCommerce).
 * @param string[] $names    Term names.
 * @return int[]
 */
function wpwa_products_terms( string $taxonomy, array $names ): array {
	if ( ! taxonomy_exists( $taxonomy ) ) {
		throw new RuntimeException( "taxonomy $taxonomy is not registered (is WooCommerce active?)" );
	}
	$ids = array();
	foreach ( $names as $name ) {
		$term = get_term_by( 'name', $name, $taxonomy );
		if ( ! $term ) {
			$made = wp_insert_term( $name, $taxonomy );
			if ( is_wp_error( $made ) ) {
				throw new RuntimeException( "term $taxonomy/$name: " . $made->get_error_message() );
			}
			$ids[] = (int) $made['term_id'];
		} else {
			$ids[] = (int) $term->term_id;
		}
	}
	return $ids;
}

/**
 * The global product attributes (Products → Attributes) the sample products
 * use, slug => [name, [term slug => term name]].
 */
const WPWA_PRODUCTS_ATTRIBUTES = array(
	'color' => array( 'Color', array( 'red' => 'Red', 'blue' => 'Blue', 'black' => 'Black', 'white' => 'White' ) ),
	'plug'  => array( 'Plug', array( 'us' => 'US', 'eu' => 'EU', 'uk' => 'UK' ) ),
);

/**
 * Creates the global attributes with wc_create_attribute() where missing
 * (store.php). WooCommerce registers their pa_* taxonomies on the next load,
 * so their terms are added by wpwa_products_attribute_terms() in a later
 * process.
 */
function wpwa_products_create_attributes(): void {
	foreach ( WPWA_PRODUCTS_ATTRIBUTES as $slug => [ $label ] ) {
		if ( wc_attribute_taxonomy_id_by_name( $slug ) ) {
			continue;
		}
		$id = wc_create_attribute(
			array(
				'name' => $label,
				'slug' => $slug,
				'type' => 'select',
			)
		);
		if ( is_wp_error( $id ) ) {
			throw new RuntimeException( "attribute $slug: " . $id->get_error_message() );
		}
	}
}

/**
 * Adds the global attributes' terms where missing (seed.php).
 */
function wpwa_products_attribute_terms(): void {
	foreach ( WPWA_PRODUCTS_ATTRIBUTES as $slug => [ , $terms ] ) {
		$taxonomy = wc_attribute_taxonomy_name( $slug );
		if ( ! taxonomy_exists( $taxonomy ) ) {
			throw new RuntimeException( "WooCommerce registered no $taxonomy (did store.php create the attribute?)" );
		}
		foreach ( $terms as $term_slug => $name ) {
			if ( ! term_exists( $term_slug, $taxonomy ) ) {
				$made = wp_insert_term( $name, $taxonomy, array( 'slug' => $term_slug ) );
				if ( is_wp_error( $made ) ) {
					throw new RuntimeException( "term $taxonomy/$term_slug: " . $made->get_error_message() );
				}
			}
		}
	}
}

/**
 * Sets the fields common to products and variations from a spec.
 *
 * @param WC_Product          $product Product.
 * @param array<string,mixed> $p       Spec (see wpwa_products_save()).
 */
function wpwa_products_fill( WC_Product $product, array $p ): void {
	if ( array_key_exists( 'sku', $p ) ) {
		$product->set_sku( (string) $p['sku'] );
	}
	foreach ( array(
		'status'            => 'set_status',
		'description'       => 'set_description',
		'regular'           => 'set_regular_price',
		'sale'              => 'set_sale_price',
		'sale_from'         => 'set_date_on_sale_from',
		'sale_to'           => 'set_date_on_sale_to',
		'backorders'        => 'set_backorders',
		'image_id'          => 'set_image_id',
		'menu_order'        => 'set_menu_order',
	) as $key => $setter ) {
		if ( array_key_exists( $key, $p ) ) {
			$product->$setter( $p[ $key ] );
		}
	}
	if ( array_key_exists( 'stock', $p ) ) {
		$product->set_manage_stock( null !== $p['stock'] );
		$product->set_stock_quantity( $p['stock'] );
	}
	if ( array_key_exists( 'stock_status', $p ) ) {
		$product->set_stock_status( $p['stock_status'] );
	}
}

/**
 * Creates or updates one product through WooCommerce's CRUD API and returns
 * its ID. With a non-empty 'sku' an existing product of that SKU is updated.
 *
 * Spec: type (simple|variable), name, slug, status, description,
 * short_description, sku, regular, sale, sale_from, sale_to (dates as
 * WooCommerce takes them), stock (null: not managed), stock_status,
 * backorders, catalog_visibility, image_id, gallery_ids, category_ids,
 * tag_ids, brand_ids, author (the post author WooCommerce records; the
 * marketplace's own tie is its assign_product), and for variable products
 * attributes (taxonomy or local name => option slugs/names) and variations
 * (each: attributes name => value, and the fields above).
 *
 * @param array<string,mixed> $p Spec.
 * @return int
 */
function wpwa_products_save( array $p ): int {
	$type = $p['type'] ?? 'simple';
	$id   = ( isset( $p['sku'] ) && '' !== $p['sku'] ) ? (int) wc_get_product_id_by_sku( $p['sku'] ) : 0;
	$id   = $id ? $id : (int) ( $p['id'] ?? 0 );
	if ( $id && wc_get_product( $id ) && wc_get_product( $id )->get_type() !== $type ) {
		wc_get_product( $id )->delete( true );
		$id = 0;
	}
	$product = 'variable' === $type ? new WC_Product_Variable( $id ) : new WC_Product_Simple( $id );
	$product->set_name( (string) $p['name'] );
	if ( isset( $p['slug'] ) ) {
		$product->set_slug( (string) $p['slug'] );
	}
	wpwa_products_fill( $product, $p );
	foreach ( array(
		'short_description'  => 'set_short_description',
		'catalog_visibility' => 'set_catalog_visibility',
		'gallery_ids'        => 'set_gallery_image_ids',
		'category_ids'       => 'set_category_ids',
		'tag_ids'            => 'set_tag_ids',
		'brand_ids'          => 'set_brand_ids',
	) as $key => $setter ) {
		if ( array_key_exists( $key, $p ) && is_callable( array( $product, $setter ) ) ) {
			$product->$setter( $p[ $key ] );
		}
	}
	if ( 'variable' === $type ) {
		$attributes = array();
		$position   = 0;
		foreach ( $p['attributes'] ?? array() as $name => $options ) {
			$attribute = new WC_Product_Attribute();
			if ( taxonomy_is_product_attribute( $name ) ) {
				$attribute->set_id( wc_attribute_taxonomy_id_by_name( $name ) );
				$attribute->set_options( wpwa_products_attribute_term_ids( $name, $options ) );
			} else {
				$attribute->set_options( $options );
			}
			$attribute->set_name( $name );
			$attribute->set_position( $position++ );
			$attribute->set_visible( true );
			$attribute->set_variation( true );
			$attributes[] = $attribute;
		}
		$product->set_attributes( $attributes );
	}
	if ( isset( $p['author'] ) ) {
		// WooCommerce records the current user as a new product's author.
		$previous = get_current_user_id();
		wp_set_current_user( (int) $p['author'] );
		$id = $product->save();
		wp_set_current_user( $previous );
	} else {
		$id = $product->save();
	}
	if ( 'variable' !== $type ) {
		return (int) $id;
	}

	$existing = array();
	foreach ( $product->get_children() as $child ) {
		$variation = wc_get_product( $child );
		if ( $variation ) {
			$existing[ wp_json_encode( $variation->get_attributes() ) ] = $variation;
		}
	}
	foreach ( $p['variations'] ?? array() as $v ) {
		$key       = wp_json_encode( array_map( 'strval', array_change_key_case( $v['attributes'] ) ) );
		$variation = $existing[ $key ] ?? new WC_Product_Variation();
		unset( $existing[ $key ] );
		$variation->set_parent_id( $id );
		$variation->set_attributes( $v['attributes'] );
		wpwa_products_fill( $variation, $v );
		$variation->save();
	}
	foreach ( $existing as $gone ) {
		$gone->delete( true );
	}
	WC_Product_Variable::sync( $id );
	return (int) $id;
}

/**
 * Term IDs of a global attribute's options given as slugs.
 *
 * @param string   $taxonomy pa_* taxonomy.
 * @param string[] $slugs    Term slugs.
 * @return int[]
 */
function wpwa_products_attribute_term_ids( string $taxonomy, array $slugs ): array {
	$ids = array();
	foreach ( $slugs as $slug ) {
		$term = get_term_by( 'slug', $slug, $taxonomy );
		if ( ! $term ) {
			throw new RuntimeException( "no term $slug in $taxonomy" );
		}
		$ids[] = (int) $term->term_id;
	}
	return $ids;
}
