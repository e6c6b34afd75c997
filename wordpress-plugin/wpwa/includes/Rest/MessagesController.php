<?php
/**
 * REST routes of WhatsApp Cloud API webhooks (customer messages).
 *
 * @package Wpwa\Plugin
 * @since   0.4.0
 */

namespace Wpwa\Plugin\Rest;

use Throwable;
use WP_Error;
use WP_HTTP_Response;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;
use Wpwa\Plugin\Connections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Messages\Config;
use Wpwa\Plugin\Orders\Config as OrdersConfig;
use Wpwa\Plugin\Rules;
use Wpwa\Plugin\StoreMove;
use Wpwa\Plugin\Webhooks\Queue;

defined( 'ABSPATH' ) || exit;

/**
 * - `GET  wpwa/v1/webhooks/cloud`  the verification handshake (hub.mode, hub.verify_token, hub.challenge)
 * - `POST wpwa/v1/webhooks/cloud`  signed message and status webhooks
 *
 * @since 0.4.0
 */
final class MessagesController extends BaseController {

	/**
	 * The webhook route in the namespace.
	 *
	 * @since 0.16.0
	 */
	public const WEBHOOK_PATH = '/webhooks/cloud';

	/**
	 * The webhook route, as WordPress's REST server names it.
	 *
	 * @since 0.16.0
	 */
	public const WEBHOOK_ROUTE = '/' . Controller::NAMESPACE . self::WEBHOOK_PATH;

	/**
	 * Hooks.
	 *
	 * @since 0.4.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
		add_filter( 'rest_pre_serve_request', array( self::class, 'serve_challenge' ), 10, 4 );
		add_filter( 'rest_request_before_callbacks', array( self::class, 'let_body_through' ), 10, 3 );
	}

	/**
	 * Lets a webhook whose body is not valid JSON reach the callback, which
	 * checks the signature first (401) and logs a signed malformed body (400);
	 * WordPress would otherwise answer `rest_invalid_json` before either.
	 *
	 * @since 0.4.0
	 *
	 * @param mixed               $response Result so far (a WP_Error when parameters were refused).
	 * @param array<string,mixed> $handler Route handler.
	 * @param WP_REST_Request     $request  Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return mixed
	 */
	public static function let_body_through( $response, $handler, $request ) {
		unset( $handler );
		if ( $response instanceof WP_Error && 'rest_invalid_json' === $response->get_error_code()
			&& $request instanceof WP_REST_Request && 'POST' === $request->get_method()
			&& self::WEBHOOK_ROUTE === $request->get_route() ) {
			return null;
		}
		return $response;
	}

