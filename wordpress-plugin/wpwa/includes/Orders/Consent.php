<?php
/**
 * The customer's consent to WhatsApp order updates: the checkout opt-in
 * (classic and block checkout) and the confirmations of STOP / YES replies.
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

defined( 'ABSPATH' ) || exit;

/**
 * The opt-in box, off by default, with the admin's wording; the consent it
 * records (in the core, per customer, and on the order); and the replies to
 * customers whose opt-out or opt-in word the core applied.
 *
 * @since 0.7.0
 */
final class Consent {

	/**
	 * The classic checkout's field name.
	 *
	 * @since 0.7.0
	 */
	public const FIELD = 'wpwa_order_updates';

	/**
	 * The block checkout's additional field ID (namespace/name).
	 *
	 * @since 0.7.0
	 */
	public const BLOCK_FIELD = 'wpwa/order-updates';

	/**
	 * Order meta: whether the order's customer consented at checkout, the text
	 * shown and when (`granted`, `text`, `at`, `source`).
	 *
	 * @since 0.7.0
	 */
	public const ORDER_META = '_wpwa_order_updates_consent';

	/**
	 * The action that sends a confirmation pacing held back.
	 *
	 * @since 0.7.0
	 */
	public const CONFIRM_HOOK = 'wpwa_consent_confirm';

	/**
	 * Hooks.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'woocommerce_review_order_before_submit', array( self::class, 'render_checkbox' ) );
		add_action( 'woocommerce_checkout_create_order', array( self::class, 'classic_order' ), 10, 2 );
		add_action( 'woocommerce_checkout_order_processed', array( self::class, 'record_order' ), 10, 3 );
		add_action( 'woocommerce_init', array( self::class, 'register_block_field' ) );
		add_action( 'woocommerce_store_api_checkout_order_processed', array( self::class, 'block_order' ) );
		add_action( self::CONFIRM_HOOK, array( self::class, 'confirm_one' ), 10, 3 );
		add_filter( 'wpwa_whatsapp_cart_reply_lines', array( self::class, 'invite_with_cart_reply' ), 10, 3 );
	}

	/**
	 * The classic checkout's box, unticked, labelled with the admin's text.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function render_checkbox(): void {
		printf(
			'<p class="form-row wpwa-order-updates-consent"><label class="woocommerce-form__label woocommerce-form__label-for-checkbox checkbox"><input type="checkbox" class="woocommerce-form__input woocommerce-form__input-checkbox input-checkbox" name="%1$s" id="%1$s" value="1" /> <span>%2$s</span></label></p>',
			esc_attr( self::FIELD ),
			esc_html( Config::consent_text() )
		);
	}

	/**
	 * Notes on a classic checkout order what its customer chose (saved with the
	 * order by WooCommerce).
	 *
	 * @since 0.7.0
	 *
	 * @param WC_Order            $order The order being created.
	 * @param array<string,mixed> $data  Posted checkout data.
	 * @return void
	 */
	public static function classic_order( $order, $data = array() ): void {
		if ( ! $order instanceof WC_Order ) {
			return;
		}
		// WooCommerce verified its checkout nonce before creating the order.
		// phpcs:ignore WordPress.Security.NonceVerification.Missing
		$ticked = isset( $_POST[ self::FIELD ] ) && '1' === sanitize_text_field( wp_unslash( $_POST[ self::FIELD ] ) );
		self::mark( $order, $ticked );
	}

	/**
	 * Registers the block checkout's box (an additional checkout field in the
	 * order section, a checkbox, unticked).
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function register_block_field(): void {
		if ( ! function_exists( 'woocommerce_register_additional_checkout_field' ) ) {
			return;
		}
		try {
			woocommerce_register_additional_checkout_field(
				array(
					'id'       => self::BLOCK_FIELD,
					'label'    => Config::consent_text(),
					'location' => 'order',
					'type'     => 'checkbox',
					'required' => false,
				)
			);
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
	}

	/**
	 * Reads the block checkout's box once the Store API placed the order, marks
	 * the order and records the consent.
	 *
	 * @since 0.7.0
	 *
	 * @param WC_Order $order The order.
	 * @return void
	 */
	public static function block_order( $order ): void {
		if ( ! $order instanceof WC_Order || ! class_exists( \Automattic\WooCommerce\Blocks\Package::class ) ) {
			return;
		}
		try {
			$fields = \Automattic\WooCommerce\Blocks\Package::container()->get( \Automattic\WooCommerce\Blocks\Domain\Services\CheckoutFields::class );
			$value  = $fields->get_field_from_object( self::BLOCK_FIELD, $order, 'other' );
		} catch ( Throwable $e ) {
			Core::report( $e );
			return;
		}
		self::mark( $order, ! empty( $value ) && 'false' !== $value && '0' !== $value );
		$order->save_meta_data();
		self::record_order( $order->get_id(), array(), $order );
	}

