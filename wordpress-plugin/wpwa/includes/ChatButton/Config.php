<?php
/**
 * Chat button settings.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\ChatButton;

use Wpwa\Plugin\OptionStore;
use Wpwa\Plugin\Rules;

defined( 'ABSPATH' ) || exit;

/**
 * The `wpwa_chat_button` option (the "Chat buttons" section of the settings
 * page): whether the buttons show, where on product pages, whether on store
 * pages, their wording, the prefilled message's pattern and the number
 * customers write to under model 1.
 *
 * @since 0.7.0
 */
final class Config {

	/**
	 * Option name.
	 *
	 * @since 0.7.0
	 */
	public const OPTION = 'wpwa_chat_button';

	/**
	 * Rulebook group of the option's ruled fields (number, label, message).
	 *
	 * @since 0.7.0
	 */
	public const RULES_GROUP = 'chat_button';

	/**
	 * Where the button goes on a product page.
	 *
	 * @since 0.7.0
	 */
	public const POSITIONS = array( 'after_add_to_cart', 'after_summary', 'none' );

	/**
	 * The option's store.
	 *
	 * @var OptionStore|null
	 */
	private static ?OptionStore $store = null;

	/**
	 * The store of the option.
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
	 * Defaults: on, after the add-to-cart form and on store pages, the
	 * translated wording and message (empty = the translation).
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public static function defaults(): array {
		return array(
			'enabled'          => true,
			'product_position' => 'after_add_to_cart',
			'store_page'       => true,
			'label'            => '',
			'message'          => '',
			'number'           => '',
		);
	}

	/**
	 * Settings with defaults applied.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public static function all(): array {
		$s                     = self::store()->all();
		$s['product_position'] = in_array( $s['product_position'], self::POSITIONS, true ) ? $s['product_position'] : 'after_add_to_cart';
		return $s;
	}

	/**
	 * One setting.
	 *
	 * @since 0.7.0
	 *
	 * @param string $key Key.
	 * @return mixed
	 */
	public static function get( string $key ) {
		return self::all()[ $key ] ?? null;
	}

	/**
	 * The button's wording: the admin's, else the translation. `{store}` is
	 * the store's name.
	 *
	 * @since 0.7.0
	 *
	 * @return string
	 */
	public static function label(): string {
		$label = trim( (string) self::get( 'label' ) );
		/* translators: {store} is replaced by the store's name; keep it as is. */
		return '' !== $label ? $label : __( 'Chat with {store} on WhatsApp', 'wpwa' );
	}

	/**
	 * The prefilled message's pattern: the admin's, else the translation.
	 *
	 * @since 0.7.0
	 *
	 * @return string
	 */
	public static function message(): string {
		$message = trim( (string) self::get( 'message' ) );
		/* translators: {store}, {product} and {code} are replaced by the store's name, the product's name and the shop's code (#CODE, which sends the message to that shop); keep them as they are. */
		return '' !== $message ? $message : __( 'Hello {store}, I have a question about {product} {code}', 'wpwa' );
	}

	/**
	 * Sanitize callback of the option.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $input Submitted value.
	 * @return array<string,mixed>
	 */
	public static function sanitize( $input ): array {
		$current = self::all();
		if ( ! is_array( $input ) ) {
			return $current;
		}
		$clean = $current;
		$ruled = array_intersect_key( $input, array_flip( array( 'number', 'label', 'message' ) ) );
		if ( isset( $ruled['number'] ) && is_string( $ruled['number'] ) ) {
			// People write numbers with spaces, dashes and brackets; the rule is about digits.
			$ruled['number'] = preg_replace( '/[\s\-().]/', '', $ruled['number'] );
		}
		foreach ( array( 'label', 'message' ) as $text ) {
			if ( isset( $ruled[ $text ] ) && is_string( $ruled[ $text ] ) ) {
				$ruled[ $text ] = sanitize_text_field( $ruled[ $text ] );
			}
		}
		$labels   = array(
			'number'  => __( 'The WhatsApp number', 'wpwa' ),
			'label'   => __( 'The button wording', 'wpwa' ),
			'message' => __( 'The prefilled message', 'wpwa' ),
		);
		$messages = array(
			'number' => static fn(): string => __( 'Enter the chat buttons\' WhatsApp number with its country code, like +1 555 010 0001; the previous value was kept.', 'wpwa' ),
		);
		$checked  = Rules::sanitize( self::RULES_GROUP, self::OPTION, $ruled, $labels, $messages );
		$clean    = array_merge( $clean, $checked );
		if ( isset( $clean['number'] ) ) {
			$clean['number'] = ltrim( (string) $clean['number'], '+' );
		}
		if ( isset( $input['product_position'] ) ) {
			$position                  = sanitize_key( (string) $input['product_position'] );
			$clean['product_position'] = in_array( $position, self::POSITIONS, true ) ? $position : 'after_add_to_cart';
		}
		if ( isset( $input['product_position'] ) || isset( $input['enabled'] ) || isset( $input['store_page'] ) ) {
			// Checkboxes: absent from a submitted form means off.
			$clean['enabled']    = ! empty( $input['enabled'] );
			$clean['store_page'] = ! empty( $input['store_page'] );
		}
		return $clean;
	}
}
