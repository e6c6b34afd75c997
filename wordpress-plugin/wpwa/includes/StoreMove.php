<?php
/**
 * Moving an existing site's store from its SQLite file into the WordPress database.
 *
 * @package Wpwa\Plugin
 * @since   0.14.0
 */

namespace Wpwa\Plugin;

use Throwable;
use WP_Error;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * The "Move to the WordPress database" action, for the Settings page and for
 * scripts (`wpwa_move_store_to_wordpress_database()`).
 *
 * A move raises an installation-wide "moving" flag, waits a short grace so
 * requests already running on other workers finish, has the core copy every
 * table and compare row counts and content hashes, and switches the
 * `wpwa_store_engine` option to `wordpress` only when every table matches.
 * While the flag is up, nothing writes to the SQLite file: the webhook routes
 * answer 503 with Retry-After (Meta and the gateway deliver again later),
 * scheduled work skips its turn and comes back, and every other call into the
 * store is refused with a 503. The flag is cleared whatever happens; a flag
 * left by a worker that died counts as stale after STALE_AFTER seconds.
 *
 * A failed copy is removed again by the core and leaves the site on SQLite
 * with nothing lost; the SQLite file is never changed by a move and stays on
 * disk afterwards as a backup.
 *
 * @since 0.14.0
 */
final class StoreMove {

	/**
	 * Network option holding the flag of a move under way: `started` (Unix
	 * time) and `user_id`.
	 *
	 * @since 0.14.0
	 */
	public const FLAG_OPTION = 'wpwa_store_moving';

	/**
	 * Network option holding the outcome of the last move, for the Settings page.
	 *
	 * @since 0.14.0
	 */
	public const RESULT_OPTION = 'wpwa_store_move_result';

	/**
	 * Seconds after which a flag left behind (a worker killed mid-move) no
	 * longer blocks the site.
	 *
	 * @since 0.14.0
	 */
	public const STALE_AFTER = 15 * MINUTE_IN_SECONDS;

	/**
	 * Seconds a move waits after raising the flag, so requests that started
	 * before it (and may still write to the SQLite file) finish first.
	 *
	 * @since 0.14.0
	 */
	public const GRACE_SECONDS = 5;

	/**
	 * What Retry-After says while a move is under way, in seconds.
	 *
	 * @since 0.14.0
	 */
	public const RETRY_AFTER = 60;

	/**
	 * The refusal() codes: a move that did not start (not kept as the last result).
	 *
	 * @since 0.14.0
	 */
	public const REFUSALS = array( 'engine_fixed', 'already_moved', 'extension_missing', 'moving' );

	/**
	 * Whether a move is under way (the flag is up and not stale).
	 *
	 * @since 0.14.0
	 *
	 * @return bool
	 */
	public static function in_progress(): bool {
		$started = self::started_at();
		return null !== $started && $started > time() - self::STALE_AFTER;
	}

	/**
	 * Whether a move is under way, read from the database rather than from
	 * what this request cached: for long-running processes (Action
	 * Scheduler's queue runner, WP-CLI) that started before the flag rose.
	 *
	 * @since 0.14.0
	 *
	 * @return bool
	 */
	public static function in_progress_now(): bool {
		global $wpdb;
		if ( ! $wpdb instanceof \wpdb ) {
			return self::in_progress();
		}
		if ( is_multisite() ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching -- the point is to bypass the cache.
			$raw = $wpdb->get_var( $wpdb->prepare( "SELECT meta_value FROM {$wpdb->sitemeta} WHERE meta_key = %s AND site_id = %d", self::FLAG_OPTION, get_current_network_id() ) );
		} else {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching -- the point is to bypass the cache.
			$raw = $wpdb->get_var( $wpdb->prepare( "SELECT option_value FROM {$wpdb->options} WHERE option_name = %s", self::FLAG_OPTION ) );
		}
		return self::flag_is_fresh( null === $raw ? null : (string) $raw );
	}