	/**
	 * Stores on the order whether its customer consented, the text shown and when.
	 *
	 * @param WC_Order $order  The order.
	 * @param bool     $ticked Whether the box was ticked.
	 * @return void
	 */
	private static function mark( WC_Order $order, bool $ticked ): void {
		$order->update_meta_data(
			self::ORDER_META,
			array(
				'granted' => $ticked,
				'text'    => Config::consent_text(),
				'at'      => time(),
				'source'  => 'checkout',
			)
		);
	}

	/**
	 * Records a ticked box as the customer's consent in the core (a quick local
	 * write; nothing is sent during checkout). An unticked box records nothing:
	 * not opting in at one checkout does not withdraw consent given before.
	 *
	 * @since 0.7.0
	 *
	 * @param int                 $order_id Order ID.
	 * @param array<string,mixed> $posted   Posted data (unused).
	 * @param WC_Order|null       $order    The order.
	 * @return void
	 */
	public static function record_order( $order_id, $posted = array(), $order = null ): void {
		$order = $order instanceof WC_Order ? $order : wc_get_order( (int) $order_id );
		if ( ! $order instanceof WC_Order ) {
			return;
		}
		$consent = $order->get_meta( self::ORDER_META );
		if ( ! is_array( $consent ) || empty( $consent['granted'] ) ) {
			return;
		}
		$customer = Privacy::customer_id( $order->get_billing_phone(), $order->get_billing_country() );
		if ( null === $customer ) {
			Core::event( 0, 'warning', 'consent', 'consent_no_number', array( 'order_id' => $order->get_id() ) );
			return;
		}
		$recorded = Core::consent_record( $customer, 'order_updates', true, 'checkout', (string) $consent['text'], $order->get_id() );
		if ( is_wp_error( $recorded ) ) {
			Core::report( $recorded->get_error_message() );
		}
	}

	/**
	 * After a webhook's response: confirms each consent change to its customer,
	 * in the conversation their message opened (free text, within the window).
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $report The core's ingest report.
	 * @return void
	 */
	public static function after_response( array $report ): void {
		$changes = array_filter( (array) ( $report['consent_changes'] ?? array() ), 'is_array' );
		if ( array() === $changes ) {
			return;
		}
		add_action(
			'shutdown',
			static function () use ( $changes ): void {
				if ( function_exists( 'fastcgi_finish_request' ) ) {
					fastcgi_finish_request();
				}
				self::confirm( $changes );
			},
			1
		);
	}

	/**
	 * Tells each customer what their word changed.
	 *
	 * @since 0.7.0
	 *
	 * @param array<int,array<string,mixed>> $changes `vendor_id`, `customer`, `granted`, `code`, `order_id`.
	 * @return void
	 */
	public static function confirm( array $changes ): void {
		foreach ( $changes as $change ) {
			self::confirm_one( (int) ( $change['vendor_id'] ?? 0 ), (string) ( $change['customer'] ?? '' ), (string) ( $change['code'] ?? '' ) );
		}
	}

