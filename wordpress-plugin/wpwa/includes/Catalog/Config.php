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
use Wpwa\Plugin\OptionStore;
use Wpwa\Plugin\Rules;
use Wpwa\Plugin\SealedCredential;
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
	 * The rulebook group of this option's ruled fields.
	 *
	 * @since 0.7.0
	 */
	public const RULES_GROUP = 'catalog';

	/**
	 * The option's store.
	 *
	 * @var OptionStore|null
	 */
	private static ?OptionStore $store = null;

	/**
	 * The access token field.
	 *
	 * @var SealedCredential|null
	 */
	private static ?SealedCredential $token = null;

	/**
	 * The store of the `wpwa_catalog` option.
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
	 * The sealed field of the access token.
	 *
	 * @since 0.7.0
	 *
	 * @return SealedCredential
	 */
	public static function token(): SealedCredential {
		self::$token = self::$token ?? new SealedCredential( self::TOKEN_CONTEXT, self::RULES_GROUP, 'access_token' );
		return self::$token;
	}

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
		$s             = self::store()->all();
		$s['schedule'] = 'off' === $s['schedule'] ? 'off' : 'weekly';
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
		return self::all()[ $key ] ?? null;
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
			$code    = strtoupper( (string) get_woocommerce_currency() );
			$checked = Rules::check( self::RULES_GROUP, array( 'currency' => $code ) );
			if ( ! is_wp_error( $checked ) && isset( $checked['values']['currency'] ) ) {
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
		return array(
			'url'     => self::GRAPH_URL,
			'version' => $s['graph_version'],
			'token'   => (string) self::token()->open( $s['access_token'] ),
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

		// Never pre-filled: blank keeps the saved token.
		$clean['access_token'] = self::token()->sanitize(
			$input['access_token'] ?? null,
			! empty( $input['access_token_clear'] ),
			(string) $current['access_token'],
			self::OPTION,
			__( 'The access token', 'wpwa' )
		);

		$labels = array(
			'catalog_id'    => __( 'Catalog ID', 'wpwa' ),
			'graph_version' => __( 'Graph API version', 'wpwa' ),
			'batch_size'    => __( 'Batch size', 'wpwa' ),
			'image_max_mb'  => __( 'Image size limit', 'wpwa' ),
			'schedule_day'  => __( 'Day', 'wpwa' ),
			'schedule_hour' => __( 'Hour', 'wpwa' ),
			'change_delay'  => __( 'Sync after a product change', 'wpwa' ),
			'currency'      => __( 'Currency', 'wpwa' ),
		);
		if ( isset( $input['currency'] ) && is_string( $input['currency'] ) ) {
			$input['currency'] = strtoupper( $input['currency'] );
		}
		$clean = array_merge( $clean, Rules::sanitize( self::RULES_GROUP, self::OPTION, $input, $labels ) );
		if ( isset( $input['schedule'] ) ) {
			$clean['schedule'] = 'off' === $input['schedule'] ? 'off' : 'weekly';
		}
		return $clean;
	}
}
