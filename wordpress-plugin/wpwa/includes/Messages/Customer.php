<?php
/**
 * How a customer is named to a vendor: since 2026 WhatsApp may name a
 * customer by a username and a business-scoped user ID (BSUID) without ever
 * sharing their phone number.
 *
 * @package Wpwa\Plugin
 * @since   0.15.0
 */

namespace Wpwa\Plugin\Messages;

defined( 'ABSPATH' ) || exit;

/**
 * Reads the core's conversation and cart rows: `customer` is the customer's
 * key (their phone digits, or the BSUID of a customer who never showed a
 * phone), `phone` their number when known and `username` what WhatsApp
 * shared.
 *
 * @since 0.15.0
 */
final class Customer {

	/**
	 * The customer's phone digits, or '' when WhatsApp has not shared them
	 * (the core gives `phone` with every conversation and cart).
	 *
	 * @since 0.15.0
	 *
	 * @param array<string,mixed> $row A conversation summary or cart.
	 * @return string
	 */
	public static function phone( array $row ): string {
		return (string) ( $row['phone'] ?? '' );
	}

	/**
	 * The customer's WhatsApp username, or ''.
	 *
	 * @since 0.15.0
	 *
	 * @param array<string,mixed> $row A conversation summary.
	 * @return string
	 */
	public static function username( array $row ): string {
		return trim( wp_strip_all_tags( (string) ( $row['username'] ?? '' ) ) );
	}

	/**
	 * The name to show: the WhatsApp profile name, else the username, else
	 * the number, else "WhatsApp user". Not escaped.
	 *
	 * @since 0.15.0
	 *
	 * @param array<string,mixed> $row A conversation summary or cart.
	 * @return string
	 */
	public static function label( array $row ): string {
		$name = trim( wp_strip_all_tags( (string) ( $row['customer_name'] ?? '' ) ) );
		if ( '' !== $name ) {
			return $name;
		}
		if ( '' !== self::username( $row ) ) {
			return self::username( $row );
		}
		$phone = self::phone( $row );
		return '' !== $phone ? '+' . $phone : __( 'WhatsApp user', 'wpwa' );
	}

	/**
	 * The wa.me link that opens a chat with the customer, or '' when WhatsApp
	 * has not shared their number (no such link can exist; the vendor answers
	 * through the marketplace's number instead).
	 *
	 * @since 0.15.0
	 *
	 * @param array<string,mixed> $row A conversation summary.
	 * @return string
	 */
	public static function chat_url( array $row ): string {
		$phone = self::phone( $row );
		return '' !== $phone ? 'https://wa.me/' . $phone : '';
	}
}
