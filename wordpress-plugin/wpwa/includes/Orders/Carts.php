<?php
/**
 * WhatsApp carts become WooCommerce orders, in the background.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Orders;

use Throwable;
use WC_Order;
use WC_Product;
use Wpwa\Plugin\Catalog\Scheduler;
use Wpwa\Plugin\CloudConnections;
use Wpwa\Plugin\Connections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\StoreMove;
use Wpwa\Plugin\Integrations\Marketplaces;
use Wpwa\Plugin\Messages\Customer;
use Wpwa\Plugin\Messages\Notifier;
use Wpwa\Plugin\Messages\Preferences;
use Wpwa\Plugin\Texts;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * A customer's cart sent from the WhatsApp catalog (an `order` message) is
 * recorded by the core while the webhook is stored; the webhook only queues
 * it here (`wpwa_whatsapp_cart` on Action Scheduler, group `wpwa`). The action
 * claims the cart in the core (one worker wins), reads what WooCommerce says
 * now about each retailer id, lets the core's rule decide the order lines and
 * the problems, and makes a `pending` order through WooCommerce's API: the
 * products the catalog sync sent, at WooCommerce's prices, for the customer
 * matched by WhatsApp identity or billing phone (else a guest with the phone
 * as billing data). The marketplace then makes its per-vendor records
 * (sub-orders for Dokan and MultiVendorX, vendor orders for WCFM), the pay
 * link goes back to the customer on WhatsApp from the number the cart
 * arrived on, and each vendor is told of their part.
 *
 * Customers are matched by the user meta `wpwa_whatsapp_id` (the WhatsApp
 * number in international digits, set on the account by the site, a
 * snippet or a future profile field), then by WooCommerce's `billing_phone`
 * (compared as digits; a number saved without its country code matches the
 * end of the WhatsApp number).
 *
 * @since 0.7.0
 */
final class Carts {

	/**
	 * Action Scheduler hook that turns one cart into an order: args ( wamid ).
	 *
	 * @since 0.7.0
	 */
	public const HOOK = 'wpwa_whatsapp_cart';

	/**
	 * User meta holding a customer's WhatsApp number (international digits).
	 *
	 * @since 0.7.0
	 */
	public const CUSTOMER_META = 'wpwa_whatsapp_id';

	/**
	 * Order meta: the wamid of the cart the order was made from.
	 *
	 * @since 0.7.0
	 */
	public const ORDER_WAMID_META = '_wpwa_cart_wamid';

	/**
	 * Order meta: the customer's WhatsApp number (digits).
	 *
	 * @since 0.7.0
	 */
	public const ORDER_CUSTOMER_META = '_wpwa_whatsapp_customer';

	/**
	 * Order meta: the business number (phone_number_id) the cart arrived on.
	 *
	 * @since 0.7.0
	 */
	public const ORDER_NUMBER_META = '_wpwa_phone_number_id';

	/**
	 * `created_via` of the orders made here.
	 *
	 * @since 0.7.0
	 */
	public const CREATED_VIA = 'whatsapp';

	/**
	 * Hooks.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( self::HOOK, array( self::class, 'run' ), 10, 1 );
	}

	/**
	 * Queues each cart a webhook recorded; never builds an order in the
	 * webhook's request.
	 *
	 * @since 0.7.0
	 *
	 * @param array<int,array<string,mixed>> $carts The report's `carts`: wamid, phone_number_id, customer.
	 * @return void
	 */
	public static function queue( array $carts ): void {
		foreach ( $carts as $cart ) {
			$wamid = is_array( $cart ) ? (string) ( $cart['wamid'] ?? '' ) : '';
			if ( '' === $wamid ) {
				continue;
			}
			if ( Scheduler::has_action_scheduler() ) {
				as_enqueue_async_action( self::HOOK, array( $wamid ), Scheduler::GROUP, true );
			} else {
				wp_schedule_single_event( time(), self::HOOK, array( $wamid ) );
			}
		}
	}