	/**
	 * Whether the flag option's raw (serialized) value says a move is under way.
	 *
	 * @since 0.16.0
	 *
	 * @param string|null $raw The option's value as stored, null when there is none.
	 * @return bool
	 */
	public static function flag_is_fresh( ?string $raw ): bool {
		$flag = null === $raw ? false : maybe_unserialize( $raw );
		return is_array( $flag ) && ! empty( $flag['started'] ) && (int) $flag['started'] > time() - self::STALE_AFTER;
	}

	/**
	 * When the move under way (or a stale one) started, or null.
	 *
	 * @since 0.14.0
	 *
	 * @return int|null Unix time.
	 */
	public static function started_at(): ?int {
		StoreConfig::prime_options();
		$flag = get_site_option( self::FLAG_OPTION, false );
		if ( ! is_array( $flag ) || empty( $flag['started'] ) ) {
			return null;
		}
		return (int) $flag['started'];
	}

	/**
	 * The capability a person needs to move the store: it is the whole
	 * installation's, so on a network only network administrators may.
	 *
	 * @since 0.14.0
	 *
	 * @return string
	 */
	public static function capability(): string {
		return is_multisite() ? 'manage_network_options' : 'manage_options';
	}

	/**
	 * Why a move cannot start now, as a code, or null when it can:
	 * `engine_fixed` (the WPWA_STORE constant decides), `already_moved`,
	 * `extension_missing`, `moving` (another move is under way).
	 *
	 * @since 0.14.0
	 *
	 * @return string|null
	 */
	public static function refusal(): ?string {
		if ( StoreConfig::engine_is_fixed() ) {
			return 'engine_fixed';
		}
		if ( StoreConfig::WORDPRESS === StoreConfig::engine() ) {
			return 'already_moved';
		}
		if ( ! Core::available() ) {
			return 'extension_missing';
		}
		if ( self::in_progress() ) {
			return 'moving';
		}
		return null;
	}

	/**
	 * Moves the store from the SQLite file into the WordPress database and,
	 * when every table's copy matches, switches the site to it. Does not check
	 * the caller's capabilities: the admin action does, scripts are trusted.
	 *
	 * Returns `ok`, `error` (a code, null on success: one of refusal()'s,
	 * `target_not_empty`, `mismatch` or `copy_failed`), `message` (the outcome
	 * in words), `detail` (what the core said when the copy failed; may name
	 * the database server), `tables` (each with `table`, `source_rows`,
	 * `target_rows`, `source_hash`, `target_hash`, `match`), `engine` (in use
	 * afterwards), `started`, `finished` and `user_id`.
	 *
	 * @since 0.14.0
	 *
	 * @return array<string,mixed>
	 */
	public static function move(): array {
		$started = time();
		$refusal = self::refusal();
		if ( null !== $refusal ) {
			return self::finish( self::outcome( $refusal, null, array(), $started ) );
		}

		$flag = array(
			'started' => $started,
			'user_id' => get_current_user_id(),
		);
		if ( is_multisite() ) {
			update_site_option( self::FLAG_OPTION, $flag );
		} else {
			// Not autoloaded: a request reads it when it first needs the store.
			update_option( self::FLAG_OPTION, $flag, false );
		}
		$result = self::outcome( 'copy_failed', null, array(), $started );
		try {
			self::prepare_request();

			/**
			 * Filters the seconds a move waits after raising its flag, so that
			 * requests already running on other workers finish writing to the
			 * SQLite file before the copy begins.
			 *
			 * @since 0.14.0
			 *
			 * @param int $seconds Seconds (default 5).
			 */
			$grace = (int) apply_filters( 'wpwa_store_move_grace_seconds', self::GRACE_SECONDS );
			if ( $grace > 0 ) {
				sleep( $grace );
			}

			$dir = DataDir::ensure();
			if ( is_wp_error( $dir ) ) {
				$result = self::outcome( 'copy_failed', $dir->get_error_message(), array(), $started );
			} else {
				$report = Core::store_move_to_database( DataDir::store_path(), StoreConfig::database_options() );
				$result = self::from_report( $report, $started );
				if ( $result['ok'] ) {
					StoreConfig::record_engine( StoreConfig::WORDPRESS );
					// This worker opens the database on its next call.
					Core::forget_store();
				}
			}
		} catch ( Throwable $e ) {
			Core::report( $e );
			$result = self::outcome( 'copy_failed', $e->getMessage(), array(), $started );
		} finally {
			delete_site_option( self::FLAG_OPTION );
		}
		$result['engine'] = StoreConfig::engine();
		return self::finish( $result );
	}

