<?php
/**
 * Coexistence: the state of each WhatsApp Business account (WABA) that the
 * Cloud API's `account_update` webhooks report, told to the vendors whose
 * connection uses it and to the admin.
 *
 * @package Wpwa\Plugin
 * @since   0.15.0
 */

namespace Wpwa\Plugin;

use Throwable;

defined( 'ABSPATH' ) || exit;

/**
 * The core keeps each account's state (connected, offboarded, disconnected)
 * and reports real changes in the Cloud webhook's outcome; this class logs
 * them, fires `wpwa_business_account_changed`, and finds the connections and
 * vendors an account concerns, for the vendor dashboard's notice, the admin
 * notice and Site Health.
 *
 * @since 0.15.0
 */
final class BusinessAccounts {

	/**
	 * How long a vendor still sees "reconnected" (re-link your other devices)
	 * after the account came back.
	 *
	 * @since 0.15.0
	 */
	public const RECONNECTED_NOTICE_SECONDS = 7 * DAY_IN_SECONDS;

	/**
	 * After a Cloud webhook: logs each account change (site-wide and for each
	 * vendor concerned) and fires `wpwa_business_account_changed`. Never
	 * throws: the webhook is already stored, and a failure here must not make
	 * WhatsApp deliver it again (a redelivery reports no change).
	 *
	 * @since 0.15.0
	 *
	 * @param array<string,mixed> $outcome The core's report of the webhook.
	 * @return void
	 */
	public static function after_webhook( array $outcome ): void {
		foreach ( (array) ( $outcome['account_changes'] ?? array() ) as $change ) {
			try {
				self::changed( (array) $change );
			} catch ( Throwable $e ) {
				Core::report( $e );
			}
		}
	}

	/**
	 * Logs and announces one account change.
	 *
	 * @param array<string,mixed> $change waba_id, from, to, event, reason, initiated_by, phone_number.
	 * @return void
	 */
	private static function changed( array $change ): void {
		$waba_id     = (string) ( $change['waba_id'] ?? '' );
		$to          = (string) ( $change['to'] ?? '' );
		$connections = self::connections_of( $waba_id );
		$vendors     = self::vendors_of( array_keys( $connections ) );
		$code        = 'business_account_' . sanitize_key( $to );
		$level       = 'connected' === $to ? 'info' : 'warning';
		$params      = array(
			'waba_id'      => $waba_id,
			'connection'   => implode( ', ', $connections ),
			'reason'       => (string) ( $change['reason'] ?? '' ),
			'initiated_by' => (string) ( $change['initiated_by'] ?? '' ),
		);
		$context     = array(
			'event'        => (string) ( $change['event'] ?? '' ),
			'from'         => (string) ( $change['from'] ?? '' ),
			'phone_number' => (string) ( $change['phone_number'] ?? '' ),
			'vendors'      => $vendors,
		);
		Core::event( 0, $level, 'account', $code, $params, $context );
		foreach ( $vendors as $vendor_id ) {
			Core::event( $vendor_id, $level, 'account', $code, $params, $context );
		}

		/**
		 * Fires when a WhatsApp Business account's state changed through an
		 * `account_update` webhook (coexistence): offboarded (the number was
		 * registered again; messaging is suspended until the owner accepts
		 * the reconnect prompt in the WhatsApp Business app), disconnected
		 * (PARTNER_REMOVED) or connected again (ACCOUNT_RECONNECTED). Fires
		 * once per change: a redelivered or older webhook does not fire it.
		 *
		 * @since 0.15.0
		 *
		 * @param array    $change         waba_id, from, to (connected|offboarded|disconnected),
		 *                                 event (the webhook's event name), reason, initiated_by,
		 *                                 phone_number (null when WhatsApp gave none).
		 * @param int[]    $vendor_ids     Vendors whose Cloud API connection uses the account.
		 * @param string[] $connection_ids The Cloud API connections with this WABA ID.
		 */
		do_action( 'wpwa_business_account_changed', $change, $vendors, array_map( 'strval', array_keys( $connections ) ) );
	}

