<?php
/**
 * REST routes of the admin console.
 *
 * @package Wpwa\Plugin
 * @since   0.5.0
 */

namespace Wpwa\Plugin\Rest;

use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;
use Wpwa\Plugin\CloudConnections;
use Wpwa\Plugin\Core;

defined( 'ABSPATH' ) || exit;

/**
 * `POST wpwa/v1/admin/connections/{id}/test`: tests a saved Cloud API
 * connection step by step. Cookie + nonce of a user with manage_wpwa only;
 * the answer names what worked and what did not, never a secret.
 *
 * @since 0.5.0
 */
final class AdminController extends BaseController {

	/**
	 * Hooks.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
	}

	/**
	 * Registers the routes.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function register_routes(): void {
		self::route(
			'/admin/connections/(?P<id>[a-z0-9][a-z0-9_-]{0,39})/test',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( self::class, 'test_connection' ),
					'permission_callback' => array( self::class, 'can_manage' ),
				),
			),
			array( self::class, 'test_schema' ),
			false
		);
	}

	/**
	 * Permission: a logged-in user (cookie and nonce) with manage_wpwa.
	 *
	 * @since 0.5.0
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
			return new WP_Error( 'wpwa_forbidden', __( 'Only WhatsApp administrators can use the admin console.', 'wpwa' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * `POST admin/connections/{id}/test`.
	 *
	 * @since 0.5.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function test_connection( WP_REST_Request $request ) {
		$id         = (string) $request->get_param( 'id' );
		$connection = CloudConnections::core_connection( $id );
		if ( is_wp_error( $connection ) ) {
			return new WP_Error( 'wpwa_unknown_connection', $connection->get_error_message(), array( 'status' => 404 ) );
		}
		if ( '' === $connection['token'] ) {
			return new WP_Error( 'wpwa_missing_access_token', __( 'This connection has no access token yet.', 'wpwa' ), array( 'status' => 400 ) );
		}
		$started = microtime( true );
		$checks  = Core::cloud_test( $connection );
		if ( is_wp_error( $checks ) ) {
			return new WP_Error( $checks->get_error_code(), $checks->get_error_message(), array( 'status' => 502 ) );
		}
		$ok = ! in_array( false, array_column( $checks, 'ok' ), true );
		Core::event(
			0,
			$ok ? 'info' : 'warning',
			'settings',
			'cloud_connection_tested',
			array(
				'id' => $id,
				'ok' => $ok,
			),
			array(
				'user_id' => get_current_user_id(),
				'checks'  => $checks,
			)
		);
		return new WP_REST_Response(
			array(
				'connection' => $id,
				'ok'         => $ok,
				'url'        => $connection['url'],
				'checks'     => array_map(
					static fn( $c ) => array(
						'name'   => (string) $c['name'],
						'ok'     => (bool) $c['ok'],
						'detail' => (string) $c['detail'],
					),
					$checks
				),
				'latency_ms' => (int) round( 1000 * ( microtime( true ) - $started ) ),
			),
			200
		);
	}

	/**
	 * JSON schema of a connection test's answer.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public static function test_schema(): array {
		return self::schema_frame(
			'wpwa-connection-test',
			array(
				'connection' => array(
					'description' => __( 'ID of the tested connection.', 'wpwa' ),
					'type'        => 'string',
					'readonly'    => true,
				),
				'ok'         => array(
					'description' => __( 'Whether every step passed.', 'wpwa' ),
					'type'        => 'boolean',
					'readonly'    => true,
				),
				'url'        => array(
					'type'     => 'string',
					'readonly' => true,
				),
				'checks'     => array(
					'description' => __( 'The steps, in order: name, whether it passed, and what was found.', 'wpwa' ),
					'type'        => 'array',
					'readonly'    => true,
					'items'       => array(
						'type'       => 'object',
						'properties' => array(
							'name'   => array( 'type' => 'string' ),
							'ok'     => array( 'type' => 'boolean' ),
							'detail' => array( 'type' => 'string' ),
						),
					),
				),
				'latency_ms' => array(
					'type'     => 'integer',
					'readonly' => true,
				),
			)
		);
	}
}
