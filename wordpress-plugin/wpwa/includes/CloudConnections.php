<?php
/**
 * WhatsApp Business Cloud API connections (integration model 2).
 *
 * @package Wpwa\Plugin
 * @since   0.5.0
 */

namespace Wpwa\Plugin;

use WP_Error;
use Wpwa\Plugin\Catalog\Config as CatalogConfig;

defined( 'ABSPATH' ) || exit;

/**
 * The Cloud API connections an admin defines and assigns to vendors under
 * "Account per vendor": phone number ID, WABA ID, catalog ID, and three
 * secrets (access token, app secret, webhook verify token) sealed by the core,
 * each under its own context. Secrets are opened only to make a call, shown
 * only masked, and replaced without being revealed (a blank field keeps the
 * saved value).
 *
 * @since 0.5.0
 */
final class CloudConnections {

	/**
	 * Option holding the connections: id => fields (secrets sealed).
	 *
	 * @since 0.5.0
	 */
	public const OPTION = 'wpwa_cloud_connections';

	/**
	 * User meta: the Cloud API connection assigned to a vendor.
	 *
	 * @since 0.5.0
	 */
	public const ASSIGN_META = 'wpwa_cloud_connection';

	/**
	 * Secret fields => the context each is sealed with.
	 *
	 * @since 0.5.0
	 */
	public const SECRETS = array(
		'access_token' => CatalogConfig::TOKEN_CONTEXT,
		'app_secret'   => 'cloud.app_secret',
		'verify_token' => 'cloud.verify_token',
	);

	/**
	 * Rulebook group of a connection's fields.
	 *
	 * @since 0.7.0
	 */
	public const RULES_GROUP = 'cloud_connection';

	/**
	 * The sealed field of one of the secrets.
	 *
	 * @since 0.7.0
	 *
	 * @param string $key A key of SECRETS.
	 * @return SealedCredential
	 */
	public static function credential( string $key ): SealedCredential {
		return new SealedCredential( self::SECRETS[ $key ], self::RULES_GROUP, $key );
	}

	/**
	 * Numeric ID fields.
	 *
	 * @since 0.5.0
	 */
	public const IDS = array( 'phone_number_id', 'waba_id', 'catalog_id' );

	/**
	 * Hooks: messages follow the same connection as the catalog.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_filter( 'wpwa_message_connection', array( self::class, 'message_connection' ), 5, 2 );
	}

	/**
	 * Filter `wpwa_message_connection`: under model 2 a vendor's messages go
	 * through their own connection (none assigned: nothing to send with);
	 * under model 1 with a central connection chosen, everything goes through it.
	 *
	 * @since 0.5.0
	 *
	 * @param mixed $connection url, version, token, phone_number_id.
	 * @param mixed $vendor_id  Vendor user ID (0: the marketplace).
	 * @return mixed
	 */
	public static function message_connection( $connection, $vendor_id ) {
		$vendor_id = (int) $vendor_id;
		if ( 'per_vendor' === Settings::get( 'integration_model' ) && $vendor_id > 0 ) {
			$own = self::for_vendor( $vendor_id );
		} elseif ( '' !== (string) Settings::get( 'central_cloud_connection' ) ) {
			$own = self::core_connection( (string) Settings::get( 'central_cloud_connection' ) );
		} else {
			return $connection;
		}
		if ( is_wp_error( $own ) ) {
			return array( 'phone_number_id' => '' ) + (array) $connection;
		}
		return array_intersect_key( $own, array_flip( array( 'url', 'version', 'token', 'phone_number_id', 'waba_id' ) ) );
	}

	/**
	 * All connections, sanitized (secrets still sealed).
	 *
	 * @since 0.5.0
	 *
	 * @return array<string,array<string,string>>
	 */
	public static function all(): array {
		$stored = get_option( self::OPTION, array() );
		$clean  = array();
		foreach ( is_array( $stored ) ? $stored : array() as $id => $conn ) {
			$id = (string) $id;
			if ( ! Rules::valid_id( self::RULES_GROUP, $id ) || ! is_array( $conn ) ) {
				continue;
			}
			$entry = array( 'label' => isset( $conn['label'] ) ? (string) $conn['label'] : $id );
			foreach ( array_merge( self::IDS, array( 'display_number' ), array_keys( self::SECRETS ) ) as $key ) {
				$entry[ $key ] = isset( $conn[ $key ] ) ? (string) $conn[ $key ] : '';
			}
			$clean[ $id ] = $entry;
		}
		return $clean;
	}

