<?php
/**
 * Human wording for the session states reported by the core.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * Labels and guidance for each session state. The state machine lives in the
 * core; this is presentation only.
 *
 * @since 0.1.0
 */
final class SessionStates {

	/**
	 * States the core reports.
	 *
	 * @since 0.1.0
	 */
	public const STATES = array( 'disconnected', 'starting', 'waiting_for_scan', 'connected', 'expired', 'logged_out', 'failed' );

	/**
	 * Label and guidance per state.
	 *
	 * @since 0.1.0
	 *
	 * @return array<string,array{label:string,guidance:string,tone:string}>
	 */
	public static function all(): array {
		$states = array(
			'disconnected'     => array(
				'label'    => __( 'Not connected', 'wpwa' ),
				'guidance' => __( 'Your WhatsApp number is not linked to the marketplace yet. Once it is, customers can reach you on WhatsApp and your products can be shared in chats.', 'wpwa' ),
				'tone'     => 'neutral',
			),
			'starting'         => array(
				'label'    => __( 'Starting', 'wpwa' ),
				'guidance' => __( 'Your WhatsApp session is starting. This usually takes a few seconds.', 'wpwa' ),
				'tone'     => 'progress',
			),
			'waiting_for_scan' => array(
				'label'    => __( 'Waiting for QR scan', 'wpwa' ),
				'guidance' => __( 'Open WhatsApp on your phone, go to Settings → Linked devices → Link a device, and scan the QR code.', 'wpwa' ),
				'tone'     => 'progress',
			),
			'connected'        => array(
				'label'    => __( 'Connected', 'wpwa' ),
				'guidance' => __( 'Your WhatsApp number is connected. Keep your phone online at least every few days so the link stays active.', 'wpwa' ),
				'tone'     => 'good',
			),
			'expired'          => array(
				'label'    => __( 'Session expired', 'wpwa' ),
				'guidance' => __( 'Your WhatsApp session expired. Connect again to keep receiving messages.', 'wpwa' ),
				'tone'     => 'warning',
			),
			'logged_out'       => array(
				'label'    => __( 'Logged out', 'wpwa' ),
				'guidance' => __( 'The marketplace was unlinked from your WhatsApp (for example from Linked devices on your phone). Reconnect to receive messages again.', 'wpwa' ),
				'tone'     => 'warning',
			),
			'failed'           => array(
				'label'    => __( 'Connection failed', 'wpwa' ),
				'guidance' => __( 'The connection could not be established. Try again in a few minutes; if it keeps failing, contact the marketplace team.', 'wpwa' ),
				'tone'     => 'error',
			),
		);

		/**
		 * Filters the labels and guidance shown for each WhatsApp session state.
		 *
		 * @since 0.1.0
		 *
		 * @param array<string,array{label:string,guidance:string,tone:string}> $states Keyed by state.
		 */
		return (array) apply_filters( 'wpwa_session_state_labels', $states );
	}

	/**
	 * What to tell the vendor for each reason a session ended, with what to do
	 * next. `%s` in `phone_in_use` is the phone number.
	 *
	 * @since 0.2.0
	 *
	 * @return array<string,string>
	 */
	public static function reasons(): array {
		$reasons = array(
			'qr_expired'           => __( 'The QR code expired before it was scanned. Generate a new one and scan it right away.', 'wpwa' ),
			'pairing_code_expired' => __( 'The pairing code expired before it was entered on your phone. Connect again and ask for a new code; enter it on your phone right away.', 'wpwa' ),
			'connection_lost'      => __( 'The connection to WhatsApp dropped. Make sure your phone has a stable internet connection, then connect again.', 'wpwa' ),
			'offline_too_long'     => __( 'WhatsApp unlinked the marketplace because your phone was offline for more than 14 days. Connect again and keep your phone online at least every few days.', 'wpwa' ),
			'phone_logged_out'     => __( 'The marketplace was unlinked from your phone (Settings → Linked devices). Connect again to keep receiving messages.', 'wpwa' ),
			/* translators: %s: phone number, e.g. +15550001. */
			'phone_in_use'         => __( 'This number (%s) is already linked to another vendor; use a different number.', 'wpwa' ),
			'gateway_failed'       => __( 'The WhatsApp service could not finish linking your phone. Connect again; if it keeps failing, contact the marketplace team.', 'wpwa' ),
			'gateway_stopped'      => __( 'The WhatsApp session was stopped by the WhatsApp service. Connect again to link your phone.', 'wpwa' ),
		);

		/**
		 * Filters what the vendor is told for each reason a session ended.
		 *
		 * @since 0.2.0
		 * @since 0.15.0 pairing_code_expired.
		 *
		 * @param array<string,string> $reasons Keyed by reason (qr_expired, pairing_code_expired, connection_lost, offline_too_long,
		 *                                      phone_logged_out, phone_in_use, gateway_failed, gateway_stopped).
		 */
		return (array) apply_filters( 'wpwa_session_reason_messages', $reasons );
	}

	/**
	 * The message for a reason ('' when there is none).
	 *
	 * @since 0.2.0
	 *
	 * @param string|null $reason Reason from the core.
	 * @param string|null $phone  The phone number involved.
	 * @return string
	 */
	public static function reason_message( ?string $reason, ?string $phone = null ): string {
		$all = self::reasons();
		if ( null === $reason || ! isset( $all[ $reason ] ) ) {
			return '';
		}
		return str_replace( '%s', (string) ( $phone ?? '' ), (string) $all[ $reason ] );
	}

	/**
	 * Label and guidance of one state; unknown states get a generic wording.
	 *
	 * @since 0.1.0
	 *
	 * @param string $state State reported by the core.
	 * @return array{label:string,guidance:string,tone:string}
	 */
	public static function describe( string $state ): array {
		$all = self::all();
		if ( isset( $all[ $state ] ) && is_array( $all[ $state ] ) ) {
			return array_merge(
				array(
					'label'    => $state,
					'guidance' => '',
					'tone'     => 'neutral',
				),
				$all[ $state ]
			);
		}
		return array(
			'label'    => __( 'Unknown', 'wpwa' ),
			'guidance' => __( 'The connection status could not be determined right now.', 'wpwa' ),
			'tone'     => 'neutral',
		);
	}
}
