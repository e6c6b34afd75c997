<?php
/**
 * Vendor WhatsApp sessions: the plugin side of the lifecycle.
 *
 * @package Wpwa\Plugin
 * @since   0.2.0
 */

namespace Wpwa\Plugin;

use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Connects, refreshes and disconnects vendor sessions through the core with
 * the right gateway connection and policy, and shapes what the dashboard and
 * the REST API show. The state machine itself lives in the core.
 *
 * @since 0.2.0
 */
final class Sessions {

	/**
	 * States in which the gateway is polled on every status read.
	 *
	 * @since 0.2.0
	 */
	public const PENDING = array( 'starting', 'waiting_for_scan' );

	/**
	 * Seconds between gateway polls while connected.
	 *
	 * @since 0.2.0
	 */
	public const CONNECTED_REFRESH = 60;

	/**
	 * The stored status of a vendor's session (no gateway call).
	 *
	 * @since 0.2.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function status( int $vendor_id ) {
		return Core::session_status( $vendor_id, Settings::policy() );
	}

	/**
	 * The status, refreshed through the gateway when it may have moved:
	 * always while starting or waiting for a scan, at most once a minute while
	 * connected. A gateway failure does not hide the stored status: it comes
	 * back as the second element.
	 *
	 * @since 0.2.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array{0:array<string,mixed>|WP_Error,1:WP_Error|null}
	 */
	public static function current( int $vendor_id ): array {
		$status = self::status( $vendor_id );
		if ( is_wp_error( $status ) ) {
			return array( $status, null );
		}
		$state = (string) ( $status['state'] ?? '' );
		$due   = in_array( $state, self::PENDING, true );
		if ( 'connected' === $state ) {
			$key = 'wpwa_session_polled_' . $vendor_id;
			if ( false === get_transient( $key ) ) {
				set_transient( $key, time(), self::CONNECTED_REFRESH );
				$due = true;
			}
		}
		if ( ! $due ) {
			return array( $status, null );
		}

		$gateway = Gateways::for_vendor( $vendor_id );
		if ( is_wp_error( $gateway ) ) {
			return array( $status, $gateway );
		}
		$fresh = Core::session_refresh( $vendor_id, self::core_gateway( $gateway ), Settings::policy() );
		if ( is_wp_error( $fresh ) ) {
			return array( $status, $fresh );
		}
		self::after_change( $vendor_id, $status, $fresh, 'poll' );
		return array( $fresh, null );
	}

	/**
	 * Starts linking the vendor's phone.
	 *
	 * @since 0.2.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function connect( int $vendor_id ) {
		$before = self::status( $vendor_id );
		$live   = is_array( $before ) && in_array( (string) ( $before['state'] ?? '' ), array( 'starting', 'waiting_for_scan', 'connected' ), true );

		// A live session stays on the connection it started on.
		$gateway = Gateways::for_vendor( $vendor_id, ! $live );
		if ( is_wp_error( $gateway ) ) {
			return $gateway;
		}
		$result = Core::session_connect( $vendor_id, self::core_gateway( $gateway ), Settings::policy() );
		if ( is_wp_error( $result ) ) {
			Core::event( $vendor_id, 'warning', 'session', 'session_connect_failed', array(), array( 'error_code' => $result->get_error_code() ) );
			return $result;
		}
		if ( ! $live ) {
			update_user_meta( $vendor_id, Gateways::SESSION_META, $gateway['id'] );
			Core::event( $vendor_id, 'info', 'session', 'session_connecting', array(), array( 'connection' => $gateway['id'] ) );
		}
		self::after_change( $vendor_id, is_array( $before ) ? $before : array(), $result, 'vendor' );
		return $result;
	}

	/**
	 * Asks for a pairing code the vendor types on their phone instead of
	 * scanning the QR code. The session must be waiting to be linked.
	 *
	 * @since 0.15.0
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param string $phone     The number as the vendor typed it.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function pairing_code( int $vendor_id, string $phone ) {
		$gateway = Gateways::for_vendor( $vendor_id );
		if ( is_wp_error( $gateway ) ) {
			return $gateway;
		}
		$result = Core::session_pairing_code( $vendor_id, $phone, self::core_gateway( $gateway ), Settings::policy() );
		if ( is_wp_error( $result ) ) {
			Core::event( $vendor_id, 'warning', 'session', 'session_pairing_failed', array(), array( 'error_code' => $result->get_error_code() ) );
			return $result;
		}
		self::after_change( $vendor_id, array( 'state' => (string) ( $result['transition']['from'] ?? '' ) ), $result, 'vendor' );
		return $result;
	}

	/**
	 * What the vendor is told when no pairing code can be issued.
	 *
	 * @since 0.15.0
	 *
	 * @param string $refusal bad_phone, not_waiting or phone_in_use (from the core).
	 * @return string
	 */
	public static function pairing_refusal( string $refusal ): string {
		switch ( $refusal ) {
			case 'not_waiting':
				return __( 'Start linking first: click "Connect WhatsApp", then ask for a pairing code while the QR code is shown.', 'wpwa' );
			case 'phone_in_use':
				return __( 'This number is already linked to another vendor; use a different number.', 'wpwa' );
			default:
				return __( 'Enter your WhatsApp number with its country code, for example +49 151 23456789.', 'wpwa' );
		}
	}