	/**
	 * One connection, or null.
	 *
	 * @since 0.5.0
	 *
	 * @param string $id Connection ID.
	 * @return array<string,string>|null
	 */
	public static function get( string $id ): ?array {
		return self::all()[ $id ] ?? null;
	}

	/**
	 * Adds or updates a connection. Secret fields left blank keep the saved
	 * value; every other field is replaced.
	 *
	 * @since 0.5.0
	 *
	 * @param string               $id     Connection ID.
	 * @param array<string,string> $fields label, phone_number_id, waba_id, catalog_id, display_number
	 *                                     (since 0.7.0: the number's digits, for chat buttons) and the secrets in clear.
	 * @return true|WP_Error
	 */
	public static function save( string $id, array $fields ) {
		$values = array( 'id' => $id );
		foreach ( array_merge( array( 'label' ), self::IDS ) as $key ) {
			$values[ $key ] = trim( (string) ( $fields[ $key ] ?? '' ) );
		}
		// The number customers see (chat buttons), written with spaces or dashes.
		$values['display_number'] = (string) preg_replace( '/[\s\-().]/', '', (string) ( $fields['display_number'] ?? '' ) );
		$checked = Rules::check( self::RULES_GROUP, $values );
		if ( is_wp_error( $checked ) ) {
			return $checked;
		}
		foreach ( $checked['problems'] as $problem ) {
			if ( 'id' === $problem['field'] ) {
				return new WP_Error( 'wpwa_invalid_connection_id', Rules::message( $problem, __( 'connection ID', 'wpwa' ) ) );
			}
			if ( 'missing' === $problem['code'] ) {
				return new WP_Error( 'wpwa_missing_' . $problem['field'], __( 'Enter the phone number ID of this WhatsApp Business number.', 'wpwa' ) );
			}
			return new WP_Error( 'wpwa_invalid_' . $problem['field'], Rules::message( $problem, (string) $problem['field'] ) );
		}
		$all   = self::all();
		$entry = $all[ $id ] ?? array_fill_keys( array_merge( self::IDS, array_keys( self::SECRETS ) ), '' );

		$entry['label'] = '' !== $checked['values']['label'] ? (string) $checked['values']['label'] : $id;
		foreach ( self::IDS as $key ) {
			$entry[ $key ] = (string) $checked['values'][ $key ];
		}
		$entry['display_number'] = ltrim( (string) $checked['values']['display_number'], '+' );
		foreach ( array_keys( self::SECRETS ) as $key ) {
			$sealed = self::credential( $key )->seal_submitted( $fields[ $key ] ?? '', $key );
			if ( is_wp_error( $sealed ) ) {
				return $sealed;
			}
			$entry[ $key ] = $sealed ?? $entry[ $key ];
		}
		if ( '' === $entry['access_token'] && ! Settings::get( 'sandbox_mode' ) ) {
			return new WP_Error( 'wpwa_missing_access_token', __( 'Enter the access token of this connection (a system user token from Meta Business Settings).', 'wpwa' ) );
		}
		$all[ $id ] = $entry;
		update_option( self::OPTION, $all, false );
		return true;
	}

	/**
	 * Removes a connection; vendors assigned to it are left without one.
	 *
	 * @since 0.5.0
	 *
	 * @param string $id Connection ID.
	 * @return bool Whether it existed.
	 */
	public static function delete( string $id ): bool {
		$all = self::all();
		if ( ! isset( $all[ $id ] ) ) {
			return false;
		}
		unset( $all[ $id ] );
		update_option( self::OPTION, $all, false );
		return true;
	}

	/**
	 * The mask of a saved secret ('' when none), never the secret.
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,string> $conn Connection.
	 * @param string               $key  Secret field.
	 * @return string
	 */
	public static function masked( array $conn, string $key ): string {
		if ( ! isset( self::SECRETS[ $key ] ) ) {
			return '';
		}
		return self::credential( $key )->mask( (string) ( $conn[ $key ] ?? '' ) );
	}

	/**
	 * The connection ID assigned to a vendor ('' when none).
	 *
	 * @since 0.5.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return string
	 */
	public static function assigned( int $vendor_id ): string {
		$id = (string) get_user_meta( $vendor_id, self::ASSIGN_META, true );
		$id = null !== self::get( $id ) ? $id : '';

		/**
		 * Filters which Cloud API connection a vendor uses under model 2 ('' = none).
		 *
		 * @since 0.5.0
		 *
		 * @param string $id        Connection ID or ''.
		 * @param int    $vendor_id Vendor user ID.
		 */
		return (string) apply_filters( 'wpwa_vendor_cloud_connection', $id, $vendor_id );
	}

