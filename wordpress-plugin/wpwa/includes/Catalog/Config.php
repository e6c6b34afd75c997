<?php
/**
 * Catalog sync settings.
 *
 * @package Wpwa\Plugin
 * @since   0.3.0
 */

namespace Wpwa\Plugin\Catalog;

use Wpwa\Plugin\CloudConnections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Integrations\Marketplace;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * The `wpwa_catalog` option (saved from the "Catalog" section of the
 * settings page): the Cloud API catalog connection, batch size, image limit,
 * schedule and currency; and what the core is given from it.
 *
 * @since 0.3.0
 */
final class Config {

	/**
	 * Option name.
	 *
	 * @since 0.3.0
	 */
	public const OPTION = 'wpwa_catalog';

	/**
	 * Context the access token is sealed with.
	 *
	 * @since 0.3.0
	 */
	public const TOKEN_CONTEXT = 'cloud.access_token';

	/**
	 * The sandbox's default access token.
	 *
	 * @since 0.3.0
	 */
	public const SANDBOX_TOKEN = 'sandbox-token';

	/**
	 * Catalog used in sandbox mode when no catalog ID is set.
	 *
	 * @since 0.3.0
	 */
	public const SANDBOX_CATALOG_ID = '100000000000001';

	/**
	 * Graph API address.
	 *
	 * @since 0.3.0
	 */
	public const GRAPH_URL = 'https://graph.facebook.com';

	/**
	 * Defaults.
	 *
	 * @since 0.3.0
	 *
	 * @return array<string,mixed>
	 */
	public static function defaults(): array {
		return array(
			'catalog_id'    => '',
			'access_token'  => '',
			'graph_version' => 'v21.0',
			'batch_size'    => 100,
			'image_max_mb'  => 5,
			'schedule'      => 'weekly',
			'schedule_day'  => 0,
			'schedule_hour' => 3,
			'currency'      => 'USD',
			'change_delay'  => 5,
		);
	}

	/**
	 * Settings with defaults applied and types normalised.
	 *
	 * @since 0.3.0
	 *
	 * @return array<string,mixed>
	 */
	public static function all(): array {
		$stored = get_option( self::OPTION, array() );
		$stored = is_array( $stored ) ? $stored : array();
		$s      = array_merge( self::defaults(), array_intersect_key( $stored, self::defaults() ) );

		$s['catalog_id']    = preg_match( '/^\d{1,64}$/', (string) $s['catalog_id'] ) ? (string) $s['catalog_id'] : '';
		$s['access_token']  = (string) $s['access_token'];
		$s['graph_version'] = preg_match( '/^v\d{1,3}\.\d{1,3}$/', (string) $s['graph_version'] ) ? (string) $s['graph_version'] : 'v21.0';
		$s['batch_size']    = min( 100, max( 1, (int) $s['batch_size'] ) );
		$s['image_max_mb']  = min( 8, max( 1, (int) $s['image_max_mb'] ) );
		$s['schedule']      = 'off' === $s['schedule'] ? 'off' : 'weekly';
		$s['schedule_day']  = min( 6, max( 0, (int) $s['schedule_day'] ) );
		$s['schedule_hour'] = min( 23, max( 0, (int) $s['schedule_hour'] ) );
		$s['currency']      = preg_match( '/^[A-Z]{3}$/', (string) $s['currency'] ) ? (string) $s['currency'] : 'USD';
		$s['change_delay']  = min( 60, max( 0, (int) $s['change_delay'] ) );
		return $s;
	}

	/**
	 * One setting.
	 *
	 * @since 0.3.0
	 *
	 * @param string $key Key.
	 * @return mixed
	 */
	public static function get( string $key ) {
		$all = self::all();
		return $all[ $key ] ?? null;
	}

	/**
	 * The shop's currency: WooCommerce's when it is active, else the setting.
	 *
	 * @since 0.3.0
	 *
	 * @return string
	 */
	public static function currency(): string {
		if ( function_exists( 'get_woocommerce_currency' ) ) {
			$code = strtoupper( (string) get_woocommerce_currency() );
			if ( preg_match( '/^[A-Z]{3}$/', $code ) ) {
				return $code;
			}
		}
		return (string) self::get( 'currency' );
	}