	/**
	 * Unlinks the vendor's phone.
	 *
	 * @since 0.2.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function disconnect( int $vendor_id ) {
		$gateway = Gateways::for_vendor( $vendor_id );
		if ( is_wp_error( $gateway ) ) {
			return $gateway;
		}
		$result = Core::session_disconnect( $vendor_id, self::core_gateway( $gateway ), Settings::policy() );
		if ( is_wp_error( $result ) ) {
			// The core ends the session locally even when the gateway is unreachable.
			return $result;
		}
		delete_transient( 'wpwa_session_polled_' . $vendor_id );
		Core::event( $vendor_id, 'info', 'session', 'session_disconnected', array(), array( 'by' => get_current_user_id() ) );
		// The core says which transition it made: no status read before the call.
		self::after_change( $vendor_id, array( 'state' => (string) ( $result['transition']['from'] ?? '' ) ), $result, 'vendor' );
		return $result;
	}

	/**
	 * The gateway array without the plugin's `id` key.
	 *
	 * @since 0.2.0
	 *
	 * @param array<string,string> $gateway Connection from Gateways.
	 * @return array<string,string>
	 */
	private static function core_gateway( array $gateway ): array {
		unset( $gateway['id'] );
		return $gateway;
	}

	/**
	 * Fires the state-change action when the state moved.
	 *
	 * @since 0.2.0
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param array<string,mixed> $before    Status before.
	 * @param array<string,mixed> $after     Status after.
	 * @param string              $source    vendor|poll|webhook.
	 * @return void
	 */
	public static function after_change( int $vendor_id, array $before, array $after, string $source ): void {
		$from = (string) ( $before['state'] ?? '' );
		$to   = (string) ( $after['state'] ?? '' );
		if ( $from === $to ) {
			return;
		}
		if ( 'connected' === $to ) {
			Core::event( $vendor_id, 'notice', 'session', 'session_connected', array(), array( 'phone' => $after['phone'] ?? null ) );
		}

		/**
		 * Fires when the plugin sees a vendor's WhatsApp session change state.
		 *
		 * @since 0.2.0
		 *
		 * @param int                 $vendor_id Vendor user ID.
		 * @param string              $to        New state.
		 * @param string              $from      Previous state ('' when unknown).
		 * @param array<string,mixed> $status    The new status from the core.
		 * @param string              $source    What noticed it: vendor, poll or webhook.
		 */
		do_action( 'wpwa_session_state_changed', $vendor_id, $to, $from, $after, $source );
	}