	/**
	 * The Cloud API connections (ID => label) whose WABA ID is `$waba_id`.
	 *
	 * @since 0.15.0
	 *
	 * @param string $waba_id WhatsApp Business account ID.
	 * @return array<string,string>
	 */
	public static function connections_of( string $waba_id ): array {
		$found = array();
		if ( '' === $waba_id ) {
			return $found;
		}
		foreach ( CloudConnections::all() as $id => $connection ) {
			if ( (string) ( $connection['waba_id'] ?? '' ) === $waba_id ) {
				$found[ (string) $id ] = (string) ( $connection['label'] ?? $id );
			}
		}
		return $found;
	}

	/**
	 * The vendors assigned one of the connections (model 2).
	 *
	 * @since 0.15.0
	 *
	 * @param array<int,int|string> $connection_ids Connection IDs.
	 * @return int[]
	 */
	public static function vendors_of( array $connection_ids ): array {
		if ( array() === $connection_ids ) {
			return array();
		}
		$users = get_users(
			array(
				'meta_key'     => CloudConnections::ASSIGN_META, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key
				'meta_value'   => array_map( 'strval', $connection_ids ), // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_value
				'meta_compare' => 'IN',
				'fields'       => 'ID',
				'number'       => 200,
			)
		);
		return array_values( array_map( 'intval', (array) $users ) );
	}

	/**
	 * The accounts that are not connected, each with its connections and
	 * vendors, for the admin notice and Site Health.
	 *
	 * @since 0.15.0
	 *
	 * @return array<int,array<string,mixed>> Accounts (keys of Core::business_accounts())
	 *                                        plus connections (ID => label) and vendors (IDs).
	 */
	public static function troubled(): array {
		if ( ! Core::available() ) {
			return array();
		}
		$accounts = Core::business_accounts();
		if ( ! is_array( $accounts ) ) {
			return array();
		}
		$troubled = array();
		foreach ( $accounts as $account ) {
			$account = (array) $account;
			if ( 'connected' === ( $account['state'] ?? 'connected' ) ) {
				continue;
			}
			$account['connections'] = self::connections_of( (string) ( $account['waba_id'] ?? '' ) );
			$account['vendors']     = self::vendors_of( array_keys( $account['connections'] ) );
			$troubled[]             = $account;
		}
		return $troubled;
	}

	/**
	 * What a vendor's dashboard tells them about the WhatsApp Business account
	 * of their own Cloud API connection (model 2): null when all is well.
	 *
	 * @since 0.15.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array{state:string,tone:string,title:string,text:string,todo:string,changed_at:int}|null
	 */
	public static function vendor_notice( int $vendor_id ): ?array {
		if ( 'per_vendor' !== Settings::get( 'integration_model' ) || ! Core::available() ) {
			return null;
		}
		$connection = CloudConnections::get( CloudConnections::assigned( $vendor_id ) );
		$waba_id    = is_array( $connection ) ? (string) ( $connection['waba_id'] ?? '' ) : '';
		if ( '' === $waba_id ) {
			return null;
		}
		$account = Core::business_account( $waba_id );
		if ( ! is_array( $account ) ) {
			return null;
		}
		$state = (string) ( $account['state'] ?? 'connected' );
		if ( 'connected' === $state ) {
			$recent = time() - (int) ( $account['changed_at'] ?? 0 ) < self::RECONNECTED_NOTICE_SECONDS;
			if ( 'ACCOUNT_RECONNECTED' !== ( $account['last_event'] ?? '' ) || ! $recent ) {
				return null;
			}
		}
		$words = Texts::business_account_vendor( $state, (string) ( $account['reason'] ?? '' ) );
		return array(
			'state'      => $state,
			'tone'       => 'connected' === $state ? 'success' : ( 'offboarded' === $state ? 'warning' : 'error' ),
			'title'      => $words['title'],
			'text'       => $words['text'],
			'todo'       => $words['todo'],
			'changed_at' => (int) ( $account['changed_at'] ?? 0 ),
		);
	}
}
