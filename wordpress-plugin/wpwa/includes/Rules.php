<?php
/**
 * The core's rulebook, as the settings forms use it.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * Every bound, format and credential rule of the settings lives in the core
 * (`Wpwa\limits()`, `Wpwa\settings_check()`). This class asks for them, renders
 * them as HTML attributes and turns the core's problem codes into translated
 * messages; it holds no rule of its own.
 *
 * @since 0.7.0
 */
final class Rules {

	/**
	 * The core's limits in this request.
	 *
	 * @var array<string,array<string,array<string,mixed>>>|null
	 */
	private static ?array $limits = null;

	/**
	 * Every group's field limits (empty when the extension is not loaded).
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,array<string,array<string,mixed>>>
	 */
	public static function limits(): array {
		if ( null === self::$limits ) {
			$limits       = Core::limits();
			self::$limits = is_array( $limits ) ? $limits : array();
		}
		return self::$limits;
	}

	/**
	 * The ruled fields of a group (empty when the extension is not loaded).
	 *
	 * @since 0.7.0
	 *
	 * @param string $group Rulebook group: settings, catalog, messages, cloud_connection, gateway_connection.
	 * @return array<string,array<string,mixed>>
	 */
	public static function fields( string $group ): array {
		return self::limits()[ $group ] ?? array();
	}

	/**
	 * One field's limits, or null.
	 *
	 * @since 0.7.0
	 *
	 * @param string $group Rulebook group.
	 * @param string $field Field.
	 * @return array<string,mixed>|null
	 */
	public static function field( string $group, string $field ): ?array {
		return self::fields( $group )[ $field ] ?? null;
	}

	/**
	 * The HTML attributes of a field's input (` min="1" max="100"`, ` maxlength="…"
	 * pattern="…"`), escaped; '' when the extension is not loaded (the server still checks).
	 *
	 * @since 0.7.0
	 *
	 * @param string $group Rulebook group.
	 * @param string $field Field.
	 * @return string
	 */
	public static function attributes( string $group, string $field ): string {
		$limits = self::field( $group, $field );
		if ( null === $limits ) {
			return '';
		}
		$names = array(
			'min'       => 'min',
			'max'       => 'max',
			'maxlength' => 'maxlength',
			'pattern'   => 'pattern',
			// Amounts (since 0.15.0): the smallest step is a micro-unit.
			'step'      => 'step',
		);
		if ( 'zero_or_range' === $limits['type'] ) {
			// 0 is allowed as well as the range: the browser can only check the upper end.
			$limits['min'] = 0;
		}
		$html = '';
		foreach ( $names as $key => $attribute ) {
			if ( isset( $limits[ $key ] ) ) {
				$value = $limits[ $key ];
				// Decimals written out (HTML reads 1.0E-6, but people read 0.000001).
				$text  = is_float( $value ) ? rtrim( rtrim( sprintf( '%.6F', $value ), '0' ), '.' ) : (string) $value;
				$html .= sprintf( ' %s="%s"', $attribute, esc_attr( $text ) );
			}
		}
		return $html;
	}

	/**
	 * Connection IDs already checked in this request.
	 *
	 * @var array<string,bool>
	 */
	private static array $ids = array();

	/**
	 * Whether `$id` is a valid connection ID (field `id` of `$group`). Without
	 * the extension nothing can connect anyway, and stored IDs were checked
	 * when saved: then only WordPress' key shape is asked for.
	 *
	 * @since 0.7.0
	 *
	 * @param string $group Rulebook group (cloud_connection, gateway_connection).
	 * @param string $id    Candidate.
	 * @return bool
	 */
	public static function valid_id( string $group, string $id ): bool {
		if ( ! Core::available() ) {
			return '' !== $id && sanitize_key( $id ) === $id;
		}
		if ( ! isset( self::$ids[ $group . ':' . $id ] ) ) {
			$checked                         = self::check( $group, array( 'id' => $id ) );
			self::$ids[ $group . ':' . $id ] = ! is_wp_error( $checked ) && isset( $checked['values']['id'] );
		}
		return self::$ids[ $group . ':' . $id ];
	}

	/**
	 * Checks submitted values of a group's ruled fields.
	 *
	 * @since 0.7.0
	 *
	 * @param string               $group  Rulebook group.
	 * @param array<string,mixed>  $values Field => value (only ruled fields).
	 * @return array{values:array<string,mixed>,problems:array<int,array<string,mixed>>}|\WP_Error
	 */
	public static function check( string $group, array $values ) {
		$checked = Core::settings_check( $group, $values );
		if ( is_wp_error( $checked ) ) {
			return $checked;
		}
		return array(
			'values'   => (array) ( $checked['values'] ?? array() ),
			'problems' => (array) ( $checked['problems'] ?? array() ),
		);
	}

	/**
	 * The ruled fields of a group among submitted values, unslashed and as strings,
	 * credentials left out (SealedCredential handles them).
	 *
	 * @since 0.7.0
	 *
	 * @param string              $group Rulebook group.
	 * @param array<string,mixed> $input Submitted values.
	 * @return array<string,string>
	 */
	public static function submitted( string $group, array $input ): array {
		$values = array();
		foreach ( self::fields( $group ) as $field => $limits ) {
			if ( 'credential' === $limits['type'] || ! isset( $input[ $field ] ) || ! is_scalar( $input[ $field ] ) ) {
				continue;
			}
			$value = wp_unslash( (string) $input[ $field ] );
			// Free text keeps its lines; everything else is one line.
			$values[ $field ] = 'text' === $limits['type'] ? sanitize_textarea_field( $value ) : sanitize_text_field( $value );
		}
		return $values;
	}

