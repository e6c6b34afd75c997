<?php
/**
 * Access to the plugin's options.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * Reads the `wpwa_settings` option with defaults applied, and knows how to
 * sanitize it. WordPress owns configuration; the core owns operational state.
 *
 * @since 0.1.0
 */
final class Settings {

	/**
	 * Option holding the settings array.
	 *
	 * @since 0.1.0
	 */
	public const OPTION = 'wpwa_settings';

	/**
	 * Option holding the vendor dashboard page ID.
	 *
	 * @since 0.1.0
	 */
	public const PAGE_OPTION = 'wpwa_vendor_page_id';

	/**
	 * Settings API group name.
	 *
	 * @since 0.1.0
	 */
	public const GROUP = 'wpwa_settings';

	/**
	 * Default sandbox address (the demo sandbox).
	 *
	 * @since 0.1.0
	 */
	public const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:8765';

	/**
	 * Integration models.
	 *
	 * @since 0.1.0
	 */
	public const MODELS = array( 'central', 'per_vendor' );

	/**
	 * Default values.
	 *
	 * @since 0.1.0
	 *
	 * @return array{integration_model:string,sandbox_mode:bool,sandbox_url:string,delete_data_on_uninstall:bool}
	 */
	public static function defaults(): array {
		return array(
			'integration_model'        => 'central',
			'sandbox_mode'             => true,
			'sandbox_url'              => self::DEFAULT_SANDBOX_URL,
			'delete_data_on_uninstall' => false,
		);
	}

	/**
	 * All settings, defaults filled in and types normalised.
	 *
	 * @since 0.1.0
	 *
	 * @return array{integration_model:string,sandbox_mode:bool,sandbox_url:string,delete_data_on_uninstall:bool}
	 */
	public static function all(): array {
		$stored = get_option( self::OPTION, array() );
		if ( ! is_array( $stored ) ) {
			$stored = array();
		}
		$settings = array_merge( self::defaults(), array_intersect_key( $stored, self::defaults() ) );

		$settings['sandbox_mode']             = (bool) $settings['sandbox_mode'];
		$settings['delete_data_on_uninstall'] = (bool) $settings['delete_data_on_uninstall'];
		$settings['sandbox_url']              = is_string( $settings['sandbox_url'] ) ? $settings['sandbox_url'] : self::DEFAULT_SANDBOX_URL;
		if ( ! in_array( $settings['integration_model'], self::MODELS, true ) ) {
			$settings['integration_model'] = 'central';
		}

		return $settings;
	}

	/**
	 * One setting.
	 *
	 * @since 0.1.0
	 *
	 * @param string $key Setting key.
	 * @return mixed|null
	 */
	public static function get( string $key ) {
		$settings = self::all();
		return $settings[ $key ] ?? null;
	}

	/**
	 * Whether the given URL is an http(s) URL on a loopback host.
	 *
	 * @since 0.1.0
	 *
	 * @param string $url Candidate URL.
	 * @return bool
	 */
	public static function is_loopback_url( string $url ): bool {
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || empty( $parts['scheme'] ) || empty( $parts['host'] ) ) {
			return false;
		}
		if ( ! in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true ) ) {
			return false;
		}
		if ( isset( $parts['user'] ) || isset( $parts['pass'] ) ) {
			return false;
		}

		$host = strtolower( trim( $parts['host'], '[]' ) );
		if ( 'localhost' === $host || '::1' === $host ) {
			return true;
		}
		if ( filter_var( $host, FILTER_VALIDATE_IP, FILTER_FLAG_IPV4 ) ) {
			return 0 === strpos( $host, '127.' );
		}
		return false;
	}

	/**
	 * Sanitize callback of the Settings API. Invalid values raise a settings
	 * error and keep the previous value.
	 *
	 * @since 0.1.0
	 *
	 * @param mixed $input Raw submitted value.
	 * @return array<string,mixed>
	 */
	public static function sanitize( $input ): array {
		$current = self::all();
		if ( ! is_array( $input ) ) {
			return $current;
		}

		$clean = $current;

		if ( isset( $input['integration_model'] ) ) {
			$model = sanitize_key( wp_unslash( (string) $input['integration_model'] ) );
			if ( in_array( $model, self::MODELS, true ) ) {
				$clean['integration_model'] = $model;
			} else {
				add_settings_error( self::OPTION, 'wpwa_invalid_model', __( 'Unknown integration model; the previous choice was kept.', 'wpwa' ) );
			}
		}

		// Checkboxes are absent from the submission when unticked.
		$clean['sandbox_mode']             = ! empty( $input['sandbox_mode'] );
		$clean['delete_data_on_uninstall'] = ! empty( $input['delete_data_on_uninstall'] );

		if ( isset( $input['sandbox_url'] ) ) {
			$url = trim( sanitize_text_field( wp_unslash( (string) $input['sandbox_url'] ) ) );
			if ( '' === $url ) {
				$clean['sandbox_url'] = self::DEFAULT_SANDBOX_URL;
			} elseif ( self::is_loopback_url( $url ) ) {
				$clean['sandbox_url'] = untrailingslashit( esc_url_raw( $url, array( 'http', 'https' ) ) );
			} else {
				add_settings_error(
					self::OPTION,
					'wpwa_invalid_sandbox_url',
					sprintf(
						/* translators: %s: the rejected URL. */
						__( 'The sandbox URL "%s" was not saved: it must be an http:// address on this machine (127.0.0.1, ::1 or localhost), for example http://127.0.0.1:8765. Your other changes were saved.', 'wpwa' ),
						esc_html( $url )
					)
				);
			}
		}

		return $clean;
	}
}