	/**
	 * The action: one cart becomes at most one order.
	 *
	 * @since 0.7.0
	 *
	 * @param string $wamid The cart's wamid.
	 * @return void
	 */
	public static function run( $wamid ): void {
		$wamid = (string) $wamid;
		if ( '' === $wamid || ! function_exists( 'wc_create_order' ) || StoreMove::skip_turn( self::HOOK, array( $wamid ) ) ) {
			return;
		}
		$cart = Core::cart_claim( $wamid );
		if ( is_wp_error( $cart ) ) {
			Core::event( 0, 'error', 'order', 'cart_claim_failed', array(), array( 'error' => $cart->get_error_message() ) );
			return;
		}
		if ( null === $cart ) {
			return; // Another worker has it, or it is finished.
		}
		try {
			// A claim taken again after a worker died: the order may exist already.
			$existing = self::order_for( $wamid );
			if ( $existing ) {
				Core::cart_ordered( $wamid, $existing->get_id(), self::parts( $existing ) );
				return;
			}
			$plan = Core::cart_plan( $wamid, self::offers( (array) $cart['lines'] ) );
			if ( is_wp_error( $plan ) ) {
				throw new \RuntimeException( $plan->get_error_message() );
			}
			if ( ! empty( $plan['nothing_left'] ) ) {
				$code = (string) ( $plan['refusal'] ?? 'nothing_left' );
				Core::cart_refused( $wamid, $code );
				self::reply( $cart, null, $plan );
				return;
			}
			$order = self::make_order( $cart, $plan );
			$parts = self::parts( $order );
			$done  = Core::cart_ordered( $wamid, $order->get_id(), $parts );
			if ( is_wp_error( $done ) ) {
				Core::report( $done );
			}
			self::reply( $cart, $order, $plan );
			self::tell_vendors( $cart, $order, $parts );

			/**
			 * Fires once a WhatsApp cart became a WooCommerce order (pending).
			 *
			 * @since 0.7.0
			 *
			 * @param WC_Order            $order The order.
			 * @param array<string,mixed> $cart  The cart as the core keeps it.
			 * @param array<string,mixed> $plan  The core's plan: lines, problems, vendors.
			 * @param array<int,array{vendor_id:int,order_id:int}> $parts Each vendor's order or sub-order.
			 */
			do_action( 'wpwa_whatsapp_order_created', $order, $cart, $plan, $parts );
		} catch ( Throwable $e ) {
			Core::report( $e );
			Core::event( 0, 'error', 'order', 'cart_order_failed', array(), array( 'error' => $e->getMessage() ) );
			Core::cart_refused( $wamid, 'order_failed' );
			self::reply( $cart, null, array( 'refusal' => 'order_failed' ) );
		}
	}

	/**
	 * What WooCommerce says now about each line's retailer id: the product
	 * the catalog sync sent under it (else the product whose SKU it is),
	 * its vendor, price, stock and whether it can be bought.
	 *
	 * @since 0.7.0
	 *
	 * @param array<int,array<string,mixed>> $lines The cart's lines (retailer_id, product_id…).
	 * @return array<int,array<string,mixed>>
	 */
	public static function offers( array $lines ): array {
		$offers = array();
		foreach ( $lines as $line ) {
			$retailer_id = (string) ( $line['retailer_id'] ?? '' );
			$product_id  = (int) ( $line['product_id'] ?? 0 );
			if ( $product_id <= 0 && '' !== $retailer_id ) {
				$product_id = (int) wc_get_product_id_by_sku( $retailer_id );
			}
			$product = $product_id > 0 ? wc_get_product( $product_id ) : null;
			if ( ! $product instanceof WC_Product && '' !== $retailer_id ) {
				// A product trashed or unpublished since: still named to the customer.
				$gone    = wc_get_products(
					array(
						'sku'    => $retailer_id,
						'status' => array( 'trash', 'draft', 'pending', 'private' ),
						'limit'  => 1,
					)
				);
				$product = is_array( $gone ) ? reset( $gone ) : null;
			}
			if ( ! $product instanceof WC_Product ) {
				continue;
			}
			$managed  = $product->managing_stock() && ! $product->backorders_allowed();
			$offers[] = array(
				'retailer_id'    => $retailer_id,
				'product_id'     => $product->get_id(),
				'vendor_id'      => Vendors::product_vendor( $product->get_id() ),
				'name'           => wp_strip_all_tags( $product->get_name() ),
				'price'          => (float) $product->get_price(),
				'currency'       => get_woocommerce_currency(),
				'purchasable'    => 'publish' === self::status( $product ) && $product->is_purchasable() && '' !== (string) $product->get_price(),
				'in_stock'       => $product->is_in_stock(),
				'stock_quantity' => $managed ? (int) $product->get_stock_quantity() : null,
			);
		}
		return $offers;
	}

