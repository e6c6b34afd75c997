<?php
/**
 * The "Chat buttons" section of the settings page.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Admin;

use Wpwa\Plugin\ChatButton\Config;
use Wpwa\Plugin\Settings;
use function Wpwa\Plugin\esc_rule_attributes;

defined( 'ABSPATH' ) || exit;

/**
 * Registers the `wpwa_chat_button` option in the settings page's group and
 * its fields: on/off, product-page position, store pages, wording, the
 * prefilled message and the number customers write to.
 *
 * @since 0.7.0
 */
final class ChatButtonSettings {

	/**
	 * Hooks.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'admin_init', array( self::class, 'register' ), 45 );
	}

	/**
	 * The setting, section and fields.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function register(): void {
		register_setting(
			Settings::GROUP,
			Config::OPTION,
			array(
				'type'              => 'object',
				'description'       => __( 'WhatsApp chat button settings.', 'wpwa' ),
				'sanitize_callback' => array( Config::class, 'sanitize' ),
				'default'           => Config::defaults(),
				'show_in_rest'      => false,
			)
		);
		add_settings_section(
			'wpwa_chat_button',
			__( 'Chat buttons', 'wpwa' ),
			array( self::class, 'intro' ),
			SettingsPage::SLUG
		);
		$fields = array(
			'enabled'          => __( 'Chat buttons', 'wpwa' ),
			'product_position' => __( 'On product pages', 'wpwa' ),
			'store_page'       => __( 'On store pages', 'wpwa' ),
			'label'            => __( 'Button wording', 'wpwa' ),
			'message'          => __( 'Prefilled message', 'wpwa' ),
			'number'           => __( 'WhatsApp number', 'wpwa' ),
		);
		foreach ( $fields as $key => $label ) {
			add_settings_field(
				'wpwa_chat_button_' . $key,
				$label,
				array( self::class, 'field_' . $key ),
				SettingsPage::SLUG,
				'wpwa_chat_button',
				'product_position' === $key ? array() : array( 'label_for' => 'wpwa_chat_button_' . $key )
			);
		}
	}

	/**
	 * Section introduction.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function intro(): void {
		echo '<p>' . esc_html__( 'A "Chat on WhatsApp" button on product pages and vendors\' store pages opens WhatsApp with a message naming the product and the shop\'s code, so the conversation goes straight to that vendor. On computers it also shows a QR code to scan with a phone. Vendors can hide it in their Preferences. Also available as the "WhatsApp chat button" block and the [wpwa_chat_button product="…" vendor="…"] shortcode.', 'wpwa' ) . '</p>';
	}

	/**
	 * Name attribute of a field.
	 *
	 * @since 0.7.0
	 *
	 * @param string $key Key.
	 * @return string
	 */
	private static function name( string $key ): string {
		return Config::OPTION . '[' . $key . ']';
	}

	/**
	 * Field: on/off.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function field_enabled(): void {
		printf(
			'<label><input type="checkbox" id="wpwa_chat_button_enabled" name="%1$s" value="1" %2$s /> %3$s</label>',
			esc_attr( self::name( 'enabled' ) ),
			checked( (bool) Config::get( 'enabled' ), true, false ),
			esc_html__( 'Show chat buttons', 'wpwa' )
		);
	}

	/**
	 * Field: where the button goes on product pages.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function field_product_position(): void {
		$options = array(
			'after_add_to_cart' => __( 'After the add-to-cart button', 'wpwa' ),
			'after_summary'     => __( 'After the product summary', 'wpwa' ),
			'none'              => __( 'Not on product pages', 'wpwa' ),
		);
		echo '<fieldset><legend class="screen-reader-text">' . esc_html__( 'On product pages', 'wpwa' ) . '</legend>';
		foreach ( $options as $value => $label ) {
			printf(
				'<label><input type="radio" name="%1$s" value="%2$s" %3$s /> %4$s</label><br />',
				esc_attr( self::name( 'product_position' ) ),
				esc_attr( $value ),
				checked( Config::get( 'product_position' ), $value, false ),
				esc_html( $label )
			);
		}
		echo '</fieldset>';
	}

	/**
	 * Field: store pages on/off.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function field_store_page(): void {
		printf(
			'<label><input type="checkbox" id="wpwa_chat_button_store_page" name="%1$s" value="1" %2$s /> %3$s</label>',
			esc_attr( self::name( 'store_page' ) ),
			checked( (bool) Config::get( 'store_page' ), true, false ),
			esc_html__( 'Show the button on each vendor\'s store page', 'wpwa' )
		);
	}

	/**
	 * Field: the button's wording.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function field_label(): void {
		printf(
			'<input type="text" class="regular-text" id="wpwa_chat_button_label" name="%1$s" value="%2$s"%3$s placeholder="%4$s" /><p class="description">%5$s</p>',
			esc_attr( self::name( 'label' ) ),
			esc_attr( (string) Config::get( 'label' ) ),
			esc_rule_attributes( Config::RULES_GROUP, 'label' ),
			esc_attr( Config::label() ),
			esc_html__( '{store} is the store\'s name. Leave empty for the default shown (translated into the visitor\'s language).', 'wpwa' )
		);
	}

	/**
	 * Field: the prefilled message's pattern.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function field_message(): void {
		printf(
			'<textarea class="large-text" rows="2" id="wpwa_chat_button_message" name="%1$s"%2$s placeholder="%3$s">%4$s</textarea><p class="description">%5$s</p>',
			esc_attr( self::name( 'message' ) ),
			esc_rule_attributes( Config::RULES_GROUP, 'message' ),
			esc_attr( Config::message() ),
			esc_textarea( (string) Config::get( 'message' ) ),
			esc_html__( '{product} is the product\'s name, {store} the store\'s, {code} the shop\'s code (#CODE), which sends the customer\'s message to that vendor; it is added at the end when missing. Leave empty for the default shown.', 'wpwa' )
		);
	}

	/**
	 * Field: the number customers write to.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function field_number(): void {
		$number = (string) Config::get( 'number' );
		printf(
			'<input type="tel" class="regular-text code" id="wpwa_chat_button_number" name="%1$s" value="%2$s"%3$s placeholder="+1 555 010 0001" /><p class="description">%4$s</p>',
			esc_attr( self::name( 'number' ) ),
			esc_attr( '' !== $number ? '+' . $number : '' ),
			esc_rule_attributes( Config::RULES_GROUP, 'number' ),
			esc_html__( 'The marketplace\'s WhatsApp number, with its country code (the number of the phone number ID under Customer messages). With an account per vendor, each vendor\'s button writes to their connection\'s number instead. In sandbox mode the sandbox\'s number is used when this is empty.', 'wpwa' )
		);
	}
}
