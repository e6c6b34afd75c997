<?php
/**
 * The "WhatsApp updates" box on the order screen.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Orders;

use WC_Order;
use WP_Post;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Privacy;

defined( 'ABSPATH' ) || exit;

/**
 * Shows, on the order's admin page (HPOS `woocommerce_page_wc-orders` and the
 * legacy `shop_order` screen), whether the customer consented, each update
 * sent for the order and its sub-orders with its delivery statuses (sent,
 * delivered, read, failed with the reason), and the tracking note the
 * "shipped" update carries.
 *
 * @since 0.7.0
 */
final class UpdatesBox {

	/**
	 * Nonce action of the tracking note.
	 *
	 * @since 0.7.0
	 */
	public const NONCE = 'wpwa_tracking_note';

	/**
	 * Hooks.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'add_meta_boxes', array( self::class, 'register' ), 30 );
		add_action( 'woocommerce_process_shop_order_meta', array( self::class, 'save' ), 20, 1 );
	}

	/**
	 * Adds the box to both order screens.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function register(): void {
		foreach ( array( 'woocommerce_page_wc-orders', 'shop_order' ) as $screen ) {
			add_meta_box( 'wpwa-order-updates', __( 'WhatsApp updates', 'wpwa' ), array( self::class, 'render' ), $screen, 'normal', 'default' );
		}
	}

	/**
	 * The box.
	 *
	 * @since 0.7.0
	 *
	 * @param WP_Post|WC_Order $object The order (HPOS) or its post (legacy).
	 * @return void
	 */
	public static function render( $object ): void {
		$order = $object instanceof WP_Post ? wc_get_order( $object->ID ) : $object;
		if ( ! $order instanceof WC_Order ) {
			return;
		}
		$consent = $order->get_meta( Consent::ORDER_META );
		echo '<div class="wpwa-order-updates">';
		if ( is_array( $consent ) && ! empty( $consent['granted'] ) ) {
			printf(
				'<p class="wpwa-consent wpwa-consent-given">%s</p>',
				esc_html(
					sprintf(
						/* translators: 1: date and time, 2: the text shown at checkout. */
						__( 'The customer opted in to WhatsApp updates at checkout on %1$s: "%2$s"', 'wpwa' ),
						wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), (int) ( $consent['at'] ?? 0 ) ),
						(string) ( $consent['text'] ?? '' )
					)
				)
			);
		} else {
			// No box ticked at checkout: the customer may have agreed another way (a
			// WhatsApp reply to the answer to their cart, the admin).
			$customer = Privacy::customer_id( $order->get_billing_phone(), $order->get_billing_country() );
			$current  = null === $customer ? null : Core::consent_current( $customer, 'order_updates' );
			if ( is_array( $current ) && ! empty( $current['granted'] ) ) {
				printf(
					'<p class="wpwa-consent wpwa-consent-given">%s</p>',
					esc_html(
						sprintf(
							/* translators: 1: where, e.g. "By a WhatsApp reply", 2: date and time, 3: the text shown or written. */
							__( 'The customer opted in to WhatsApp updates. %1$s, on %2$s: "%3$s"', 'wpwa' ),
							Consent::source_label( (string) ( $current['source'] ?? '' ) ),
							wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), (int) ( $current['at'] ?? 0 ) ),
							(string) ( $current['text'] ?? '' )
						)
					)
				);
			} else {
				echo '<p class="wpwa-consent wpwa-consent-none">' . esc_html__( 'The customer did not opt in to WhatsApp updates at checkout.', 'wpwa' ) . '</p>';
			}
		}

		$ids     = array_merge( array( $order->get_id() ), Updates::sub_orders( $order ) );
		$updates = Core::order_updates( $ids );
		if ( is_wp_error( $updates ) ) {
			echo '<p>' . esc_html( $updates->get_error_message() ) . '</p>';
		} elseif ( array() === $updates ) {
			echo '<p class="wpwa-updates-none">' . esc_html__( 'No WhatsApp update for this order yet.', 'wpwa' ) . '</p>';
		} else {
			self::table( $updates, count( $ids ) > 1 );
		}

		wp_nonce_field( self::NONCE, self::NONCE . '_nonce' );
		printf(
			'<p><label for="wpwa_tracking_note">%1$s</label><br /><textarea id="wpwa_tracking_note" name="wpwa_tracking_note" rows="2" class="widefat">%2$s</textarea><span class="description">%3$s</span></p>',
			esc_html__( 'Tracking note for the "shipped" update', 'wpwa' ),
			esc_textarea( (string) $order->get_meta( Updates::TRACKING_META ) ),
			esc_html__( 'Then choose "Send shipped update on WhatsApp" in the order actions and update the order.', 'wpwa' )
		);
		echo '</div>';
	}

	/**
	 * The updates as a table.
	 *
	 * @since 0.7.0
	 *
	 * @param array<int,array<string,mixed>> $updates   Updates from the core.
	 * @param bool                           $sub_orders Whether to show the order column.
	 * @return void
	 */
	public static function table( array $updates, bool $sub_orders ): void {
		echo '<table class="widefat striped wpwa-updates"><thead><tr>';
		if ( $sub_orders ) {
			echo '<th>' . esc_html__( 'Order', 'wpwa' ) . '</th>';
		}
		echo '<th>' . esc_html__( 'Event', 'wpwa' ) . '</th><th>' . esc_html__( 'Template', 'wpwa' ) . '</th><th>' . esc_html__( 'Status', 'wpwa' ) . '</th><th>' . esc_html__( 'History', 'wpwa' ) . '</th></tr></thead><tbody>';
		foreach ( $updates as $update ) {
			$update = (array) $update;
			printf( '<tr class="wpwa-update" data-event="%1$s" data-state="%2$s" data-delivery="%3$s">', esc_attr( (string) $update['event'] ), esc_attr( (string) $update['state'] ), esc_attr( (string) ( $update['delivery'] ?? '' ) ) );
			if ( $sub_orders ) {
				echo '<td>#' . esc_html( (string) (int) $update['order_id'] ) . '</td>';
			}
			printf(
				'<td>%1$s</td><td><code>%2$s</code> %3$s</td><td class="wpwa-update-state">%4$s</td><td>%5$s</td></tr>',
				esc_html( Config::event_label( (string) $update['event'] ) ),
				esc_html( (string) $update['template'] ),
				esc_html( (string) $update['language'] ),
				esc_html( self::state_label( $update ) ),
				esc_html( self::history( $update ) )
			);
		}
		echo '</tbody></table>';
	}

	/**
	 * Where an update stands, in words: its delivery status once sent.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $update An update from the core.
	 * @return string
	 */
	public static function state_label( array $update ): string {
		switch ( (string) ( $update['delivery'] ?? '' ) ) {
			case 'read':
				return __( 'Read', 'wpwa' );
			case 'delivered':
				return __( 'Delivered', 'wpwa' );
			case 'sent':
				return __( 'Sent', 'wpwa' );
			case 'failed':
				/* translators: %s: why WhatsApp could not deliver it. */
				return sprintf( __( 'Failed: %s', 'wpwa' ), self::failure_label( (string) ( $update['failure_reason'] ?? 'unknown' ), $update['failure_code'] ?? null ) );
		}
		switch ( (string) ( $update['state'] ?? '' ) ) {
			case 'sent':
				return __( 'Accepted by WhatsApp', 'wpwa' );
			case 'sending':
				return __( 'Sending', 'wpwa' );
			case 'retry':
				return __( 'Will be retried', 'wpwa' );
			case 'waiting':
				return __( 'Waiting for its turn (rate limit)', 'wpwa' );
			case 'skipped':
				return __( 'Not sent: the customer has not opted in (or opted out)', 'wpwa' );
			case 'failed':
				/* translators: %s: error code. */
				return sprintf( __( 'Not sent: %s', 'wpwa' ), (string) ( $update['error'] ?? '' ) );
			default:
				return (string) ( $update['state'] ?? '' );
		}
	}

	/**
	 * A delivery failure's reason in words.
	 *
	 * @param string   $reason The core's reason code.
	 * @param int|null $code   The Graph error code.
	 * @return string
	 */
	private static function failure_label( string $reason, $code ): string {
		switch ( $reason ) {
			case 'undeliverable':
				$text = __( 'the number is not on WhatsApp or cannot receive messages', 'wpwa' );
				break;
			case 'template':
				$text = __( 'the template was refused (not approved, paused or wrong parameters)', 'wpwa' );
				break;
			case 'engagement_limit':
				$text = __( 'WhatsApp held it back to protect the customer\'s experience', 'wpwa' );
				break;
			case 'rate_limited':
			case 'spam_limit':
				$text = __( 'a sending limit was reached', 'wpwa' );
				break;
			case 'access':
				$text = __( 'the WhatsApp account\'s access was refused', 'wpwa' );
				break;
			default:
				$text = __( 'WhatsApp gave no usable reason', 'wpwa' );
		}
		return null === $code ? $text : sprintf( '%s (%d)', $text, (int) $code );
	}

	/**
	 * Each delivery status with its time.
	 *
	 * @param array<string,mixed> $update An update from the core.
	 * @return string
	 */
	private static function history( array $update ): string {
		$parts = array();
		foreach ( (array) ( $update['statuses'] ?? array() ) as $status ) {
			$status  = (array) $status;
			$parts[] = sprintf( '%s %s', (string) $status['status'], wp_date( get_option( 'time_format' ), (int) $status['at'] ) );
		}
		if ( array() === $parts ) {
			$parts[] = wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), (int) ( $update['updated_at'] ?? 0 ) );
		}
		return implode( ' → ', $parts );
	}

	/**
	 * Saves the tracking note when the order is saved.
	 *
	 * @since 0.7.0
	 *
	 * @param int $order_id Order ID.
	 * @return void
	 */
	public static function save( $order_id ): void {
		$order = wc_get_order( (int) $order_id );
		if ( $order instanceof WC_Order ) {
			self::save_tracking( $order );
		}
	}

	/**
	 * Stores the submitted tracking note on the order (nonce and capability
	 * checked).
	 *
	 * @since 0.7.0
	 *
	 * @param WC_Order $order The order.
	 * @return void
	 */
	public static function save_tracking( WC_Order $order ): void {
		if ( ! isset( $_POST['wpwa_tracking_note'], $_POST[ self::NONCE . '_nonce' ] )
			|| ! wp_verify_nonce( sanitize_text_field( wp_unslash( $_POST[ self::NONCE . '_nonce' ] ) ), self::NONCE )
			|| ! current_user_can( 'edit_shop_orders' ) ) {
			return;
		}
		$note = sanitize_textarea_field( wp_unslash( $_POST['wpwa_tracking_note'] ) );
		if ( (string) $order->get_meta( Updates::TRACKING_META ) !== $note ) {
			$order->update_meta_data( Updates::TRACKING_META, $note );
			$order->save_meta_data();
		}
	}
}