	/**
	 * The publication status that decides whether a product can be bought:
	 * a variation's parent's.
	 *
	 * @param WC_Product $product Product or variation.
	 * @return string
	 */
	private static function status( WC_Product $product ): string {
		$status = $product->get_status();
		if ( $product->is_type( 'variation' ) ) {
			$parent = wc_get_product( $product->get_parent_id() );
			$status = $parent ? ( 'publish' === $status ? $parent->get_status() : $status ) : 'trash';
		}
		return (string) $status;
	}

	/**
	 * The order made from a cart before, if any.
	 *
	 * @since 0.7.0
	 *
	 * @param string $wamid The cart's wamid.
	 * @return WC_Order|null
	 */
	public static function order_for( string $wamid ): ?WC_Order {
		$found = wc_get_orders(
			array(
				'limit'      => 1,
				'type'       => 'shop_order',
				'parent'     => 0,
				'status'     => 'any',
				'meta_query' => array( // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_query -- one lookup per re-claimed cart.
					array(
						'key'   => self::ORDER_WAMID_META,
						'value' => $wamid,
					),
				),
			)
		);
		$order = is_array( $found ) ? reset( $found ) : false;
		return $order instanceof WC_Order ? $order : null;
	}

	/**
	 * Makes the pending order through WooCommerce's API.
	 *
	 * @param array<string,mixed> $cart The claimed cart.
	 * @param array<string,mixed> $plan The core's plan.
	 * @return WC_Order
	 * @throws \RuntimeException When WooCommerce refuses.
	 */
	private static function make_order( array $cart, array $plan ): WC_Order {
		$digits      = Customer::phone( $cart );
		$customer_id = '' !== $digits ? self::customer_for( $digits ) : 0;
		$order       = wc_create_order(
			array(
				'customer_id' => $customer_id,
				'created_via' => self::CREATED_VIA,
				'status'      => 'pending',
			)
		);
		if ( is_wp_error( $order ) ) {
			throw new \RuntimeException( esc_html( $order->get_error_message() ) );
		}
		foreach ( (array) $plan['lines'] as $line ) {
			$product = wc_get_product( (int) $line['product_id'] );
			if ( $product instanceof WC_Product ) {
				// add_product() prices the line from the product: WooCommerce's price.
				$order->add_product( $product, (int) $line['quantity'] );
			}
		}
		$order->set_address( self::billing( $cart, $customer_id ), 'billing' );
		if ( $customer_id > 0 ) {
			$customer = new \WC_Customer( $customer_id );
			$shipping = $customer->get_shipping();
			if ( '' !== implode( '', array_map( 'strval', $shipping ) ) ) {
				$order->set_address( $shipping, 'shipping' );
			}
		}
		$order->set_currency( get_woocommerce_currency() );
		$order->update_meta_data( self::ORDER_WAMID_META, (string) $cart['wamid'] );
		$order->update_meta_data( self::ORDER_CUSTOMER_META, (string) $digits );
		$order->update_meta_data( self::ORDER_NUMBER_META, (string) $cart['phone_number_id'] );
		if ( '' !== trim( (string) ( $cart['note'] ?? '' ) ) ) {
			$order->set_customer_note( sanitize_textarea_field( (string) $cart['note'] ) );
		}
		$order->calculate_totals();
		$order->set_status( 'pending' );
		$order->save();

		$name = trim( (string) ( $cart['customer_name'] ?? '' ) );
		$who  = '' !== $name ? $name . ' (+' . $digits . ')' : '+' . $digits;
		/* translators: 1: customer name and number, 2: WhatsApp message id. */
		$order->add_order_note( sprintf( __( 'Order made from a WhatsApp cart sent by %1$s (message %2$s).', 'wpwa' ), $who, (string) $cart['wamid'] ) );
		$problems = (array) ( $plan['problems'] ?? array() );
		if ( $problems ) {
			$lines = array( __( 'WhatsApp cart: what changed from the cart', 'wpwa' ) );
			foreach ( $problems as $problem ) {
				$lines[] = '- ' . Texts::cart_problem( (array) $problem );
			}
			$order->add_order_note( implode( "\n", $lines ) );
		}
		return $order;
	}

