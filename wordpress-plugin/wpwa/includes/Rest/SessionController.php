<?php
/**
 * REST routes of vendor WhatsApp sessions and gateway webhooks.
 *
 * @package Wpwa\Plugin
 * @since   0.2.0
 */

namespace Wpwa\Plugin\Rest;

use Throwable;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Gateways;
use Wpwa\Plugin\Catalog\Checks;
use Wpwa\Plugin\Rules;
use Wpwa\Plugin\StoreMove;
use Wpwa\Plugin\Sessions;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * - `GET  wpwa/v1/session`            the vendor's session (polls the gateway while a scan is pending)
 * - `POST wpwa/v1/session/connect`    start linking (QR code)
 * - `POST wpwa/v1/session/disconnect` unlink
 * - `POST wpwa/v1/session/pairing-code` a code to type on the phone instead of scanning
 * - `POST wpwa/v1/webhooks/gateway/{connection}` signed gateway webhooks
 * - `POST wpwa/v1/gateway/test`       "Test connection" (wpwa administrators)
 *
 * Session routes take an optional `vendor_id`; only wpwa administrators may
 * name another vendor than themselves (403 otherwise, before anything runs).
 *
 * @since 0.2.0
 */
final class SessionController extends BaseController {

	/**
	 * Scope a bearer token needs to change a session (none is issued today:
	 * changes need the logged-in vendor).
	 *
	 * @since 0.2.0
	 */
	public const SCOPE_SESSION_WRITE = 'session:write';

	/**
	 * The gateway's webhook route in the namespace; the connection ID is its last segment.
	 *
	 * @since 0.16.0
	 */
	public const GATEWAY_WEBHOOK_PATH = '/webhooks/gateway/(?P<connection>[a-z0-9_-]+)';

	/**
	 * Hooks.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
	}

	/**
	 * Registers the routes.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function register_routes(): void {
		$vendor_arg = array(
			'vendor_id' => array(
				'description'       => __( 'Vendor whose session this is. Defaults to the caller; only wpwa administrators may name another vendor.', 'wpwa' ),
				'type'              => 'integer',
				'minimum'           => 1,
				'required'          => false,
				'validate_callback' => 'rest_validate_request_arg',
				'sanitize_callback' => 'absint',
			),
		);

		self::route(
			'/session',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( self::class, 'get_session' ),
					'permission_callback' => array( self::class, 'can_read' ),
					'args'                => $vendor_arg,
				),
			),
			array( self::class, 'session_schema' )
		);
		self::route(
			'/session/connect',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( self::class, 'connect' ),
					'permission_callback' => array( self::class, 'can_write' ),
					'args'                => $vendor_arg,
				),
			),
			array( self::class, 'session_schema' )
		);
		self::route(
			'/session/disconnect',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( self::class, 'disconnect' ),
					'permission_callback' => array( self::class, 'can_write' ),
					'args'                => $vendor_arg,
				),
			),
			array( self::class, 'session_schema' )
		);

		self::route(
			'/session/pairing-code',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( self::class, 'pairing_code' ),
					'permission_callback' => array( self::class, 'can_write' ),
					'args'                => $vendor_arg + array(
						'phone' => array(
							'description'       => __( 'The WhatsApp number to link, with its country code.', 'wpwa' ),
							'type'              => 'string',
							'required'          => true,
							'validate_callback' => 'rest_validate_request_arg',
							'sanitize_callback' => 'sanitize_text_field',
						),
					),
				),
			),
			array( self::class, 'session_schema' )
		);

		register_rest_route(
			Controller::NAMESPACE,
			// Any path segment: the signature, keyed per connection ID, decides.
			self::GATEWAY_WEBHOOK_PATH,
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( self::class, 'webhook' ),
				// Deliberately public: the gateway cannot log in. The request is
				// authenticated by its X-Webhook-Hmac signature (HMAC-SHA512 of
				// the raw body with this connection's key), which the callback
				// verifies in constant time before anything is changed.
				'permission_callback' => '__return_true',
			)
		);

		// Administrators test a gateway that may not be reachable yet; the
		// route answers without the extension too (the test then fails).
		self::route(
			'/gateway/test',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( self::class, 'test_gateway' ),
					'permission_callback' => array( self::class, 'can_manage' ),
					'args'                => array(
						'connection' => array(
							'type'              => 'string',
							'default'           => Gateways::CENTRAL,
							'sanitize_callback' => 'sanitize_key',
						),
						'url'        => array(
							'type'              => 'string',
							'default'           => '',
							'sanitize_callback' => 'sanitize_text_field',
						),
						'api_key'    => array(
							'type'    => 'string',
							'default' => '',
						),
					),
				),
			),
			array( self::class, 'gateway_test_schema' ),
			false
		);
	}

	/**
	 * Permission of `GET session`.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return true|WP_Error
	 */
	public static function can_read( WP_REST_Request $request ) {
		return self::check( $request, Controller::SCOPE_STATUS_READ );
	}

