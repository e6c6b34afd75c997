<?php
/**
 * Choice of the product reader.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Products;

defined( 'ABSPATH' ) || exit;

/**
 * The one place that decides which ProductReader the plugin uses.
 *
 * @since 0.1.0
 */
final class Readers {

	/**
	 * Reader chosen for this request.
	 *
	 * @var ProductReader|null
	 */
	private static ?ProductReader $reader = null;

	/**
	 * What WooCommerce's API answers for a record's fields, and what it runs
	 * to find the products, beyond the rows the storage reader reads itself:
	 * a callback on any of these (a currency switcher's price, a translated
	 * name, a marketplace's term filter) can make the two readers differ.
	 * Query hooks are not among them: every marketplace hooks `pre_get_posts`
	 * for its store pages, and both readers narrow their queries to the
	 * vendor's products with the same owner condition.
	 *
	 * @since 0.16.0
	 */
	private const API_HOOKS = array(
		'woocommerce_product_get_name',
		'woocommerce_product_get_status',
		'woocommerce_product_get_description',
		'woocommerce_product_get_short_description',
		'woocommerce_product_get_price',
		'woocommerce_product_get_regular_price',
		'woocommerce_product_get_sale_price',
		'woocommerce_product_get_stock_status',
		'woocommerce_product_get_manage_stock',
		'woocommerce_product_get_stock_quantity',
		'woocommerce_product_get_image_id',
		'woocommerce_product_get_catalog_visibility',
		'woocommerce_product_get_children',
		'woocommerce_product_variation_get_status',
		'woocommerce_product_variation_get_description',
		'woocommerce_product_variation_get_price',
		'woocommerce_product_variation_get_regular_price',
		'woocommerce_product_variation_get_sale_price',
		'woocommerce_product_variation_get_stock_status',
		'woocommerce_product_variation_get_manage_stock',
		'woocommerce_product_variation_get_stock_quantity',
		'woocommerce_product_variation_get_image_id',
		'woocommerce_product_variation_get_attributes',
		'woocommerce_get_children',
		'woocommerce_product_class',
		'woocommerce_product_type_query',
		'woocommerce_product_object_query_args',
		'woocommerce_product_object_query',
		'woocommerce_product_data_store_cpt_get_products_query',
		'get_post_metadata',
		'get_the_terms',
		'get_object_terms',
		'get_term',
		'wp_get_attachment_metadata',
		'get_attached_file',
	);

	/**
	 * The product reader. WooCommerce's API when WooCommerce is loaded and
	 * a plugin changes what it answers for a product (API_HOOKS), so that
	 * what shoppers see is what the catalog gets; the storage reader, which
	 * reads a page of products in a few queries and gives the same records
	 * (tests/wordpress/catalog-cli.php `readers` compares them on real
	 * WooCommerce), when nothing does or WooCommerce is not loaded.
	 *
	 * Chosen once a request, after every plugin has loaded (`wp_loaded`):
	 * a plugin adds its filters on `init` at the latest.
	 *
	 * @since 0.1.0
	 * @since 0.16.0 The storage reader also when WooCommerce is loaded and no
	 *              plugin changes what its API answers.
	 *
	 * @return ProductReader
	 */
	public static function get(): ProductReader {
		if ( null !== self::$reader ) {
			return self::$reader;
		}

		$default = WooCommerceReader::supported() && self::api_changed() ? new WooCommerceReader() : new StorageReader();

		/**
		 * Filters the product reader wpwa uses to read vendors' products.
		 *
		 * Return an object implementing `Wpwa\Plugin\Products\ProductReader`:
		 * for example `new \Wpwa\Plugin\Products\WooCommerceReader()` to read
		 * every product through WooCommerce's API even where wpwa finds no
		 * plugin changing what it answers. Anything else is ignored.
		 *
		 * @since 0.1.0
		 *
		 * @param ProductReader $reader The default reader.
		 */
		$reader = apply_filters( 'wpwa_product_reader', $default );
		$reader = $reader instanceof ProductReader ? $reader : $default;
		if ( did_action( 'wp_loaded' ) ) {
			self::$reader = $reader;
		}
		return $reader;
	}

	/**
	 * Whether a plugin hooks into what WooCommerce's API answers for a
	 * product (API_HOOKS).
	 *
	 * @since 0.16.0
	 *
	 * @return bool
	 */
	private static function api_changed(): bool {
		global $wp_filter;

		foreach ( self::API_HOOKS as $hook ) {
			$callbacks = isset( $wp_filter[ $hook ] ) && $wp_filter[ $hook ] instanceof \WP_Hook ? $wp_filter[ $hook ]->callbacks : array();
			foreach ( array_merge( array(), ...array_values( $callbacks ) ) as $callback ) {
				if ( self::changes_answers( $hook, $callback['function'] ?? null ) ) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Whether a callback on `$hook` can change what WooCommerce's API
	 * answers: any callback but WooCommerce's own relay of its deprecated
	 * filters, which counts only when the old filter it relays has one.
	 *
	 * @since 0.16.0
	 *
	 * @param string $hook     Hook name.
	 * @param mixed  $function The callback.
	 * @return bool
	 */
	private static function changes_answers( string $hook, $function ): bool {
		$relay = is_array( $function ) && isset( $function[0], $function[1] ) && $function[0] instanceof \WC_Deprecated_Hooks && 'maybe_handle_deprecated_hook' === $function[1];
		if ( ! $relay ) {
			return true;
		}
		foreach ( (array) $function[0]->get_old_hooks( $hook ) as $old_hook ) {
			if ( has_filter( (string) $old_hook ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Forgets the chosen reader (for tests and long-running CLI jobs).
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function reset(): void {
		self::$reader = null;
	}
}
