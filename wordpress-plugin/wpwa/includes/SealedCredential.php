<?php
/**
 * A credential field whose value is stored sealed.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin;

use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * One kind of credential (an access token, an app secret, an API key): sealed
 * by the core under its own context before it is stored, shown only masked,
 * never pre-filled, kept when the field is left blank. Its length and
 * character rules are the core's (the rulebook field it names).
 *
 * @since 0.7.0
 */
final class SealedCredential {

	/**
	 * Context the value is sealed with.
	 *
	 * @var string
	 */
	private string $context;

	/**
	 * Rulebook group of the field.
	 *
	 * @var string
	 */
	private string $group;

	/**
	 * Rulebook field.
	 *
	 * @var string
	 */
	private string $field;

	/**
	 * A credential field.
	 *
	 * @since 0.7.0
	 *
	 * @param string $context Context the value is sealed with (e.g. `cloud.access_token`).
	 * @param string $group   Rulebook group (e.g. `catalog`).
	 * @param string $field   Rulebook field (e.g. `access_token`).
	 */
	public function __construct( string $context, string $group, string $field ) {
		$this->context = $context;
		$this->group   = $group;
		$this->field   = $field;
	}

	/**
	 * The context the value is sealed with.
	 *
	 * @since 0.7.0
	 *
	 * @return string
	 */
	public function context(): string {
		return $this->context;
	}

	/**
	 * The credential in clear, or null when none is saved or it cannot be opened.
	 *
	 * @since 0.7.0
	 *
	 * @param string $sealed Stored value.
	 * @return string|null
	 */
	public function open( string $sealed ): ?string {
		if ( '' === $sealed ) {
			return null;
		}
		$opened = Core::secret_open( $this->context, $sealed );
		return is_string( $opened ) && '' !== $opened ? $opened : null;
	}

	/**
	 * How the saved credential is shown: '' when none, its mask, or a note that
	 * it cannot be read with the current site keys.
	 *
	 * @since 0.7.0
	 *
	 * @param string $sealed Stored value.
	 * @return string
	 */
	public function mask( string $sealed ): string {
		if ( '' === $sealed ) {
			return '';
		}
		$opened = Core::secret_open( $this->context, $sealed );
		if ( ! is_string( $opened ) ) {
			return __( '(saved, but unreadable with the current site keys: enter it again)', 'wpwa' );
		}
		return Core::secret_mask( $opened );
	}

	/**
	 * The password input: never pre-filled, the mask as placeholder, the
	 * rulebook's maxlength.
	 *
	 * @since 0.7.0
	 *
	 * @param string $id     Element ID.
	 * @param string $name   Input name.
	 * @param string $sealed Stored value.
	 * @return string HTML.
	 */
	public function input( string $id, string $name, string $sealed ): string {
		return sprintf(
			'<input type="password" class="regular-text code" id="%1$s" name="%2$s" value="" autocomplete="new-password" spellcheck="false" placeholder="%3$s"%4$s />',
			esc_attr( $id ),
			esc_attr( $name ),
			esc_attr( $this->mask( $sealed ) ),
			Rules::attributes( $this->group, $this->field )
		);
	}

	/**
	 * Prints the field of a settings form: the input, then the saved mask with a
	 * "remove" checkbox, or `$texts['none']` when nothing is saved.
	 *
	 * @since 0.7.0
	 *
	 * @param string               $id         Element ID.
	 * @param string               $name       Input name.
	 * @param string               $clear_name Name of the "remove" checkbox.
	 * @param string               $sealed     Stored value.
	 * @param array<string,string> $texts      `saved` ("Saved token:"), `remove` ("Remove the saved token"), `none` (description).
	 * @return void
	 */
	public function render( string $id, string $name, string $clear_name, string $sealed, array $texts ): void {
		echo $this->input( $id, $name, $sealed ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in input().
		$mask = $this->mask( $sealed );
		if ( '' !== $mask ) {
			printf(
				'<p class="description">%1$s <code>%2$s</code>. %3$s</p><label><input type="checkbox" name="%4$s" value="1" /> %5$s</label>',
				esc_html( $texts['saved'] ),
				esc_html( $mask ),
				esc_html__( 'Leave the field blank to keep it. Stored encrypted.', 'wpwa' ),
				esc_attr( $clear_name ),
				esc_html( $texts['remove'] )
			);
		} else {
			echo '<p class="description">' . esc_html( $texts['none'] ) . '</p>';
		}
	}

	/**
	 * Seals a submitted value: null when it is blank (keep the saved one), the
	 * sealed value, or a WP_Error carrying the core's problem (`data['problem']`)
	 * or saying that it could not be sealed.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed  $submitted Submitted value, unslashed.
	 * @param string $label     The field's label, for the message.
	 * @return string|WP_Error|null
	 */
	public function seal_submitted( $submitted, string $label ) {
		$value = is_scalar( $submitted ) ? trim( (string) $submitted ) : '';
		if ( '' === $value ) {
			return null;
		}
		$checked = Rules::check( $this->group, array( $this->field => $value ) );
		if ( is_wp_error( $checked ) ) {
			return new WP_Error(
				'wpwa_seal_failed',
				/* translators: %s: field label, e.g. Access token. */
				sprintf( __( '%s could not be stored encrypted, so it was not saved. Check that the wpwa extension is loaded.', 'wpwa' ), $label )
			);
		}
		if ( array() !== $checked['problems'] ) {
			$problem = $checked['problems'][0];
			return new WP_Error( 'wpwa_invalid_' . $this->field, Rules::message( $problem, $label ), array( 'problem' => $problem ) );
		}
		$sealed = Core::secret_seal( $this->context, $value );
		if ( is_wp_error( $sealed ) ) {
			return new WP_Error(
				'wpwa_seal_failed',
				/* translators: %s: field label, e.g. Access token. */
				sprintf( __( '%s could not be stored encrypted, so it was not saved. Check that the wpwa extension is loaded.', 'wpwa' ), $label )
			);
		}
		return $sealed;
	}

	/**
	 * The Settings API side: the value to store for this field given the
	 * submission. Blank keeps `$old`; `$clear` removes it; a refused or
	 * unsealable value keeps `$old` and adds a settings error to `$option`.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed  $submitted Submitted value, or null when absent.
	 * @param bool   $clear     Whether "remove the saved value" was ticked.
	 * @param string $old       Stored (sealed) value.
	 * @param string $option    Option the settings error belongs to.
	 * @param string $label     The field's label.
	 * @return string The sealed value to store.
	 */
	public function sanitize( $submitted, bool $clear, string $old, string $option, string $label ): string {
		$sealed = null === $submitted || ! is_scalar( $submitted ) ? null : $this->seal_submitted( wp_unslash( (string) $submitted ), $label );
		if ( is_wp_error( $sealed ) ) {
			add_settings_error( $option, $sealed->get_error_code(), $sealed->get_error_message() );
			$sealed = null;
		}
		if ( $clear ) {
			return '';
		}
		return $sealed ?? $old;
	}
}
