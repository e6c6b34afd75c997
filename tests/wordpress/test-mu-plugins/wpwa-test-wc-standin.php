<?php
/**
 * Plugin Name: wpwa TEST STAND-IN for WooCommerce's product API (test site only)
 * Description: NOT WooCommerce. WooCommerce cannot be installed here, so this
 *              implements the small part of its product API that wpwa's
 *              WooCommerceReader calls — wc_get_products(), wc_get_product(),
 *              WC_Product, WC_Product_Variable, WC_Product_Variation — over
 *              WooCommerce's storage format, following WooCommerce 9.x's
 *              semantics for those getters (view context): variations fall back
 *              to the parent's image, "parent" stock management, the catalog
 *              visibility from product_visibility terms, get_children() in
 *              menu_order/ID order over published and private variations.
 *              It reads per product, through get_post()/get_post_meta()/
 *              get_the_terms(), independently of wpwa's StorageReader, so the
 *              two readers can be compared.
 *
 *              Inactive unless the WPWA_TEST_WC_STANDIN constant is true (the
 *              readers test defines it before loading WordPress), and never
 *              when the real WooCommerce is loaded. Never ship this.
 */

defined( 'ABSPATH' ) || exit;

// Declared inside this block, never at the top level: PHP binds top-level
// classes and functions when the file compiles, before any early return.
if ( defined( 'WPWA_TEST_WC_STANDIN' ) && WPWA_TEST_WC_STANDIN && ! function_exists( 'wc_get_products' ) && ! class_exists( 'WooCommerce' ) ) :

/**
 * Stand-in for WC_Product (simple, external, grouped).
 */
class WC_Product {
	/** @var WP_Post */
	protected $post;

	/** @param WP_Post $post Product post. */
	public function __construct( $post ) {
		$this->post = $post;
	}

	protected function meta( string $key ): string {
		return (string) get_post_meta( $this->post->ID, $key, true );
	}

	public function get_id() {
		return (int) $this->post->ID;
	}

	public function get_type() {
		$terms = get_the_terms( $this->post->ID, 'product_type' );
		return is_array( $terms ) && $terms ? current( $terms )->slug : 'simple';
	}

	public function get_status() {
		return $this->post->post_status;
	}

	public function get_name() {
		return $this->post->post_title;
	}

	public function get_description() {
		return $this->post->post_content;
	}

	public function get_short_description() {
		return $this->post->post_excerpt;
	}

	public function get_sku( $context = 'view' ) {
		return $this->meta( '_sku' );
	}

	public function get_price() {
		return $this->meta( '_price' );
	}

	public function get_regular_price() {
		return $this->meta( '_regular_price' );
	}

	public function get_sale_price() {
		return $this->meta( '_sale_price' );
	}

	public function get_stock_status() {
		$status = $this->meta( '_stock_status' );
		return '' === $status ? 'instock' : $status;
	}

	public function get_manage_stock() {
		return 'yes' === $this->meta( '_manage_stock' );
	}

	public function get_stock_quantity() {
		$raw = $this->meta( '_stock' );
		return '' === $raw ? null : (int) (float) $raw; // wc_stock_amount().
	}

	public function get_image_id() {
		return (int) $this->meta( '_thumbnail_id' );
	}

	public function get_permalink() {
		return get_permalink( $this->post->ID );
	}

	public function get_catalog_visibility() {
		$terms = get_the_terms( $this->post->ID, 'product_visibility' );
		$slugs = is_array( $terms ) ? wp_list_pluck( $terms, 'slug' ) : array();
		$cat   = in_array( 'exclude-from-catalog', $slugs, true );
		$search = in_array( 'exclude-from-search', $slugs, true );
		if ( $cat && $search ) {
			return 'hidden';
		}
		return $cat ? 'search' : ( $search ? 'catalog' : 'visible' );
	}

	public function get_children() {
		return array();
	}
}

/**
 * Stand-in for WC_Product_Variable.
 */
class WC_Product_Variable extends WC_Product {
	public function get_type() {
		return 'variable';
	}

	public function get_children() {
		return get_posts(
			array(
				'post_parent' => $this->post->ID,
				'post_type'   => 'product_variation',
				'orderby'     => array(
					'menu_order' => 'ASC',
					'ID'         => 'ASC',
				),
				'fields'      => 'ids',
				'post_status' => array( 'publish', 'private' ),
				'numberposts' => -1,
			)
		);
	}
}

