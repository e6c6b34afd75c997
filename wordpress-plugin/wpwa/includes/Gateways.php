<?php
/**
 * Session gateway connections (integration models 1 and 2).
 *
 * @package Wpwa\Plugin
 * @since   0.2.0
 */

namespace Wpwa\Plugin;

use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Knows every gateway connection: the central one (model 1, from the
 * settings) and the additional ones an admin defines and assigns to vendors
 * (model 2). Builds the connection array the core expects, with the webhook
 * URL and key of each connection.
 *
 * API keys are stored sealed by the core (context `gateway.api_key`) and are
 * only opened when a call needs them.
 *
 * @since 0.2.0
 */
final class Gateways {

	/**
	 * ID of the marketplace's own connection.
	 *
	 * @since 0.2.0
	 */
	public const CENTRAL = 'central';

	/**
	 * Option holding the additional connections: id => {label, url, api_key (sealed)}.
	 *
	 * @since 0.2.0
	 */
	public const OPTION = 'wpwa_gateway_connections';

	/**
	 * User meta: the connection an admin assigned to a vendor (model 2).
	 *
	 * @since 0.2.0
	 */
	public const ASSIGN_META = 'wpwa_gateway_connection';

	/**
	 * User meta: the connection the vendor's current session was started on.
	 *
	 * @since 0.2.0
	 */
	public const SESSION_META = 'wpwa_session_connection';

	/**
	 * Context the API keys are sealed with.
	 *
	 * @since 0.2.0
	 */
	public const KEY_CONTEXT = 'gateway.api_key';

	/**
	 * API key of the sandbox when none is saved.
	 *
	 * @since 0.2.0
	 */
	public const SANDBOX_KEY = 'sandbox-key';

	/**
	 * Rulebook group of a connection's fields.
	 *
	 * @since 0.7.0
	 */
	public const RULES_GROUP = 'gateway_connection';

	/**
	 * The API key field of additional connections.
	 *
	 * @since 0.7.0
	 *
	 * @return SealedCredential
	 */
	public static function key_field(): SealedCredential {
		return new SealedCredential( self::KEY_CONTEXT, self::RULES_GROUP, 'api_key' );
	}

	/**
	 * The additional (model 2) connections, sanitized.
	 *
	 * @since 0.2.0
	 *
	 * @return array<string,array{label:string,url:string,api_key:string}>
	 */
	public static function extra(): array {
		$stored = get_option( self::OPTION, array() );
		$clean  = array();
		foreach ( is_array( $stored ) ? $stored : array() as $id => $conn ) {
			$id = (string) $id;
			if ( ! self::valid_id( $id ) || self::CENTRAL === $id || ! is_array( $conn ) ) {
				continue;
			}
			$clean[ $id ] = array(
				'label'   => isset( $conn['label'] ) ? (string) $conn['label'] : $id,
				'url'     => isset( $conn['url'] ) ? (string) $conn['url'] : '',
				'api_key' => isset( $conn['api_key'] ) ? (string) $conn['api_key'] : '',
			);
		}
		return $clean;
	}

	/**
	 * Whether a string is a valid connection ID.
	 *
	 * @since 0.2.0
	 *
	 * @param string $id Candidate.
	 * @return bool
	 */
	public static function valid_id( string $id ): bool {
		return Rules::valid_id( self::RULES_GROUP, $id );
	}

	/**
	 * Label of a connection ID (for admin screens).
	 *
	 * @since 0.2.0
	 *
	 * @param string $id Connection ID.
	 * @return string
	 */
	public static function label( string $id ): string {
		if ( self::CENTRAL === $id ) {
			return __( 'Marketplace gateway (central)', 'wpwa' );
		}
		$extra = self::extra();
		return isset( $extra[ $id ] ) ? $extra[ $id ]['label'] : $id;
	}

