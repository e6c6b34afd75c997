<?php
/**
 * The "Customer messages" panel of the vendor dashboard: data.
 *
 * @package Wpwa\Plugin
 * @since   0.4.0
 */

namespace Wpwa\Plugin\Messages;

use Throwable;
use Wpwa\Plugin\Products\Names;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Rest\Controller;
use Wpwa\Plugin\Rest\ReplyController;

defined( 'ABSPATH' ) || exit;

/**
 * Gives `templates/dashboard/panel-messages.php` the vendor's conversations.
 *
 * @since 0.4.0
 */
final class Panel {

	/**
	 * Conversations shown.
	 *
	 * @since 0.4.0
	 */
	public const LIMIT = 50;

	/**
	 * The vendor's conversations, ready to show. The vendor ID comes from the
	 * logged-in user (the dashboard), never from the request.
	 *
	 * @since 0.4.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array{conversations:array<int,array<string,mixed>>,code:string,error:string,metrics:array<string,mixed>|null,usage:array<string,mixed>|null}
	 */
	public static function data( int $vendor_id ): array {
		$data = array(
			'conversations' => array(),
			'code'          => Config::vendor_code( $vendor_id ),
			'error'         => '',
			'metrics'       => self::metrics( $vendor_id ),
			'usage'         => self::usage( $vendor_id ),
			'reply_outcome' => self::reply_outcome(),
		);
		try {
			$list = Core::conversations( $vendor_id, self::LIMIT );
		} catch ( Throwable $e ) {
			Core::report( $e );
			$list = null;
		}
		if ( ! is_array( $list ) ) {
			$data['error'] = __( 'Your customer messages could not be loaded right now.', 'wpwa' );
			return $data;
		}
		foreach ( $list as $row ) {
			if ( ! is_array( $row ) ) {
				continue;
			}
			$phone   = Customer::phone( $row );
			$product = (string) ( $row['product'] ?? '' );
			$failure = is_array( $row['failure'] ?? null ) ? $row['failure'] : null;
			$echo    = is_array( $row['app_reply'] ?? null ) ? $row['app_reply'] : null;

			$data['conversations'][] = array(
				'id'              => (int) ( $row['id'] ?? 0 ),
				'customer'        => '' !== $phone ? '+' . $phone : '',
				'customer_name'   => (string) ( $row['customer_name'] ?? '' ),
				'username'        => Customer::username( $row ),
				// Beside the number, a customer without a name is just "Customer".
				'label'           => '' !== $phone && '' === Customer::username( $row ) && '' === trim( (string) ( $row['customer_name'] ?? '' ) ) ? __( 'Customer', 'wpwa' ) : Customer::label( $row ),
				'product'         => $product,
				'product_title'   => '' !== $product ? Names::of( $vendor_id, (int) ( $row['product_id'] ?? 0 ), $product ) : '',
				'last_text'       => self::message_text( (string) ( $row['customer_text'] ?? $row['last_text'] ?? '' ) ),
				'last_message_at' => (int) ( $row['customer_at'] ?? $row['last_message_at'] ?? 0 ),
				'items'           => self::items( $vendor_id, (array) ( $row['items'] ?? array() ) ),
				'failure'         => null === $failure ? null : array(
					'reason' => self::failure_text( (string) ( $failure['reason'] ?? 'unknown' ) ),
					'at'     => (int) ( $failure['at'] ?? 0 ),
				),
				'app_reply'       => null === $echo ? null : array(
					'text' => self::message_text( (string) ( $echo['text'] ?? '' ) ),
					'at'   => (int) ( $echo['at'] ?? 0 ),
				),
				'unread'          => (int) ( $row['unread'] ?? 0 ),
				'reply_url'       => Customer::chat_url( $row ),
				// Without a wa.me link, the vendor answers through the marketplace's number.
				'reply_action'    => rest_url( Controller::NAMESPACE . '/conversations/' . (int) ( $row['id'] ?? 0 ) . '/reply' ),
			);
		}
		return $data;
	}