	/**
	 * The public shape of a session (REST and dashboard script).
	 *
	 * @since 0.2.0
	 * @since 0.15.0 pairing: the pairing code, its number and expiry.
	 *
	 * @param array<string,mixed> $status Status from the core.
	 * @return array<string,mixed>
	 */
	public static function present( array $status ): array {
		$qr = null;
		if ( isset( $status['qr'] ) && is_array( $status['qr'] ) && isset( $status['qr']['svg'] ) ) {
			$qr = array(
				'svg'        => (string) $status['qr']['svg'],
				'seq'        => (int) ( $status['qr']['seq'] ?? 0 ),
				'expires_at' => (int) ( $status['qr']['expires_at'] ?? 0 ),
			);
		}
		$pairing = null;
		if ( isset( $status['pairing'] ) && is_array( $status['pairing'] ) && isset( $status['pairing']['code'] ) ) {
			$pairing = array(
				'code'       => (string) $status['pairing']['code'],
				'phone'      => (string) ( $status['pairing']['phone'] ?? '' ),
				'expires_at' => (int) ( $status['pairing']['expires_at'] ?? 0 ),
			);
		}
		$str = static fn( $v ) => ( is_string( $v ) && '' !== $v ) ? $v : null;
		return array(
			'state'           => (string) ( $status['state'] ?? 'disconnected' ),
			'reason'          => $str( $status['reason'] ?? null ),
			'phone'           => $str( $status['phone'] ?? null ),
			'push_name'       => $str( $status['push_name'] ?? null ),
			'since'           => isset( $status['since'] ) ? (int) $status['since'] : null,
			'updated_at'      => isset( $status['updated_at'] ) ? (int) $status['updated_at'] : null,
			'qr'              => $qr,
			'pairing'         => $pairing,
			'gateway_session' => $str( $status['gateway_session'] ?? null ),
		);
	}

	/**
	 * An error safe to show the caller: gateway details (URLs, HTTP codes) only
	 * for wpwa administrators, and a message a vendor can act on.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_Error $error    Error from the core or the plugin.
	 * @param bool     $is_admin Whether the caller manages wpwa.
	 * @return WP_Error
	 */
	public static function public_error( WP_Error $error, bool $is_admin ): WP_Error {
		$data   = (array) $error->get_error_data();
		$status = (int) ( $data['status'] ?? 500 );
		$clean  = array( 'status' => $status );
		if ( isset( $data['retry_after'] ) ) {
			$clean['retry_after'] = (int) $data['retry_after'];
		}
		if ( isset( $data['refusal'] ) ) {
			$clean['refusal'] = (string) $data['refusal'];
		}
		$code    = $error->get_error_code();
		$message = $error->get_error_message();

		if ( 'wpwa_transport_error' === $code ) {
			$message = $is_admin
				? __( 'We couldn\'t reach the WhatsApp service. Check the gateway URL and API key in WhatsApp → Settings (use "Test connection"), then try again.', 'wpwa' )
				: __( 'We couldn\'t reach the WhatsApp service, so no QR code can be shown right now. Please try again in a few minutes; if it keeps happening, contact the marketplace team so they can check the WhatsApp settings.', 'wpwa' );
			if ( $is_admin && ! empty( $data['detail'] ) ) {
				$clean['detail'] = (string) $data['detail'];
			}
		} elseif ( 'wpwa_rate_limited' === $code ) {
			$wait    = max( 1, (int) ( $clean['retry_after'] ?? 60 ) );
			$message = sprintf(
				/* translators: 1: duration such as "12 minutes", 2: clock time such as 14:05. */
				__( 'Too many connection attempts. You can try again in %1$s (at %2$s).', 'wpwa' ),
				self::human_wait( $wait ),
				wp_date( (string) get_option( 'time_format', 'H:i' ), time() + $wait )
			);
			$clean['retry_after'] = $wait;
		} elseif ( 'wpwa_gateway_not_configured' === $code && ! $is_admin ) {
			$message = __( 'WhatsApp connections are not available on this marketplace yet. Please contact the marketplace team.', 'wpwa' );
		} elseif ( 'wpwa_invalid_input' === $code && ! $is_admin ) {
			$message = __( 'The WhatsApp connection is not configured correctly. Please contact the marketplace team.', 'wpwa' );
		}
		return new WP_Error( $code, $message, $clean );
	}

	/**
	 * "45 seconds", "12 minutes".
	 *
	 * @since 0.2.0
	 *
	 * @param int $seconds Seconds.
	 * @return string
	 */
	public static function human_wait( int $seconds ): string {
		if ( $seconds < 60 ) {
			/* translators: %d: number of seconds. */
			return sprintf( _n( '%d second', '%d seconds', $seconds, 'wpwa' ), $seconds );
		}
		$minutes = (int) ceil( $seconds / 60 );
		/* translators: %d: number of minutes. */
		return sprintf( _n( '%d minute', '%d minutes', $minutes, 'wpwa' ), $minutes );
	}
}