/**
 * Stand-in for WC_Product_Variation.
 */
class WC_Product_Variation extends WC_Product {
	/** @var WC_Product */
	protected $parent;

	public function __construct( $post ) {
		parent::__construct( $post );
		$this->parent = new WC_Product_Variable( get_post( $post->post_parent ) );
	}

	public function get_type() {
		return 'variation';
	}

	public function get_parent_id() {
		return (int) $this->post->post_parent;
	}

	public function get_description() {
		return $this->meta( '_variation_description' );
	}

	public function get_short_description() {
		return '';
	}

	public function get_sku( $context = 'view' ) {
		$sku = $this->meta( '_sku' );
		return ( 'view' === $context && '' === $sku ) ? $this->parent->get_sku() : $sku;
	}

	public function get_manage_stock() {
		if ( 'yes' === $this->meta( '_manage_stock' ) ) {
			return true;
		}
		return $this->parent->get_manage_stock() ? 'parent' : false;
	}

	public function get_stock_quantity() {
		if ( 'parent' === $this->get_manage_stock() ) {
			return $this->parent->get_stock_quantity();
		}
		return parent::get_stock_quantity();
	}

	public function get_image_id() {
		$own = parent::get_image_id();
		return $own ? $own : $this->parent->get_image_id();
	}

	/** `attribute_{name}` => value, in the order they are stored. */
	public function get_variation_attributes() {
		$attrs = array();
		foreach ( get_post_meta( $this->post->ID ) as $key => $values ) {
			if ( 0 === strpos( $key, 'attribute_' ) ) {
				$attrs[ $key ] = (string) $values[0];
			}
		}
		return $attrs;
	}

	public function get_permalink() {
		$args = array_map( 'rawurlencode', array_filter( $this->get_variation_attributes(), 'strlen' ) );
		return add_query_arg( $args, $this->parent->get_permalink() );
	}

	public function get_catalog_visibility() {
		return $this->parent->get_catalog_visibility();
	}
}

/**
 * Stand-in for wc_get_product().
 *
 * @param int|WP_Post $id Product.
 * @return WC_Product|false
 */
function wc_get_product( $id ) {
	$post = get_post( $id );
	if ( ! $post || ! in_array( $post->post_type, array( 'product', 'product_variation' ), true ) ) {
		return false;
	}
	if ( 'product_variation' === $post->post_type ) {
		return new WC_Product_Variation( $post );
	}
	$terms = get_the_terms( $post->ID, 'product_type' );
	$type  = is_array( $terms ) && $terms ? current( $terms )->slug : 'simple';
	return 'variable' === $type ? new WC_Product_Variable( $post ) : new WC_Product( $post );
}

/**
 * Stand-in for wc_get_products(): author, status, limit, page, orderby,
 * order, return (objects|ids), paginate — through WP_Query, so query filters
 * apply as they do for WooCommerce's product data store.
 *
 * @param array $args Query arguments.
 * @return array|object
 */
function wc_get_products( $args ) {
	$args  = wp_parse_args(
		$args,
		array(
			'status'   => array( 'draft', 'pending', 'private', 'publish' ),
			'limit'    => get_option( 'posts_per_page' ),
			'page'     => 1,
			'orderby'  => 'date',
			'order'    => 'DESC',
			'return'   => 'objects',
			'paginate' => false,
		)
	);
	$query = array(
		'post_type'        => 'product',
		'post_status'      => $args['status'],
		'posts_per_page'   => (int) $args['limit'],
		'paged'            => (int) $args['page'],
		'orderby'          => $args['orderby'],
		'order'            => $args['order'],
		'fields'           => 'ids',
		'suppress_filters' => false,
		'no_found_rows'    => ! $args['paginate'],
	);
	if ( isset( $args['author'] ) ) {
		$query['author'] = (int) $args['author'];
	}
	$q   = new WP_Query( $query );
	$ids = array_map( 'intval', $q->posts );
	$out = 'ids' === $args['return'] ? $ids : array_values( array_filter( array_map( 'wc_get_product', $ids ) ) );
	if ( $args['paginate'] ) {
		return (object) array(
			'products'      => $out,
			'total'         => (int) $q->found_posts,
			'max_num_pages' => (int) $q->max_num_pages,
		);
	}
	return $out;
}

endif;
