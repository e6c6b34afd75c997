<?php
/**
 * Order update settings: the checkout opt-in wording, the consent words and
 * which template each order event sends.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Orders;

use Wpwa\Plugin\Core;
use Wpwa\Plugin\OptionStore;
use Wpwa\Plugin\Rules;

defined( 'ABSPATH' ) || exit;

/**
 * The `wpwa_order_updates` option (rulebook group `order_updates`) and each
 * vendor's own mapping (user meta), checked by the core.
 *
 * @since 0.7.0
 */
final class Config {

	/**
	 * Option name.
	 *
	 * @since 0.7.0
	 */
	public const OPTION = 'wpwa_order_updates';

	/**
	 * The rulebook group of the option's ruled fields.
	 *
	 * @since 0.7.0
	 */
	public const RULES_GROUP = 'order_updates';

	/**
	 * User meta holding a vendor's own event => template mapping.
	 *
	 * @since 0.7.0
	 */
	public const VENDOR_META = 'wpwa_order_update_mapping';

	/**
	 * The option's store.
	 *
	 * @var OptionStore|null
	 */
	private static ?OptionStore $store = null;

	/**
	 * The option's store.
	 *
	 * @since 0.7.0
	 *
	 * @return OptionStore
	 */
	public static function store(): OptionStore {
		self::$store = self::$store ?? new OptionStore( self::OPTION, self::defaults(), self::RULES_GROUP );
		return self::$store;
	}

	/**
	 * Defaults: no opt-in wording of its own (the translated default shows),
	 * the core's default words, nothing mapped.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public static function defaults(): array {
		return array(
			'consent_text'  => '',
			'opt_out_words' => '',
			'opt_in_words'  => '',
			'mapping'       => array(),
		);
	}

	/**
	 * Every value.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public static function all(): array {
		return self::store()->all();
	}

	/**
	 * The checkout opt-in label, exactly as shown (and recorded).
	 *
	 * @since 0.7.0
	 *
	 * @return string
	 */
	public static function consent_text(): string {
		$text = trim( (string) self::all()['consent_text'] );
		if ( '' === $text ) {
			$text = __( 'Send me updates about this order on WhatsApp. I can reply STOP at any time to stop them.', 'wpwa' );
		}

		/**
		 * Filters the checkout opt-in label for WhatsApp order updates. The text
		 * shown is the text recorded with the customer's consent.
		 *
		 * @since 0.7.0
		 *
		 * @param string $text The label.
		 */
		return (string) apply_filters( 'wpwa_order_updates_consent_text', $text );
	}

	/**
	 * The consent words for the core (`opt_out_words`, `opt_in_words`; empty
	 * keeps the core's defaults STOP and YES, START).
	 *
	 * @since 0.7.0
	 *
	 * @return array{opt_out_words:string,opt_in_words:string}
	 */
	public static function words(): array {
		$s = self::all();
		return array(
			'opt_out_words' => (string) $s['opt_out_words'],
			'opt_in_words'  => (string) $s['opt_in_words'],
		);
	}

	/**
	 * The word a customer is told to reply: the first of the admin's opt-out
	 * (`opt_out_words`) or opt-in (`opt_in_words`) words, else of the core's
	 * defaults, in capitals.
	 *
	 * @since 0.7.0
	 *
	 * @param string $key `opt_out_words` or `opt_in_words`.
	 * @return string
	 */
	public static function first_word( string $key ): string {
		$words = self::words()[ $key ] ?? '';
		if ( '' === trim( $words ) ) {
			$defaults = Core::order_update_events();
			$words    = is_wp_error( $defaults ) ? '' : (string) ( $defaults[ 'default_' . $key ] ?? '' );
		}
		return strtoupper( trim( explode( ',', $words )[0] ) );
	}

	/**
	 * The admin's event => template mapping.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,array<string,mixed>>
	 */
	public static function mapping(): array {
		$mapping = self::all()['mapping'];
		return is_array( $mapping ) ? $mapping : array();
	}

	/**
	 * A vendor's own mapping (events they override), or an empty array.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,array<string,mixed>>
	 */
	public static function vendor_mapping( int $vendor_id ): array {
		if ( $vendor_id <= 0 ) {
			return array();
		}
		$mapping = get_user_meta( $vendor_id, self::VENDOR_META, true );
		return is_array( $mapping ) ? $mapping : array();
	}

	/**
	 * The mapping that applies to a vendor's orders: the admin's, with each
	 * event the vendor mapped themselves replaced by theirs.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID (0: the marketplace).
	 * @return array<string,array<string,mixed>>
	 */
	public static function mapping_for( int $vendor_id ): array {
		$mapping = array_merge( self::mapping(), self::vendor_mapping( $vendor_id ) );

		/**
		 * Filters the event => template mapping used for a vendor's orders.
		 *
		 * @since 0.7.0
		 *
		 * @param array<string,array<string,mixed>> $mapping   event => name, language, params.
		 * @param int                               $vendor_id Vendor user ID (0: the marketplace).
		 */
		$filtered = apply_filters( 'wpwa_order_update_mapping', $mapping, $vendor_id );
		return is_array( $filtered ) ? $filtered : $mapping;
	}

