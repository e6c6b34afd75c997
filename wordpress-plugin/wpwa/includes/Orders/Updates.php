<?php
/**
 * WhatsApp updates on order events, sent in the background.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Orders;

use Throwable;
use WC_Order;
use Wpwa\Plugin\Catalog\Scheduler;
use Wpwa\Plugin\Connections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\StoreMove;
use Wpwa\Plugin\Messages\Config as MessagesConfig;
use Wpwa\Plugin\Privacy;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * On each order event (status processing, completed, refunded, cancelled,
 * failed, on-hold, and "shipped" from the order action) one Action Scheduler
 * action per (order, event) is queued; the action asks the core to claim the
 * pair (opted-in customers only, never twice), sends the mapped template
 * through `Core::message_send()`, and records the outcome. Nothing is sent in
 * the request that changed the order, and nothing here can fail an order.
 *
 * Which number sends: an order with sub-orders (Dokan, MultiVendorX) sends its
 * own updates from the marketplace's number, and each sub-order's from its
 * vendor's (`Connections::cloud()`, the vendor's own number under model 2); an
 * order without sub-orders whose items all belong to one vendor sends from
 * that vendor's, any other from the marketplace's.
 *
 * @since 0.7.0
 */
final class Updates {

	/**
	 * The action that sends one (order, event) update.
	 *
	 * @since 0.7.0
	 */
	public const HOOK = 'wpwa_order_update';

	/**
	 * Order meta: the tracking note of the shipped update.
	 *
	 * @since 0.7.0
	 */
	public const TRACKING_META = '_wpwa_tracking_note';

	/**
	 * The order action that sends the shipped update.
	 *
	 * @since 0.7.0
	 */
	public const SHIPPED_ACTION = 'wpwa_send_shipped_update';

	/**
	 * Hooks.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'woocommerce_order_status_changed', array( self::class, 'on_status' ), 20, 4 );
		add_action( self::HOOK, array( self::class, 'run' ), 10, 2 );
		add_filter( 'woocommerce_order_actions', array( self::class, 'order_actions' ), 10, 2 );
		add_action( 'woocommerce_order_action_' . self::SHIPPED_ACTION, array( self::class, 'shipped' ) );
		add_filter( 'wpwa_template_usages', array( Config::class, 'template_usages' ) );
	}

	/**
	 * Queues the update of a status change the mapping covers.
	 *
	 * @since 0.7.0
	 *
	 * @param int           $order_id Order ID.
	 * @param string        $from     Old status (without `wc-`).
	 * @param string        $to       New status.
	 * @param WC_Order|null $order    The order.
	 * @return void
	 */
	public static function on_status( $order_id, $from, $to, $order = null ): void {
		$event = self::event_of_status( (string) $to );
		if ( null === $event ) {
			return;
		}
		self::queue( (int) $order_id, $event, $order instanceof WC_Order ? $order : null );
	}

	/**
	 * The event a status makes, or null.
	 *
	 * @since 0.7.0
	 *
	 * @param string $status Status without `wc-`.
	 * @return string|null
	 */
	public static function event_of_status( string $status ): ?string {
		$events = array(
			'processing' => 'processing',
			'completed'  => 'completed',
			'refunded'   => 'refunded',
			'cancelled'  => 'cancelled',
			'failed'     => 'failed',
			'on-hold'    => 'on_hold',
		);
		return $events[ $status ] ?? null;
	}

	/**
	 * Queues one action for (order, event) when the event is mapped for the
	 * order's vendor. Action Scheduler keeps one pending action per pair; the
	 * core's claim keeps one send per pair whatever runs.
	 *
	 * @since 0.7.0
	 *
	 * @param int           $order_id Order ID.
	 * @param string        $event    Event.
	 * @param WC_Order|null $order    The order, when at hand.
	 * @return bool Whether an action was queued.
	 */
	public static function queue( int $order_id, string $event, ?WC_Order $order = null ): bool {
		try {
			if ( ! Scheduler::has_action_scheduler() ) {
				return false;
			}
			$order = $order ?? wc_get_order( $order_id );
			if ( ! $order instanceof WC_Order ) {
				return false;
			}
			$mapping = Config::mapping_for( self::vendor_of( $order ) );
			if ( empty( $mapping[ $event ]['name'] ) ) {
				return false;
			}
			// One pending action per (order, event) (Action Scheduler's own `unique`
			// flag ignores the arguments, so it would hold back other orders).
			$args = array( $order_id, $event );
			if ( function_exists( 'as_has_scheduled_action' ) && as_has_scheduled_action( self::HOOK, $args, Scheduler::GROUP ) ) {
				return false;
			}
			return (bool) as_enqueue_async_action( self::HOOK, $args, Scheduler::GROUP );
		} catch ( Throwable $e ) {
			// An order event must never fail because of WhatsApp.
			Core::report( $e );
			return false;
		}
	}