	/**
	 * The marketplace's Cloud API account (`url`, `version`, `token`): the
	 * sandbox's in sandbox mode, else Meta's Graph API with the saved token
	 * (empty when none is saved).
	 *
	 * @since 0.5.0
	 *
	 * @return array{url:string,version:string,token:string}
	 */
	public static function account(): array {
		$s = self::all();
		if ( Settings::get( 'sandbox_mode' ) ) {
			return array(
				'url'     => (string) Settings::get( 'sandbox_url' ),
				'version' => $s['graph_version'],
				'token'   => self::SANDBOX_TOKEN,
			);
		}
		$token = '';
		if ( '' !== $s['access_token'] ) {
			$opened = Core::secret_open( self::TOKEN_CONTEXT, $s['access_token'] );
			$token  = is_string( $opened ) ? $opened : '';
		}
		return array(
			'url'     => self::GRAPH_URL,
			'version' => $s['graph_version'],
			'token'   => $token,
		);
	}

	/**
	 * The Cloud API connection a vendor's catalog syncs through (`url`,
	 * `version`, `token`, `catalog_id`), or a WP_Error saying what to set up.
	 * Under integration model 2 it is the vendor's assigned connection; under
	 * model 1, the central Cloud API connection when one is chosen, else the
	 * catalog ID and token of this section.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,string>|\WP_Error
	 */
	public static function connection( int $vendor_id ) {
		$s       = self::all();
		$sandbox = (bool) Settings::get( 'sandbox_mode' );
		$central = (string) Settings::get( 'central_cloud_connection' );
		if ( 'per_vendor' === Settings::get( 'integration_model' ) || '' !== $central ) {
			// Model 2: the vendor's own Cloud API connection, or a clear refusal;
			// model 1 with a central connection chosen: that one.
			$connection = 'per_vendor' === Settings::get( 'integration_model' ) ? CloudConnections::for_vendor( $vendor_id ) : CloudConnections::core_connection( $central );
			if ( is_wp_error( $connection ) ) {
				return $connection;
			}
		} else {
			$catalog_id = $s['catalog_id'];
			if ( '' === $catalog_id && $sandbox ) {
				$catalog_id = self::SANDBOX_CATALOG_ID;
			}
			$connection = self::account() + array( 'catalog_id' => $catalog_id );
		}

		/**
		 * Filters the Cloud API connection a vendor's catalog syncs through,
		 * e.g. to give each vendor their own catalog under integration model 2.
		 *
		 * @since 0.3.0
		 *
		 * @param array<string,string> $connection url, version, token, catalog_id.
		 * @param int                  $vendor_id  Vendor user ID.
		 * @param bool                 $sandbox    Whether sandbox mode is on.
		 */
		$connection = apply_filters( 'wpwa_catalog_connection', $connection, $vendor_id, $sandbox );
		if ( ! is_array( $connection ) || '' === (string) ( $connection['catalog_id'] ?? '' ) || '' === (string) ( $connection['token'] ?? '' ) ) {
			return new \WP_Error(
				'wpwa_catalog_not_configured',
				__( 'The WhatsApp catalog is not set up yet: the marketplace administrator must enter the catalog ID and access token in WhatsApp → Settings → Catalog.', 'wpwa' ),
				array( 'status' => 409 )
			);
		}
		return array_map( 'strval', array_intersect_key( $connection, array_flip( array( 'url', 'version', 'token', 'catalog_id' ) ) ) );
	}

	/**
	 * Rules and sync options for the core.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>
	 */
	public static function options( int $vendor_id ): array {
		$s       = self::all();
		$options = array(
			'currency'        => self::currency(),
			'max_image_bytes' => $s['image_max_mb'] * 1024 * 1024,
			'default_brand'   => self::store_name( $vendor_id ),
			'batch_size'      => $s['batch_size'],
		);

		/**
		 * Filters the catalog rules and sync options given to the core:
		 * `currency`, `max_image_bytes`, `default_brand`, `batch_size`, and
		 * optionally `concurrency` (1–16) and `poll_interval_ms`.
		 *
		 * @since 0.3.0
		 *
		 * @param array<string,mixed> $options   Options.
		 * @param int                 $vendor_id Vendor user ID.
		 */
		$filtered = apply_filters( 'wpwa_catalog_sync_options', $options, $vendor_id );
		return is_array( $filtered ) ? $filtered : $options;
	}