	/**
	 * What became of an answer sent from the panel without JavaScript (the
	 * reply route sends the browser back with its outcome code), or ''.
	 *
	 * @since 0.15.0
	 *
	 * @return string
	 */
	private static function reply_outcome(): string {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a code to show, nothing is changed.
		$code = isset( $_GET[ ReplyController::RESULT_ARG ] ) ? sanitize_key( wp_unslash( (string) $_GET[ ReplyController::RESULT_ARG ] ) ) : '';
		return '' !== $code ? ReplyController::outcome_message( $code ) : '';
	}

	/**
	 * Days the response figures cover.
	 *
	 * @since 0.5.0
	 */
	public const METRICS_DAYS = 30;

	/**
	 * The vendor's response figures over the last METRICS_DAYS days, worded:
	 * `rate` ("92%" or ""), `time` ("2 hours" or ""), `turns`, `pending`; null
	 * when they cannot be read.
	 *
	 * @since 0.5.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>|null
	 */
	public static function metrics( int $vendor_id ): ?array {
		$raw = Core::response_metrics( $vendor_id, self::metrics_since() );
		return is_array( $raw ) ? self::worded_metrics( $raw ) : null;
	}

	/**
	 * The vendor's month so far, worded: `allowance` ("12 of 1,000
	 * messages", what the allowance counts), `cost` and `cap` (amounts with the
	 * currency; cap '' without one), `used_up`, `resets` (the date the month
	 * turns) and `categories` (label, messages, cost); null when it cannot be read.
	 *
	 * @since 0.15.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>|null
	 */
	public static function usage( int $vendor_id ): ?array {
		$usage = Pricing::usage( $vendor_id );
		if ( null === $usage ) {
			return null;
		}
		$sent      = (int) ( $usage['messages'] ?? 0 );
		$allowance = (int) Config::limits( $vendor_id )['monthly_allowance'];
		$resets    = (int) ( $usage['next_month'] ?? 0 );
		return array(
			'allowance' => sprintf(
				/* translators: 1: messages sent this month, 2: the monthly allowance. */
				_n( '%1$s of %2$s message', '%1$s of %2$s messages', $allowance, 'wpwa' ),
				number_format_i18n( $sent ),
				number_format_i18n( $allowance )
			),
			'resets'    => $resets > 0 ? wp_date( (string) get_option( 'date_format' ), $resets, new \DateTimeZone( 'UTC' ) ) : '',
		) + Pricing::present( $usage, $vendor_id );
	}

	/**
	 * Where the response figures start: METRICS_DAYS ago.
	 *
	 * @since 0.7.0
	 *
	 * @return int Unix time.
	 */
	public static function metrics_since(): int {
		return time() - self::METRICS_DAYS * DAY_IN_SECONDS;
	}

	/**
	 * The core's response figures, worded for people (see metrics()).
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $raw turns, pending, response_rate, average_response_seconds.
	 * @return array{rate:string,time:string,turns:int,pending:int}
	 */
	public static function worded_metrics( array $raw ): array {
		$rate    = $raw['response_rate'] ?? null;
		$seconds = $raw['average_response_seconds'] ?? null;
		return array(
			'rate'    => is_numeric( $rate ) ? number_format_i18n( 100 * (float) $rate ) . '%' : '',
			'time'    => is_numeric( $seconds ) ? ( (int) $seconds < MINUTE_IN_SECONDS ? __( 'under a minute', 'wpwa' ) : human_time_diff( 0, (int) $seconds ) ) : '',
			'turns'   => (int) ( $raw['turns'] ?? 0 ),
			'pending' => (int) ( $raw['pending'] ?? 0 ),
		);
	}

