<?php
/**
 * A vendor's messaging preferences: how they are told about customer
 * messages, their automatic replies and their business hours.
 *
 * @package Wpwa\Plugin
 * @since   0.5.0
 */

namespace Wpwa\Plugin\Messages;

use WP_Error;
use Wpwa\Plugin\Rules;

defined( 'ABSPATH' ) || exit;

/**
 * Stored in the `wpwa_preferences` user meta; validated here, decided on by
 * the core (which reply applies when).
 *
 * @since 0.5.0
 */
final class Preferences {

	/**
	 * User meta key.
	 *
	 * @since 0.5.0
	 */
	public const META = 'wpwa_preferences';

	/**
	 * Rulebook group of the vendor preferences (Wpwa\limits()).
	 *
	 * @since 0.7.0
	 */
	public const RULES_GROUP = 'preferences';

	/**
	 * Longest automatic reply, in characters, as the core's rulebook sets it;
	 * null when the extension is not loaded (then no reply can be sent anyway).
	 *
	 * @since 0.7.0
	 *
	 * @return int|null
	 */
	public static function max_text(): ?int {
		$rule = Rules::field( self::RULES_GROUP, 'acknowledgement' );
		return isset( $rule['maxlength'] ) ? (int) $rule['maxlength'] : null;
	}

	/**
	 * Defaults: e-mail on, no automatic replies, no hours (always open).
	 *
	 * @since 0.5.0
	 *
	 * @return array<string,mixed>
	 */
	public static function defaults(): array {
		return array(
			'notify_email'    => true,
			'notify_whatsapp' => false,
			'whatsapp_number' => '',
			'acknowledge'     => false,
			'acknowledgement' => __( 'Thanks for your message! {vendor} has received it and will reply soon.', 'wpwa' ),
			'use_hours'       => false,
			'hours'           => array_fill(
				0,
				7,
				array(
					'open'   => '09:00',
					'close'  => '17:00',
					'closed' => false,
				)
			),
			'away'            => false,
			'away_message'    => __( '{vendor} is closed right now. We will answer your message as soon as we are back.', 'wpwa' ),
			// Since 0.7.0: hide the "Chat on WhatsApp" button on the vendor's products and store page.
			'hide_chat_button' => false,
		);
	}

	/**
	 * A vendor's preferences, defaults filled in.
	 *
	 * @since 0.5.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>
	 */
	public static function get( int $vendor_id ): array {
		$stored = get_user_meta( $vendor_id, self::META, true );
		$prefs  = array_merge( self::defaults(), is_array( $stored ) ? array_intersect_key( $stored, self::defaults() ) : array() );
		// Before 0.5.0 the e-mail choice was its own meta.
		if ( ! is_array( $stored ) && '0' === (string) get_user_meta( $vendor_id, Config::NOTIFY_EMAIL_META, true ) ) {
			$prefs['notify_email'] = false;
		}
		$hours = array();
		for ( $day = 0; $day < 7; $day++ ) {
			$entry   = is_array( $prefs['hours'][ $day ] ?? null ) ? $prefs['hours'][ $day ] : array();
			$hours[] = array(
				'open'   => self::clock( (string) ( $entry['open'] ?? '' ) ) ?? '09:00',
				'close'  => self::clock( (string) ( $entry['close'] ?? '' ) ) ?? '17:00',
				'closed' => ! empty( $entry['closed'] ),
			);
		}
		$prefs['hours'] = $hours;
		foreach ( array( 'notify_email', 'notify_whatsapp', 'acknowledge', 'use_hours', 'away', 'hide_chat_button' ) as $flag ) {
			$prefs[ $flag ] = (bool) $prefs[ $flag ];
		}
		foreach ( array( 'whatsapp_number', 'acknowledgement', 'away_message' ) as $text ) {
			$prefs[ $text ] = (string) $prefs[ $text ];
		}
		return $prefs;
	}

