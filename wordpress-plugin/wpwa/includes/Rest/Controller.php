<?php
/**
 * REST routes of the wpwa/v1 namespace.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Rest;

use WP_Error;
use WP_HTTP_Response;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Catalog\Checks;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * `GET /wpwa/v1/status` and `POST /wpwa/v1/token`.
 *
 * @since 0.1.0
 */
final class Controller extends BaseController {

	/**
	 * Namespace.
	 *
	 * @since 0.1.0
	 */
	public const NAMESPACE = 'wpwa/v1';

	/**
	 * Scope needed to read a vendor's status.
	 *
	 * @since 0.1.0
	 */
	public const SCOPE_STATUS_READ = 'status:read';

	/**
	 * Lifetime of issued tokens, in seconds.
	 *
	 * @since 0.1.0
	 */
	public const TOKEN_TTL = 900;

	/**
	 * Hooks.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
		add_filter( 'rest_post_dispatch', array( self::class, 'add_auth_headers' ), 10, 3 );
	}

	/**
	 * Registers the routes.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function register_routes(): void {
		self::route(
			'/status',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( self::class, 'get_status' ),
					'permission_callback' => array( self::class, 'can_read_status' ),
					'args'                => array(
						'vendor_id' => array(
							'description'       => __( 'Vendor whose status to read. Defaults to the caller; only wpwa administrators may name another vendor.', 'wpwa' ),
							'type'              => 'integer',
							'minimum'           => 1,
							'required'          => false,
							'validate_callback' => 'rest_validate_request_arg',
							'sanitize_callback' => 'absint',
						),
					),
				),
			),
			array( self::class, 'status_schema' )
		);

		self::route(
			'/token',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( self::class, 'create_token' ),
					'permission_callback' => array( self::class, 'can_create_token' ),
					'args'                => array(),
				),
			),
			array( self::class, 'token_schema' )
		);
	}

	/**
	 * Permission check of `GET status`.
	 *
	 * @since 0.1.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return true|WP_Error
	 */
	public static function can_read_status( WP_REST_Request $request ) {
		$principal = self::vendor_principal( $request, self::SCOPE_STATUS_READ );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}

		$vendor_id = self::requested_vendor( $request, $principal );
		if ( ! $principal->can_read_vendor( $vendor_id ) ) {
			return new WP_Error(
				'wpwa_forbidden_vendor',
				__( 'You can only read your own WhatsApp status.', 'wpwa' ),
				array( 'status' => 403 )
			);
		}