	/**
	 * The vendor's items of a customer's order, worded for people:
	 * `name`, `quantity`, `price` ("10.50 USD"), and `line` ("2 × Organic Tee,
	 * 10.50 USD each").
	 *
	 * @since 0.7.0
	 *
	 * @param int                            $vendor_id Vendor user ID.
	 * @param array<int,array<string,mixed>> $items     The core's order items: retailer_id, product_id, quantity, item_price, currency.
	 * @return array<int,array{name:string,quantity:int,price:string,line:string}>
	 */
	public static function items( int $vendor_id, array $items ): array {
		$out = array();
		foreach ( $items as $item ) {
			if ( ! is_array( $item ) ) {
				continue;
			}
			$name = Names::of( $vendor_id, (int) ( $item['product_id'] ?? 0 ), (string) ( $item['retailer_id'] ?? '' ) );
			if ( '' === $name ) {
				$name = __( 'a product no longer in your shop', 'wpwa' );
			}
			$quantity = (int) ( $item['quantity'] ?? 0 );
			$price    = number_format_i18n( (float) ( $item['item_price'] ?? 0 ), 2 ) . ' ' . sanitize_text_field( (string) ( $item['currency'] ?? '' ) );
			$out[]    = array(
				'name'     => $name,
				'quantity' => $quantity,
				'price'    => trim( $price ),
				/* translators: 1: quantity, 2: product name, 3: unit price with currency, e.g. "10.50 USD". */
				'line'     => sprintf( __( '%1$s × %2$s, %3$s each', 'wpwa' ), number_format_i18n( $quantity ), $name, trim( $price ) ),
			);
		}
		return $out;
	}

	/**
	 * A message's text as the vendor reads it: `[order]`-style placeholders the
	 * core gives for messages without text, worded.
	 *
	 * @since 0.7.0
	 *
	 * @param string $text Text from the core.
	 * @return string
	 */
	public static function message_text( string $text ): string {
		if ( 1 !== preg_match( '/^\[([a-z_]+)\]$/', $text, $match ) ) {
			return $text;
		}
		switch ( $match[1] ) {
			case 'order':
				return __( '(an order from your WhatsApp catalog)', 'wpwa' );
			case 'image':
			case 'video':
			case 'audio':
			case 'document':
			case 'sticker':
				return __( '(a picture, video, voice message or file)', 'wpwa' );
			default:
				return __( '(a message without text)', 'wpwa' );
		}
	}

	/**
	 * Why a message to a customer did not arrive, in words, from the reason
	 * code the core gives (see the core's `failure_reason`).
	 *
	 * @since 0.7.0
	 *
	 * @param string $reason Reason code.
	 * @return string
	 */
	public static function failure_text( string $reason ): string {
		switch ( $reason ) {
			case 'outside_window':
				return __( 'The customer last wrote more than 24 hours ago, so WhatsApp only lets an approved template through. Reply from your WhatsApp Business app once they write again.', 'wpwa' );
			case 'undeliverable':
				return __( 'WhatsApp could not deliver it: the number may not use WhatsApp, or uses an old version of the app.', 'wpwa' );
			case 'engagement_limit':
				return __( 'WhatsApp held the message back to keep the customer\'s experience healthy. Try again later.', 'wpwa' );
			case 'spam_limit':
				return __( 'WhatsApp limited messages from this number because too many were sent.', 'wpwa' );
			case 'rate_limited':
				return __( 'Too many messages were sent at once. Try again in a few minutes.', 'wpwa' );
			case 'unsupported':
				return __( 'WhatsApp does not support this kind of message.', 'wpwa' );
			case 'media':
				return __( 'The picture or file in the message could not be sent.', 'wpwa' );
			case 'template':
				return __( 'The message template was refused. The marketplace team can check it.', 'wpwa' );
			case 'access':
				return __( 'The WhatsApp connection is not allowed to send this message. The marketplace team can check the connection.', 'wpwa' );
			default:
				return __( 'WhatsApp could not deliver the message.', 'wpwa' );
		}
	}
}
