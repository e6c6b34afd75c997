<?php
/**
 * Front-end assets of the vendor dashboard.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Frontend;

use Wpwa\Plugin\SessionStates;

defined( 'ABSPATH' ) || exit;

/**
 * Registers the dashboard stylesheet and script, and enqueues them only where
 * a dashboard renders.
 *
 * @since 0.1.0
 */
final class Assets {

	/**
	 * Handle of the stylesheet and of the script.
	 *
	 * @since 0.1.0
	 */
	public const HANDLE = 'wpwa-dashboard';

	/**
	 * Whether the script data was attached already.
	 *
	 * @var bool
	 */
	private static bool $localized = false;

	/**
	 * Hooks.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'wp_enqueue_scripts', array( self::class, 'register' ), 5 );
		add_action( 'wp_enqueue_scripts', array( self::class, 'enqueue_for_singular' ) );
	}

	/**
	 * Registers the assets (idempotent).
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function register(): void {
		if ( wp_style_is( self::HANDLE, 'registered' ) ) {
			return;
		}
		wp_register_style(
			self::HANDLE,
			WPWA_PLUGIN_URL . 'assets/css/dashboard.css',
			array(),
			WPWA_PLUGIN_VERSION
		);
		wp_register_script(
			self::HANDLE,
			WPWA_PLUGIN_URL . 'assets/js/dashboard.js',
			array(),
			WPWA_PLUGIN_VERSION,
			array(
				'in_footer' => true,
				'strategy'  => 'defer',
			)
		);
	}

	/**
	 * Puts the stylesheet in the head of singular views whose content holds
	 * the shortcode, so the dashboard never renders unstyled first.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function enqueue_for_singular(): void {
		if ( ! is_singular() ) {
			return;
		}
		$post = get_post();
		if ( $post && has_shortcode( (string) $post->post_content, Shortcode::TAG ) ) {
			wp_enqueue_style( self::HANDLE );
		}
	}

	/**
	 * Enqueues the stylesheet only (guests, non-vendors, notices).
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function enqueue_style(): void {
		self::register();
		wp_enqueue_style( self::HANDLE );
	}

	/**
	 * Enqueues the stylesheet and the live-status script for a vendor.
	 *
	 * @since 0.1.0
	 *
	 * @param int $vendor_id Vendor whose dashboard renders.
	 * @return void
	 */
	public static function enqueue_dashboard( int $vendor_id ): void {
		self::enqueue_style();
		wp_enqueue_script( self::HANDLE );

		if ( self::$localized ) {
			return;
		}
		self::$localized = true;

		$states = array();
		foreach ( SessionStates::all() as $state => $wording ) {
			$states[ $state ] = array(
				'label'    => (string) ( $wording['label'] ?? $state ),
				'guidance' => (string) ( $wording['guidance'] ?? '' ),
				'tone'     => (string) ( $wording['tone'] ?? 'neutral' ),
			);
		}
		$unknown = SessionStates::describe( '' );

		/**
		 * Filters how often (in seconds) the dashboard refreshes the connection
		 * status while the tab is visible. Failures back off up to ten times
		 * this interval.
		 *
		 * @since 0.1.0
		 *
		 * @param int $seconds   Interval in seconds (at least 5).
		 * @param int $vendor_id Vendor whose dashboard renders.
		 */
		$interval = max( 5, (int) apply_filters( 'wpwa_dashboard_poll_interval', 30, $vendor_id ) );

		$reasons = array();
		foreach ( SessionStates::reasons() as $reason => $text ) {
			$reasons[ (string) $reason ] = (string) $text;
		}

		wp_localize_script(
			self::HANDLE,
			'wpwaDashboard',
			array(
				'restUrl'      => esc_url_raw( rest_url( 'wpwa/v1/' ) ),
				'nonce'        => wp_create_nonce( 'wp_rest' ),
				'vendorId'     => $vendor_id,
				'pollInterval' => $interval * 1000,
				/**
				 * Filters how often (in milliseconds) the dashboard asks for the
				 * session status while a QR code or pairing code waits to be
				 * used: short, so "Connected" shows within a second of the scan
				 * (only while waiting; idle dashboards back off to a minute).
				 *
				 * @since 0.2.0
				 * @since 0.15.0 Default 700 (was 2000), at least 500.
				 *
				 * @param int $ms        Interval in milliseconds (at least 500).
				 * @param int $vendor_id Vendor whose dashboard renders.
				 */
				'fastInterval' => max( 500, (int) apply_filters( 'wpwa_dashboard_fast_poll_interval', 700, $vendor_id ) ),
				'maxInterval'  => 60000,
				'states'       => $states,
				'reasons'      => $reasons,
				'i18n'         => array(
					'unknownLabel'    => $unknown['label'],
					'unknownGuidance' => $unknown['guidance'],
					/* translators: %s: time, e.g. 14:05. */
					'checkedAt'       => __( 'Last checked at %s', 'wpwa' ),
					'offline'         => __( 'Could not refresh the status. Retrying shortly…', 'wpwa' ),
					'sessionEnded'    => __( 'Your login session has ended. Reload the page to see the latest status.', 'wpwa' ),
					'connect'         => __( 'Connect WhatsApp', 'wpwa' ),
					'connectAgain'    => __( 'Connect again', 'wpwa' ),
					'newQr'           => __( 'Generate a new QR code', 'wpwa' ),
					'disconnect'      => __( 'Disconnect', 'wpwa' ),
					'cancel'          => __( 'Cancel', 'wpwa' ),
					'working'         => __( 'Please wait…', 'wpwa' ),
					/* translators: %s: remaining time, e.g. 0:42. */
					'expiresIn'       => __( 'This code changes in %s. Scan it with WhatsApp on your phone.', 'wpwa' ),
					'qrRotating'      => __( 'Getting a fresh QR code…', 'wpwa' ),
					/* translators: %s: remaining time, e.g. 2:42. */
					'pairingExpires'  => __( 'The code works for %s more. Enter it on your phone now.', 'wpwa' ),
					'pairingExpired'  => __( 'The code expired.', 'wpwa' ),
					/* translators: %s: phone number, e.g. +4915123456789. */
					'pairingFor'      => __( 'Pairing code for %s', 'wpwa' ),
					'unreachable'     => __( 'We couldn\'t reach the WhatsApp service. Please check your internet connection and try again in a moment.', 'wpwa' ),
					'disconnected'    => __( 'Your WhatsApp number is disconnected.', 'wpwa' ),
					'lessThanMinute'  => __( 'less than a minute', 'wpwa' ),
				),
			)
		);
	}
}
