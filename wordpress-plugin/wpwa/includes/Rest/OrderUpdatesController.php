<?php
/**
 * REST route of a vendor's own order update templates.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Rest;

use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Orders\Config;
use Wpwa\Plugin\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * - `GET  wpwa/v1/order-updates` the caller's latest order updates and their
 *   own event => template mapping
 * - `POST wpwa/v1/order-updates` saves that mapping (`mapping[event][name|language|params]`),
 *   checked by the core; an empty template name leaves the event to the
 *   marketplace's template
 *
 * Only for the logged-in vendor (cookie + `wp_rest` nonce), about their own
 * orders. A form sent without JavaScript is answered with a 303 back to its page.
 *
 * @since 0.7.0
 */
final class OrderUpdatesController extends BaseController {

	/**
	 * Route, below the namespace.
	 *
	 * @since 0.7.0
	 */
	public const ROUTE = '/order-updates';

	/**
	 * Query argument of the outcome shown after a form post.
	 *
	 * @since 0.7.0
	 */
	public const RESULT_ARG = 'wpwa_order_updates';

	/**
	 * Hooks.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
	}

	/**
	 * Registers the route.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function register_routes(): void {
		self::route(
			self::ROUTE,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( self::class, 'get_updates' ),
					'permission_callback' => array( self::class, 'permission' ),
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( self::class, 'save_mapping' ),
					'permission_callback' => array( self::class, 'permission' ),
				),
			)
		);
	}

	/**
	 * A logged-in vendor, through cookie + nonce.
	 *
	 * @since 0.7.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return true|WP_Error
	 */
	public static function permission( WP_REST_Request $request ) {
		$principal = self::principal( $request, false );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}
		if ( ! $principal->is_vendor ) {
			return new WP_Error( 'wpwa_not_a_vendor', __( 'Only vendors have order updates.', 'wpwa' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * `GET order-updates`.
	 *
	 * @since 0.7.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function get_updates( WP_REST_Request $request ) {
		$principal = self::principal( $request, false );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}
		$updates = Core::order_updates_vendor( $principal->user_id );
		if ( is_wp_error( $updates ) ) {
			return $updates;
		}
		return self::respond(
			array(
				'updates' => $updates,
				'mapping' => Config::vendor_mapping( $principal->user_id ),
			)
		);
	}

	/**
	 * `POST order-updates`: saves the vendor's mapping, or 400 `wpwa_invalid_input`.
	 *
	 * @since 0.7.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function save_mapping( WP_REST_Request $request ) {
		$principal = self::principal( $request, false );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}
		$input   = $request->is_json_content_type() ? $request->get_json_params() : $request->get_body_params();
		$mapping = Config::clean_mapping( is_array( $input ) ? ( $input['mapping'] ?? array() ) : array() );
		if ( ! is_wp_error( $mapping ) ) {
			update_user_meta( $principal->user_id, Config::VENDOR_META, $mapping );
		}

		$params = $request->get_body_params();
		if ( isset( $params['_wp_http_referer'] ) && is_string( $params['_wp_http_referer'] ) ) {
			$page_id  = (int) get_option( Settings::PAGE_OPTION, 0 );
			$fallback = $page_id > 0 ? (string) get_permalink( $page_id ) : home_url( '/' );
			$back     = wp_validate_redirect( wp_sanitize_redirect( $params['_wp_http_referer'] ), $fallback );
			$response = new WP_REST_Response( null, 303 );
			$response->header( 'Location', add_query_arg( self::RESULT_ARG, is_wp_error( $mapping ) ? 'error' : 'saved', remove_query_arg( self::RESULT_ARG, $back ) ) . '#wpwa-order-updates' );
			$response->header( 'Cache-Control', self::CACHE_CONTROL );
			return $response;
		}
		if ( is_wp_error( $mapping ) ) {
			return $mapping;
		}
		return self::respond(
			array(
				'saved'   => true,
				'mapping' => $mapping,
			)
		);
	}
}