	/**
	 * What a mapping may name, from the core: `events`, `fields`, …
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public static function vocabulary(): array {
		$events = Core::order_update_events();
		return is_array( $events ) ? $events : array(
			'events' => array(),
			'fields' => array(),
		);
	}

	/**
	 * A submitted mapping form (`event => [name, language, params]`, params
	 * a list or a comma-separated string) as the core checks it.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $input Submitted rows.
	 * @return array<string,array<string,mixed>>|\WP_Error
	 */
	public static function clean_mapping( $input ) {
		$rows = array();
		foreach ( is_array( $input ) ? $input : array() as $event => $row ) {
			if ( ! is_array( $row ) ) {
				continue;
			}
			$params = $row['params'] ?? array();
			if ( is_string( $params ) ) {
				$params = explode( ',', $params );
			}
			$rows[ sanitize_key( (string) $event ) ] = array(
				'name'     => sanitize_text_field( wp_unslash( (string) ( $row['name'] ?? '' ) ) ),
				'language' => sanitize_text_field( wp_unslash( (string) ( $row['language'] ?? '' ) ) ),
				'params'   => array_values( array_filter( array_map( 'sanitize_key', array_map( 'trim', array_map( 'strval', (array) $params ) ) ) ) ),
			);
		}
		return Core::order_updates_mapping( $rows );
	}

	/**
	 * The settings form's sanitize callback: ruled text through the rulebook,
	 * the mapping through the core.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $input Submitted values.
	 * @return array<string,mixed>
	 */
	public static function sanitize( $input ): array {
		$current = self::all();
		if ( ! is_array( $input ) ) {
			return $current;
		}
		$labels = array(
			'consent_text'  => __( 'Checkout opt-in text', 'wpwa' ),
			'opt_out_words' => __( 'Opt-out words', 'wpwa' ),
			'opt_in_words'  => __( 'Opt-in words', 'wpwa' ),
		);
		$clean = array_merge( $current, Rules::sanitize( self::RULES_GROUP, self::OPTION, array_intersect_key( $input, $labels ), $labels ) );
		if ( isset( $input['mapping'] ) ) {
			$mapping = self::clean_mapping( $input['mapping'] );
			if ( is_wp_error( $mapping ) ) {
				add_settings_error( self::OPTION, 'wpwa_invalid_mapping', sprintf( /* translators: %s: what the check found. */ __( 'The order update templates were not saved: %s', 'wpwa' ), $mapping->get_error_message() ) );
			} else {
				$clean['mapping'] = $mapping;
			}
		}
		return $clean;
	}

	/**
	 * An event's name as the admin reads it.
	 *
	 * @since 0.7.0
	 *
	 * @param string $event The core's event code.
	 * @return string
	 */
	public static function event_label( string $event ): string {
		switch ( $event ) {
			case 'processing':
				return __( 'Order placed (processing)', 'wpwa' );
			case 'shipped':
				return __( 'Shipped', 'wpwa' );
			case 'completed':
				return __( 'Completed', 'wpwa' );
			case 'on_hold':
				return __( 'On hold', 'wpwa' );
			case 'refunded':
				return __( 'Refunded', 'wpwa' );
			case 'cancelled':
				return __( 'Cancelled', 'wpwa' );
			case 'failed':
				return __( 'Payment failed', 'wpwa' );
			default:
				return $event;
		}
	}

	/**
	 * An order field's name as the admin reads it.
	 *
	 * @since 0.7.0
	 *
	 * @param string $field The core's field code.
	 * @return string
	 */
	public static function field_label( string $field ): string {
		switch ( $field ) {
			case 'order_number':
				return __( 'Order number', 'wpwa' );
			case 'total':
				return __( 'Total', 'wpwa' );
			case 'items':
				return __( 'Items', 'wpwa' );
			case 'tracking':
				return __( 'Tracking note', 'wpwa' );
			case 'link':
				return __( 'Pay or view link', 'wpwa' );
			case 'customer_name':
				return __( 'Customer first name', 'wpwa' );
			case 'store_name':
				return __( 'Store name', 'wpwa' );
			case 'status':
				return __( 'Order status', 'wpwa' );
			default:
				return $field;
		}
	}

	/**
	 * Where each mapped template is used, for the templates screen's "category
	 * changed" flag (filter `wpwa_template_usages`).
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $usages Usages so far: `name`, `language`, `label`.
	 * @return array<int,array<string,string>>
	 */
	public static function template_usages( $usages ): array {
		$usages = is_array( $usages ) ? $usages : array();
		foreach ( self::mapping() as $event => $template ) {
			$usages[] = array(
				'name'     => (string) ( $template['name'] ?? '' ),
				'language' => (string) ( $template['language'] ?? '' ),
				/* translators: %s: order event, e.g. "Shipped". */
				'label'    => sprintf( __( 'Order update: %s', 'wpwa' ), self::event_label( (string) $event ) ),
			);
		}
		foreach ( self::vendor_overrides() as $vendor_id => $mapping ) {
			foreach ( $mapping as $event => $template ) {
				$usages[] = array(
					'name'     => (string) ( $template['name'] ?? '' ),
					'language' => (string) ( $template['language'] ?? '' ),
					/* translators: 1: order event, 2: vendor's store name. */
					'label'    => sprintf( __( 'Order update: %1$s (%2$s)', 'wpwa' ), self::event_label( (string) $event ), \Wpwa\Plugin\Vendors::store_name( (int) $vendor_id ) ),
				);
			}
		}
		return $usages;
	}

	/**
	 * Vendors' own mappings, by vendor ID.
	 *
	 * @return array<int,array<string,array<string,mixed>>>
	 */
	private static function vendor_overrides(): array {
		$found = array();
		foreach ( get_users(
			array(
				'meta_key' => self::VENDOR_META, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key -- only on the templates screen.
				'fields'   => 'ID',
				'number'   => 500,
			)
		) as $user_id ) {
			$mapping = self::vendor_mapping( (int) $user_id );
			if ( array() !== $mapping ) {
				$found[ (int) $user_id ] = $mapping;
			}
		}
		return $found;
	}
}
