<?php
/**
 * A REST server of their own for the webhook routes.
 *
 * @package Wpwa\Plugin
 * @since   0.16.0
 */

namespace Wpwa\Plugin\Rest;

use WP;

defined( 'ABSPATH' ) || exit;

/**
 * Has a request for a webhook route (WhatsApp Cloud API messages, the
 * gateway's session events) build a REST server that holds only WordPress's
 * default REST filters and the routes of that webhook's controller.
 *
 * Meta and the gateway send every event to these routes, and retry what is
 * not answered quickly. Building the full REST server registers every route
 * of WordPress, WooCommerce and the marketplace plugin, which a webhook
 * never uses and which costs more than verifying and storing the event. The
 * webhook is still served by WordPress's REST server (authentication errors,
 * `rest_pre_dispatch`, `rest_request_before_callbacks` and the other serving
 * filters all run), just without the other routes.
 *
 * @since 0.16.0
 */
final class WebhookServer {

	/**
	 * Hooks.
	 *
	 * @since 0.16.0
	 *
	 * @return void
	 */
	public static function init(): void {
		// Before WordPress's own rest_api_loaded() (priority 10) builds the REST server.
		add_action( 'parse_request', array( self::class, 'trim_for_webhooks' ), 9 );
	}

	/**
	 * The webhook routes (patterns of the whole REST route, written as their
	 * controllers register them) and the function that registers each.
	 *
	 * @return array<string,callable>
	 */
	private static function routes(): array {
		return array(
			'#^/' . Controller::NAMESPACE . MessagesController::WEBHOOK_PATH . '$#' => array( MessagesController::class, 'register_routes' ),
			'#^/' . Controller::NAMESPACE . SessionController::GATEWAY_WEBHOOK_PATH . '$#' => array( SessionController::class, 'register_routes' ),
		);
	}

	/**
	 * On a request for a webhook route, replaces the `rest_api_init`
	 * callbacks with WordPress's default REST filters and that webhook's
	 * routes.
	 *
	 * @since 0.16.0
	 *
	 * @param WP $wp The request being parsed.
	 * @return void
	 */
	public static function trim_for_webhooks( WP $wp ): void {
		if ( isset( $GLOBALS['wp_rest_server'] ) || ! isset( $wp->query_vars['rest_route'] ) || ! is_string( $wp->query_vars['rest_route'] ) ) {
			return;
		}
		$route     = untrailingslashit( $wp->query_vars['rest_route'] );
		$registrar = null;
		foreach ( self::routes() as $pattern => $register ) {
			if ( 1 === preg_match( $pattern, $route ) ) {
				$registrar = $register;
				break;
			}
		}
		if ( null === $registrar ) {
			return;
		}
		/**
		 * Filters whether a request for a webhook route skips the
		 * `rest_api_init` callbacks of WordPress and of other plugins (their
		 * routes are not served on it). Return false when a plugin sets up
		 * something on `rest_api_init` that every REST request needs.
		 *
		 * @since 0.16.0
		 *
		 * @param bool   $lean  Whether the webhook gets a server of its own. Default true.
		 * @param string $route The REST route asked for.
		 */
		if ( ! apply_filters( 'wpwa_lean_webhook_server', true, $route ) ) {
			return;
		}
		remove_all_actions( 'rest_api_init' );
		add_action( 'rest_api_init', 'rest_api_default_filters', 10, 1 );
		add_action( 'rest_api_init', $registrar );
	}
}
