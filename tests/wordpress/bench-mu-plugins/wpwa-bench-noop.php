<?php
/**
 * Plugin Name: wpwa bench — no-op REST route (benchmark site only)
 * Description: `POST /wp-json/wpwa-bench/v1/noop` answers `{"ok":true}` and
 *              does nothing else: the baseline scripts/bench-webhooks divides
 *              the webhook route's throughput by. It goes through the same
 *              WordPress bootstrap, REST server and JSON body parsing as the
 *              webhook route, so the ratio isolates what the webhook costs.
 *              Installed only on the benchmark's throwaway site.
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'rest_api_init',
	static function () {
		register_rest_route(
			'wpwa-bench/v1',
			'/noop',
			array(
				'methods'             => 'POST',
				'permission_callback' => '__return_true',
				'callback'            => static function () {
					$response = new WP_REST_Response( array( 'ok' => true ), 200 );
					$response->header( 'Cache-Control', 'no-store' );
					return $response;
				},
			)
		);
	}
);