	/**
	 * The outcome of the last move (or refused move), or null; `message` in
	 * the current language.
	 *
	 * @since 0.14.0
	 *
	 * @return array<string,mixed>|null
	 */
	public static function last_result(): ?array {
		$result = get_site_option( self::RESULT_OPTION, null );
		if ( ! is_array( $result ) ) {
			return null;
		}
		$result['message'] = self::message( $result );
		return $result;
	}

	/**
	 * The outcome in words.
	 *
	 * @since 0.14.0
	 *
	 * @param array<string,mixed> $result A move's result.
	 * @return string
	 */
	public static function message( array $result ): string {
		if ( ! empty( $result['ok'] ) ) {
			$rows = 0;
			foreach ( (array) ( $result['tables'] ?? array() ) as $table ) {
				$rows += (int) ( $table['target_rows'] ?? 0 );
			}
			$count = count( (array) ( $result['tables'] ?? array() ) );
			return sprintf(
				/* translators: 1: number of tables, 2: number of rows. */
				_n(
					'The store is now in the WordPress database: %1$s table with %2$s rows copied, its row count and content hash equal to the SQLite file\'s.',
					'The store is now in the WordPress database: %1$s tables with %2$s rows copied, every row count and content hash equal to the SQLite file\'s.',
					$count,
					'wpwa'
				),
				number_format_i18n( $count ),
				number_format_i18n( $rows )
			);
		}
		return self::error_message( (string) ( $result['error'] ?? '' ) );
	}

	/**
	 * Removes wpwa's tables from the WordPress database while the site runs on
	 * its SQLite file: what an earlier move killed half-way, or a time the site
	 * ran with WPWA_STORE 'wordpress', left behind (a move refuses to copy over
	 * them: `target_not_empty`). Never while the site uses those tables, while
	 * the engine is fixed or during a move. Forgets the last move's result, so
	 * the next move starts afresh. Does not check the caller's capabilities:
	 * the admin action does, scripts are trusted.
	 *
	 * @since 0.15.0
	 *
	 * @return array{ok:bool,removed:int,message:string}
	 */
	public static function remove_leftover_tables(): array {
		$refusal = self::refusal();
		if ( null !== $refusal ) {
			// On the WordPress database the tables are the store itself.
			$message = 'already_moved' === $refusal
				? __( 'The site keeps its store in those tables, so they cannot be removed.', 'wpwa' )
				: self::error_message( $refusal );
			return array(
				'ok'      => false,
				'removed' => 0,
				'message' => $message,
			);
		}
		$removed = Core::store_drop_database_tables( StoreConfig::database_options() );
		if ( is_wp_error( $removed ) ) {
			return array(
				'ok'      => false,
				'removed' => 0,
				'message' => $removed->get_error_message(),
			);
		}
		delete_site_option( self::RESULT_OPTION );
		Core::event( 0, 'warning', 'store', 'store_leftovers_removed', array( 'tables' => (int) $removed ), array( 'user_id' => get_current_user_id() ) );
		return array(
			'ok'      => true,
			'removed' => (int) $removed,
			'message' => sprintf(
				/* translators: %d: number of tables. */
				_n( 'Removed %d wpwa table from the WordPress database. You can move the store now.', 'Removed %d wpwa tables from the WordPress database. You can move the store now.', (int) $removed, 'wpwa' ),
				(int) $removed
			),
		);
	}

