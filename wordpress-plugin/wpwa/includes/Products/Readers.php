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
	 * The product reader: WooCommerce's API when WooCommerce is loaded,
	 * otherwise the storage reader.
	 *
	 * @since 0.1.0
	 *
	 * @return ProductReader
	 */
	public static function get(): ProductReader {
		if ( null !== self::$reader ) {
			return self::$reader;
		}

		$default = WooCommerceReader::supported() ? new WooCommerceReader() : new StorageReader();

		/**
		 * Filters the product reader wpwa uses to read vendors' products.
		 *
		 * Return an object implementing `Wpwa\Plugin\Products\ProductReader`,
		 * for example `new \Wpwa\Plugin\Products\StorageReader()` to read large
		 * catalogs straight from the database even when WooCommerce is active.
		 * Anything else is ignored.
		 *
		 * @since 0.1.0
		 *
		 * @param ProductReader $reader The default reader.
		 */
		$reader = apply_filters( 'wpwa_product_reader', $default );

		self::$reader = $reader instanceof ProductReader ? $reader : $default;
		return self::$reader;
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
