<?php
/**
 * The Preferences panel's form: shown on the vendor dashboard, saved through
 * admin-post.php, so it works without JavaScript and inside WCFM.
 *
 * @package Wpwa\Plugin
 * @since   0.5.0
 */

namespace Wpwa\Plugin\Messages;

use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * Saves a vendor's own preferences (nonce and vendor check), then returns to
 * the dashboard with the outcome in a short-lived transient.
 *
 * @since 0.5.0
 */
final class PreferencesForm {

	/**
	 * The admin-post action.
	 *
	 * @since 0.5.0
	 */
	public const ACTION = 'wpwa_save_preferences';

	/**
	 * Query argument telling the dashboard the form was submitted.
	 *
	 * @since 0.5.0
	 */
	public const RESULT_ARG = 'wpwa-preferences';

	/**
	 * Registers the handler.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'admin_post_' . self::ACTION, array( self::class, 'handle' ) );
	}

	/**
	 * The panel's data: the vendor's preferences, the outcome of the last
	 * submission, what the marketplace allows, and the response figures.
	 *
	 * @since 0.5.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>
	 */
	public static function data( int $vendor_id ): array {
		$outcome = get_transient( self::transient( $vendor_id ) );
		$shown   = isset( $_GET[ self::RESULT_ARG ] ) && is_array( $outcome ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only selects which stored notice to show.
		if ( $shown ) {
			delete_transient( self::transient( $vendor_id ) );
		}
		$prefs = Preferences::get( $vendor_id );
		if ( $shown && ! empty( $outcome['input'] ) && is_array( $outcome['input'] ) ) {
			// Show what the vendor typed, not the saved values, next to the errors.
			$prefs = array_merge( $prefs, array_intersect_key( $outcome['input'], $prefs ) );
		}
		$days = array();
		for ( $day = 0; $day < 7; $day++ ) {
			$days[] = Preferences::day_name( $day );
		}
		return array(
			'prefs'            => $prefs,
			'days'             => $days,
			'action_url'       => admin_url( 'admin-post.php' ),
			'action'           => self::ACTION,
			'nonce_action'     => self::ACTION . '_' . $vendor_id,
			'saved'            => $shown && empty( $outcome['errors'] ),
			'errors'           => $shown ? array_map( 'strval', (array) ( $outcome['errors'] ?? array() ) ) : array(),
			'auto_replies_on'  => (bool) Config::get( 'auto_replies' ),
			'whatsapp_offered' => '' !== (string) Config::get( 'notify_template' ),
			'timezone'         => wp_timezone_string(),
		);
	}

	/**
	 * Handles a submission.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function handle(): void {
		$vendor_id = get_current_user_id();
		if ( $vendor_id <= 0 || ! Vendors::is_vendor( $vendor_id ) ) {
			wp_die( esc_html__( 'Only vendors have WhatsApp preferences.', 'wpwa' ), esc_html__( 'Not allowed', 'wpwa' ), array( 'response' => 403 ) );
		}
		check_admin_referer( self::ACTION . '_' . $vendor_id );

		$input  = wp_unslash( $_POST ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- validated field by field in Preferences::save().
		$input  = is_array( $input ) ? $input : array();
		$result = Preferences::save( $vendor_id, $input );
		$stored = array( 'errors' => array() );
		if ( is_wp_error( $result ) ) {
			$stored['errors'] = $result->get_error_messages();
			$stored['input']  = array_diff_key( array_intersect_key( $input, Preferences::defaults() ), array( 'hours' => true ) );
		} else {
			/**
			 * Fires after a vendor saved their messaging preferences.
			 *
			 * @since 0.5.0
			 *
			 * @param int                 $vendor_id Vendor user ID.
			 * @param array<string,mixed> $prefs     The saved preferences.
			 */
			do_action( 'wpwa_vendor_preferences_saved', $vendor_id, $result );
		}
		set_transient( self::transient( $vendor_id ), $stored, 5 * MINUTE_IN_SECONDS );

		// The dashboard page the form was on (the nonce field's referer), validated.
		$back = remove_query_arg( self::RESULT_ARG, (string) ( wp_get_referer() ? wp_get_referer() : home_url( '/' ) ) );
		wp_safe_redirect( add_query_arg( self::RESULT_ARG, is_wp_error( $result ) ? 'error' : 'saved', $back ) . '#wpwa-preferences' );
		exit;
	}

	/**
	 * Key of the transient holding a vendor's last outcome.
	 *
	 * @since 0.5.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return string
	 */
	private static function transient( int $vendor_id ): string {
		return 'wpwa_prefs_outcome_' . $vendor_id;
	}
}
