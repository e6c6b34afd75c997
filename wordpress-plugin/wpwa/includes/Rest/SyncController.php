<?php
/**
 * REST routes of the catalog sync.
 *
 * @package Wpwa\Plugin
 * @since   0.3.0
 */

namespace Wpwa\Plugin\Rest;

use Throwable;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;
use Wpwa\Plugin\Catalog\Scheduler;
use Wpwa\Plugin\Catalog\Sync;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * - `GET  wpwa/v1/products`: counts (ready, needs attention, synced,
 *   rejected), the products needing attention with reasons and edit links,
 *   the last sync.
 * - `POST wpwa/v1/sync`: plans a sync and runs its first slice (~3 s); 200
 *   with the job (`started` false when a running job was continued).
 * - `GET  wpwa/v1/sync`: the latest job; while it runs and is not waiting
 *   out a rate limit, one more slice (≤ 2 s) runs first, so progress never
 *   depends on WP-Cron alone.
 *
 * Vendors only, on their own data: cookie + `wp_rest` nonce, or a bearer
 * token (`status:read` for the GET routes, `catalog:sync` for POST). A
 * `vendor_id` naming another vendor is refused with 403 (wpwa
 * administrators may read any vendor's).
 *
 * @since 0.3.0
 */
final class SyncController {

	/**
	 * Scope a bearer token needs to start a sync.
	 *
	 * @since 0.3.0
	 */
	public const SCOPE_SYNC = 'catalog:sync';

	/**
	 * Hooks.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
	}

	/**
	 * Registers the routes.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function register_routes(): void {
		$vendor_arg = array(
			'vendor_id' => array(
				'description'       => __( 'Vendor whose catalog this is. Defaults to the caller.', 'wpwa' ),
				'type'              => 'integer',
				'minimum'           => 1,
				'required'          => false,
				'sanitize_callback' => 'absint',
			),
		);
		register_rest_route(
			Controller::NAMESPACE,
			'/products',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( self::class, 'get_products' ),
				'permission_callback' => static fn( WP_REST_Request $r ) => self::permission( $r, false ),
				'args'                => $vendor_arg,
			)
		);
		register_rest_route(
			Controller::NAMESPACE,
			'/sync',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( self::class, 'get_sync' ),
					'permission_callback' => static fn( WP_REST_Request $r ) => self::permission( $r, false ),
					'args'                => $vendor_arg,
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( self::class, 'post_sync' ),
					'permission_callback' => static fn( WP_REST_Request $r ) => self::permission( $r, true ),
					'args'                => $vendor_arg,
				),
			)
		);
	}

	/**
	 * Permission check shared by the routes.
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @param bool            $write   Whether the route starts work.
	 * @return true|WP_Error
	 */
	public static function permission( WP_REST_Request $request, bool $write ) {
		try {
			if ( ! Core::available() ) {
				return Core::unavailable_error();
			}
			$principal = Auth::resolve( $request, true, $write ? self::SCOPE_SYNC : Controller::SCOPE_STATUS_READ );
			if ( is_wp_error( $principal ) ) {
				return $principal;
			}
			if ( ! $principal->is_vendor && ! $principal->is_admin ) {
				return new WP_Error( 'wpwa_not_a_vendor', __( 'Only marketplace vendors can use this endpoint.', 'wpwa' ), array( 'status' => 403 ) );
			}
			$vendor_id = self::vendor( $request, $principal );
			$own       = $principal->is_vendor && $vendor_id === $principal->user_id;
			if ( ! $own && ( $write || ! $principal->is_admin ) ) {
				return new WP_Error( 'wpwa_forbidden_vendor', __( 'You can only see and sync your own products.', 'wpwa' ), array( 'status' => 403 ) );
			}
			if ( ! $own && ! Vendors::is_vendor( $vendor_id ) ) {
				return new WP_Error( 'wpwa_vendor_not_found', __( 'No vendor exists with this ID.', 'wpwa' ), array( 'status' => 404 ) );
			}
			return true;
		} catch ( Throwable $e ) {
			return Core::to_error( $e );
		}
	}

	/**
	 * The vendor a request is about.
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request   Request.
	 * @param Principal       $principal Caller.
	 * @return int
	 */
	private static function vendor( WP_REST_Request $request, Principal $principal ): int {
		$requested = $request->get_param( 'vendor_id' );
		return null === $requested || '' === $requested ? $principal->user_id : absint( $requested );
	}

	/**
	 * The vendor of an already-authorised request.
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return int
	 */
	private static function vendor_of( WP_REST_Request $request ): int {
		$principal = Auth::resolve( $request, true );
		return $principal instanceof Principal ? self::vendor( $request, $principal ) : 0;
	}

	/**
	 * A no-store JSON response.
	 *
	 * @since 0.3.0
	 *
	 * @param array<string,mixed> $data   Body.
	 * @param int                 $status HTTP status.
	 * @return WP_REST_Response
	 */
	private static function respond( array $data, int $status = 200 ): WP_REST_Response {
		$response = new WP_REST_Response( $data, $status );
		$response->header( 'Cache-Control', 'no-store, private' );
		return $response;
	}

	/**
	 * `GET products`.
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function get_products( WP_REST_Request $request ) {
		try {
			$overview = Sync::overview( self::vendor_of( $request ) );
			return is_wp_error( $overview ) ? $overview : self::respond( $overview );
		} catch ( Throwable $e ) {
			return Core::to_error( $e );
		}
	}

	/**
	 * `POST sync`.
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function post_sync( WP_REST_Request $request ) {
		try {
			$vendor_id = self::vendor_of( $request );
			// Planned here, worked by the background queue (Action Scheduler).
			$result    = Sync::start( $vendor_id, 'manual', 0 );
			if ( is_wp_error( $result ) ) {
				return $result;
			}
			return self::respond(
				array(
					'started' => $result['started'],
					'job'     => Sync::present( $result['job'] ),
				)
			);
		} catch ( Throwable $e ) {
			return Core::to_error( $e );
		}
	}

	/**
	 * `GET sync`.
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function get_sync( WP_REST_Request $request ) {
		try {
			$vendor_id = self::vendor_of( $request );
			$job       = Core::catalog_sync_status( $vendor_id );
			if ( is_wp_error( $job ) ) {
				return $job;
			}
			$now_ms = (int) floor( microtime( true ) * 1000 );
			// Each poll has the queue run the job's due slice, so that a sync
			// progresses while the vendor watches even where WP-Cron seldom runs.
			// A slice that would only sleep through a rate-limit wait is not worth a request.
			if ( is_array( $job ) && 'running' === $job['state'] && (int) $job['wait_until_ms'] <= $now_ms + 1000 ) {
				Scheduler::run_due_slice( $vendor_id, (int) $job['job_id'], Sync::POLL_SLICE_MS );
				$job = Core::catalog_sync_status( $vendor_id, (int) $job['job_id'] );
				if ( is_wp_error( $job ) ) {
					return $job;
				}
			}
			return self::respond( array( 'job' => is_array( $job ) ? Sync::present( $job ) : null ) );
		} catch ( Throwable $e ) {
			return Core::to_error( $e );
		}
	}
}