	/**
	 * The connection assigned to a vendor ('' when none), per the integration model.
	 *
	 * @since 0.2.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return string Connection ID or ''.
	 */
	public static function assigned( int $vendor_id ): string {
		if ( 'per_vendor' !== Settings::get( 'integration_model' ) ) {
			return self::CENTRAL;
		}
		$id    = (string) get_user_meta( $vendor_id, self::ASSIGN_META, true );
		$extra = self::extra();
		$id    = ( self::CENTRAL === $id || isset( $extra[ $id ] ) ) ? $id : '';

		/**
		 * Filters which gateway connection a vendor uses under model 2
		 * ('' = none assigned).
		 *
		 * @since 0.2.0
		 *
		 * @param string $id        Connection ID or ''.
		 * @param int    $vendor_id Vendor user ID.
		 */
		return (string) apply_filters( 'wpwa_vendor_gateway_connection', $id, $vendor_id );
	}

	/**
	 * Assigns a connection to a vendor ('' removes the assignment).
	 *
	 * @since 0.2.0
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
		if ( self::CENTRAL !== $id && ! isset( self::extra()[ $id ] ) ) {
			return false;
		}
		update_user_meta( $vendor_id, self::ASSIGN_META, $id );
		return true;
	}

	/**
	 * The connection a vendor's calls go to: for an existing session, the one
	 * it was started on (so a re-assignment never strands it); otherwise the
	 * assigned one.
	 *
	 * @since 0.2.0
	 *
	 * @param int  $vendor_id   Vendor user ID.
	 * @param bool $for_connect Whether a new session is about to start.
	 * @return array<string,string>|WP_Error Core gateway array plus `id`.
	 */
	public static function for_vendor( int $vendor_id, bool $for_connect = false ) {
		$id = '';
		if ( ! $for_connect ) {
			$id = (string) get_user_meta( $vendor_id, self::SESSION_META, true );
			if ( '' !== $id && self::CENTRAL !== $id && ! isset( self::extra()[ $id ] ) ) {
				$id = '';
			}
		}
		if ( '' === $id ) {
			$id = self::assigned( $vendor_id );
		}
		if ( '' === $id ) {
			return new WP_Error(
				'wpwa_no_gateway_connection',
				__( 'No WhatsApp connection has been assigned to your store yet. Please ask the marketplace team to assign one, then try again.', 'wpwa' ),
				array( 'status' => 409 )
			);
		}
		return self::connection( $id );
	}

	/**
	 * The core gateway array of a connection.
	 *
	 * @since 0.2.0
	 *
	 * @param string $id Connection ID.
	 * @return array<string,string>|WP_Error
	 */
	public static function connection( string $id ) {
		$sandbox = (bool) Settings::get( 'sandbox_mode' );
		if ( self::CENTRAL === $id ) {
			$url    = (string) Settings::get( 'gateway_url' );
			$sealed = (string) Settings::get( 'gateway_api_key' );
		} else {
			$extra = self::extra();
			if ( ! isset( $extra[ $id ] ) ) {
				return new WP_Error( 'wpwa_unknown_connection', __( 'This WhatsApp gateway connection no longer exists. Ask the marketplace team to assign another one.', 'wpwa' ), array( 'status' => 409 ) );
			}
			$url    = $extra[ $id ]['url'];
			$sealed = $extra[ $id ]['api_key'];
		}

		// Sandbox mode: every connection talks to the local sandbox.
		if ( $sandbox ) {
			$url = (string) Settings::get( 'sandbox_url' );
		}

		$key = '';
		if ( '' !== $sealed ) {
			$opened = Core::secret_open( self::KEY_CONTEXT, $sealed );
			if ( is_wp_error( $opened ) ) {
				return new WP_Error(
					'wpwa_gateway_not_configured',
					__( 'The WhatsApp gateway API key cannot be read (the site keys changed since it was saved). An administrator must enter it again in WhatsApp → Settings.', 'wpwa' ),
					array( 'status' => 503 )
				);
			}
			$key = (string) $opened;
		} elseif ( $sandbox ) {
			$key = self::SANDBOX_KEY;
		}

		if ( '' === $url || '' === $key ) {
			return new WP_Error(
				'wpwa_gateway_not_configured',
				__( 'WhatsApp connections are not set up on this marketplace yet: the gateway URL or API key is missing. An administrator can add them in WhatsApp → Settings.', 'wpwa' ),
				array( 'status' => 503 )
			);
		}

		return array(
			'id'          => $id,
			'url'         => $url,
			'api_key'     => $key,
			'webhook_url' => self::webhook_url( $id ),
			'webhook_key' => self::webhook_key( $id ),
			'name_prefix' => self::name_prefix(),
		);
	}

