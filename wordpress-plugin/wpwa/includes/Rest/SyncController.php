<?php
/**
 * REST routes of the catalog sync.
 *
 * @package Wpwa\Plugin
 * @since   0.3.0
 */

namespace Wpwa\Plugin\Rest;

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
 * - `POST wpwa/v1/sync`: plans a sync, sending its first batches while it
 *   reads the products, and queues the rest for the background queue; 200
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
final class SyncController extends BaseController {

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
		self::route(
			'/products',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( self::class, 'get_products' ),
					'permission_callback' => static fn( WP_REST_Request $r ) => self::permission( $r, false ),
					'args'                => $vendor_arg,
				),
			),
			array( self::class, 'products_schema' )
		);
		self::route(
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
			),
			array( self::class, 'sync_schema' )
		);
	}

	/**
	 * Permission check shared by the routes.
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @param bool            $write   Whether the route starts work.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return true|WP_Error
	 */
	public static function permission( WP_REST_Request $request, bool $write ) {
		$principal = self::vendor_principal( $request, $write ? self::SCOPE_SYNC : Controller::SCOPE_STATUS_READ );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}
		$vendor_id = self::requested_vendor( $request, $principal );
		$own       = $principal->is_vendor && $vendor_id === $principal->user_id;
		if ( ! $own && ( $write || ! $principal->is_admin ) ) {
			return new WP_Error( 'wpwa_forbidden_vendor', __( 'You can only see and sync your own products.', 'wpwa' ), array( 'status' => 403 ) );
		}
		if ( ! $own && ! Vendors::is_vendor( $vendor_id ) ) {
			return new WP_Error( 'wpwa_vendor_not_found', __( 'No vendor exists with this ID.', 'wpwa' ), array( 'status' => 404 ) );
		}
		return true;
	}

	/**
	 * The vendor of an already-authorised request.
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return int
	 */
	private static function vendor_of( WP_REST_Request $request ): int {
		return self::requested_vendor( $request, self::principal( $request, true ) );
	}

	/**
	 * `GET products`.
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function get_products( WP_REST_Request $request ) {
		$overview = Sync::overview( self::vendor_of( $request ) );
		return is_wp_error( $overview ) ? $overview : self::respond( $overview );
	}

	/**
	 * `POST sync`.
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function post_sync( WP_REST_Request $request ) {
		$vendor_id = self::vendor_of( $request );
		// Planned here (what is planned is sent while the next page is read);
		// the background queue (Action Scheduler) works the rest.
		$result = Sync::start( $vendor_id, 'manual', 0 );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		return self::respond(
			array(
				'started' => $result['started'],
				'job'     => Sync::present( $result['job'] ),
			)
		);
	}

	/**
	 * `GET sync`.
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function get_sync( WP_REST_Request $request ) {
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
	}

	/**
	 * JSON schema of a sync job, as Sync::present() gives it.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	private static function job_schema(): array {
		return array(
			'type'       => array( 'object', 'null' ),
			'properties' => array(
				'job_id'       => array( 'type' => 'integer' ),
				'state'        => array( 'type' => 'string' ),
				'total'        => array( 'type' => 'integer' ),
				'processed'    => array( 'type' => 'integer' ),
				'synced'       => array( 'type' => 'integer' ),
				'deleted'      => array( 'type' => 'integer' ),
				'rejected'     => array( 'type' => 'integer' ),
				'percent'      => array( 'type' => 'integer' ),
				'waiting'      => array( 'type' => 'boolean' ),
				'wait_seconds' => array( 'type' => 'integer' ),
				'error'        => array( 'type' => array( 'string', 'null' ) ),
				'created_at'   => array( 'type' => 'integer' ),
				'finished_at'  => array( 'type' => array( 'integer', 'null' ) ),
				'summary'      => array( 'type' => 'string' ),
			),
		);
	}

	/**
	 * JSON schema of `GET products`.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public static function products_schema(): array {
		return self::schema_frame(
			'wpwa-catalog-overview',
			array(
				'vendor_id'  => array(
					'description' => __( 'Vendor user ID.', 'wpwa' ),
					'type'        => 'integer',
					'readonly'    => true,
				),
				'configured' => array(
					'description' => __( 'Whether a catalog connection applies to the vendor.', 'wpwa' ),
					'type'        => 'boolean',
					'readonly'    => true,
				),
				'counts'     => array(
					'type'       => 'object',
					'readonly'   => true,
					'properties' => array(
						'ready'           => array( 'type' => 'integer' ),
						'needs_attention' => array( 'type' => 'integer' ),
						'synced'          => array( 'type' => 'integer' ),
						'rejected'        => array( 'type' => 'integer' ),
						'pending'         => array( 'type' => 'integer' ),
					),
				),
				'attention'  => array(
					'description' => __( 'Products that need attention, with the reasons.', 'wpwa' ),
					'type'        => 'array',
					'readonly'    => true,
					'items'       => array( 'type' => 'object' ),
				),
				'last_sync'  => self::job_schema(),
				'next_sync'  => array(
					'description' => __( 'Unix time of the next scheduled sync.', 'wpwa' ),
					'type'        => array( 'integer', 'null' ),
					'readonly'    => true,
				),
			)
		);
	}

	/**
	 * JSON schema of `GET sync` and `POST sync`.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public static function sync_schema(): array {
		return self::schema_frame(
			'wpwa-catalog-sync',
			array(
				'started' => array(
					'description' => __( 'POST only: whether a new job started (false when a running one was continued).', 'wpwa' ),
					'type'        => 'boolean',
					'readonly'    => true,
				),
				'job'     => self::job_schema(),
			)
		);
	}
}