	/**
	 * The customer with this WhatsApp number: by the `wpwa_whatsapp_id` user
	 * meta, else by billing phone (digits); 0 for a guest.
	 *
	 * @since 0.7.0
	 *
	 * @param string $digits WhatsApp number, international digits.
	 * @return int User ID or 0.
	 */
	public static function customer_for( string $digits ): int {
		$by_meta = get_users(
			array(
				'meta_key'   => self::CUSTOMER_META, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key -- one lookup per cart.
				'meta_value' => $digits, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_value -- one lookup per cart.
				'fields'     => 'ID',
				'number'     => 1,
			)
		);
		$user_id = (int) ( $by_meta[0] ?? 0 );
		if ( $user_id <= 0 && '' !== $digits ) {
			// Phones are saved with spaces, signs or without the country code: the
			// accounts whose phone holds the number's last digits, then the core's
			// rule decides which one is the customer's.
			$candidates = get_users(
				array(
					'meta_key'     => 'billing_phone', // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key -- one lookup per cart.
					'meta_value'   => substr( $digits, -4 ), // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_value -- one lookup per cart.
					'meta_compare' => 'LIKE',
					'fields'       => 'ID',
					'number'       => 50,
				)
			);
			$accounts   = array();
			foreach ( $candidates as $candidate ) {
				$accounts[] = array(
					'user_id' => (int) $candidate,
					'phone'   => (string) get_user_meta( (int) $candidate, 'billing_phone', true ),
				);
			}
			$matched = $accounts ? Core::cart_match_phone( $digits, $accounts ) : null;
			$user_id = is_int( $matched ) ? $matched : 0;
		}

		/**
		 * Filters the customer account a WhatsApp cart's order is made for
		 * (0: a guest order).
		 *
		 * @since 0.7.0
		 *
		 * @param int    $user_id User ID or 0.
		 * @param string $digits  The customer's WhatsApp number (digits).
		 */
		return max( 0, (int) apply_filters( 'wpwa_whatsapp_customer', $user_id, $digits ) );
	}

	/**
	 * Billing data: the account's, with the WhatsApp number as the phone when
	 * it has none; for a guest, the WhatsApp profile name and number.
	 *
	 * @param array<string,mixed> $cart        The cart.
	 * @param int                 $customer_id User ID or 0.
	 * @return array<string,string>
	 */
	private static function billing( array $cart, int $customer_id ): array {
		$phone   = '' !== Customer::phone( $cart ) ? '+' . Customer::phone( $cart ) : '';
		$billing = array();
		if ( $customer_id > 0 ) {
			$billing = array_map( 'strval', ( new \WC_Customer( $customer_id ) )->get_billing() );
		}
		if ( '' === ( $billing['phone'] ?? '' ) ) {
			$billing['phone'] = $phone;
		}
		if ( '' === ( $billing['first_name'] ?? '' ) && '' === ( $billing['last_name'] ?? '' ) ) {
			$name                  = trim( wp_strip_all_tags( (string) ( $cart['customer_name'] ?? '' ) ) );
			$parts                 = '' !== $name ? explode( ' ', $name, 2 ) : array( '' );
			$billing['first_name'] = $parts[0];
			$billing['last_name']  = $parts[1] ?? '';
		}
		return $billing;
	}