	/**
	 * Why a move did not happen, in words, from its code.
	 *
	 * @since 0.14.0
	 *
	 * @param string $code Error code of a move's result.
	 * @return string
	 */
	public static function error_message( string $code ): string {
		switch ( $code ) {
			case 'engine_fixed':
				/* translators: %s: constant name. */
				return sprintf( __( 'The %s constant in wp-config.php decides where the store lives, so it cannot be moved from here. Change the constant instead.', 'wpwa' ), 'WPWA_STORE' );
			case 'already_moved':
				return __( 'The store is already in the WordPress database.', 'wpwa' );
			case 'extension_missing':
				return __( 'The wpwa PHP extension is not loaded on this server, so the store cannot be moved.', 'wpwa' );
			case 'moving':
				return __( 'A move is already under way. Wait a minute and reload this page.', 'wpwa' );
			case 'target_not_empty':
				/* translators: %s: constant name and value. */
				return sprintf( __( 'wpwa\'s tables in the WordPress database already hold data (from an earlier move, or from a time the site ran with %s). Nothing was copied and the site stays on the SQLite file. Remove those tables (below) only if their data is not needed, then move again.', 'wpwa' ), "WPWA_STORE 'wordpress'" );
			case 'mismatch':
				return __( 'The copy did not match the SQLite file (see the tables below), so it was removed again. The site stays on the SQLite file and nothing was lost.', 'wpwa' );
			default:
				return __( 'The copy failed, so it was removed again. The site stays on the SQLite file and nothing was lost.', 'wpwa' );
		}
	}

	/**
	 * The error every call into the store gets while a move is under way.
	 *
	 * @since 0.14.0
	 *
	 * @return WP_Error
	 */
	public static function busy_error(): WP_Error {
		return new WP_Error(
			'wpwa_store_moving',
			__( 'The WhatsApp integration is moving its data to the WordPress database. Try again in a minute.', 'wpwa' ),
			array(
				'status'      => 503,
				'retry_after' => self::RETRY_AFTER,
			)
		);
	}

