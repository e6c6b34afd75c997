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
	 * @return array<string,mixed>
	 */
	public static function defaults(): array {
		return array(
			'integration_model'        => 'central',
			'sandbox_mode'             => true,
			'sandbox_url'              => self::DEFAULT_SANDBOX_URL,
			'delete_data_on_uninstall' => false,
			// Since 0.2.0: the session gateway (model 1) and the session policy.
			'gateway_url'              => '',
			'gateway_api_key'          => '',
			'max_starts_per_hour'      => 5,
			'qr_first_seconds'         => 60,
			'qr_next_seconds'          => 20,
			'offline_expiry_days'      => 14,
			// Since 0.5.0: the admin console.
			'log_retention_days'       => 90,
			'shop_manager_access'      => false,
			'central_cloud_connection' => '',
		);
	}

	/**
	 * Bounds of the admin console's numeric settings: key => [min, max].
	 *
	 * @since 0.5.0
	 */
	public const CONSOLE_BOUNDS = array(
		'log_retention_days' => array( 1, 3650 ),
	);

	/**
	 * Bounds of the numeric session policy settings: key => [min, max].
	 *
	 * @since 0.2.0
	 */
	public const POLICY_BOUNDS = array(
		'max_starts_per_hour' => array( 1, 100 ),
		'qr_first_seconds'    => array( 1, 600 ),
		'qr_next_seconds'     => array( 1, 600 ),
		'offline_expiry_days' => array( 1, 365 ),
	);

	/**
	 * The session policy passed to the core.
	 *
	 * @since 0.2.0
	 *
	 * @return array{max_starts_per_hour:int,qr_first_seconds:int,qr_next_seconds:int,offline_expiry_days:int}
	 */
	public static function policy(): array {
		$settings = self::all();
		$policy   = array();
		foreach ( self::POLICY_BOUNDS as $key => $bounds ) {
			$policy[ $key ] = (int) $settings[ $key ];
		}

		/**
		 * Filters the session policy (start limit, QR lifetimes, offline expiry) given to the core.
		 *
		 * @since 0.2.0
		 *
		 * @param array<string,int> $policy Keys max_starts_per_hour, qr_first_seconds, qr_next_seconds, offline_expiry_days.
		 */
		$filtered = apply_filters( 'wpwa_session_policy', $policy );
		if ( is_array( $filtered ) ) {
			foreach ( self::POLICY_BOUNDS as $key => $bounds ) {
				if ( isset( $filtered[ $key ] ) && is_numeric( $filtered[ $key ] ) ) {
					$policy[ $key ] = min( $bounds[1], max( $bounds[0], (int) $filtered[ $key ] ) );
				}
			}
		}
		return $policy;
	}

	/**
	 * All settings, defaults filled in and types normalised.
	 *
	 * @since 0.1.0
	 *
	 * @return array<string,mixed>
	 */
	public static function all(): array {
		$stored = get_option( self::OPTION, array() );
		if ( ! is_array( $stored ) ) {
			$stored = array();
		}
		$settings = array_merge( self::defaults(), array_intersect_key( $stored, self::defaults() ) );

		$settings['sandbox_mode']             = (bool) $settings['sandbox_mode'];
		$settings['delete_data_on_uninstall'] = (bool) $settings['delete_data_on_uninstall'];
		$settings['shop_manager_access']      = (bool) $settings['shop_manager_access'];
		$settings['sandbox_url']              = is_string( $settings['sandbox_url'] ) ? $settings['sandbox_url'] : self::DEFAULT_SANDBOX_URL;
		if ( ! in_array( $settings['integration_model'], self::MODELS, true ) ) {
			$settings['integration_model'] = 'central';
		}
		$settings['gateway_url']     = is_string( $settings['gateway_url'] ) ? $settings['gateway_url'] : '';
		$settings['central_cloud_connection'] = is_string( $settings['central_cloud_connection'] ) ? $settings['central_cloud_connection'] : '';
		$settings['gateway_api_key'] = is_string( $settings['gateway_api_key'] ) ? $settings['gateway_api_key'] : '';
		$defaults                    = self::defaults();
		foreach ( self::POLICY_BOUNDS + self::CONSOLE_BOUNDS as $key => $bounds ) {
			$value            = is_numeric( $settings[ $key ] ) ? (int) $settings[ $key ] : (int) $defaults[ $key ];
			$settings[ $key ] = min( $bounds[1], max( $bounds[0], $value ) );
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
	 * Whether the URL can address a session gateway: http(s), a host, no
	 * credentials (private addresses are fine: gateways often run beside
	 * WordPress).
	 *
	 * @since 0.2.0
	 *
	 * @param string $url Candidate URL.
	 * @return bool
	 */
	public static function is_gateway_url( string $url ): bool {
		$parts = wp_parse_url( $url );
		return is_array( $parts )
			&& ! empty( $parts['host'] )
			&& in_array( strtolower( (string) ( $parts['scheme'] ?? '' ) ), array( 'http', 'https' ), true )
			&& ! isset( $parts['user'] ) && ! isset( $parts['pass'] )
			&& ! preg_match( '/[\s\x00-\x1f]/', $url );
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

		if ( isset( $input['central_cloud_connection'] ) ) {
			$id = sanitize_key( wp_unslash( (string) $input['central_cloud_connection'] ) );
			if ( '' === $id || null !== CloudConnections::get( $id ) ) {
				$clean['central_cloud_connection'] = $id;
			} else {
				add_settings_error( self::OPTION, 'wpwa_invalid_central_connection', __( 'That Cloud API connection no longer exists; the previous choice was kept.', 'wpwa' ) );
			}
		}

		// Checkboxes are absent from the submission when unticked.
		$clean['sandbox_mode']             = ! empty( $input['sandbox_mode'] );
		$clean['delete_data_on_uninstall'] = ! empty( $input['delete_data_on_uninstall'] );
		$clean['shop_manager_access']      = ! empty( $input['shop_manager_access'] );

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

		if ( isset( $input['gateway_url'] ) ) {
			$url = trim( sanitize_text_field( wp_unslash( (string) $input['gateway_url'] ) ) );
			if ( '' === $url ) {
				$clean['gateway_url'] = '';
			} elseif ( self::is_gateway_url( $url ) ) {
				$clean['gateway_url'] = untrailingslashit( esc_url_raw( $url, array( 'http', 'https' ) ) );
			} else {
				add_settings_error(
					self::OPTION,
					'wpwa_invalid_gateway_url',
					sprintf(
						/* translators: %s: the rejected URL. */
						__( 'The gateway URL "%s" was not saved: enter the http(s) address of your WhatsApp session gateway, for example https://waha.example.com. Your other changes were saved.', 'wpwa' ),
						esc_html( $url )
					)
				);
			}
		}

		// The API key field is never pre-filled: blank keeps the saved key.
		if ( isset( $input['gateway_api_key'] ) ) {
			$key = trim( (string) wp_unslash( $input['gateway_api_key'] ) );
			if ( '' !== $key ) {
				if ( strlen( $key ) > 512 || preg_match( '/[\x00-\x1f\x7f]/', $key ) ) {
					add_settings_error( self::OPTION, 'wpwa_invalid_gateway_key', __( 'The gateway API key was not saved: it is longer than 512 characters or contains control characters.', 'wpwa' ) );
				} else {
					$sealed = Core::secret_seal( Gateways::KEY_CONTEXT, $key );
					if ( is_wp_error( $sealed ) ) {
						add_settings_error( self::OPTION, 'wpwa_seal_failed', __( 'The gateway API key could not be stored encrypted, so it was not saved. Check that the wpwa extension is loaded.', 'wpwa' ) );
					} else {
						$clean['gateway_api_key'] = $sealed;
					}
				}
			}
		}
		if ( ! empty( $input['gateway_api_key_clear'] ) ) {
			$clean['gateway_api_key'] = '';
		}

		foreach ( self::POLICY_BOUNDS + self::CONSOLE_BOUNDS as $key => $bounds ) {
			if ( ! isset( $input[ $key ] ) ) {
				continue;
			}
			$raw = trim( (string) wp_unslash( $input[ $key ] ) );
			if ( '' === $raw || ! ctype_digit( $raw ) || (int) $raw < $bounds[0] || (int) $raw > $bounds[1] ) {
				add_settings_error(
					self::OPTION,
					'wpwa_invalid_' . $key,
					sprintf(
						/* translators: 1: setting name, 2: minimum, 3: maximum. */
						__( '%1$s must be a whole number from %2$d to %3$d; the previous value was kept.', 'wpwa' ),
						esc_html( $key ),
						$bounds[0],
						$bounds[1]
					)
				);
				continue;
			}
			$clean[ $key ] = (int) $raw;
		}

		return $clean;
	}
}
