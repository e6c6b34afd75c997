<?php
/**
 * The "Order updates" section of the settings page.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Admin;

use Wpwa\Plugin\Orders\Config;
use Wpwa\Plugin\Settings;
use function Wpwa\Plugin\esc_rule_attributes;

defined( 'ABSPATH' ) || exit;

/**
 * Registers the `wpwa_order_updates` option in the settings page's group and
 * its fields: the checkout opt-in text, the opt-out and opt-in words, and the
 * template (name, language, parameters) each order event sends.
 *
 * @since 0.7.0
 */
final class OrderUpdatesSettings {

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
				'description'       => __( 'WhatsApp order update settings.', 'wpwa' ),
				'sanitize_callback' => array( Config::class, 'sanitize' ),
				'default'           => Config::defaults(),
				'show_in_rest'      => false,
			)
		);
		add_settings_section(
			'wpwa_order_updates',
			__( 'Order updates', 'wpwa' ),
			array( self::class, 'intro' ),
			SettingsPage::SLUG
		);
		$fields = array(
			'consent_text'  => __( 'Checkout opt-in text', 'wpwa' ),
			'opt_out_words' => __( 'Opt-out words', 'wpwa' ),
			'opt_in_words'  => __( 'Opt-in words', 'wpwa' ),
			'mapping'       => __( 'Templates per order event', 'wpwa' ),
		);
		foreach ( $fields as $key => $label ) {
			add_settings_field(
				'wpwa_order_updates_' . $key,
				$label,
				array( self::class, 'field_' . $key ),
				SettingsPage::SLUG,
				'wpwa_order_updates',
				'mapping' === $key ? array() : array( 'label_for' => 'wpwa_order_updates_' . $key )
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
		echo '<p>' . esc_html__( 'Customers who tick the opt-in box at checkout (off by default) get an approved utility template on WhatsApp when their order changes: one message per order and event, sent in the background. A customer who replies with an opt-out word is opted out and told so.', 'wpwa' ) . '</p>';
	}

	/**
	 * Name attribute of a field.
	 *
	 * @param string $key Key.
	 * @return string
	 */
	private static function name( string $key ): string {
		return Config::OPTION . '[' . $key . ']';
	}

	/**
	 * Field: the checkout opt-in text.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function field_consent_text(): void {
		printf(
			'<textarea id="wpwa_order_updates_consent_text" name="%1$s" rows="2" class="large-text" %2$s placeholder="%3$s">%4$s</textarea><p class="description">%5$s</p>',
			esc_attr( self::name( 'consent_text' ) ),
			esc_rule_attributes( Config::RULES_GROUP, 'consent_text' ), // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by Rules::attributes().
			esc_attr( Config::consent_text() ),
			esc_textarea( (string) Config::all()['consent_text'] ),
			esc_html__( 'The label of the checkbox, exactly as customers see it; it is recorded with each consent.', 'wpwa' )
		);
	}

	/**
	 * Field: the opt-out words.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function field_opt_out_words(): void {
		$vocabulary = Config::vocabulary();
		printf(
			'<input type="text" id="wpwa_order_updates_opt_out_words" name="%1$s" value="%2$s" class="regular-text" %3$s placeholder="%4$s" /><p class="description">%5$s</p>',
			esc_attr( self::name( 'opt_out_words' ) ),
			esc_attr( (string) Config::all()['opt_out_words'] ),
			esc_rule_attributes( Config::RULES_GROUP, 'opt_out_words' ), // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by Rules::attributes().
			esc_attr( (string) ( $vocabulary['default_opt_out_words'] ?? '' ) ),
			esc_html__( 'Comma-separated. A message that is exactly one of these words (any case) opts the customer out of every WhatsApp update and offer.', 'wpwa' )
		);
	}

	/**
	 * Field: the opt-in words.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function field_opt_in_words(): void {
		$vocabulary = Config::vocabulary();
		printf(
			'<input type="text" id="wpwa_order_updates_opt_in_words" name="%1$s" value="%2$s" class="regular-text" %3$s placeholder="%4$s" /><p class="description">%5$s</p>',
			esc_attr( self::name( 'opt_in_words' ) ),
			esc_attr( (string) Config::all()['opt_in_words'] ),
			esc_rule_attributes( Config::RULES_GROUP, 'opt_in_words' ), // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by Rules::attributes().
			esc_attr( (string) ( $vocabulary['default_opt_in_words'] ?? '' ) ),
			esc_html__( 'Comma-separated. They opt a customer in to order updates only when the customer was invited to reply so in the last 7 days (for example with the pay link of an order made from their WhatsApp cart).', 'wpwa' )
		);
	}

	/**
	 * Field: the template per event.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function field_mapping(): void {
		self::mapping_table( self::name( 'mapping' ), Config::mapping() );
		echo '<p class="description">' . esc_html__( 'Leave the template name empty for events that send nothing. Parameters fill {{1}}, {{2}}… of the template body, in order, from these order fields:', 'wpwa' ) . ' ';
		$fields = array();
		foreach ( (array) ( Config::vocabulary()['fields'] ?? array() ) as $field ) {
			$fields[] = sprintf( '%s (%s)', (string) $field, Config::field_label( (string) $field ) );
		}
		echo esc_html( implode( ', ', $fields ) ) . '</p>';
	}

	/**
	 * The mapping rows (shared with the vendor dashboard's override form).
	 *
	 * @since 0.7.0
	 *
	 * @param string                            $name    Name attribute prefix.
	 * @param array<string,array<string,mixed>> $mapping The mapping shown.
	 * @return void
	 */
	public static function mapping_table( string $name, array $mapping ): void {
		echo '<table class="widefat striped wpwa-mapping"><thead><tr><th>' . esc_html__( 'Event', 'wpwa' ) . '</th><th>' . esc_html__( 'Template name', 'wpwa' ) . '</th><th>' . esc_html__( 'Language', 'wpwa' ) . '</th><th>' . esc_html__( 'Parameters', 'wpwa' ) . '</th></tr></thead><tbody>';
		foreach ( (array) ( Config::vocabulary()['events'] ?? array() ) as $event ) {
			$event = (string) $event;
			$row   = (array) ( $mapping[ $event ] ?? array() );
			printf(
				'<tr data-event="%1$s"><td>%2$s</td><td><input type="text" class="regular-text code" name="%3$s[%1$s][name]" value="%4$s" %5$s /></td><td><input type="text" class="small-text code" name="%3$s[%1$s][language]" value="%6$s" %7$s /></td><td><input type="text" class="regular-text code" name="%3$s[%1$s][params]" value="%8$s" /></td></tr>',
				esc_attr( $event ),
				esc_html( Config::event_label( $event ) ),
				esc_attr( $name ),
				esc_attr( (string) ( $row['name'] ?? '' ) ),
				esc_rule_attributes( Config::RULES_GROUP, 'template' ), // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by Rules::attributes().
				esc_attr( (string) ( $row['language'] ?? 'en_US' ) ),
				esc_rule_attributes( Config::RULES_GROUP, 'language' ), // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by Rules::attributes().
				esc_attr( implode( ', ', array_map( 'strval', (array) ( $row['params'] ?? array() ) ) ) )
			);
		}
		echo '</tbody></table>';
	}
}
