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
			// Since 0.15.0: how long a pairing code can be typed on the phone.
			'pairing_code_seconds'     => 180,
			// Since 0.5.0: the admin console.
			'log_retention_days'       => 90,
			'shop_manager_access'      => false,
			'central_cloud_connection' => '',
		);
	}

	/**
	 * The numeric session policy settings (their bounds are the core's: Rules).
	 *
	 * @since 0.7.0 Replaces POLICY_BOUNDS, whose numbers now live in the core.
	 * @since 0.15.0 pairing_code_seconds.
	 */
	public const POLICY_KEYS = array( 'max_starts_per_hour', 'qr_first_seconds', 'qr_next_seconds', 'pairing_code_seconds', 'offline_expiry_days' );

	/**
	 * The rulebook group of this option's ruled fields.
	 *
	 * @since 0.7.0
	 */
	public const RULES_GROUP = 'settings';

	/**
	 * The option's store.
	 *
	 * @var OptionStore|null
	 */
	private static ?OptionStore $store = null;

	/**
	 * The gateway API key field.
	 *
	 * @var SealedCredential|null
	 */
	private static ?SealedCredential $gateway_key = null;

	/**
	 * The store of the `wpwa_settings` option.
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
	 * The sealed field of the central gateway's API key.
	 *
	 * @since 0.7.0
	 *
	 * @return SealedCredential
	 */
	public static function gateway_key(): SealedCredential {
		self::$gateway_key = self::$gateway_key ?? new SealedCredential( Gateways::KEY_CONTEXT, self::RULES_GROUP, 'gateway_api_key' );
		return self::$gateway_key;
	}

	/**
	 * The session policy passed to the core.
	 *
	 * @since 0.2.0
	 *
	 * @return array{max_starts_per_hour:int,qr_first_seconds:int,qr_next_seconds:int,pairing_code_seconds:int,offline_expiry_days:int}
	 */
	public static function policy(): array {
		$settings = self::all();
		$policy   = array();
		foreach ( self::POLICY_KEYS as $key ) {
			$policy[ $key ] = (int) $settings[ $key ];
		}

		/**
		 * Filters the session policy (start limit, QR lifetimes, offline expiry) given to the core.
		 *
		 * @since 0.2.0
		 * @since 0.15.0 pairing_code_seconds.
		 *
		 * @param array<string,int> $policy Keys max_starts_per_hour, qr_first_seconds, qr_next_seconds,
		 *                                  pairing_code_seconds, offline_expiry_days.
		 */
		$filtered = apply_filters( 'wpwa_session_policy', $policy );
		if ( is_array( $filtered ) ) {
			// A filtered value the core refuses is ignored: the setting stands.
			$checked = Rules::check( self::RULES_GROUP, array_intersect_key( $filtered, $policy ) );
			if ( ! is_wp_error( $checked ) ) {
				$policy = array_merge( $policy, array_map( 'intval', $checked['values'] ) );
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
		$settings = self::store()->all();
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
		return self::store()->get( $key );
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
		// Without the extension no gateway can be used, so no URL is taken.
		$checked = '' !== $url ? Rules::check( 'gateway', array( 'gateway_url' => $url ) ) : null;
		return is_array( $checked ) && '' !== (string) ( $checked['values']['gateway_url'] ?? '' );
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
		$clean['gateway_api_key'] = self::gateway_key()->sanitize(
			$input['gateway_api_key'] ?? null,
			! empty( $input['gateway_api_key_clear'] ),
			(string) $current['gateway_api_key'],
			self::OPTION,
			__( 'The gateway API key', 'wpwa' )
		);

		$labels = array(
			'max_starts_per_hour' => __( 'Connection attempts per hour', 'wpwa' ),
			'qr_first_seconds'    => __( 'First QR code lifetime', 'wpwa' ),
			'qr_next_seconds'     => __( 'Next QR codes lifetime', 'wpwa' ),
			'offline_expiry_days' => __( 'Offline expiry', 'wpwa' ),
			'log_retention_days'  => __( 'Keep activity log', 'wpwa' ),
		);
		return array_merge( $clean, Rules::sanitize( self::RULES_GROUP, self::OPTION, $input, $labels ) );
	}
}