	/**
	 * Each vendor's part as the marketplace keeps it (its sub-order, or the
	 * order itself).
	 *
	 * @since 0.7.0
	 *
	 * @param WC_Order $order The order.
	 * @return array<int,array{vendor_id:int,order_id:int}>
	 */
	public static function parts( WC_Order $order ): array {
		$marketplace = Marketplaces::current();
		$by_vendor   = $marketplace ? $marketplace->place_order( $order ) : array();
		if ( ! $by_vendor ) {
			foreach ( $order->get_items() as $item ) {
				if ( $item instanceof \WC_Order_Item_Product ) {
					$by_vendor[ Vendors::product_vendor( $item->get_product_id() ) ] = $order->get_id();
				}
			}
		}
		$parts = array();
		foreach ( $by_vendor as $vendor_id => $order_id ) {
			$parts[] = array(
				'vendor_id' => max( 0, (int) $vendor_id ),
				'order_id'  => (int) $order_id,
			);
		}
		return $parts;
	}

	/**
	 * The vendor whose own number (integration model 2) a cart arrived on;
	 * 0 for the marketplace's number.
	 *
	 * @since 0.7.0
	 *
	 * @param string $phone_number_id The business number's id.
	 * @return int
	 */
	public static function number_owner( string $phone_number_id ): int {
		if ( '' === $phone_number_id ) {
			return 0;
		}
		foreach ( CloudConnections::all() as $id => $connection ) {
			if ( (string) ( $connection['phone_number_id'] ?? '' ) !== $phone_number_id ) {
				continue;
			}
			$owners = get_users(
				array(
					'meta_key'   => CloudConnections::ASSIGN_META, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key -- a handful of connections.
					'meta_value' => (string) $id, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_value -- a handful of connections.
					'fields'     => 'ID',
					'number'     => 1,
				)
			);
			if ( ! empty( $owners ) ) {
				return (int) $owners[0];
			}
		}
		return 0;
	}

	/**
	 * Answers the customer on WhatsApp, as free text (they just wrote: the
	 * 24-hour window is open), from the number the cart arrived on: the pay
	 * link and what changed, or why no order was made.
	 *
	 * @param array<string,mixed> $cart  The cart.
	 * @param WC_Order|null       $order The order, or null when none was made.
	 * @param array<string,mixed> $plan  The plan (problems, refusal).
	 * @return void
	 */
	private static function reply( array $cart, ?WC_Order $order, array $plan ): void {
		$lines    = Texts::cart_reply( $order, (array) ( $plan['problems'] ?? array() ), (string) ( $plan['refusal'] ?? '' ) );

		/**
		 * Filters the lines of the WhatsApp answer to a customer's cart (the
		 * pay link and what changed, or why no order was made). A line added
		 * at the end is sent after them, e.g. an invitation to reply with a
		 * word to get order updates.
		 *
		 * @since 0.7.0
		 *
		 * @param string[]            $lines    Lines of the message.
		 * @param WC_Order|null       $order    The order, or null when none was made.
		 * @param array<string,mixed> $cart     The cart: wamid, customer, customer_name, phone_number_id, lines.
		 * @param array<string,mixed> $plan     The plan: problems, refusal.
		 */
		$lines = (array) apply_filters( 'wpwa_whatsapp_cart_reply_lines', $lines, $order, $cart, $plan );
		$body  = trim( implode( "\n", array_map( 'strval', $lines ) ) );
		if ( '' === $body ) {
			return;
		}
		$owner      = self::number_owner( (string) $cart['phone_number_id'] );
		$connection = Connections::cloud( $owner, Connections::MESSAGES );
		// The cart opened the customer-service window: the core sends free text
		// within it, whichever vendor the cart's message was routed to.
		$result = is_wp_error( $connection ) ? $connection : Core::cart_reply( (string) $cart['wamid'], $body, $connection, $owner );
		if ( is_wp_error( $result ) ) {
			Core::event( $owner, 'warning', 'order', 'cart_reply_failed', array(), array( 'error' => $result->get_error_message() ) );
			if ( $order ) {
				/* translators: %s: the error. */
				$order->add_order_note( sprintf( __( 'The pay link could not be sent on WhatsApp: %s', 'wpwa' ), $result->get_error_message() ) );
			}
			return;
		}
		if ( $order ) {
			$order->add_order_note( __( 'Pay link sent to the customer on WhatsApp.', 'wpwa' ) );
		}
	}

