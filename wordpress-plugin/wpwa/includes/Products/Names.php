<?php
/**
 * Product names for people to read.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Products;

use Wpwa\Plugin\Catalog\Scheduler;

defined( 'ABSPATH' ) || exit;

/**
 * Turns the product a WhatsApp message refers to (the post ID the core found
 * in the vendor's catalog, or the retailer ID the customer's app sent) into
 * the product's name, so that vendors read "Organic Tee", not "wc_31".
 *
 * @since 0.7.0
 */
final class Names {

	/**
	 * The name of one of the vendor's products; '' when it is not theirs or
	 * cannot be found.
	 *
	 * @since 0.7.0
	 *
	 * @param int    $vendor_id   Vendor user ID (the product must be theirs).
	 * @param int    $product_id  Post ID from the core, 0 when unknown.
	 * @param string $retailer_id Retailer ID (SKU), looked up when the ID is unknown.
	 * @return string
	 */
	public static function of( int $vendor_id, int $product_id, string $retailer_id = '' ): string {
		if ( $product_id <= 0 && '' !== $retailer_id && function_exists( 'wc_get_product_id_by_sku' ) ) {
			$product_id = (int) wc_get_product_id_by_sku( $retailer_id );
		}
		if ( $product_id <= 0 || Scheduler::owner( get_post( $product_id ) ) !== $vendor_id ) {
			return '';
		}
		$product = function_exists( 'wc_get_product' ) ? wc_get_product( $product_id ) : null;
		// A variation's name is "Parent - Value", as WooCommerce generates it.
		$name = is_object( $product ) ? (string) $product->get_name() : get_the_title( $product_id );
		return trim( wp_strip_all_tags( $name ) );
	}
}
