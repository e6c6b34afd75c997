<?php
/**
 * What every wpwa/v1 controller shares.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Rest;

use Closure;
use Throwable;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * The skeleton of the plugin's REST controllers, in the way WooCommerce's
 * controllers share theirs:
 *
 * - one try/catch: route() wraps every callback and permission callback, so an
 *   exception of the extension becomes the WP_Error Core::to_error() maps it
 *   to (status, code, translated message) and nothing else reaches WordPress;
 * - one caller resolver: principal() and vendor_principal() answer who calls
 *   (cookie + nonce or bearer token) and for which vendor;
 * - one response: every answer of a route, errors included, carries
 *   `Cache-Control: no-store, private` (rate limits add Retry-After);
 * - a schema per route, given to route() next to its endpoints.
 *
 * The controllers are static, as WordPress calls them; a subclass adds its
 * routes in register_routes() and its hooks in register_hooks().
 *
 * @since 0.7.0
 */
abstract class BaseController {

	/**
	 * The cache policy of every answer: per user, never stored.
	 *
	 * @since 0.7.0
	 */
	public const CACHE_CONTROL = 'no-store, private';

	/**
	 * Registers one route of the wpwa/v1 namespace with its schema. Each
	 * endpoint's callback and permission callback run inside the shared
	 * try/catch; permission callbacks of routes that need the extension
	 * answer 503 while it is not loaded.
	 *
	 * @since 0.7.0
	 *
	 * @param string                         $path       Route, e.g. `/sync`.
	 * @param array<int,array<string,mixed>> $endpoints  Endpoints (methods, callback, permission_callback, args).
	 * @param callable|null                  $schema     Returns the JSON schema of the route's resource.
	 * @param bool                           $needs_core Whether the route works only with the extension loaded.
	 * @return void
	 */
	protected static function route( string $path, array $endpoints, ?callable $schema = null, bool $needs_core = true ): void {
		$args = array();
		foreach ( $endpoints as $endpoint ) {
			$endpoint['callback']            = self::guard( $endpoint['callback'] );
			$endpoint['permission_callback'] = self::guard_permission( $endpoint['permission_callback'], $needs_core );
			$args[]                          = $endpoint;
		}
		if ( null !== $schema ) {
			$args['schema'] = $schema;
		}
		register_rest_route( Controller::NAMESPACE, $path, $args );
	}

	/**
	 * A route callback inside the one try/catch, its answer made no-store.
	 *
	 * @since 0.7.0
	 *
	 * @param callable $callback fn( WP_REST_Request ): WP_REST_Response|WP_Error.
	 * @return Closure
	 */
	protected static function guard( callable $callback ): Closure {
		return static function ( WP_REST_Request $request ) use ( $callback ) {
			try {
				$result = $callback( $request );
			} catch ( Throwable $e ) {
				$result = Core::to_error( $e );
			}
			if ( $result instanceof WP_Error ) {
				return self::error_response( $result );
			}
			if ( $result instanceof WP_REST_Response && ! isset( $result->get_headers()['Cache-Control'] ) ) {
				$result->header( 'Cache-Control', self::CACHE_CONTROL );
			}
			return $result;
		};
	}

	/**
	 * A permission callback inside the one try/catch, after the check that
	 * the extension is there where the route needs it.
	 *
	 * @since 0.7.0
	 *
	 * @param callable $check      fn( WP_REST_Request ): true|WP_Error.
	 * @param bool     $needs_core Whether to answer 503 without the extension.
	 * @return Closure
	 */
	protected static function guard_permission( callable $check, bool $needs_core = true ): Closure {
		return static function ( WP_REST_Request $request ) use ( $check, $needs_core ) {
			try {
				if ( $needs_core && ! Core::available() ) {
					return Core::unavailable_error();
				}
				return $check( $request );
			} catch ( Throwable $e ) {
				return Core::to_error( $e );
			}
		};
	}

	/**
	 * A JSON answer that no cache keeps.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $data   Body.
	 * @param int                 $status HTTP status.
	 * @return WP_REST_Response
	 */
	protected static function respond( array $data, int $status = 200 ): WP_REST_Response {
		$response = new WP_REST_Response( $data, $status );
		$response->header( 'Cache-Control', self::CACHE_CONTROL );
		return $response;
	}

