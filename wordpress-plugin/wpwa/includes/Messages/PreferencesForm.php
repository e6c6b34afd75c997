<?php
/**
 * The Preferences panel's form: shown on the vendor dashboard and saved
 * through the REST route `wpwa/v1/preferences`, never through wp-admin,
 * which marketplaces close to vendors.
 *
 * @package Wpwa\Plugin
 * @since   0.5.0
 */

namespace Wpwa\Plugin\Messages;

use WP_Error;
use Wpwa\Plugin\Rest\Controller;
use Wpwa\Plugin\Rules;

defined( 'ABSPATH' ) || exit;

/**
 * The panel's view data and script. With JavaScript the form is sent with
 * fetch() and the outcome shown in the panel; without, the browser posts it
 * to the same route, which keeps the outcome in a short-lived transient and
 * sends the vendor back to the page the form was on.
 *
 * @since 0.5.0
 * @since 0.7.0 Saved through the REST route; the admin-post handler is gone.
 */
final class PreferencesForm {

	/**
	 * Query argument telling the dashboard the form was submitted without JavaScript.
	 *
	 * @since 0.5.0
	 */
	public const RESULT_ARG = 'wpwa-preferences';

	/**
	 * Handle of the panel's script.
	 *
	 * @since 0.7.0
	 */
	public const HANDLE = 'wpwa-preferences';

	/**
	 * The fields a problem can be shown next to.
	 *
	 * @since 0.7.0
	 */
	public const FIELDS = array( 'whatsapp_number', 'acknowledgement', 'away_message', 'hours' );

	/**
	 * Hooks.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'wpwa_vendor_dashboard_before_preferences', array( self::class, 'enqueue' ) );
	}

	/**
	 * The panel's data: the vendor's preferences, the outcome of the last
	 * submission made without JavaScript, what the marketplace allows.
	 *
	 * @since 0.5.0
	 * @since 0.7.0 `action_url` is the REST route; `field_errors` and `invalid_days`.
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
		$problems     = $shown ? self::problems( $outcome['errors'] ?? array() ) : array();
		$field_errors = array_fill_keys( self::FIELDS, array() );
		$invalid_days = array();
		foreach ( $problems as $problem ) {
			if ( isset( $field_errors[ $problem['field'] ] ) ) {
				$field_errors[ $problem['field'] ][] = $problem['message'];
			}
			if ( null !== $problem['day'] ) {
				$invalid_days[] = $problem['day'];
			}
		}
		$days = array();
		for ( $day = 0; $day < 7; $day++ ) {
			$days[] = Preferences::day_name( $day );
		}
		return array(
			'prefs'            => $prefs,
			'days'             => $days,
			'action_url'       => rest_url( Controller::NAMESPACE . '/preferences' ),
			'saved'            => $shown && ! $problems,
			'errors'           => array_column( $problems, 'message' ),
			'field_errors'     => $field_errors,
			'invalid_days'     => $invalid_days,
			'auto_replies_on'  => (bool) Config::get( 'auto_replies' ),
			'whatsapp_offered' => '' !== (string) Config::get( 'notify_template' ),
			'timezone'         => wp_timezone_string(),
		);
	}

	/**
	 * Keeps the outcome of a submission made without JavaScript for the page
	 * the vendor is sent back to.
	 *
	 * @since 0.7.0
	 *
	 * @param int                          $vendor_id Vendor user ID.
	 * @param array<string,mixed>|WP_Error $result    What Preferences::save() returned.
	 * @param array<string,mixed>          $input     The submitted fields.
	 * @return void
	 */
	public static function remember( int $vendor_id, $result, array $input ): void {
		$stored = array( 'errors' => array() );
		if ( is_wp_error( $result ) ) {
			$stored['errors'] = self::problems( ( (array) $result->get_error_data() )['errors'] ?? array() );
			// What the vendor typed comes back into the form (hours are re-read from the store).
			$stored['input'] = array_diff_key( array_intersect_key( $input, Preferences::defaults() ), array( 'hours' => true ) );
		}
		set_transient( self::transient( $vendor_id ), $stored, 5 * MINUTE_IN_SECONDS );
	}

	/**
	 * Loads the panel's script (once per page).
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function enqueue(): void {
		wp_enqueue_script(
			self::HANDLE,
			WPWA_PLUGIN_URL . 'assets/js/preferences.js',
			array(),
			WPWA_PLUGIN_VERSION,
			array(
				'in_footer' => true,
				'strategy'  => 'defer',
			)
		);
		if ( wp_scripts()->get_data( self::HANDLE, 'data' ) ) {
			return;
		}
		wp_localize_script(
			self::HANDLE,
			'wpwaPreferences',
			array(
				'i18n' => array(
					'saving'       => __( 'Saving…', 'wpwa' ),
					'unreachable'  => __( 'Your preferences could not be saved: the site did not answer. Please check your connection and try again.', 'wpwa' ),
					'sessionEnded' => __( 'Your login session has ended. Reload the page, log in again and save once more.', 'wpwa' ),
				),
			)
		);
	}

	/**
	 * Stored problems, worded again from their codes (in the language of the
	 * page that shows them).
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $problems Problems as Preferences::problem() makes them.
	 * @return array<int,array{code:string,field:string,day:int|null,message:string}>
	 */
	private static function problems( $problems ): array {
		$clean = array();
		foreach ( is_array( $problems ) ? $problems : array() as $problem ) {
			if ( ! is_array( $problem ) || empty( $problem['code'] ) || empty( $problem['field'] ) ) {
				continue;
			}
			$day     = isset( $problem['day'] ) && is_numeric( $problem['day'] ) ? self::weekday( (int) $problem['day'] ) : null;
			$clean[] = Preferences::problem( (string) $problem['code'], (string) $problem['field'], $day );
		}
		return $clean;
	}

	/**
	 * A stored problem's weekday if the core's weekday rule accepts it, else null
	 * (the problem is then worded without a day).
	 *
	 * @param int $day Weekday (0 = Monday).
	 * @return int|null
	 */
	private static function weekday( int $day ): ?int {
		$checked = Rules::check( Preferences::RULES_GROUP, array( 'weekday' => $day ) );
		return ! is_wp_error( $checked ) && isset( $checked['values']['weekday'] ) ? (int) $checked['values']['weekday'] : null;
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
