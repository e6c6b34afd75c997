<?php
/**
 * What customer messages cost: the admin's rate card, the vendors' monthly cost
 * cap, and a month's messages by pricing category with their estimated cost.
 *
 * @package Wpwa\Plugin
 * @since   0.15.0
 */

namespace Wpwa\Plugin\Messages;

use Wpwa\Plugin\Core;

defined( 'ABSPATH' ) || exit;

/**
 * WhatsApp bills per message, by the category each message is billed under
 * (status webhooks say which; the extension keeps it per message). Prices are
 * the admin's, entered per category in the currency of their WhatsApp invoice;
 * the extension keeps them as whole micro-units (a millionth of the currency)
 * and does all the arithmetic. This class carries them between the settings
 * and the extension, and words amounts.
 *
 * @since 0.15.0
 */
final class Pricing {

	/**
	 * Micro-units per unit of the currency.
	 *
	 * @since 0.15.0
	 */
	public const MICROS = 1000000;

	/**
	 * The pricing categories of status webhooks, in the order forms list them;
	 * each has a `price_<category>` setting.
	 *
	 * @since 0.15.0
	 */
	public const CATEGORIES = array( 'marketing', 'marketing_lite', 'utility', 'authentication', 'authentication_international', 'service', 'referral_conversion' );

	/**
	 * Usage of every vendor in this request (the Vendors page reads it once):
	 * `vendors` by vendor ID, or empty when the extension could not say.
	 *
	 * @var array<string,array<int,array<string,mixed>>>|null
	 */
	private static ?array $all = null;

	/**
	 * A category's name in words.
	 *
	 * @since 0.15.0
	 *
	 * @param string $category Category as stored (`unclassified` for messages sent before 0.15.0).
	 * @return string
	 */
	public static function category_label( string $category ): string {
		switch ( $category ) {
			case 'marketing':
				return __( 'Marketing', 'wpwa' );
			case 'marketing_lite':
				return __( 'Marketing (Marketing Messages API)', 'wpwa' );
			case 'utility':
				return __( 'Utility', 'wpwa' );
			case 'authentication':
				return __( 'Authentication', 'wpwa' );
			case 'authentication_international':
				return __( 'Authentication (international)', 'wpwa' );
			case 'service':
				return __( 'Service (replies)', 'wpwa' );
			case 'referral_conversion':
				return __( 'Free entry point', 'wpwa' );
			case 'unclassified':
				return __( 'Not classified', 'wpwa' );
			default:
				return $category;
		}
	}

	/**
	 * The rate card for the extension: `currency` and `prices` (category =>
	 * micro-units) from the settings.
	 *
	 * @since 0.15.0
	 *
	 * @return array{currency:string,prices:array<string,int>}
	 */
	public static function rate_card(): array {
		$prices = array();
		foreach ( self::CATEGORIES as $category ) {
			$prices[ $category ] = max( 0, (int) Config::get( 'price_' . $category ) );
		}
		$card = array(
			'currency' => self::currency(),
			'prices'   => $prices,
		);

		/**
		 * Filters the rate card messages are priced at (estimates and the cost cap).
		 *
		 * @since 0.15.0
		 *
		 * @param array{currency:string,prices:array<string,int>} $card Currency (ISO 4217) and
		 *                                                              price per category in micro-units.
		 */
		$card = apply_filters( 'wpwa_message_rate_card', $card );
		return is_array( $card ) ? $card : array();
	}

	/**
	 * The rate card's currency.
	 *
	 * @since 0.15.0
	 *
	 * @return string
	 */
	public static function currency(): string {
		$currency = (string) Config::get( 'rate_currency' );
		return '' !== $currency ? $currency : 'USD';
	}

	/**
	 * A vendor's monthly cost cap, micro-units of the rate card's currency (0:
	 * none): their own when the administrator set one, else the site's. The
	 * marketplace's own messages (vendor 0) have none.
	 *
	 * @since 0.15.0
	 *
	 * @param int $vendor_id Vendor user ID (0: the marketplace).
	 * @return int
	 */
	public static function cost_cap( int $vendor_id ): int {
		$cap = $vendor_id > 0 ? ( VendorLimits::cost_cap( $vendor_id ) ?? (int) Config::get( 'cost_cap' ) ) : 0;

		/**
		 * Filters what a vendor's WhatsApp messages may cost per calendar month (UTC).
		 *
		 * Sends that would pass it are refused until the month turns; free messages
		 * (replies inside the customer-service window while they cost nothing) still go.
		 *
		 * @since 0.15.0
		 *
		 * @param int $cap       Micro-units (millionths) of the rate card's currency; 0: no cap.
		 * @param int $vendor_id Vendor user ID (0: the marketplace).
		 */
		return max( 0, (int) apply_filters( 'wpwa_message_cost_cap', $cap, $vendor_id ) );
	}