	/**
	 * Tells each vendor of their own part, the way they take notifications:
	 * e-mail and WhatsApp (the marketplace's number, the administrator's
	 * template), as for customer messages.
	 *
	 * @param array<string,mixed>                          $cart  The cart.
	 * @param WC_Order                                     $order The order.
	 * @param array<int,array{vendor_id:int,order_id:int}> $parts The parts.
	 * @return void
	 */
	private static function tell_vendors( array $cart, WC_Order $order, array $parts ): void {
		foreach ( $parts as $part ) {
			$vendor_id = (int) $part['vendor_id'];
			if ( $vendor_id <= 0 ) {
				continue;
			}
			try {
				$view    = Panel::part( $vendor_id, (int) $part['order_id'] );
				$summary = Texts::order_part_summary( $view );
				$prefs   = Preferences::get( $vendor_id );
				if ( $prefs['notify_email'] ) {
					self::email( $vendor_id, $view, $summary );
				}
				if ( $prefs['notify_whatsapp'] && '' !== $prefs['whatsapp_number'] ) {
					Notifier::whatsapp(
						$vendor_id,
						$prefs['whatsapp_number'],
						array(
							'customer'      => (string) $cart['customer'],
							'customer_name' => (string) ( $cart['customer_name'] ?? '' ),
							'customer_text' => $summary,
						)
					);
				}

				/**
				 * Fires after a vendor was told of their part of a WhatsApp order.
				 *
				 * @since 0.7.0
				 *
				 * @param int                 $vendor_id Vendor user ID.
				 * @param array<string,mixed> $view      Their part: order_id, number, items, total, status, url.
				 * @param WC_Order            $order     The whole order.
				 */
				do_action( 'wpwa_whatsapp_order_vendor_part', $vendor_id, $view, $order );
			} catch ( Throwable $e ) {
				Core::report( $e );
			}
		}
	}

	/**
	 * E-mails a vendor their part of a WhatsApp order.
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param array<string,mixed> $view      Their part (Panel::part()).
	 * @param string              $summary   One line: order number, items, total.
	 * @return bool Whether the mail was handed to wp_mail().
	 */
	private static function email( int $vendor_id, array $view, string $summary ): bool {
		$user = get_userdata( $vendor_id );
		if ( ! $user || ! is_email( $user->user_email ) ) {
			return false;
		}
		$site = wp_specialchars_decode( (string) get_bloginfo( 'name' ), ENT_QUOTES );
		/* translators: 1: site name, 2: order number. */
		$subject = sprintf( __( '[%1$s] New WhatsApp order #%2$s', 'wpwa' ), $site, (string) $view['number'] );
		$lines   = array( __( 'A customer ordered from your shop with a WhatsApp cart.', 'wpwa' ), '', $summary, '' );
		foreach ( (array) $view['items'] as $item ) {
			$lines[] = '- ' . $item['quantity'] . ' × ' . $item['name'];
		}
		if ( '' !== (string) $view['url'] ) {
			$lines[] = '';
			$lines[] = esc_url_raw( (string) $view['url'] );
		}

		/**
		 * Filters the e-mail telling a vendor of their part of a WhatsApp order.
		 *
		 * @since 0.7.0
		 *
		 * @param array{to:string,subject:string,message:string} $mail      The e-mail (plain text).
		 * @param int                                             $vendor_id Vendor user ID.
		 * @param array<string,mixed>                             $view      Their part.
		 */
		$mail = (array) apply_filters(
			'wpwa_whatsapp_order_vendor_email',
			array(
				'to'      => $user->user_email,
				'subject' => $subject,
				'message' => implode( "\n", $lines ),
			),
			$vendor_id,
			$view
		);
		return ! empty( $mail['to'] ) && (bool) wp_mail( (string) $mail['to'], (string) $mail['subject'], (string) $mail['message'] );
	}
}
