<?php
/**
 * Activity log retention and the log viewer's filters.
 *
 * @package Wpwa\Plugin
 * @since   0.5.0
 */

namespace Wpwa\Plugin;

use DateTimeImmutable;
use Throwable;

defined( 'ABSPATH' ) || exit;

/**
 * Runs the daily purge of entries older than the retention setting (the core
 * deletes them), and turns a request's filter parameters into the core's log
 * filter. Filtering, paging and the CSV rows are the core's.
 *
 * @since 0.5.0
 */
final class Logs {

	/**
	 * WP-Cron hook of the daily purge.
	 *
	 * @since 0.5.0
	 */
	public const PURGE_HOOK = 'wpwa_log_purge';

	/**
	 * Option recording the last purge: [time, deleted].
	 *
	 * @since 0.5.0
	 */
	public const LAST_PURGE_OPTION = 'wpwa_log_last_purge';

	/**
	 * Hooks.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function init(): void {
		// The daily clean-up; purge()'s count is for its other callers, an action returns nothing.
		add_action(
			self::PURGE_HOOK,
			static function (): void {
				if ( ! StoreMove::skip_turn( self::PURGE_HOOK, array(), false ) ) {
					self::purge();
				}
			}
		);
		add_action( 'init', array( self::class, 'ensure_scheduled' ), 20 );
	}

	/**
	 * Schedules the daily purge when it is not (cheap: reads the cron array).
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function ensure_scheduled(): void {
		if ( Core::available() && ! wp_next_scheduled( self::PURGE_HOOK ) ) {
			wp_schedule_event( time() + HOUR_IN_SECONDS, 'daily', self::PURGE_HOOK );
		}
	}

	/**
	 * Deletes the entries older than the retention setting.
	 *
	 * @since 0.5.0
	 *
	 * @return int|\WP_Error Entries deleted.
	 */
	public static function purge() {
		try {
			$days    = (int) Settings::get( 'log_retention_days' );
			$deleted = Core::log_purge( time() - $days * DAY_IN_SECONDS );
			if ( is_wp_error( $deleted ) ) {
				Core::report( $deleted->get_error_message() );
				return $deleted;
			}
			update_option( self::LAST_PURGE_OPTION, array( time(), (int) $deleted ), false );
			if ( $deleted > 0 ) {
				Core::event(
					0,
					'info',
					'system',
					'log_purged',
					array(
						'deleted' => (int) $deleted,
						'days'    => $days,
					)
				);
			}
			return (int) $deleted;
		} catch ( Throwable $e ) {
			Core::report( $e );
			return new \WP_Error( 'wpwa_internal', $e->getMessage() );
		}
	}

	/**
	 * The core log filter of a request's parameters: vendor, level, kind,
	 * from and to (Y-m-d, in the site's time zone, both days included).
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,mixed> $params Raw parameters (e.g. $_GET).
	 * @return array<string,int|string>
	 */
	public static function filter_from( array $params ): array {
		$filter = array();
		$text   = static fn( string $key ) => isset( $params[ $key ] ) ? sanitize_text_field( wp_unslash( (string) $params[ $key ] ) ) : '';
		$vendor = absint( $params['vendor'] ?? 0 );
		if ( $vendor > 0 ) {
			$filter['vendor_id'] = $vendor;
		}
		$level = $text( 'level' );
		if ( in_array( $level, Core::LEVELS, true ) ) {
			$filter['level'] = $level;
		}
		$kind = $text( 'kind' );
		$kind = '' !== $kind ? Rules::check( 'log', array( 'kind' => $kind ) ) : null;
		if ( is_array( $kind ) && '' !== (string) ( $kind['values']['kind'] ?? '' ) ) {
			$filter['kind'] = (string) $kind['values']['kind'];
		}
		foreach ( array(
			'from' => array( 'since', '00:00:00' ),
			'to'   => array( 'until', '23:59:59' ),
		) as $key => list( $bound, $time ) ) {
			$day = $text( $key );
			if ( ! preg_match( '/^\d{4}-\d{2}-\d{2}$/', $day ) ) {
				continue;
			}
			$date = DateTimeImmutable::createFromFormat( 'Y-m-d H:i:s', $day . ' ' . $time, wp_timezone() );
			if ( $date ) {
				$filter[ $bound ] = $date->getTimestamp();
			}
		}
		return $filter;
	}
}