	/**
	 * An error as WordPress would answer it (same body and status), no-store,
	 * with Retry-After when the core says when to come back.
	 *
	 * @since 0.7.0
	 *
	 * @param WP_Error $error Error.
	 * @return WP_REST_Response
	 */
	protected static function error_response( WP_Error $error ): WP_REST_Response {
		$data     = (array) $error->get_error_data();
		$response = rest_convert_error_to_response( $error );
		if ( isset( $data['retry_after'] ) ) {
			$response->header( 'Retry-After', (string) max( 1, (int) $data['retry_after'] ) );
		}
		$response->header( 'Cache-Control', self::CACHE_CONTROL );
		return $response;
	}

	/**
	 * The page a form posted without JavaScript came from (its
	 * `_wp_http_referer` field, on this site only, without `$result_arg`), or
	 * null for API calls.
	 *
	 * @since 0.7.0
	 * @since 0.15.0 Shared by the routes forms are posted to; takes the result argument.
	 *
	 * @param WP_REST_Request $request    Request.
	 * @param string          $result_arg Query argument the outcome goes back in.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return string|null
	 */
	protected static function form_page( WP_REST_Request $request, string $result_arg ): ?string {
		$params = $request->get_body_params();
		if ( ! isset( $params['_wp_http_referer'] ) || ! is_string( $params['_wp_http_referer'] ) ) {
			return null;
		}
		$page_id  = (int) get_option( Settings::PAGE_OPTION, 0 );
		$fallback = $page_id > 0 ? (string) get_permalink( $page_id ) : home_url( '/' );
		$back     = wp_validate_redirect( wp_sanitize_redirect( $params['_wp_http_referer'] ), $fallback );
		return remove_query_arg( $result_arg, '' !== $back ? $back : $fallback );
	}

	/**
	 * Who calls: a logged-in user (cookie + `wp_rest` nonce) or, where the
	 * route allows it, the vendor a bearer token was issued to.
	 *
	 * @since 0.7.0
	 *
	 * @param WP_REST_Request $request      Request.
	 * @param bool            $allow_bearer Whether a bearer token is accepted.
	 * @param string          $scope        Scope the token needs (none when empty).
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return Principal|WP_Error
	 */
	protected static function principal( WP_REST_Request $request, bool $allow_bearer, string $scope = '' ) {
		return Auth::resolve( $request, $allow_bearer, $scope );
	}

	/**
	 * A caller who is a vendor or a wpwa administrator (403 for anyone else).
	 *
	 * @since 0.7.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @param string          $scope   Scope a bearer token needs.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return Principal|WP_Error
	 */
	protected static function vendor_principal( WP_REST_Request $request, string $scope ) {
		$principal = self::principal( $request, true, $scope );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}
		if ( ! $principal->is_vendor && ! $principal->is_admin ) {
			return self::not_a_vendor_error();
		}
		return $principal;
	}

	/**
	 * The vendor a request is about: its `vendor_id`, else the caller.
	 *
	 * @since 0.7.0
	 *
	 * @param WP_REST_Request    $request   Request.
	 * @param Principal|WP_Error $principal Caller (0 when unresolved and no vendor_id is given).
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return int
	 */
	protected static function requested_vendor( WP_REST_Request $request, $principal ): int {
		$requested = $request->get_param( 'vendor_id' );
		if ( null !== $requested && '' !== $requested ) {
			return absint( $requested );
		}
		return $principal instanceof Principal ? $principal->user_id : 0;
	}

	/**
	 * The 403 for logged-in users who are not vendors.
	 *
	 * @since 0.7.0
	 *
	 * @return WP_Error
	 */
	protected static function not_a_vendor_error(): WP_Error {
		return new WP_Error(
			'wpwa_not_a_vendor',
			__( 'Only marketplace vendors can use this endpoint.', 'wpwa' ),
			array( 'status' => 403 )
		);
	}

	/**
	 * The frame of a route's JSON schema.
	 *
	 * @since 0.7.0
	 *
	 * @param string                            $title      Resource name.
	 * @param array<string,array<string,mixed>> $properties Properties.
	 * @return array<string,mixed>
	 */
	protected static function schema_frame( string $title, array $properties ): array {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => $title,
			'type'       => 'object',
			'properties' => $properties,
		);
	}
}