		return true;
	}

	/**
	 * `GET status`: the vendor's session state and published product count.
	 *
	 * @since 0.1.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function get_status( WP_REST_Request $request ) {
		$principal = self::principal( $request, true, self::SCOPE_STATUS_READ );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}
		$vendor_id = self::requested_vendor( $request, $principal );

		if ( ! get_userdata( $vendor_id ) || ! Vendors::is_vendor( $vendor_id ) ) {
			if ( $vendor_id === $principal->user_id && null === $request->get_param( 'vendor_id' ) ) {
				return new WP_Error(
					'wpwa_vendor_id_required',
					__( 'You are not a vendor yourself: pass the vendor_id of the vendor whose status you want to read.', 'wpwa' ),
					array( 'status' => 400 )
				);
			}
			return new WP_Error(
				'wpwa_vendor_not_found',
				__( 'No vendor exists with this ID.', 'wpwa' ),
				array( 'status' => 404 )
			);
		}

		$session = Core::session_status( $vendor_id );
		if ( is_wp_error( $session ) ) {
			return $session;
		}

		$data = array(
			'vendor_id' => $vendor_id,
			'session'   => array(
				'state' => (string) ( $session['state'] ?? 'disconnected' ),
				'phone' => isset( $session['phone'] ) && '' !== (string) $session['phone'] ? (string) $session['phone'] : null,
				'since' => isset( $session['since'] ) ? (int) $session['since'] : null,
			),
			'products'  => array(
				'published' => Checks::published_count( $vendor_id ),
			),
		);

		return self::respond( $data );
	}

	/**
	 * Permission check of `POST token`: a vendor logged in with cookie + nonce.
	 *
	 * @since 0.1.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return true|WP_Error
	 */
	public static function can_create_token( WP_REST_Request $request ) {
		$principal = self::principal( $request, false );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}
		if ( ! $principal->is_vendor ) {
			return self::not_a_vendor_error();
		}
		return true;
	}

	/**
	 * `POST token`: a 15-minute token with the `status:read` scope for the
	 * current vendor.
	 *
	 * @since 0.1.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function create_token( WP_REST_Request $request ) {
		$principal = self::principal( $request, false );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}

		$token = Core::jwt_issue( $principal->user_id, self::SCOPE_STATUS_READ, self::TOKEN_TTL );
		if ( is_wp_error( $token ) ) {
			return $token;
		}

		Core::event(
			$principal->user_id,
			'info',
			'auth',
			'token_issued',
			array(),
			array(
				'scope'      => self::SCOPE_STATUS_READ,
				'expires_in' => self::TOKEN_TTL,
			)
		);

		$response = new WP_REST_Response(
			array(
				'token'      => $token,
				'expires_in' => self::TOKEN_TTL,
			),
			200
		);
		$response->header( 'Cache-Control', 'no-store' );
		$response->header( 'Pragma', 'no-cache' );
		return $response;
	}

	/**
	 * Adds `WWW-Authenticate` to 401 answers of this namespace (RFC 6750).
	 *
	 * @since 0.1.0
	 *
	 * @param WP_HTTP_Response|mixed $response Response (checked: an earlier filter may return anything).
	 * @param WP_REST_Server         $server   Server.
	 * @param WP_REST_Request|mixed  $request  Request.
	 * @return WP_HTTP_Response|mixed
	 */
	public static function add_auth_headers( $response, $server, $request ) {
		unset( $server );
		if ( ! $response instanceof WP_HTTP_Response || ! $request instanceof WP_REST_Request ) {
			return $response;
		}
		if ( 401 !== $response->get_status() || 0 !== strpos( (string) $request->get_route(), '/' . self::NAMESPACE . '/' ) ) {
			return $response;
		}
		$challenge = 'Bearer realm="wpwa"';
		if ( null !== Auth::bearer_token( $request ) ) {
			$challenge .= ', error="invalid_token"';
		}
		$response->header( 'WWW-Authenticate', $challenge );
		return $response;
	}

	/**
	 * JSON schema of the status resource.
	 *
	 * @since 0.1.0
	 *
	 * @return array<string,mixed>
	 */
	public static function status_schema(): array {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'wpwa-status',
			'type'       => 'object',
			'properties' => array(
				'vendor_id' => array(
					'description' => __( 'Vendor user ID.', 'wpwa' ),
					'type'        => 'integer',
					'readonly'    => true,
				),
				'session'   => array(
					'description' => __( 'WhatsApp session of the vendor.', 'wpwa' ),
					'type'        => 'object',
					'readonly'    => true,
					'properties'  => array(
						'state' => array(
							'type' => 'string',
							'enum' => array( 'disconnected', 'starting', 'waiting_for_scan', 'connected', 'expired', 'logged_out', 'failed' ),
						),
						'phone' => array( 'type' => array( 'string', 'null' ) ),
						'since' => array( 'type' => array( 'integer', 'null' ) ),
					),
				),
				'products'  => array(
					'description' => __( 'Product counts of the vendor.', 'wpwa' ),
					'type'        => 'object',
					'readonly'    => true,
					'properties'  => array(
						'published' => array( 'type' => 'integer' ),
					),
				),
			),
		);
	}

	/**
	 * JSON schema of the token resource.
	 *
	 * @since 0.1.0
	 *
	 * @return array<string,mixed>
	 */
	public static function token_schema(): array {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'wpwa-token',
			'type'       => 'object',
			'properties' => array(
				'token'      => array(
					'description' => __( 'Signed access token (JWT, HS256) for the status:read scope.', 'wpwa' ),
					'type'        => 'string',
					'readonly'    => true,
				),
				'expires_in' => array(
					'description' => __( 'Lifetime of the token in seconds.', 'wpwa' ),
					'type'        => 'integer',
					'readonly'    => true,
				),
			),
		);
	}
}