	/**
	 * The vendor whose number sends an order's updates (0: the marketplace).
	 *
	 * @since 0.7.0
	 *
	 * @param WC_Order $order The order.
	 * @return int
	 */
	public static function vendor_of( WC_Order $order ): int {
		$vendor = 0;
		$split  = $order->get_parent_id() <= 0 && array() !== self::sub_orders( $order );
		if ( ! $split ) {
			$vendors = array();
			foreach ( $order->get_items() as $item ) {
				if ( $item instanceof \WC_Order_Item_Product ) {
					$vendors[ Vendors::product_vendor( $item->get_product_id() ) ] = true;
				}
			}
			$vendor = 1 === count( $vendors ) ? (int) array_key_first( $vendors ) : 0;
			// The shop's own products (the administrator's) are the marketplace's.
			$vendor = $vendor > 0 && Vendors::is_vendor( $vendor ) ? $vendor : 0;
		}

		/**
		 * Filters the vendor whose number sends an order's WhatsApp updates.
		 *
		 * @since 0.7.0
		 *
		 * @param int      $vendor Vendor user ID (0: the marketplace's number).
		 * @param WC_Order $order  The order.
		 */
		return max( 0, (int) apply_filters( 'wpwa_order_update_vendor', $vendor, $order ) );
	}

	/**
	 * The IDs of an order's sub-orders (marketplaces that split orders).
	 *
	 * @since 0.7.0
	 *
	 * @param WC_Order $order The order.
	 * @return array<int,int>
	 */
	public static function sub_orders( WC_Order $order ): array {
		$ids = wc_get_orders(
			array(
				'parent' => $order->get_id(),
				'type'   => 'shop_order',
				'limit'  => 50,
				'return' => 'ids',
			)
		);
		return array_map( 'intval', is_array( $ids ) ? $ids : array() );
	}

	/**
	 * The action: claims (order, event), sends the template and records the
	 * outcome; reschedules itself when the core says to retry or wait.
	 *
	 * @since 0.7.0
	 *
	 * @param int    $order_id Order ID.
	 * @param string $event    Event.
	 * @return void
	 */
	public static function run( $order_id, $event ): void {
		$order_id = (int) $order_id;
		$event    = (string) $event;
		if ( StoreMove::skip_turn( self::HOOK, array( $order_id, $event ) ) ) {
			return;
		}
		$order = wc_get_order( $order_id );
		if ( ! $order instanceof WC_Order ) {
			return;
		}
		$customer = Privacy::customer_id( $order->get_billing_phone(), $order->get_billing_country() );
		if ( null === $customer ) {
			Core::event( 0, 'notice', 'order_update', 'order_update_no_number', array( 'order_id' => $order_id ) );
			return;
		}
		$vendor_id = self::vendor_of( $order );
		$prepared  = Core::order_update_prepare( $order_id, $event, $vendor_id, $customer, Config::mapping_for( $vendor_id ), self::data( $order, $vendor_id ) );
		if ( is_wp_error( $prepared ) ) {
			Core::event(
				$vendor_id,
				'error',
				'order_update',
				'order_update_failed',
				array(
					'order_id' => $order_id,
					'event'    => $event,
				),
				array( 'error' => $prepared->get_error_message() )
			);
			return;
		}
		if ( 'send' !== ( $prepared['outcome'] ?? '' ) ) {
			return;
		}

		$connection = Connections::cloud( $vendor_id, Connections::MESSAGES );
		$sent       = is_wp_error( $connection )
			? $connection
			: Core::message_send( $vendor_id, $customer, (array) $prepared['message'], $connection, MessagesConfig::limits( $vendor_id ) );
		if ( is_wp_error( $sent ) ) {
			$data   = (array) $sent->get_error_data();
			// The allowance and the cost cap (since 0.15.0) are retried when the month turns.
			$result = in_array( $sent->get_error_code(), array( 'wpwa_rate_limited', 'wpwa_cost_cap_reached' ), true ) && isset( $data['retry_after'] )
				? array( 'retry_after' => max( 1, (int) $data['retry_after'] ) )
				: array( 'error' => $sent->get_error_code() );
		} else {
			$result = array( 'wamid' => (string) $sent['wamid'] );
		}
		$next = Core::order_update_finish( $order_id, $event, $result );
		if ( is_array( $next ) && 'retry_in' === ( $next['next'] ?? '' ) ) {
			as_schedule_single_action( time() + (int) $next['seconds'], self::HOOK, array( $order_id, $event ), Scheduler::GROUP );
		}
		self::note( $order, $event, (string) ( $prepared['message']['name'] ?? '' ), $result, $next );
	}