	/**
	 * Where the gateway delivers this connection's webhooks.
	 *
	 * @since 0.2.0
	 *
	 * @param string $id Connection ID.
	 * @return string
	 */
	public static function webhook_url( string $id ): string {
		/**
		 * Filters the webhook URL handed to the gateway for a connection (for
		 * sites whose public address differs from what the gateway reaches).
		 *
		 * @since 0.2.0
		 *
		 * @param string $url Default: the REST route wpwa/v1/webhooks/gateway/{id}.
		 * @param string $id  Connection ID.
		 */
		return (string) apply_filters( 'wpwa_gateway_webhook_url', rest_url( 'wpwa/v1/webhooks/gateway/' . rawurlencode( $id ) ), $id );
	}

	/**
	 * The HMAC key of a connection's webhooks, derived from this site's auth
	 * salt (nothing to store, different per site and per connection).
	 *
	 * @since 0.2.0
	 *
	 * @param string $id Connection ID.
	 * @return string
	 */
	public static function webhook_key( string $id ): string {
		return hash_hmac( 'sha256', 'wpwa-gateway-webhook:' . $id, wp_salt( 'auth' ) );
	}

	/**
	 * A short stable ID of this site, prefixed to gateway session names so
	 * several sites can share a gateway.
	 *
	 * @since 0.2.0
	 *
	 * @return string
	 */
	public static function name_prefix(): string {
		return 'wp' . substr( md5( home_url() ), 0, 8 );
	}

	/**
	 * Adds or updates an additional connection. A blank key keeps the saved one.
	 *
	 * @since 0.2.0
	 *
	 * @param string $id    Connection ID.
	 * @param string $label Label.
	 * @param string $url   Gateway URL.
	 * @param string $key   API key in clear ('' keeps the saved key).
	 * @return true|WP_Error
	 */
	public static function save( string $id, string $label, string $url, string $key ) {
		if ( ! self::valid_id( $id ) || self::CENTRAL === $id ) {
			return new WP_Error( 'wpwa_invalid_connection_id', __( 'The connection ID must be 1–40 lowercase letters, digits, "-" or "_", start with a letter or digit, and not be "central".', 'wpwa' ) );
		}
		if ( ! Settings::is_gateway_url( $url ) ) {
			return new WP_Error( 'wpwa_invalid_gateway_url', __( 'Enter the http(s) address of the gateway, for example https://waha.example.com.', 'wpwa' ) );
		}
		$all     = self::extra();
		$current = $all[ $id ] ?? array( 'api_key' => '' );
		$sealed  = self::key_field()->seal_submitted( $key, __( 'The API key', 'wpwa' ) ) ?? (string) $current['api_key'];
		if ( is_wp_error( $sealed ) ) {
			return 'wpwa_invalid_api_key' === $sealed->get_error_code() ? new WP_Error( 'wpwa_invalid_gateway_key', $sealed->get_error_message() ) : $sealed;
		}
		if ( '' === $sealed ) {
			return new WP_Error( 'wpwa_missing_gateway_key', __( 'Enter the API key of this gateway.', 'wpwa' ) );
		}
		$checked = Rules::check( self::RULES_GROUP, array( 'label' => $label ) );
		$label   = is_wp_error( $checked ) ? '' : (string) ( $checked['values']['label'] ?? '' );
		$all[ $id ] = array(
			'label'   => '' !== $label ? $label : $id,
			'url'     => untrailingslashit( esc_url_raw( $url, array( 'http', 'https' ) ) ),
			'api_key' => $sealed,
		);
		update_option( self::OPTION, $all, false );
		return true;
	}

	/**
	 * Removes an additional connection (vendors assigned to it are left
	 * without one until reassigned).
	 *
	 * @since 0.2.0
	 *
	 * @param string $id Connection ID.
	 * @return void
	 */
	public static function delete( string $id ): void {
		$all = self::extra();
		unset( $all[ $id ] );
		update_option( self::OPTION, $all, false );
	}

	/**
	 * Masked API key of a connection, '' when none is saved.
	 *
	 * @since 0.2.0
	 *
	 * @param string $sealed Sealed key.
	 * @return string
	 */
	public static function masked_key( string $sealed ): string {
		return self::key_field()->mask( $sealed );
	}
}