	/**
	 * Sends one confirmation; when pacing holds it back (the customer got a
	 * message seconds ago), Action Scheduler sends it once the wait is over.
	 *
	 * @since 0.7.0
	 *
	 * @param int    $vendor_id Vendor whose conversation the word came in.
	 * @param string $customer  WhatsApp id (digits).
	 * @param string $code      `consent_withdrawn` or `consent_granted`.
	 * @return void
	 */
	public static function confirm_one( $vendor_id, $customer, $code ): void {
		$vendor_id  = (int) $vendor_id;
		$customer   = (string) $customer;
		$code       = 'consent_granted' === $code ? 'consent_granted' : 'consent_withdrawn';
		if ( StoreMove::skip_turn( self::CONFIRM_HOOK, array( $vendor_id, $customer, $code ) ) ) {
			return;
		}
		$connection = Connections::cloud( $vendor_id, Connections::MESSAGES );
		if ( '' === $customer || is_wp_error( $connection ) ) {
			return;
		}
		$sent = Core::message_send(
			$vendor_id,
			$customer,
			array(
				'type' => 'text',
				'body' => self::reply_text( $code ),
			),
			$connection,
			MessagesConfig::limits( $vendor_id )
		);
		$retry = is_wp_error( $sent ) && 'wpwa_rate_limited' === $sent->get_error_code() ? (int) ( ( (array) $sent->get_error_data() )['retry_after'] ?? 0 ) : 0;
		if ( $retry > 0 && $retry <= HOUR_IN_SECONDS && Scheduler::has_action_scheduler() ) {
			as_schedule_single_action( time() + $retry, self::CONFIRM_HOOK, array( $vendor_id, $customer, $code ), Scheduler::GROUP );
			return;
		}
		Core::event( $vendor_id, is_wp_error( $sent ) ? 'warning' : 'info', 'consent', $code, array( 'confirmed' => ! is_wp_error( $sent ) ) );
	}

	/**
	 * Ends the answer to a WhatsApp cart that became an order with an
	 * invitation to reply the opt-in word for order updates, and records the
	 * invitation (the core grants consent on that word only after one). A
	 * customer who already agreed is reminded how to stop instead; nothing is
	 * added while no order event is mapped to a template.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed               $lines Lines of the answer.
	 * @param WC_Order|null       $order The order, or null when none was made.
	 * @param array<string,mixed> $cart  The cart: customer, …
	 * @return mixed
	 */
	public static function invite_with_cart_reply( $lines, $order = null, $cart = array() ) {
		$customer = (string) ( $cart['customer'] ?? '' );
		if ( ! is_array( $lines ) || ! $order instanceof WC_Order || '' === $customer || empty( Config::mapping() ) ) {
			return $lines;
		}
		$current = Core::consent_current( $customer, 'order_updates' );
		if ( is_wp_error( $current ) ) {
			return $lines;
		}
		if ( is_array( $current ) && ! empty( $current['granted'] ) ) {
			$lines[] = self::reply_text( 'consent_granted' );
			return $lines;
		}
		/* translators: %s: the opt-in word, e.g. YES. */
		$text    = sprintf( __( 'Reply %s to get updates about this order here on WhatsApp.', 'wpwa' ), Config::first_word( 'opt_in_words' ) );
		$invited = Core::consent_invite( $customer, $order->get_id(), $text );
		if ( ! is_wp_error( $invited ) ) {
			$lines[] = $text;
		}
		return $lines;
	}

	/**
	 * What a customer is told when their word changed their consent.
	 *
	 * @since 0.7.0
	 *
	 * @param string $code `consent_withdrawn` or `consent_granted`.
	 * @return string
	 */
	public static function reply_text( string $code ): string {
		if ( 'consent_granted' === $code ) {
			/* translators: %s: the opt-out word, e.g. STOP. */
			return sprintf( __( 'Thank you: you will get updates about your orders here. Reply %s at any time to stop them.', 'wpwa' ), Config::first_word( 'opt_out_words' ) );
		}
		return __( 'You will no longer receive order updates or offers from us on WhatsApp. You can still write to us here at any time.', 'wpwa' );
	}

	/**
	 * Where consent was given, in words.
	 *
	 * @since 0.7.0
	 *
	 * @param string $source `checkout`, `whatsapp` or `admin`.
	 * @return string
	 */
	public static function source_label( string $source ): string {
		switch ( $source ) {
			case 'checkout':
				return __( 'At checkout', 'wpwa' );
			case 'whatsapp':
				return __( 'By a WhatsApp reply', 'wpwa' );
			case 'admin':
				return __( 'By the shop\'s administrator', 'wpwa' );
			default:
				return $source;
		}
	}
}
