<?php
/**
 * A vendor's own monthly limits: a message allowance or a cost cap other than
 * the marketplace's.
 *
 * @package Wpwa\Plugin
 * @since   0.15.0
 */

namespace Wpwa\Plugin\Messages;

use WP_Error;
use Wpwa\Plugin\Rules;

defined( 'ABSPATH' ) || exit;

/**
 * Kept in user meta, each unset (the site's setting applies) or a value the
 * core's rulebook accepted for the same setting. Administrators set them on
 * WhatsApp → Vendors; the `wpwa_message_allowance` and `wpwa_message_cost_cap`
 * filters still have the last word.
 *
 * @since 0.15.0
 */
final class VendorLimits {

	/**
	 * User meta: messages per calendar month.
	 *
	 * @since 0.15.0
	 */
	public const ALLOWANCE_META = 'wpwa_allowance';

	/**
	 * User meta: cost cap per calendar month, micro-units of the rate card's currency (0: none).
	 *
	 * @since 0.15.0
	 */
	public const COST_CAP_META = 'wpwa_cost_cap';

	/**
	 * The vendor's own allowance, or null when the site's applies.
	 *
	 * @since 0.15.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return int|null
	 */
	public static function allowance( int $vendor_id ): ?int {
		return self::read( $vendor_id, self::ALLOWANCE_META );
	}

	/**
	 * The vendor's own cost cap (micro-units; 0: none), or null when the site's applies.
	 *
	 * @since 0.15.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return int|null
	 */
	public static function cost_cap( int $vendor_id ): ?int {
		return self::read( $vendor_id, self::COST_CAP_META );
	}

	/**
	 * Saves a vendor's limits from the form's fields `allowance` and `cost_cap`
	 * (each blank: the site's setting). Nothing is saved when one is wrong.
	 *
	 * @since 0.15.0
	 *
	 * @param int                  $vendor_id Vendor user ID.
	 * @param array<string,string> $input     Field => value as typed.
	 * @return true|WP_Error `wpwa_vendor_limits_invalid` with the problems in words.
	 */
	public static function save( int $vendor_id, array $input ) {
		$typed = array();
		foreach ( array( 'allowance', 'cost_cap' ) as $field ) {
			$value = trim( (string) ( $input[ $field ] ?? '' ) );
			if ( '' !== $value ) {
				$typed[ $field ] = $value;
			}
		}
		$checked = Rules::check( Config::RULES_GROUP, $typed );
		if ( is_wp_error( $checked ) ) {
			return $checked;
		}
		if ( array() !== $checked['problems'] ) {
			$labels   = array(
				'allowance' => __( 'Messages per month', 'wpwa' ),
				'cost_cap'  => __( 'Monthly cost cap', 'wpwa' ),
			);
			$messages = array();
			foreach ( $checked['problems'] as $problem ) {
				$messages[] = Rules::message( (array) $problem, $labels[ $problem['field'] ?? '' ] ?? (string) ( $problem['field'] ?? '' ) );
			}
			return new WP_Error( 'wpwa_vendor_limits_invalid', implode( ' ', $messages ), array( 'status' => 400 ) );
		}
		foreach ( array(
			'allowance' => self::ALLOWANCE_META,
			'cost_cap'  => self::COST_CAP_META,
		) as $field => $meta ) {
			if ( isset( $checked['values'][ $field ] ) ) {
				update_user_meta( $vendor_id, $meta, (string) (int) $checked['values'][ $field ] );
			} else {
				delete_user_meta( $vendor_id, $meta );
			}
		}
		return true;
	}

	/**
	 * A limit kept in user meta, or null when unset.
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param string $meta      Meta key.
	 * @return int|null
	 */
	private static function read( int $vendor_id, string $meta ): ?int {
		if ( $vendor_id <= 0 ) {
			return null;
		}
		$stored = (string) get_user_meta( $vendor_id, $meta, true );
		return '' !== $stored && is_numeric( $stored ) ? max( 0, (int) $stored ) : null;
	}
}