	/**
	 * Validates and saves submitted preferences. Nothing is saved when any
	 * field is wrong.
	 *
	 * @since 0.5.0
	 * @since 0.7.0 The error is `wpwa_preferences_invalid`; its data lists each
	 *              problem as `code`, `field`, `day` (hours only) and `message`.
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param array<string,mixed> $input     Submitted fields (unslashed).
	 * @return array<string,mixed>|WP_Error The saved preferences, or what is wrong (status 400).
	 */
	public static function save( int $vendor_id, array $input ) {
		$prefs    = self::get( $vendor_id );
		$problems = array();

		foreach ( array( 'notify_email', 'notify_whatsapp', 'acknowledge', 'use_hours', 'away', 'hide_chat_button' ) as $flag ) {
			$prefs[ $flag ] = ! empty( $input[ $flag ] );
		}

		$number = preg_replace( '/[\s\-().]/', '', (string) ( $input['whatsapp_number'] ?? '' ) );
		if ( '' === $number ) {
			$prefs['whatsapp_number'] = '';
		} else {
			// The core's rule for a WhatsApp number; without the extension nothing is
			// sent on WhatsApp, and the number saved before stays.
			$checked = Rules::check( self::RULES_GROUP, array( 'whatsapp_number' => (string) $number ) );
			if ( ! is_wp_error( $checked ) && isset( $checked['values']['whatsapp_number'] ) ) {
				$prefs['whatsapp_number'] = ltrim( (string) $checked['values']['whatsapp_number'], '+' );
			} elseif ( ! is_wp_error( $checked ) ) {
				$problems[] = self::problem( 'number_invalid', 'whatsapp_number' );
			}
		}
		if ( $prefs['notify_whatsapp'] && '' === $prefs['whatsapp_number'] && ! $problems ) {
			$problems[] = self::problem( 'number_required', 'whatsapp_number' );
		}

		foreach ( array(
			'acknowledgement' => 'acknowledge',
			'away_message'    => 'away',
		) as $field => $switch ) {
			$text = trim( sanitize_textarea_field( (string) ( $input[ $field ] ?? '' ) ) );
			$max  = self::max_text();
			if ( null !== $max && mb_strlen( $text ) > $max ) {
				$problems[] = self::problem( 'text_too_long', $field );
				continue;
			}
			if ( $prefs[ $switch ] && '' === $text ) {
				$problems[] = self::problem( 'text_required', $field );
				continue;
			}
			$prefs[ $field ] = '' !== $text ? $text : self::defaults()[ $field ];
		}

		$submitted = is_array( $input['hours'] ?? null ) ? $input['hours'] : array();
		$open_days = 0;
		$day_wrong = false;
		for ( $day = 0; $day < 7; $day++ ) {
			$entry  = is_array( $submitted[ $day ] ?? null ) ? $submitted[ $day ] : array();
			$closed = empty( $entry['open_day'] );
			$open   = self::clock( (string) ( $entry['open'] ?? '' ) );
			$close  = self::clock( (string) ( $entry['close'] ?? '' ) );
			if ( ! $closed && ( null === $open || null === $close || $open === $close ) ) {
				$problems[] = self::problem( 'day_times', 'hours', $day );
				$day_wrong  = true;
				continue;
			}
			$open_days             += $closed ? 0 : 1;
			$prefs['hours'][ $day ] = array(
				'open'   => $open ?? $prefs['hours'][ $day ]['open'],
				'close'  => $close ?? $prefs['hours'][ $day ]['close'],
				'closed' => $closed,
			);
		}
		if ( $prefs['use_hours'] && 0 === $open_days && ! $day_wrong ) {
			$problems[] = self::problem( 'no_open_day', 'hours' );
		}

		if ( $problems ) {
			return new WP_Error(
				'wpwa_preferences_invalid',
				__( 'Nothing was saved. Please correct the following:', 'wpwa' ),
				array(
					'status' => 400,
					'errors' => $problems,
				)
			);
		}
		update_user_meta( $vendor_id, self::META, $prefs );
		delete_user_meta( $vendor_id, Config::NOTIFY_EMAIL_META );
		return $prefs;
	}