	/**
	 * The business numbers that each belong to one vendor under model 2:
	 * `phone_number_id => vendor ID`, for the connections assigned to exactly
	 * one vendor (a connection several vendors share routes by what customers
	 * write, as the central number does). Empty under model 1.
	 *
	 * @since 0.15.0
	 *
	 * @return array<string,int>
	 */
	public static function vendor_numbers(): array {
		if ( 'per_vendor' !== Settings::get( 'integration_model' ) ) {
			return array();
		}
		$vendors = array();
		foreach ( get_users(
			array(
				'meta_key' => self::ASSIGN_META, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key -- the assignments are user meta; read once per webhook.
				'fields'   => 'ID',
				'number'   => -1,
			)
		) as $user_id ) {
			$id = self::assigned( (int) $user_id );
			if ( '' !== $id && Vendors::is_vendor( (int) $user_id ) ) {
				$vendors[ $id ][] = (int) $user_id;
			}
		}
		$numbers = array();
		foreach ( $vendors as $id => $assigned ) {
			$number = (string) ( self::get( (string) $id )['phone_number_id'] ?? '' );
			// Saved through the rulebook's check; an unset one ('') belongs to no one.
			if ( 1 === count( $assigned ) && '' !== $number ) {
				$numbers[ $number ] = $assigned[0];
			}
		}
		return $numbers;
	}

	/**
	 * Assigns a connection to a vendor ('' removes the assignment).
	 *
	 * @since 0.5.0
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param string $id        Connection ID or ''.
	 * @return bool Whether the ID was acceptable.
	 */
	public static function assign( int $vendor_id, string $id ): bool {
		if ( '' === $id ) {
			delete_user_meta( $vendor_id, self::ASSIGN_META );
			return true;
		}
		if ( null === self::get( $id ) ) {
			return false;
		}
		update_user_meta( $vendor_id, self::ASSIGN_META, $id );
		return true;
	}

	/**
	 * The core connection array of a saved connection: url, version, token,
	 * phone_number_id, waba_id, catalog_id. In sandbox mode the URL is the
	 * sandbox's and a connection without a token uses the sandbox's.
	 *
	 * @since 0.5.0
	 *
	 * @param string $id Connection ID.
	 * @return array<string,string>|WP_Error
	 */
	public static function core_connection( string $id ) {
		$conn = self::get( $id );
		if ( null === $conn ) {
			return new WP_Error( 'wpwa_unknown_connection', __( 'This WhatsApp Business API connection no longer exists. Ask the marketplace team to assign another one.', 'wpwa' ), array( 'status' => 409 ) );
		}
		$sandbox = (bool) Settings::get( 'sandbox_mode' );
		$token   = '';
		if ( '' !== $conn['access_token'] ) {
			$opened = Core::secret_open( self::SECRETS['access_token'], $conn['access_token'] );
			if ( is_wp_error( $opened ) ) {
				return new WP_Error( 'wpwa_cloud_not_configured', __( 'The access token of this WhatsApp Business API connection cannot be read (the site keys changed since it was saved). An administrator must enter it again.', 'wpwa' ), array( 'status' => 503 ) );
			}
			$token = (string) $opened;
		} elseif ( $sandbox ) {
			$token = CatalogConfig::SANDBOX_TOKEN;
		}
		return array(
			'url'             => $sandbox ? (string) Settings::get( 'sandbox_url' ) : CatalogConfig::GRAPH_URL,
			'version'         => (string) CatalogConfig::get( 'graph_version' ),
			'token'           => $token,
			'phone_number_id' => $conn['phone_number_id'],
			'waba_id'         => $conn['waba_id'],
			'catalog_id'      => $conn['catalog_id'],
		);
	}

	/**
	 * The Cloud API connection of a vendor under model 2, or a WP_Error that
	 * tells the vendor none is assigned (409).
	 *
	 * @since 0.5.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,string>|WP_Error
	 */
	public static function for_vendor( int $vendor_id ) {
		$id = self::assigned( $vendor_id );
		if ( '' === $id ) {
			return new WP_Error(
				'wpwa_no_cloud_connection',
				__( 'No WhatsApp Business API connection has been assigned to your store yet. Please ask the marketplace team to assign one, then try again.', 'wpwa' ),
				array( 'status' => 409 )
			);
		}
		return self::core_connection( $id );
	}
}