	/**
	 * Adds the outcome of a send to the order's notes (private).
	 *
	 * @param WC_Order                  $order    The order.
	 * @param string                    $event    Event.
	 * @param string                    $template Template name.
	 * @param array<string,mixed>       $result   What was recorded.
	 * @param array<string,mixed>|mixed $next     The core's answer.
	 * @return void
	 */
	private static function note( WC_Order $order, string $event, string $template, array $result, $next ): void {
		if ( isset( $result['wamid'] ) ) {
			/* translators: 1: order event, 2: template name. */
			$order->add_order_note( sprintf( __( 'WhatsApp update "%1$s" sent (template %2$s).', 'wpwa' ), Config::event_label( $event ), $template ) );
		} elseif ( is_array( $next ) && 'done' === ( $next['next'] ?? '' ) && isset( $result['error'] ) ) {
			/* translators: 1: order event, 2: error code. */
			$order->add_order_note( sprintf( __( 'WhatsApp update "%1$s" could not be sent (%2$s).', 'wpwa' ), Config::event_label( $event ), (string) $result['error'] ) );
		}
	}

	/**
	 * The order's data for the template's parameters.
	 *
	 * @since 0.7.0
	 *
	 * @param WC_Order $order     The order.
	 * @param int      $vendor_id The sending vendor.
	 * @return array<string,mixed>
	 */
	public static function data( WC_Order $order, int $vendor_id ): array {
		$items = array();
		foreach ( $order->get_items() as $item ) {
			$items[] = sprintf( '%d × %s', (int) $item->get_quantity(), wp_strip_all_tags( $item->get_name() ) );
		}
		$data = array(
			'order_number'  => (string) $order->get_order_number(),
			'total'         => wc_format_decimal( $order->get_total(), wc_get_price_decimals() ) . ' ' . $order->get_currency(),
			'items'         => $items,
			'tracking'      => (string) $order->get_meta( self::TRACKING_META ),
			'link'          => $order->needs_payment() ? $order->get_checkout_payment_url() : $order->get_view_order_url(),
			'customer_name' => (string) $order->get_billing_first_name(),
			'store_name'    => $vendor_id > 0 ? Vendors::store_name( $vendor_id ) : wp_specialchars_decode( (string) get_bloginfo( 'name' ), ENT_QUOTES ),
			'status'        => wc_get_order_status_name( $order->get_status() ),
		);

		/**
		 * Filters the order data an update's template parameters are filled with.
		 *
		 * @since 0.7.0
		 *
		 * @param array<string,mixed> $data      order_number, total, items, tracking, link, customer_name, store_name, status.
		 * @param WC_Order            $order     The order.
		 * @param int                 $vendor_id The sending vendor (0: the marketplace).
		 */
		$filtered = apply_filters( 'wpwa_order_update_data', $data, $order, $vendor_id );
		return is_array( $filtered ) ? array_intersect_key( $filtered, $data ) : $data;
	}

	/**
	 * Offers "Send shipped update on WhatsApp" among the order actions.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,string> $actions Actions.
	 * @param WC_Order|null        $order   The order.
	 * @return array<string,string>
	 */
	public static function order_actions( $actions, $order = null ): array {
		$actions = is_array( $actions ) ? $actions : array();
		$actions[ self::SHIPPED_ACTION ] = __( 'Send shipped update on WhatsApp', 'wpwa' );
		return $actions;
	}

	/**
	 * The shipped order action: saves the tracking note typed in the order's
	 * WhatsApp box and queues the shipped update.
	 *
	 * @since 0.7.0
	 *
	 * @param WC_Order $order The order.
	 * @return void
	 */
	public static function shipped( $order ): void {
		if ( ! $order instanceof WC_Order || ! current_user_can( 'edit_shop_orders' ) ) {
			return;
		}
		UpdatesBox::save_tracking( $order );
		self::queue( $order->get_id(), 'shipped', $order );
	}

	/**
	 * Marks an order shipped with a tracking note and queues its update (the
	 * vendor dashboard's and tests' entry point).
	 *
	 * @since 0.7.0
	 *
	 * @param WC_Order $order    The order.
	 * @param string   $tracking The tracking note.
	 * @return bool Whether an update was queued.
	 */
	public static function mark_shipped( WC_Order $order, string $tracking ): bool {
		$order->update_meta_data( self::TRACKING_META, sanitize_textarea_field( $tracking ) );
		$order->save();
		return self::queue( $order->get_id(), 'shipped', $order );
	}
}
