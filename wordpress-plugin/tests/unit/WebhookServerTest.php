<?php
/**
 * Tests of Rest\WebhookServer: which requests get a REST server of their own.
 *
 * @package Wpwa\Plugin\Tests
 */

use PHPUnit\Framework\TestCase;
use Wpwa\Plugin\Rest\MessagesController;
use Wpwa\Plugin\Rest\SessionController;
use Wpwa\Plugin\Rest\WebhookServer;

require_once ABSPATH . WPINC . '/class-wp.php';

/**
 * The `rest_api_init` callbacks left for a request, by its REST route.
 */
final class WebhookServerTest extends TestCase {

	/**
	 * What another plugin registers on every REST server (a stand-in).
	 *
	 * @return void
	 */
	public static function other_plugins_routes(): void {
	}

	/**
	 * A REST API set up as on any request: WordPress's defaults and another plugin's routes.
	 *
	 * @return void
	 */
	protected function setUp(): void {
		unset( $GLOBALS['wp_rest_server'] );
		remove_all_actions( 'rest_api_init' );
		remove_all_filters( 'wpwa_lean_webhook_server' );
		add_action( 'rest_api_init', 'rest_api_default_filters', 10, 1 );
		add_action( 'rest_api_init', 'create_initial_rest_routes', 99 );
		add_action( 'rest_api_init', array( self::class, 'other_plugins_routes' ) );
	}

	/**
	 * Leaves nothing behind for the other tests.
	 *
	 * @return void
	 */
	protected function tearDown(): void {
		unset( $GLOBALS['wp_rest_server'] );
		remove_all_actions( 'rest_api_init' );
		remove_all_filters( 'wpwa_lean_webhook_server' );
	}

	/**
	 * Parses a request for `$route` the way WordPress's rewrite rules leave it.
	 *
	 * @param mixed $route The `rest_route` query variable.
	 * @return void
	 */
	private static function parse( $route ): void {
		$wp             = new WP();
		$wp->query_vars = array( 'rest_route' => $route );
		WebhookServer::trim_for_webhooks( $wp );
	}

	/**
	 * Whether `rest_api_init` holds exactly WordPress's default filters and `$registrar`.
	 *
	 * @param callable $registrar The webhook controller's route registration.
	 * @return void
	 */
	private static function assertLean( $registrar ): void {
		self::assertSame( 10, has_action( 'rest_api_init', 'rest_api_default_filters' ) );
		self::assertSame( 10, has_action( 'rest_api_init', $registrar ) );
		self::assertFalse( has_action( 'rest_api_init', 'create_initial_rest_routes' ), 'WordPress\'s routes are not built' );
		self::assertFalse( has_action( 'rest_api_init', array( self::class, 'other_plugins_routes' ) ), 'other plugins\' routes are not built' );
	}

	/**
	 * Whether `rest_api_init` is as setUp() left it.
	 *
	 * @return void
	 */
	private static function assertUntouched(): void {
		self::assertSame( 99, has_action( 'rest_api_init', 'create_initial_rest_routes' ) );
		self::assertSame( 10, has_action( 'rest_api_init', array( self::class, 'other_plugins_routes' ) ) );
		self::assertFalse( has_action( 'rest_api_init', array( MessagesController::class, 'register_routes' ) ) );
		self::assertFalse( has_action( 'rest_api_init', array( SessionController::class, 'register_routes' ) ) );
	}

	/**
	 * The Cloud API webhook route, with or without a trailing slash.
	 *
	 * @return void
	 */
	public function test_cloud_webhook_route_gets_only_its_controller(): void {
		self::parse( '/wpwa/v1/webhooks/cloud' );
		self::assertLean( array( MessagesController::class, 'register_routes' ) );
		self::assertFalse( has_action( 'rest_api_init', array( SessionController::class, 'register_routes' ) ) );

		$this->setUp();
		self::parse( '/wpwa/v1/webhooks/cloud/' );
		self::assertLean( array( MessagesController::class, 'register_routes' ) );
	}

	/**
	 * The gateway's webhook route of any connection ID its pattern allows.
	 *
	 * @return void
	 */
	public function test_gateway_webhook_route_gets_the_session_controller(): void {
		foreach ( array( '/wpwa/v1/webhooks/gateway/central', '/wpwa/v1/webhooks/gateway/vendor_12-b/' ) as $route ) {
			$this->setUp();
			self::parse( $route );
			self::assertLean( array( SessionController::class, 'register_routes' ) );
			self::assertFalse( has_action( 'rest_api_init', array( MessagesController::class, 'register_routes' ) ), $route );
		}
	}

	/**
	 * Every other request keeps the full REST server.
	 *
	 * @return void
	 */
	public function test_other_requests_keep_every_route(): void {
		$others = array(
			null,
			'',
			'/',
			'/wpwa/v1/status',
			'/wpwa/v1/webhooks/drain',
			'/wpwa/v1/webhooks/cloud/extra',
			'/wpwa/v1/webhooks/gateway/',
			'/wpwa/v1/webhooks/gateway/bad!id',
			'/wpwa/v1/webhooks/gateway/a/b',
			'/other/v1/wpwa/v1/webhooks/cloud',
			'/wc/v3/products',
			array( '/wpwa/v1/webhooks/cloud' ),
		);
		foreach ( $others as $route ) {
			$this->setUp();
			if ( null === $route ) {
				$wp = new WP();
				WebhookServer::trim_for_webhooks( $wp );
			} else {
				self::parse( $route );
			}
			self::assertUntouched();
		}
	}

	/**
	 * A REST server built already (by a plugin, before the request was parsed) is left as it is.
	 *
	 * @return void
	 */
	public function test_a_server_built_already_is_left_alone(): void {
		$GLOBALS['wp_rest_server'] = new stdClass();
		self::parse( '/wpwa/v1/webhooks/cloud' );
		self::assertUntouched();
	}

	/**
	 * The `wpwa_lean_webhook_server` filter receives the route and can keep the full server.
	 *
	 * @return void
	 */
	public function test_the_filter_can_keep_the_full_server(): void {
		$asked = array();
		add_filter(
			'wpwa_lean_webhook_server',
			static function ( $lean, $route ) use ( &$asked ) {
				$asked[] = $route;
				return false;
			},
			10,
			2
		);
		self::parse( '/wpwa/v1/webhooks/gateway/central/' );
		self::assertSame( array( '/wpwa/v1/webhooks/gateway/central' ), $asked );
		self::assertUntouched();
	}
}
