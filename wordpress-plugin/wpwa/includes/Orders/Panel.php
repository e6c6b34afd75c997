<?php
/**
 * The "WhatsApp orders" panel of the vendor dashboard.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Orders;

use WC_Order;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Integrations\Marketplaces;
use Wpwa\Plugin\Messages\Customer;
use Wpwa\Plugin\Templates;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * Each vendor's own parts of WhatsApp orders: the order (or the
 * marketplace's sub-order) number, their items only, the total of their
 * items, the status, and a link to the order in their marketplace
 * dashboard where the marketplace has one.
 *
 * @since 0.7.0
 */
final class Panel {

	/**
	 * Hooks: the panel joins the dashboard after the customer messages.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_filter( 'wpwa_vendor_dashboard_panels', array( self::class, 'register' ), 10, 1 );
	}

	/**
	 * Adds the `orders` panel after `messages` (at the end when there is none).
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $panels Panels keyed by ID.
	 * @return mixed
	 */
	public static function register( $panels ) {
		if ( ! is_array( $panels ) || ! function_exists( 'wc_get_order' ) ) {
			return $panels;
		}
		$panel = array(
			'title'    => __( 'WhatsApp orders', 'wpwa' ),
			'callback' => array( self::class, 'render' ),
		);
		$out   = array();
		foreach ( $panels as $id => $existing ) {
			$out[ $id ] = $existing;
			if ( 'messages' === $id ) {
				$out['orders'] = $panel;
			}
		}
		if ( ! isset( $out['orders'] ) ) {
			$out['orders'] = $panel;
		}
		return $out;
	}

	/**
	 * Echoes the panel (templates/dashboard/panel-orders.php).
	 *
	 * @since 0.7.0
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param array<string,mixed> $panel     Panel definition (title).
	 * @return void
	 */
	public static function render( int $vendor_id, array $panel ): void {
		$view = self::data( $vendor_id ) + array(
			'title'      => (string) ( $panel['title'] ?? '' ),
			'heading_id' => 'wpwa-orders-title-' . wp_unique_id(),
		);
		echo Templates::render( 'dashboard/panel-orders.php', $view ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the template escapes.
	}

	/**
	 * The panel's rows for a vendor.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array{rows:array<int,array<string,mixed>>,error:string}
	 */
	public static function data( int $vendor_id ): array {
		$parts = Core::cart_vendor_parts( $vendor_id );
		if ( is_wp_error( $parts ) ) {
			return array(
				'rows'  => array(),
				'error' => $parts->get_error_message(),
			);
		}
		$rows = array();
		foreach ( $parts as $part ) {
			$row = self::part( $vendor_id, (int) $part['order_id'] );
			if ( $row['order_id'] > 0 ) {
				$row['customer'] = Customer::label( $part );
				$rows[]          = $row;
			}
		}
		return array(
			'rows'  => $rows,
			'error' => '',
		);
	}

	/**
	 * One vendor's part of an order: only the vendor's items and their total.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $order_id  Order or sub-order ID.
	 * @return array{order_id:int,number:string,items:array<int,array{name:string,quantity:int,total:string}>,total:string,status:string,url:string,created:string}
	 */
	public static function part( int $vendor_id, int $order_id ): array {
		$order = $order_id > 0 ? wc_get_order( $order_id ) : false;
		$empty = array(
			'order_id' => 0,
			'number'   => '',
			'items'    => array(),
			'total'    => '',
			'status'   => '',
			'url'      => '',
			'created'  => '',
		);
		if ( ! $order instanceof WC_Order ) {
			return $empty;
		}
		$items = array();
		$sum   = 0.0;
		foreach ( $order->get_items() as $item ) {
			if ( ! $item instanceof \WC_Order_Item_Product || Vendors::product_vendor( $item->get_product_id() ) !== $vendor_id ) {
				continue;
			}
			$sum    += (float) $item->get_total() + (float) $item->get_total_tax();
			$items[] = array(
				'name'     => wp_strip_all_tags( $item->get_name() ),
				'quantity' => (int) $item->get_quantity(),
				'total'    => wp_strip_all_tags( wc_price( (float) $item->get_total() + (float) $item->get_total_tax(), array( 'currency' => $order->get_currency() ) ) ),
			);
		}
		if ( ! $items ) {
			return $empty;
		}
		$marketplace = Marketplaces::current();
		$created     = $order->get_date_created();
		return array(
			'order_id' => $order->get_id(),
			'number'   => (string) $order->get_order_number(),
			'items'    => $items,
			'total'    => wp_strip_all_tags( wc_price( $sum, array( 'currency' => $order->get_currency() ) ) ),
			'status'   => wc_get_order_status_name( $order->get_status() ),
			'url'      => $marketplace ? $marketplace->vendor_order_url( $order->get_id() ) : '',
			'created'  => $created ? $created->date_i18n( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ) ) : '',
		);
	}
}