	/**
	 * Registers the routes.
	 *
	 * @since 0.4.0
	 *
	 * @return void
	 */
	public static function register_routes(): void {
		register_rest_route(
			Controller::NAMESPACE,
			self::WEBHOOK_PATH,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( self::class, 'handshake' ),
					// Public: Meta calls it when the webhook is set up. The
					// challenge is only echoed for the verify token from the settings.
					'permission_callback' => '__return_true',
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( self::class, 'webhook' ),
					// Deliberately public: Meta cannot log in. The request is
					// authenticated by its X-Hub-Signature-256 (HMAC-SHA256 of the
					// raw body with the app secret), which the core verifies in
					// constant time before anything is read or stored.
					'permission_callback' => '__return_true',
				),
			)
		);
	}

	/**
	 * A query parameter as sent (`hub.mode`) or as PHP renames it (`hub_mode`).
	 *
	 * @since 0.4.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @param string          $name    Name after `hub.`.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return string
	 */
	private static function hub( WP_REST_Request $request, string $name ): string {
		foreach ( array( 'hub.' . $name, 'hub_' . $name ) as $key ) {
			$value = $request->get_param( $key );
			if ( is_scalar( $value ) && '' !== (string) $value ) {
				return (string) $value;
			}
		}
		return '';
	}

	/**
	 * `GET webhooks/cloud`: 200 with the challenge as plain text, else 403.
	 *
	 * @since 0.4.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function handshake( WP_REST_Request $request ) {
		try {
			if ( ! Core::available() ) {
				return Core::unavailable_error();
			}
			$expected = Config::verify_token();
			$answer   = Core::cloud_handshake( self::hub( $request, 'mode' ), self::hub( $request, 'verify_token' ), self::hub( $request, 'challenge' ), $expected );
			if ( ! is_string( $answer ) ) {
				return new WP_Error( 'wpwa_webhook_verify_failed', __( 'The verify token does not match.', 'wpwa' ), array( 'status' => 403 ) );
			}
			$response = new WP_REST_Response( $answer, 200 );
			$response->header( 'Content-Type', 'text/plain; charset=utf-8' );
			$response->header( 'Cache-Control', 'no-store' );
			$response->header( 'X-Wpwa-Plain', '1' );
			return $response;
		} catch ( Throwable $e ) {
			return Core::to_error( $e );
		}
	}

	/**
	 * Serves the handshake's challenge as the bare body (not JSON-encoded).
	 *
	 * @since 0.4.0
	 *
	 * @param bool             $served  Whether the request was served.
	 * @param WP_HTTP_Response $result  Result.
	 * @param WP_REST_Request  $request Request.
	 * @param mixed            $server  Server.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return bool
	 */
	public static function serve_challenge( $served, $result, $request, $server ): bool {
		unset( $server );
		if ( $served || ! $result instanceof WP_HTTP_Response || ! $request instanceof WP_REST_Request ) {
			return (bool) $served;
		}
		$headers = $result->get_headers();
		if ( self::WEBHOOK_ROUTE !== $request->get_route() || empty( $headers['X-Wpwa-Plain'] ) || 200 !== $result->get_status() ) {
			return (bool) $served;
		}
		header_remove( 'X-Wpwa-Plain' );
		echo (string) $result->get_data(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- text/plain challenge, matched against the configured token.
		return true;
	}

	/**
	 * `POST webhooks/cloud`: 413 for oversized bodies, 401 for a missing or
	 * forged signature (nothing stored), 400 for a malformed body (logged,
	 * nothing stored), 200 `{"ok":true}` otherwise (duplicates included, so
	 * Meta stops retrying); 503 with Retry-After, nothing read, while the
	 * store is being moved to the WordPress database.
	 *
	 * @since 0.4.0
	 * @since 0.14.0 503 while the store is being moved.
	 * @since 0.15.0 `account_update` changes are logged and announced (BusinessAccounts).
	 * @since 0.16.0 Follow-ups in Queue::follow_up(), shared with the early ingest path.
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
			$max    = (int) ( Rules::field( 'webhooks', 'cloud_body_bytes' )['max'] ?? 0 );
			$length = (int) $request->get_header( 'content_length' );
			$body   = (string) $request->get_body();
			if ( $length > $max || strlen( $body ) > $max ) {
				return new WP_Error( 'wpwa_webhook_too_large', __( 'Webhook body too large.', 'wpwa' ), array( 'status' => 413 ) );
			}
			$signature = $request->get_header( 'x_hub_signature_256' );
			$signature = is_string( $signature ) && '' !== $signature ? $signature : null;
			$secret    = Connections::app_secret();
			if ( '' === $secret ) {
				return new WP_Error( 'wpwa_webhook_signature', __( 'Missing or invalid webhook signature.', 'wpwa' ), array( 'status' => 401 ) );
			}

			// The vendor directory is the one the core keeps (Messages\Directory),
			// read by the core only once the signature holds.
			// The admin's consent words ride with the routing options (STOP opts out).
			$outcome = Core::cloud_webhook( $body, $signature, $secret, null, array_merge( Config::routing(), OrdersConfig::words() ) );
			if ( is_wp_error( $outcome ) ) {
				$status = (int) ( ( (array) $outcome->get_error_data() )['status'] ?? 500 );
				if ( 401 === $status ) {
					return new WP_Error( 'wpwa_webhook_signature', __( 'Missing or invalid webhook signature.', 'wpwa' ), array( 'status' => 401 ) );
				}
				if ( 400 === $status ) {
					Core::event(
						0,
						'warning',
						'cloud_webhook',
						'cloud_webhook_unreadable',
						array(),
						array(
							'error' => $outcome->get_error_message(),
							'bytes' => strlen( $body ),
						)
					);
					return new WP_Error( 'wpwa_webhook_malformed', __( 'Malformed webhook body.', 'wpwa' ), array( 'status' => 400 ) );
				}
				return new WP_Error( $outcome->get_error_code(), __( 'The webhook could not be processed; retry later.', 'wpwa' ), array( 'status' => $status >= 500 ? $status : 500 ) );
			}

			Queue::follow_up( (array) $outcome );

			$response = new WP_REST_Response( array( 'ok' => true ), 200 );
			$response->header( 'Cache-Control', 'no-store' );
			return $response;
		} catch ( Throwable $e ) {
			return Core::to_error( $e );
		}
	}
}