	/**
	 * A problem the core found, in words: the field's label and the bounds, format
	 * or length the core gave with it.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $problem `field`, `code`, and `min`/`max`/`max_length`/`format`.
	 * @param string              $label   The field's label.
	 * @return string
	 */
	public static function message( array $problem, string $label ): string {
		$min = isset( $problem['min'] ) ? number_format_i18n( (float) $problem['min'] ) : '';
		$max = isset( $problem['max'] ) ? number_format_i18n( (float) $problem['max'] ) : '';
		switch ( $problem['code'] ?? '' ) {
			case 'not_an_integer':
			case 'out_of_range':
				/* translators: 1: setting name, 2: minimum, 3: maximum. */
				return sprintf( __( '%1$s must be a whole number from %2$s to %3$s; the previous value was kept.', 'wpwa' ), $label, $min, $max );
			case 'too_long':
				/* translators: 1: setting name, 2: maximum length. */
				return sprintf( __( '%1$s was not saved: it is longer than %2$s characters.', 'wpwa' ), $label, number_format_i18n( (float) ( $problem['max_length'] ?? 0 ) ) );
			case 'bad_characters':
				/* translators: %s: setting name. */
				return sprintf( __( '%s was not saved: it contains spaces or control characters.', 'wpwa' ), $label );
			case 'missing':
				/* translators: %s: setting name. */
				return sprintf( __( '%s is required.', 'wpwa' ), $label );
			case 'not_an_amount':
			case 'amount_out_of_range':
				return sprintf(
					/* translators: 1: setting name, 2: smallest amount, 3: largest amount. */
					__( '%1$s must be an amount from %2$s to %3$s with at most six decimals; the previous value was kept.', 'wpwa' ),
					$label,
					number_format_i18n( (float) ( $problem['min'] ?? 0 ) / Messages\Pricing::MICROS ),
					number_format_i18n( (float) ( $problem['max'] ?? 0 ) / Messages\Pricing::MICROS )
				);
			case 'bad_format':
				return self::format_message( (string) ( $problem['format'] ?? '' ), $label );
			default:
				/* translators: %s: setting name. */
				return sprintf( __( '%s was not saved: the value is not valid; the previous value was kept.', 'wpwa' ), $label );
		}
	}

	/**
	 * What a value of a format looks like, in words.
	 *
	 * @param string $format The core's format name.
	 * @param string $label  The field's label.
	 * @return string
	 */
	private static function format_message( string $format, string $label ): string {
		switch ( $format ) {
			case 'numeric_id':
				/* translators: %s: setting name. */
				return sprintf( __( 'The %s must be the numeric ID shown in Meta\'s WhatsApp Manager; the previous value was kept.', 'wpwa' ), $label );
			case 'graph_version':
				return __( 'The Graph API version must look like v21.0; the previous value was kept.', 'wpwa' );
			case 'currency':
				return __( 'The currency must be a three-letter ISO 4217 code such as USD or EUR; the previous value was kept.', 'wpwa' );
			case 'template_name':
				return __( 'Template names have lower-case letters, digits and underscores only, as in Meta\'s WhatsApp Manager; the previous value was kept.', 'wpwa' );
			case 'language':
				return __( 'The template language must be a code like en_US or de; the previous value was kept.', 'wpwa' );
			case 'connection_id':
				return __( 'The connection ID must be 1–40 lowercase letters, digits, "-" or "_", starting with a letter or digit.', 'wpwa' );
			default:
				/* translators: %s: setting name. */
				return sprintf( __( '%s does not have the expected format; the previous value was kept.', 'wpwa' ), $label );
		}
	}

	/**
	 * Checks the submitted ruled fields of a settings group and reports each
	 * problem as a settings error of `$option` (code `wpwa_invalid_{field}`).
	 * Returns the accepted values; a refused field is absent, so its old value
	 * stays. Without the extension nothing can be checked: nothing is accepted and
	 * one notice says so.
	 *
	 * @since 0.7.0
	 *
	 * @param string                $group    Rulebook group.
	 * @param string                $option   Option the settings errors belong to.
	 * @param array<string,mixed>   $input    Submitted values.
	 * @param array<string,string>  $labels   Field => label.
	 * @param array<string,callable> $messages Field => callable( array $problem ): string, for fields that say more than the generic message.
	 * @return array<string,mixed>
	 */
	public static function sanitize( string $group, string $option, array $input, array $labels, array $messages = array() ): array {
		if ( ! Core::available() ) {
			add_settings_error( $option, 'wpwa_rules_unavailable', __( 'The wpwa PHP extension is not loaded, so the limits of these settings cannot be checked; they were not changed.', 'wpwa' ) );
			return array();
		}
		$values = self::submitted( $group, $input );
		if ( array() === $values ) {
			return array();
		}
		$checked = self::check( $group, $values );
		if ( is_wp_error( $checked ) ) {
			add_settings_error( $option, 'wpwa_rules_failed', $checked->get_error_message() );
			return array();
		}
		foreach ( $checked['problems'] as $problem ) {
			$field   = (string) $problem['field'];
			$message = isset( $messages[ $field ] ) ? $messages[ $field ]( $problem ) : self::message( $problem, $labels[ $field ] ?? $field );
			add_settings_error( $option, 'wpwa_invalid_' . $field, $message );
		}
		return $checked['values'];
	}
}
