<?php
/**
 * REST route of a vendor's messaging preferences.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Rest;

use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;
use Wpwa\Plugin\Messages\Preferences;
use Wpwa\Plugin\Messages\PreferencesForm;

defined( 'ABSPATH' ) || exit;

/**
 * - `GET  wpwa/v1/preferences` the caller's preferences
 * - `POST wpwa/v1/preferences` saves them (the Preferences form's fields);
 *   refused whole, 400 with one entry per problem, when a field is wrong
 *
 * Only for the logged-in vendor (cookie + `wp_rest` nonce), and only about
 * their own preferences: marketplaces keep vendors out of wp-admin, so the
 * dashboard's form is sent here rather than to admin-post.php. A form sent
 * without JavaScript carries `_wp_http_referer` and is answered with a 303
 * back to that page, the outcome shown there.
 *
 * @since 0.7.0
 */
final class PreferencesController extends BaseController {

	/**
	 * Route, below the namespace.
	 *
	 * @since 0.7.0
	 */
	public const ROUTE = '/preferences';

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
		// Preferences are plain WordPress data: the route works without the extension.
		self::route(
			self::ROUTE,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( self::class, 'get_preferences' ),
					'permission_callback' => array( self::class, 'permission' ),
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( self::class, 'save_preferences' ),
					'permission_callback' => array( self::class, 'permission' ),
				),
			),
			array( self::class, 'schema' ),
			false
		);
	}

	/**
	 * A logged-in vendor, through cookie + nonce (no access tokens).
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
			return new WP_Error( 'wpwa_not_a_vendor', __( 'Only vendors have WhatsApp preferences.', 'wpwa' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * `GET preferences`.
	 *
	 * @since 0.7.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function get_preferences( WP_REST_Request $request ) {
		$principal = self::principal( $request, false );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}
		return self::respond( array( 'preferences' => Preferences::get( $principal->user_id ) ) );
	}

	/**
	 * `POST preferences`: 200 with the saved preferences, or 400
	 * `wpwa_preferences_invalid` whose `data.errors` lists `code`, `field`,
	 * `day` and `message` of each problem (nothing saved). A form posted
	 * without JavaScript gets a 303 to the page it came from instead.
	 *
	 * @since 0.7.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function save_preferences( WP_REST_Request $request ) {
		$principal = self::principal( $request, false );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}
		$vendor_id = $principal->user_id;
		// The body only: the fields never come from the query string.
		$input  = $request->is_json_content_type() ? $request->get_json_params() : $request->get_body_params();
		$input  = is_array( $input ) ? $input : array();
		$result = Preferences::save( $vendor_id, $input );
		if ( ! is_wp_error( $result ) ) {
			/**
			 * Fires after a vendor saved their messaging preferences.
			 *
			 * @since 0.5.0
			 * @since 0.7.0 Fired by the REST route `wpwa/v1/preferences`.
			 *
			 * @param int                 $vendor_id Vendor user ID.
			 * @param array<string,mixed> $prefs     The saved preferences.
			 */
			do_action( 'wpwa_vendor_preferences_saved', $vendor_id, $result );
		}

		$back = self::form_page( $request, PreferencesForm::RESULT_ARG );
		if ( null !== $back ) {
			PreferencesForm::remember( $vendor_id, $result, $input );
			$response = new WP_REST_Response( null, 303 );
			$response->header( 'Location', add_query_arg( PreferencesForm::RESULT_ARG, is_wp_error( $result ) ? 'error' : 'saved', $back ) . '#wpwa-preferences' );
			$response->header( 'Cache-Control', self::CACHE_CONTROL );
			return $response;
		}

		if ( is_wp_error( $result ) ) {
			return $result;
		}
		return self::respond(
			array(
				'saved'       => true,
				'message'     => __( 'Your preferences were saved.', 'wpwa' ),
				'preferences' => $result,
			)
		);
	}

	/**
	 * JSON schema of the preferences resource.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public static function schema(): array {
		$flag = array( 'type' => 'boolean' );
		$text = array( 'type' => 'string' );
		if ( null !== Preferences::max_text() ) {
			$text['maxLength'] = Preferences::max_text();
		}
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'wpwa-preferences',
			'type'       => 'object',
			'properties' => array(
				'saved'       => array(
					'description' => __( 'Whether the preferences were saved (POST only).', 'wpwa' ),
					'type'        => 'boolean',
					'readonly'    => true,
				),
				'message'     => array(
					'description' => __( 'What happened, for the vendor (POST only).', 'wpwa' ),
					'type'        => 'string',
					'readonly'    => true,
				),
				'preferences' => array(
					'description' => __( 'The vendor\'s preferences. POST takes the same fields at the top level of the body.', 'wpwa' ),
					'type'        => 'object',
					'properties'  => array(
						'notify_email'    => $flag + array( 'description' => __( 'Tell the vendor about new customer messages by e-mail.', 'wpwa' ) ),
						'notify_whatsapp' => $flag + array( 'description' => __( 'Tell the vendor on WhatsApp, from the marketplace\'s number.', 'wpwa' ) ),
						'whatsapp_number' => array(
							'description' => __( 'The vendor\'s WhatsApp number, digits with country code.', 'wpwa' ),
							'type'        => 'string',
						),
						'acknowledge'     => $flag + array( 'description' => __( 'Acknowledge new messages automatically.', 'wpwa' ) ),
						'acknowledgement' => $text + array( 'description' => __( 'Text of the acknowledgement; {vendor} is the store name.', 'wpwa' ) ),
						'use_hours'       => $flag + array( 'description' => __( 'The vendor keeps business hours.', 'wpwa' ) ),
						'hours'           => array(
							'description' => __( 'Business hours, Monday first. POST takes open_day for each open day; answers say closed.', 'wpwa' ),
							'type'        => 'array',
							'items'       => array(
								'type'       => 'object',
								'properties' => array(
									'open'     => array( 'type' => 'string' ),
									'close'    => array( 'type' => 'string' ),
									'closed'   => array( 'type' => 'boolean' ),
									'open_day' => array( 'type' => 'boolean' ),
								),
							),
						),
						'away'            => $flag + array( 'description' => __( 'Outside business hours, answer with the away message.', 'wpwa' ) ),
						'hide_chat_button' => $flag + array( 'description' => __( 'Hide the "Chat on WhatsApp" button on the vendor\'s products and store page (since 0.7.0).', 'wpwa' ) ),
						'away_message'    => $text + array( 'description' => __( 'Text of the away message; {vendor} is the store name.', 'wpwa' ) ),
					),
				),
			),
		);
	}
}