	/**
	 * One problem of a submission, worded for the vendor.
	 *
	 * @since 0.7.0
	 *
	 * @param string   $code  Problem code: number_invalid, number_required, text_too_long,
	 *                        text_required, day_times, no_open_day.
	 * @param string   $field Field the problem is about: whatsapp_number, acknowledgement, away_message, hours.
	 * @param int|null $day   Weekday (0 = Monday) of a day_times problem.
	 * @return array{code:string,field:string,day:int|null,message:string}
	 */
	public static function problem( string $code, string $field, ?int $day = null ): array {
		switch ( $code ) {
			case 'number_invalid':
				$message = __( 'Enter your WhatsApp number with its country code, like +1 555 010 0200.', 'wpwa' );
				break;
			case 'number_required':
				$message = __( 'To be told on WhatsApp, enter the number to write to.', 'wpwa' );
				break;
			case 'text_too_long':
				/* translators: %s: maximum number of characters. */
				$message = sprintf( __( 'Automatic replies can be at most %s characters long.', 'wpwa' ), number_format_i18n( (int) self::max_text() ) );
				break;
			case 'text_required':
				$message = __( 'Write the text of the automatic reply you turned on.', 'wpwa' );
				break;
			case 'day_times':
				/* translators: %s: day of the week. */
				$message = sprintf( __( 'Give %s an opening and a different closing time (HH:MM), or mark it closed.', 'wpwa' ), self::day_name( (int) $day ) );
				break;
			case 'no_open_day':
				$message = __( 'With business hours on, open at least one day.', 'wpwa' );
				break;
			default:
				$message = __( 'This value is not valid.', 'wpwa' );
		}
		return array(
			'code'    => $code,
			'field'   => $field,
			'day'     => $day,
			'message' => $message,
		);
	}

	/**
	 * The automatic-reply preferences as the core takes them: texts only for
	 * the replies the vendor turned on, hours only when they use them.
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,mixed> $prefs Preferences from get().
	 * @return array<string,mixed>
	 */
	public static function for_core( array $prefs ): array {
		$hours = null;
		if ( $prefs['use_hours'] ) {
			$hours = array();
			foreach ( $prefs['hours'] as $day ) {
				$hours[] = $day['closed'] ? null : array(
					'open'  => $day['open'],
					'close' => $day['close'],
				);
			}
		}
		return array(
			'acknowledgement' => $prefs['acknowledge'] ? $prefs['acknowledgement'] : null,
			'away_message'    => $prefs['use_hours'] && $prefs['away'] ? $prefs['away_message'] : null,
			'hours'           => $hours,
		);
	}

	/**
	 * The site's local time as the core takes it (Monday = 0).
	 *
	 * @since 0.5.0
	 *
	 * @param int|null $timestamp Unix time (default now).
	 * @return array{weekday:int,minute:int}
	 */
	public static function local_time( ?int $timestamp = null ): array {
		$timestamp = $timestamp ?? time();
		return array(
			'weekday' => (int) wp_date( 'N', $timestamp ) - 1,
			'minute'  => (int) wp_date( 'G', $timestamp ) * 60 + (int) wp_date( 'i', $timestamp ),
		);
	}

	/**
	 * The localized name of a weekday (0 = Monday).
	 *
	 * @since 0.5.0
	 *
	 * @param int $day Day index.
	 * @return string
	 */
	public static function day_name( int $day ): string {
		global $wp_locale;
		$sunday_first = ( $day + 1 ) % 7;
		return $wp_locale ? (string) $wp_locale->get_weekday( $sunday_first ) : gmdate( 'l', strtotime( 'Sunday +' . $sunday_first . ' days' ) );
	}

	/**
	 * `HH:MM` (00:00–24:00), or null.
	 *
	 * @since 0.5.0
	 *
	 * @param string $value Raw value.
	 * @return string|null
	 */
	private static function clock( string $value ): ?string {
		if ( ! preg_match( '/^([01]?\d|2[0-4]):([0-5]\d)$/', trim( $value ), $m ) ) {
			return null;
		}
		$minutes = (int) $m[1] * 60 + (int) $m[2];
		// The core's latest closing minute (24:00); without the extension no
		// automatic reply is sent, so no time is taken.
		$close = Rules::field( self::RULES_GROUP, 'close_minute' );
		return isset( $close['max'] ) && $minutes <= (int) $close['max'] ? sprintf( '%02d:%02d', (int) $m[1], (int) $m[2] ) : null;
	}
}