	/**
	 * Permission of `POST session/connect|disconnect`.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return true|WP_Error
	 */
	public static function can_write( WP_REST_Request $request ) {
		return self::check( $request, self::SCOPE_SESSION_WRITE );
	}

	/**
	 * Who may act on which vendor's session.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @param string          $scope   Scope a bearer token needs.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return true|WP_Error
	 */
	private static function check( WP_REST_Request $request, string $scope ) {
		$principal = self::vendor_principal( $request, $scope );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}
		if ( ! $principal->can_read_vendor( self::requested_vendor( $request, $principal ) ) ) {
			return new WP_Error( 'wpwa_forbidden_vendor', __( 'You can only see and change your own WhatsApp connection.', 'wpwa' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * Permission of `POST gateway/test`.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return true|WP_Error
	 */
	public static function can_manage( WP_REST_Request $request ) {
		$principal = self::principal( $request, false );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}
		if ( ! $principal->is_admin ) {
			return new WP_Error( 'wpwa_forbidden', __( 'Only WhatsApp administrators can test gateway connections.', 'wpwa' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * `GET session`.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function get_session( WP_REST_Request $request ) {
		$principal = self::principal( $request, true, Controller::SCOPE_STATUS_READ );
		$vendor_id = self::requested_vendor( $request, $principal );
		$missing   = self::missing_vendor( $vendor_id );
		if ( $missing ) {
			return $missing;
		}
		list( $status, $problem ) = Sessions::current( $vendor_id );
		if ( is_wp_error( $status ) ) {
			return Sessions::public_error( $status, $principal->is_admin );
		}
		$data                  = self::payload( $vendor_id, $status );
		$data['gateway_error'] = null;
		if ( $problem instanceof WP_Error ) {
			$public                = Sessions::public_error( $problem, $principal->is_admin );
			$data['gateway_error'] = array(
				'code'    => $public->get_error_code(),
				'message' => $public->get_error_message(),
			) + array_intersect_key( (array) $public->get_error_data(), array( 'detail' => 1 ) );
		}
		return self::respond( $data );
	}

	/**
	 * `POST session/connect`.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function connect( WP_REST_Request $request ) {
		return self::act( $request, 'connect' );
	}

	/**
	 * `POST session/disconnect`.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function disconnect( WP_REST_Request $request ) {
		return self::act( $request, 'disconnect' );
	}

	/**
	 * `POST session/pairing-code`.
	 *
	 * @since 0.15.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function pairing_code( WP_REST_Request $request ) {
		$principal = self::principal( $request, true, self::SCOPE_SESSION_WRITE );
		$vendor_id = self::requested_vendor( $request, $principal );
		$missing   = self::missing_vendor( $vendor_id );
		if ( $missing ) {
			return $missing;
		}
		$result = Sessions::pairing_code( $vendor_id, (string) $request->get_param( 'phone' ) );
		if ( is_wp_error( $result ) ) {
			return self::error_response( Sessions::public_error( $result, $principal->is_admin ) );
		}
		return self::respond( self::payload( $vendor_id, $result ) );
	}

	/**
	 * Runs connect or disconnect.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @param string          $action  connect|disconnect.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	private static function act( WP_REST_Request $request, string $action ) {
		$principal = self::principal( $request, true, self::SCOPE_SESSION_WRITE );
		$vendor_id = self::requested_vendor( $request, $principal );
		$missing   = self::missing_vendor( $vendor_id );
		if ( $missing ) {
			return $missing;
		}
		$result = 'connect' === $action ? Sessions::connect( $vendor_id ) : Sessions::disconnect( $vendor_id );
		if ( is_wp_error( $result ) ) {
			$error = Sessions::public_error( $result, $principal->is_admin );
			if ( 'disconnect' === $action && 'wpwa_transport_error' === $error->get_error_code() ) {
				// The core ended the session here anyway; say so.
				$error = new WP_Error(
					$error->get_error_code(),
					__( 'Your WhatsApp number was disconnected from the marketplace, but the WhatsApp service could not be told right now. To be sure, remove the device under Settings → Linked devices on your phone.', 'wpwa' ),
					$error->get_error_data()
				);
			}
			return self::error_response( $error );
		}
		return self::respond( self::payload( $vendor_id, $result ) );
	}

	/**
	 * `POST webhooks/gateway/{connection}`: 413 for oversized bodies, 401 for a
	 * missing or forged signature (nothing changes), 400 for malformed bodies,
	 * 200 with the outcome otherwise (duplicates and stale events included,
	 * so the gateway stops retrying); 503 with Retry-After, nothing read,
	 * while the store is being moved to the WordPress database.
	 *
	 * @since 0.2.0
	 * @since 0.14.0 503 while the store is being moved.
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function webhook( WP_REST_Request $request ) {
		try {
			if ( ! Core::available() ) {
				return Core::unavailable_error();
			}
			if ( StoreMove::in_progress() ) {
				// The store is being copied: nothing may be written to the SQLite
				// file now. 503 with Retry-After, so the delivery comes again later.
				return StoreMove::busy_response();
			}
			// The core's cap, read before the body is handed over (the core refuses a
			// larger one again).
			$max    = (int) ( Rules::field( 'webhooks', 'gateway_body_bytes' )['max'] ?? 0 );
			$length = (int) $request->get_header( 'content_length' );
			$body   = (string) $request->get_body();
			if ( $length > $max || strlen( $body ) > $max ) {
				return new WP_Error( 'wpwa_webhook_too_large', __( 'Webhook body too large.', 'wpwa' ), array( 'status' => 413 ) );
			}
			$connection = (string) $request->get_param( 'connection' );
			$signature  = $request->get_header( 'x_webhook_hmac' );
			$signature  = is_string( $signature ) && '' !== $signature ? $signature : null;

			$outcome = Core::session_webhook( $body, $signature, Gateways::webhook_key( $connection ) );
			if ( is_wp_error( $outcome ) ) {
				$code   = $outcome->get_error_code();
				$status = (int) ( ( (array) $outcome->get_error_data() )['status'] ?? 500 );
				if ( 401 === $status ) {
					return new WP_Error( 'wpwa_webhook_signature', __( 'Missing or invalid webhook signature.', 'wpwa' ), array( 'status' => 401 ) );
				}
				if ( 400 === $status ) {
					return new WP_Error( 'wpwa_webhook_malformed', __( 'Malformed webhook body.', 'wpwa' ), array( 'status' => 400 ) );
				}
				return new WP_Error( $code, __( 'The webhook could not be processed; retry later.', 'wpwa' ), array( 'status' => $status >= 500 ? $status : 500 ) );
			}

			if ( 'applied' === ( $outcome['outcome'] ?? '' ) && ! empty( $outcome['vendor_id'] ) ) {
				$vendor_id = (int) $outcome['vendor_id'];
				$status    = Sessions::status( $vendor_id );
				if ( is_array( $status ) ) {
					// The outcome names the state the webhook moved the session from.
					Sessions::after_change( $vendor_id, array( 'state' => (string) ( $outcome['from'] ?? '' ) ), $status, 'webhook' );
				}
			}

			$response = new WP_REST_Response(
				array(
					'outcome' => (string) ( $outcome['outcome'] ?? '' ),
					'state'   => isset( $outcome['state'] ) ? (string) $outcome['state'] : null,
				),
				200
			);
			$response->header( 'Cache-Control', 'no-store' );
			return $response;
		} catch ( Throwable $e ) {
			return Core::to_error( $e );
		}
	}

	/**
	 * `POST gateway/test`: checks the saved connection, or the URL and key
	 * typed in the form (a blank key uses the saved one).
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function test_gateway( WP_REST_Request $request ) {
		$id = (string) $request->get_param( 'connection' );
		if ( Gateways::CENTRAL !== $id && ! isset( Gateways::extra()[ $id ] ) ) {
			$id = Gateways::CENTRAL;
		}
		$url = trim( (string) $request->get_param( 'url' ) );
		$key = trim( (string) $request->get_param( 'api_key' ) );

		$saved = Gateways::connection( $id );
		$gw    = array(
			'url'     => is_array( $saved ) ? $saved['url'] : '',
			'api_key' => is_array( $saved ) ? $saved['api_key'] : '',
		);
		if ( '' !== $url && ! Settings::get( 'sandbox_mode' ) ) {
			if ( ! Settings::is_gateway_url( $url ) ) {
				return new WP_Error( 'wpwa_invalid_gateway_url', __( 'Enter the http(s) address of the gateway, for example https://waha.example.com.', 'wpwa' ), array( 'status' => 400 ) );
			}
			$gw['url'] = $url;
		}
		if ( '' !== $key ) {
			$gw['api_key'] = $key;
		}
		if ( '' === $gw['url'] || '' === $gw['api_key'] ) {
			return new WP_Error(
				'wpwa_gateway_not_configured',
				__( 'Enter the gateway URL and API key first.', 'wpwa' ),
				array( 'status' => 400 )
			);
		}

		$result = Core::gateway_test( $gw );
		if ( is_wp_error( $result ) ) {
			$data = (array) $result->get_error_data();
			return self::error_response(
				new WP_Error(
					$result->get_error_code(),
					isset( $data['detail'] ) ? (string) $data['detail'] : $result->get_error_message(),
					array( 'status' => (int) ( $data['status'] ?? 502 ) )
				)
			);
		}
		return self::respond(
			array(
				'ok'         => (bool) $result['ok'],
				'sessions'   => (int) $result['sessions'],
				'latency_ms' => (int) $result['latency_ms'],
				'url'        => $gw['url'],
				'sandbox'    => (bool) Settings::get( 'sandbox_mode' ),
			)
		);
	}

	/**
	 * The session resource.
	 *
	 * @since 0.2.0
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param array<string,mixed> $status    Status from the core.
	 * @return array<string,mixed>
	 */
	private static function payload( int $vendor_id, array $status ): array {
		$data = array(
			'vendor_id'   => $vendor_id,
			'session'     => Sessions::present( $status ),
			'server_time' => time(),
			'products'    => array(
				'published' => Checks::published_count( $vendor_id ),
			),
		);

		/**
		 * Filters the session resource returned by the wpwa/v1/session routes.
		 *
		 * @since 0.2.0
		 *
		 * @param array<string,mixed> $data      Resource.
		 * @param int                 $vendor_id Vendor user ID.
		 */
		return (array) apply_filters( 'wpwa_rest_session_data', $data, $vendor_id );
	}

	/**
	 * 404/400 when the vendor does not exist (admins naming a user).
	 *
	 * @since 0.2.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return WP_Error|null
	 */
	private static function missing_vendor( int $vendor_id ): ?WP_Error {
		if ( $vendor_id > 0 && get_userdata( $vendor_id ) && Vendors::is_vendor( $vendor_id ) ) {
			return null;
		}
		return new WP_Error( 'wpwa_vendor_not_found', __( 'No vendor exists with this ID. Administrators: pass the vendor_id of a vendor.', 'wpwa' ), array( 'status' => 404 ) );
	}

	/**
	 * JSON schema of the session resource (`GET session`, `POST session/connect|disconnect`).
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public static function session_schema(): array {
		return self::schema_frame(
			'wpwa-session',
			array(
				'vendor_id'     => array(
					'description' => __( 'Vendor user ID.', 'wpwa' ),
					'type'        => 'integer',
					'readonly'    => true,
				),
				'session'       => array(
					'description' => __( 'WhatsApp session of the vendor: state, phone, QR code while waiting for a scan.', 'wpwa' ),
					'type'        => 'object',
					'readonly'    => true,
				),
				'server_time'   => array(
					'description' => __( 'Unix time of the answer, to count down QR code expiry.', 'wpwa' ),
					'type'        => 'integer',
					'readonly'    => true,
				),
				'products'      => array(
					'type'       => 'object',
					'readonly'   => true,
					'properties' => array(
						'published' => array( 'type' => 'integer' ),
					),
				),
				'gateway_error' => array(
					'description' => __( 'GET only: why the gateway could not be asked, or null.', 'wpwa' ),
					'type'        => array( 'object', 'null' ),
					'readonly'    => true,
				),
			)
		);
	}

	/**
	 * JSON schema of `POST gateway/test`.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public static function gateway_test_schema(): array {
		return self::schema_frame(
			'wpwa-gateway-test',
			array(
				'ok'         => array( 'type' => 'boolean' ),
				'sessions'   => array( 'type' => 'integer' ),
				'latency_ms' => array( 'type' => 'integer' ),
				'url'        => array( 'type' => 'string' ),
				'sandbox'    => array( 'type' => 'boolean' ),
			)
		);
	}
}