	/**
	 * An amount in the site's number format with its currency code, e.g.
	 * "12.50 EUR" or "0.0625 EUR" (prices of a fraction of a cent keep their
	 * decimals).
	 *
	 * @since 0.15.0
	 *
	 * @param int    $micros   Micro-units.
	 * @param string $currency ISO 4217 code.
	 * @return string
	 */
	public static function format( int $micros, string $currency ): string {
		// As many decimals as the amount has, at least the two of cents.
		$plain    = self::decimal( $micros );
		$dot      = strpos( $plain, '.' );
		$fraction = false === $dot ? '' : substr( $plain, $dot + 1 );
		$decimals = strlen( str_pad( $fraction, 2, '0' ) );
		return sprintf(
			/* translators: 1: amount, 2: ISO 4217 currency code. */
			__( '%1$s %2$s', 'wpwa' ),
			number_format_i18n( $micros / self::MICROS, $decimals ),
			$currency
		);
	}

	/**
	 * Micro-units as a form field's value: a plain decimal with a dot, no
	 * trailing zeros ("0.0625", "12").
	 *
	 * @since 0.15.0
	 *
	 * @param int $micros Micro-units.
	 * @return string
	 */
	public static function decimal( int $micros ): string {
		$text = sprintf( '%d.%06d', intdiv( $micros, self::MICROS ), abs( $micros % self::MICROS ) );
		return rtrim( rtrim( $text, '0' ), '.' );
	}

	/**
	 * A vendor's month so far at the rate card: messages, billable, cost_micros,
	 * currency and categories (category, messages, billable, cost_micros).
	 *
	 * @since 0.15.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>|null Null when the extension could not say.
	 */
	public static function usage( int $vendor_id ): ?array {
		$usage = Core::message_usage( $vendor_id, self::rate_card() );
		return is_array( $usage ) ? $usage : null;
	}

	/**
	 * A vendor's month read with every other vendor's (one call per request:
	 * the Vendors page).
	 *
	 * @since 0.15.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>|null Null when the extension could not say;
	 *                                  zeros for a vendor who sent nothing.
	 */
	public static function usage_of_all( int $vendor_id ): ?array {
		if ( null === self::$all ) {
			$all       = Core::message_usage_all( self::rate_card() );
			self::$all = is_array( $all ) ? array( 'vendors' => $all ) : array();
		}
		if ( ! isset( self::$all['vendors'] ) ) {
			// The extension could not say (the error was reported once).
			return null;
		}
		return self::$all['vendors'][ $vendor_id ] ?? array(
			'messages'    => 0,
			'billable'    => 0,
			'cost_micros' => 0,
			'currency'    => self::currency(),
			'categories'  => array(),
		);
	}

	/**
	 * The month in words for a vendor or admin: the cost, "n messages" per
	 * category, and the cap when there is one.
	 *
	 * @since 0.15.0
	 *
	 * @param array<string,mixed> $usage     As usage() gives it.
	 * @param int                 $vendor_id Vendor user ID (for the cap).
	 * @return array{cost:string,cap:string,used_up:bool,categories:array<int,array{label:string,messages:string,cost:string}>}
	 */
	public static function present( array $usage, int $vendor_id ): array {
		$currency   = (string) ( $usage['currency'] ?? self::currency() );
		$cost       = (int) ( $usage['cost_micros'] ?? 0 );
		$cap        = self::cost_cap( $vendor_id );
		$categories = array();
		foreach ( (array) ( $usage['categories'] ?? array() ) as $row ) {
			$count        = (int) ( $row['messages'] ?? 0 );
			$categories[] = array(
				'label'    => self::category_label( (string) ( $row['category'] ?? '' ) ),
				/* translators: %s: number of messages. */
				'messages' => sprintf( _n( '%s message', '%s messages', $count, 'wpwa' ), number_format_i18n( $count ) ),
				'cost'     => self::format( (int) ( $row['cost_micros'] ?? 0 ), $currency ),
			);
		}
		return array(
			'cost'       => self::format( $cost, $currency ),
			'cap'        => $cap > 0 ? self::format( $cap, $currency ) : '',
			'used_up'    => $cap > 0 && $cost >= $cap,
			'categories' => $categories,
		);
	}

	/**
	 * What a vendor reads when the cost cap refused a send, from the extension's
	 * message (which names the cap as `<decimal> <ISO code>` and the day as
	 * `YYYY-MM-DD`).
	 *
	 * @since 0.15.0
	 *
	 * @param string $message The extension's message.
	 * @return string
	 */
	public static function cap_reached_message( string $message ): string {
		$cap  = '';
		$date = '';
		if ( preg_match( '/budget of ([0-9.]+) ([A-Z]+) /', $message, $m ) ) {
			$cap = self::format( (int) round( (float) $m[1] * self::MICROS ), $m[2] );
		}
		if ( preg_match( '/ on ([0-9-]+)$/', $message, $m ) ) {
			$day  = date_create_immutable( $m[1] . ' 00:00:00', new \DateTimeZone( 'UTC' ) );
			$date = $day ? wp_date( (string) get_option( 'date_format' ), $day->getTimestamp(), new \DateTimeZone( 'UTC' ) ) : $m[1];
		}
		if ( '' === $cap || '' === $date ) {
			return $message;
		}
		/* translators: 1: the monthly budget with its currency, 2: the date sends resume. */
		return sprintf( __( 'This month\'s WhatsApp budget of %1$s is used up; messages can be sent again on %2$s.', 'wpwa' ), $cap, $date );
	}
}