	/**
	 * The vendor's store name (the brand of products without one): the
	 * marketplace's, as plain text (Vendors::store_name()); the site's name
	 * when the vendor has none.
	 *
	 * @since 0.3.0
	 * @since 0.7.0 Through Vendors::store_name().
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return string
	 */
	public static function store_name( int $vendor_id ): string {
		$name = Vendors::store_name( $vendor_id );
		// WordPress stores the site title HTML-escaped.
		return '' !== $name ? $name : Marketplace::plain_text( (string) get_bloginfo( 'name' ) );
	}

	/**
	 * Sanitize callback of the option.
	 *
	 * @since 0.3.0
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
		$error = static function ( string $code, string $message ) {
			add_settings_error( self::OPTION, $code, $message );
		};

		if ( isset( $input['catalog_id'] ) ) {
			$id = trim( sanitize_text_field( wp_unslash( (string) $input['catalog_id'] ) ) );
			if ( '' === $id || preg_match( '/^\d{1,64}$/', $id ) ) {
				$clean['catalog_id'] = $id;
			} else {
				$error( 'wpwa_invalid_catalog_id', __( 'The catalog ID must be the numeric ID of your WhatsApp (Meta commerce) catalog; the previous value was kept.', 'wpwa' ) );
			}
		}
		if ( isset( $input['graph_version'] ) ) {
			$version = trim( sanitize_text_field( wp_unslash( (string) $input['graph_version'] ) ) );
			if ( preg_match( '/^v\d{1,3}\.\d{1,3}$/', $version ) ) {
				$clean['graph_version'] = $version;
			} else {
				$error( 'wpwa_invalid_graph_version', __( 'The Graph API version must look like v21.0; the previous value was kept.', 'wpwa' ) );
			}
		}
		// Never pre-filled: blank keeps the saved token.
		if ( isset( $input['access_token'] ) ) {
			$token = trim( (string) wp_unslash( $input['access_token'] ) );
			if ( '' !== $token ) {
				if ( strlen( $token ) > 2048 || preg_match( '/[\x00-\x20\x7f]/', $token ) ) {
					$error( 'wpwa_invalid_access_token', __( 'The access token was not saved: it is too long or contains spaces or control characters.', 'wpwa' ) );
				} else {
					$sealed = Core::secret_seal( self::TOKEN_CONTEXT, $token );
					if ( is_wp_error( $sealed ) ) {
						$error( 'wpwa_seal_failed', __( 'The access token could not be stored encrypted, so it was not saved. Check that the wpwa extension is loaded.', 'wpwa' ) );
					} else {
						$clean['access_token'] = $sealed;
					}
				}
			}
		}
		if ( ! empty( $input['access_token_clear'] ) ) {
			$clean['access_token'] = '';
		}

		$ranges = array(
			'batch_size'    => array( 1, 100, __( 'Batch size', 'wpwa' ) ),
			'image_max_mb'  => array( 1, 8, __( 'Image size limit', 'wpwa' ) ),
			'schedule_day'  => array( 0, 6, __( 'Day', 'wpwa' ) ),
			'schedule_hour' => array( 0, 23, __( 'Hour', 'wpwa' ) ),
			'change_delay'  => array( 0, 60, __( 'Sync after a product change', 'wpwa' ) ),
		);
		foreach ( $ranges as $key => list( $min, $max, $label ) ) {
			if ( ! isset( $input[ $key ] ) ) {
				continue;
			}
			$raw = trim( (string) wp_unslash( $input[ $key ] ) );
			if ( ! ctype_digit( $raw ) || (int) $raw < $min || (int) $raw > $max ) {
				$error(
					'wpwa_invalid_' . $key,
					sprintf(
						/* translators: 1: setting name, 2: minimum, 3: maximum. */
						__( '%1$s must be a whole number from %2$d to %3$d; the previous value was kept.', 'wpwa' ),
						$label,
						$min,
						$max
					)
				);
				continue;
			}
			$clean[ $key ] = (int) $raw;
		}
		if ( isset( $input['schedule'] ) ) {
			$clean['schedule'] = 'off' === $input['schedule'] ? 'off' : 'weekly';
		}
		if ( isset( $input['currency'] ) ) {
			$code = strtoupper( trim( sanitize_text_field( wp_unslash( (string) $input['currency'] ) ) ) );
			if ( preg_match( '/^[A-Z]{3}$/', $code ) ) {
				$clean['currency'] = $code;
			} else {
				$error( 'wpwa_invalid_currency', __( 'The currency must be a three-letter ISO 4217 code such as USD or EUR; the previous value was kept.', 'wpwa' ) );
			}
		}
		return $clean;
	}
}
