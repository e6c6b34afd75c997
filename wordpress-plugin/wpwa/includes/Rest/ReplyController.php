<?php
/**
 * REST route a vendor answers a customer through, from the marketplace's
 * WhatsApp number.
 *
 * @package Wpwa\Plugin
 * @since   0.15.0
 */

namespace Wpwa\Plugin\Rest;

use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;
use Wpwa\Plugin\Connections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Messages\Config;
use Wpwa\Plugin\Rules;

defined( 'ABSPATH' ) || exit;

/**
 * - `POST wpwa/v1/conversations/{id}/reply` sends `text` to the customer of
 *   one of the caller's conversations
 *
 * The way to answer a customer whom no wa.me link can reach: since 2026
 * WhatsApp may name a customer by username and user ID only, without their
 * number. Only the logged-in vendor (cookie + `wp_rest` nonce), only in their
 * own conversations (another vendor's id is 404, as if it did not exist).
 * The core keeps WhatsApp's rules (the 24-hour window, pacing, the month's
 * allowance and budget); a form sent without JavaScript is answered with a
 * 303 back to its page, the outcome in the query string.
 *
 * @since 0.15.0
 */
final class ReplyController extends BaseController {

	/**
	 * Query argument carrying the outcome back to a form sent without JavaScript.
	 *
	 * @since 0.15.0
	 */
	public const RESULT_ARG = 'wpwa-reply';

	/**
	 * Hooks.
	 *
	 * @since 0.15.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
	}

	/**
	 * Registers the route.
	 *
	 * @since 0.15.0
	 *
	 * @return void
	 */
	public static function register_routes(): void {
		self::route(
			'/conversations/(?P<id>\d+)/reply',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( self::class, 'reply' ),
					'permission_callback' => array( self::class, 'permission' ),
					'args'                => array(
						'id' => array(
							'type'     => 'integer',
							'minimum'  => 1,
							'required' => true,
						),
					),
				),
			)
		);
	}

	/**
	 * A logged-in vendor, through cookie + nonce.
	 *
	 * @since 0.15.0
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
		return $principal->is_vendor ? true : self::not_a_vendor_error();
	}

	/**
	 * `POST conversations/{id}/reply`: 200 `{sent, message}`, or the reason
	 * in words (400 empty or too long, outside the window; 404 not the
	 * caller's; 429 paced, allowance or budget used up).
	 *
	 * @since 0.15.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public static function reply( WP_REST_Request $request ) {
		$principal = self::principal( $request, false );
		if ( is_wp_error( $principal ) ) {
			return $principal;
		}
		$vendor_id = $principal->user_id;
		$id        = (int) $request['id'];
		$input     = $request->is_json_content_type() ? $request->get_json_params() : $request->get_body_params();
		$text      = is_array( $input ) && is_string( $input['text'] ?? null ) ? trim( sanitize_textarea_field( wp_unslash( $input['text'] ) ) ) : '';
		$result    = self::send( $vendor_id, $id, $text );

		$back = self::form_page( $request, self::RESULT_ARG );
		if ( null !== $back ) {
			$response = new WP_REST_Response( null, 303 );
			$outcome  = is_wp_error( $result ) ? (string) $result->get_error_code() : 'sent';
			$response->header( 'Location', add_query_arg( self::RESULT_ARG, rawurlencode( $outcome ), $back ) . '#wpwa-conversation-' . $id );
			$response->header( 'Cache-Control', self::CACHE_CONTROL );
			return $response;
		}
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		return self::respond(
			array(
				'sent'    => true,
				'message' => self::outcome_message( 'sent' ),
			)
		);
	}

	/**
	 * Sends the text in the vendor's conversation.
	 *
	 * @since 0.15.0
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param int    $id        Conversation ID.
	 * @param string $text      The answer.
	 * @return true|WP_Error
	 */
	private static function send( int $vendor_id, int $id, string $text ) {
		$checked = Rules::check( 'reply', array( 'text' => $text ) );
		if ( is_wp_error( $checked ) ) {
			return $checked;
		}
		if ( '' === $text || array() !== $checked['problems'] ) {
			return new WP_Error( 'wpwa_reply_length', self::outcome_message( 'wpwa_reply_length' ), array( 'status' => 400 ) );
		}
		$conversation = Core::conversation( $vendor_id, $id );
		if ( is_wp_error( $conversation ) ) {
			return $conversation;
		}
		if ( ! is_array( $conversation ) || '' === (string) ( $conversation['customer'] ?? '' ) ) {
			return new WP_Error( 'wpwa_not_found', self::outcome_message( 'wpwa_not_found' ), array( 'status' => 404 ) );
		}
		$connection = Connections::cloud( $vendor_id, Connections::MESSAGES );
		if ( is_wp_error( $connection ) ) {
			return $connection;
		}
		$sent = Core::message_send(
			$vendor_id,
			(string) $conversation['customer'],
			array(
				'type' => 'text',
				'body' => $text,
			),
			$connection,
			Config::limits( $vendor_id )
		);
		return is_wp_error( $sent ) ? $sent : true;
	}

	/**
	 * What an outcome code means, for the vendor (the core's refusals are
	 * worded by Core::to_error(); these are the ones a form sent without
	 * JavaScript brings back by code).
	 *
	 * @since 0.15.0
	 *
	 * @param string $code `sent` or a WP_Error code.
	 * @return string
	 */
	public static function outcome_message( string $code ): string {
		switch ( $code ) {
			case 'sent':
				return __( 'Your answer was sent on WhatsApp from the marketplace\'s number.', 'wpwa' );
			case 'wpwa_reply_length':
				$max = (int) ( Rules::field( 'reply', 'text' )['maxlength'] ?? 0 );
				return $max > 0
					/* translators: %s: the longest message, in characters. */
					? sprintf( __( 'Write an answer of 1 to %s characters.', 'wpwa' ), number_format_i18n( $max ) )
					: __( 'Write a shorter answer.', 'wpwa' );
			case 'wpwa_not_found':
				return __( 'That conversation was not found.', 'wpwa' );
			case 'wpwa_outside_window':
				return __( 'The customer last wrote more than 24 hours ago; WhatsApp allows only an approved template until they write again.', 'wpwa' );
			case 'wpwa_rate_limited':
				return __( 'The answer was not sent: a message went to this customer moments ago, or this month\'s messages are used up. Please try again later.', 'wpwa' );
			case 'wpwa_cost_cap_reached':
				return __( 'The answer was not sent: this month\'s WhatsApp budget is used up.', 'wpwa' );
			default:
				return __( 'The answer could not be sent right now. Please try again shortly.', 'wpwa' );
		}
	}
}
