<?php
/**
 * Authentication of wpwa REST requests.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Rest;

use WeakMap;
use WP_Error;
use WP_REST_Request;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Rules;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * Resolves who is calling: a vendor-scoped bearer token (verified by the
 * core) or a WordPress user logged in with cookie + `wp_rest` nonce (the
 * nonce is enforced by WordPress core, which treats a cookie without nonce
 * as logged out).
 *
 * @since 0.1.0
 */
final class Auth {

	/**
	 * Principals resolved per request object.
	 *
	 * @var WeakMap<WP_REST_Request,Principal>|null
	 */
	private static ?WeakMap $principals = null;

	/**
	 * The bearer token of the request, if any.
	 *
	 * Reads the `Authorization` header, and the `REDIRECT_HTTP_AUTHORIZATION`
	 * server variable some Apache/CGI setups use instead.
	 *
	 * @since 0.1.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return string|null Token, '' when the header is a malformed Bearer header, null when absent.
	 */
	public static function bearer_token( WP_REST_Request $request ): ?string {
		$header = (string) $request->get_header( 'authorization' );
		if ( '' === $header ) {
			foreach ( array( 'HTTP_AUTHORIZATION', 'REDIRECT_HTTP_AUTHORIZATION' ) as $key ) {
				if ( ! empty( $_SERVER[ $key ] ) ) {
					// Credentials are compared by the core, never printed or stored.
					$header = trim( wp_unslash( (string) $_SERVER[ $key ] ) ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized
					break;
				}
			}
		}
		$header = trim( $header );
		if ( '' === $header || 0 !== strncasecmp( $header, 'Bearer', 6 ) ) {
			return null;
		}
		$token = trim( substr( $header, 6 ) );
		// Compact JWS of the core's length: anything else is malformed (and, without
		// the extension, nothing can be verified).
		$checked = '' !== $token ? Rules::check( 'auth', array( 'bearer_token' => $token ) ) : null;
		return is_array( $checked ) && isset( $checked['values']['bearer_token'] ) ? $token : '';
	}

	/**
	 * Resolves the principal of a request, or an error to return.
	 *
	 * @since 0.1.0
	 *
	 * @param WP_REST_Request $request      Request.
	 * @param bool            $allow_bearer Whether a bearer token is accepted on this route.
	 * @param string          $scope        Scope the token must carry.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return Principal|WP_Error
	 */
	public static function resolve( WP_REST_Request $request, bool $allow_bearer, string $scope = '' ) {
		if ( null === self::$principals ) {
			/**
			 * Answers by request, forgotten with the request.
			 *
			 * @var WeakMap<WP_REST_Request,Principal> $principals
			 */
			$principals       = new WeakMap();
			self::$principals = $principals;
		}
		if ( isset( self::$principals[ $request ] ) ) {
			return self::$principals[ $request ];
		}

		$token = self::bearer_token( $request );
		if ( null !== $token ) {
			if ( ! $allow_bearer ) {
				return new WP_Error(
					'wpwa_bearer_not_accepted',
					__( 'This endpoint requires a logged-in session (cookie and nonce); access tokens are not accepted here.', 'wpwa' ),
					array( 'status' => 401 )
				);
			}
			$principal = self::from_token( $token, $scope );
		} else {
			$principal = self::from_cookie();
		}

		if ( $principal instanceof Principal ) {
			self::$principals[ $request ] = $principal;
		}
		return $principal;
	}

	/**
	 * Principal from a bearer token.
	 *
	 * @since 0.1.0
	 *
	 * @param string $token Token ('' when malformed).
	 * @param string $scope Required scope.
	 * @return Principal|WP_Error
	 */
	private static function from_token( string $token, string $scope ) {
		if ( '' === $token ) {
			return new WP_Error(
				'wpwa_token_malformed',
				__( 'The access token is malformed. Send it as "Authorization: Bearer <token>".', 'wpwa' ),
				array( 'status' => 401 )
			);
		}

		$claims = Core::jwt_verify( $token );
		if ( is_wp_error( $claims ) ) {
			$data = (array) $claims->get_error_data();
			if ( 503 === (int) ( $data['status'] ?? 0 ) || 401 === (int) ( $data['status'] ?? 0 ) ) {
				return $claims;
			}
			// Whatever else the core says about a token, the client is unauthenticated.
			return new WP_Error( $claims->get_error_code(), $claims->get_error_message(), array_merge( $data, array( 'status' => 401 ) ) );
		}

		$vendor_id = (int) ( $claims['vendor_id'] ?? 0 );
		$scopes    = preg_split( '/\s+/', (string) ( $claims['scope'] ?? '' ), -1, PREG_SPLIT_NO_EMPTY );

		if ( '' !== $scope && ! in_array( $scope, $scopes, true ) ) {
			return new WP_Error(
				'wpwa_token_insufficient_scope',
				/* translators: %s: scope name, e.g. status:read. */
				sprintf( __( 'The access token does not grant the "%s" scope.', 'wpwa' ), $scope ),
				array( 'status' => 403 )
			);
		}

		// A token outlives nothing: the vendor must still exist and still be a vendor.
		if ( $vendor_id <= 0 || ! get_userdata( $vendor_id ) || ! Vendors::is_vendor( $vendor_id ) ) {
			return new WP_Error(
				'wpwa_token_vendor_invalid',
				__( 'The access token belongs to an account that is no longer a vendor.', 'wpwa' ),
				array( 'status' => 401 )
			);
		}

		return new Principal( $vendor_id, Principal::VIA_TOKEN, true, false, $scopes );
	}

	/**
	 * Principal from the WordPress session (cookie + nonce).
	 *
	 * @since 0.1.0
	 *
	 * @return Principal|WP_Error
	 */
	private static function from_cookie() {
		$user_id = get_current_user_id();
		if ( $user_id <= 0 ) {
			return new WP_Error(
				'rest_not_logged_in',
				__( 'You are not currently logged in.', 'wpwa' ),
				array( 'status' => 401 )
			);
		}
		return new Principal(
			$user_id,
			Principal::VIA_COOKIE,
			Vendors::is_vendor( $user_id ),
			Vendors::can_manage( $user_id ),
			array()
		);
	}
}