	/**
	 * The answer of a webhook route while a move is under way: 503 with
	 * Retry-After and nothing done, so the sender delivers it again later.
	 *
	 * @since 0.14.0
	 *
	 * @return WP_REST_Response
	 */
	public static function busy_response(): WP_REST_Response {
		$response = rest_convert_error_to_response( self::busy_error() );
		$response->header( 'Retry-After', (string) self::RETRY_AFTER );
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * For scheduled work: whether to skip this turn because a move is under
	 * way. When it does and `$again` is true, the same action is scheduled
	 * again for after the move (Action Scheduler when present, else WP-Cron).
	 *
	 * @since 0.14.0
	 *
	 * @param string       $hook  The action's hook.
	 * @param array<mixed> $args  Its arguments.
	 * @param bool         $again Whether to run it again later (recurring work comes back by itself).
	 * @return bool True: return without doing anything.
	 */
	public static function skip_turn( string $hook, array $args = array(), bool $again = true ): bool {
		if ( ! self::in_progress_now() ) {
			return false;
		}
		if ( $again ) {
			$when = time() + self::RETRY_AFTER;
			if ( function_exists( 'as_schedule_single_action' ) ) {
				as_schedule_single_action( $when, $hook, array_values( $args ), Catalog\Scheduler::GROUP );
			} else {
				wp_schedule_single_event( $when, $hook, array_values( $args ) );
			}
		}
		return true;
	}

	/**
	 * A long copy must not be cut short by PHP's time limit (it counts the
	 * core's work too) or by the browser going away.
	 *
	 * @return void
	 */
	private static function prepare_request(): void {
		if ( function_exists( 'set_time_limit' ) ) {
			set_time_limit( 0 );
		}
		ignore_user_abort( true );
		if ( function_exists( 'wp_raise_memory_limit' ) ) {
			wp_raise_memory_limit( 'admin' );
		}
	}

	/**
	 * A result from the core's report (or its error).
	 *
	 * @param mixed $report  What Core::store_move_to_database() returned.
	 * @param int   $started Unix time the move started.
	 * @return array<string,mixed>
	 */
	private static function from_report( $report, int $started ): array {
		if ( is_wp_error( $report ) ) {
			$data = (array) $report->get_error_data();
			return self::outcome( 'copy_failed', (string) ( $data['detail'] ?? $report->get_error_message() ), array(), $started );
		}
		$report = (array) $report;
		$tables = array();
		foreach ( (array) ( $report['tables'] ?? array() ) as $table ) {
			$table    = (array) $table;
			$tables[] = array(
				'table'       => (string) ( $table['table'] ?? '' ),
				'source_rows' => (int) ( $table['source_rows'] ?? 0 ),
				'target_rows' => (int) ( $table['target_rows'] ?? 0 ),
				'source_hash' => (string) ( $table['source_hash'] ?? '' ),
				'target_hash' => (string) ( $table['target_hash'] ?? '' ),
				'match'       => ( $table['source_rows'] ?? null ) === ( $table['target_rows'] ?? null )
					&& (string) ( $table['source_hash'] ?? '' ) === (string) ( $table['target_hash'] ?? '' ),
			);
		}
		if ( ! empty( $report['ok'] ) ) {
			return self::outcome( null, null, $tables, $started );
		}
		$error = (string) ( $report['error'] ?? '' );
		if ( in_array( $error, array( 'target_not_empty', 'mismatch' ), true ) ) {
			return self::outcome( $error, null, $tables, $started );
		}
		return self::outcome( 'copy_failed', '' === $error ? null : $error, $tables, $started );
	}

	/**
	 * A result array.
	 *
	 * @param string|null                    $error   Error code, null on success.
	 * @param string|null                    $detail  What the core said.
	 * @param array<int,array<string,mixed>> $tables  Tables as checked.
	 * @param int                            $started Unix time the move started.
	 * @return array<string,mixed>
	 */
	private static function outcome( ?string $error, ?string $detail, array $tables, int $started ): array {
		return array(
			'ok'      => null === $error,
			'error'   => $error,
			'detail'  => $detail,
			'tables'  => $tables,
			'engine'  => StoreConfig::engine(),
			'started' => $started,
		);
	}

	/**
	 * Keeps the result for the Settings page, logs it, announces a completed
	 * move, and returns it with its words.
	 *
	 * @param array<string,mixed> $result The result.
	 * @return array<string,mixed>
	 */
	private static function finish( array $result ): array {
		$result['finished'] = time();
		$result['user_id']  = get_current_user_id();
		$refused            = in_array( $result['error'], self::REFUSALS, true );
		if ( ! $refused ) {
			update_site_option( self::RESULT_OPTION, $result );
		}

		$rows = 0;
		foreach ( $result['tables'] as $table ) {
			$rows += (int) $table['target_rows'];
		}
		if ( $result['ok'] ) {
			Core::event(
				0,
				'notice',
				'store',
				'store_moved',
				array(
					'tables' => count( $result['tables'] ),
					'rows'   => $rows,
				),
				array( 'user_id' => $result['user_id'] )
			);

			/**
			 * Fires after the store was moved from the SQLite file into the
			 * WordPress database and the site switched to it.
			 *
			 * @since 0.14.0
			 *
			 * @param array<string,mixed> $result The move's result (`tables` with
			 *                                    each table's rows and hashes).
			 */
			do_action( 'wpwa_store_moved', $result );
		} elseif ( ! $refused ) {
			Core::event( 0, 'warning', 'store', 'store_move_failed', array( 'error' => (string) $result['error'] ), array( 'detail' => $result['detail'] ) );
		}

		$result['message'] = self::message( $result );
		return $result;
	}
}
