<?php
/**
 * Background catalog sync: resumable slices, the weekly schedule and
 * debounced syncs after product changes.
 *
 * @package Wpwa\Plugin
 * @since   0.3.0
 */

namespace Wpwa\Plugin\Catalog;

use Throwable;
use WP_Post;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\StoreMove;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * Runs sync work outside requests: through Action Scheduler (group `wpwa`)
 * when it is present, WP-Cron otherwise.
 *
 * - `wpwa_sync_slice` ( vendor_id, job_id ): one slice of a running job; it
 *   reschedules itself until the job is done or failed.
 * - `wpwa_sync_vendor` ( vendor_id ): plans and starts a sync of the vendor
 *   (debounced product changes, the weekly run).
 * - `wpwa_catalog_weekly`: the weekly run for every vendor, at the admin's
 *   day and off-peak hour (site time zone).
 * - `wpwa_price_change` ( product_id ): a scheduled sale of the product
 *   starts or ends now; syncs its vendor so the catalog price follows. One
 *   pending action per product, at the next boundary the core names.
 *
 * @since 0.3.0
 */
final class Scheduler {

	public const SLICE_HOOK  = 'wpwa_sync_slice';
	public const VENDOR_HOOK = 'wpwa_sync_vendor';
	public const WEEKLY_HOOK = 'wpwa_catalog_weekly';
	public const PRICE_HOOK  = 'wpwa_price_change';
	public const GROUP       = 'wpwa';

	/**
	 * Option remembering which schedule the weekly event was set for.
	 *
	 * @since 0.3.0
	 */
	public const WEEKLY_SIGNATURE = 'wpwa_catalog_weekly_signature';


	/**
	 * Vendors whose change-sync was (re)scheduled in this request.
	 *
	 * @var array<int,bool>
	 */
	private static array $debounced = array();

	/**
	 * Hooks.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( self::SLICE_HOOK, array( self::class, 'run_slice' ), 10, 2 );
		add_action( self::VENDOR_HOOK, array( self::class, 'run_vendor' ), 10, 1 );
		add_action( self::WEEKLY_HOOK, array( self::class, 'run_weekly' ) );
		add_action( self::PRICE_HOOK, array( self::class, 'run_price_change' ), 10, 1 );
		add_action( 'before_delete_post', array( self::class, 'on_delete' ), 20, 1 );
		add_action( 'init', array( self::class, 'ensure_weekly' ), 100 );

		add_action( 'save_post_product', array( self::class, 'on_save' ), 20, 2 );
		add_action( 'save_post_product_variation', array( self::class, 'on_save' ), 20, 2 );
		add_action( 'woocommerce_update_product', array( self::class, 'on_product_id' ), 20, 1 );
		add_action( 'wp_trash_post', array( self::class, 'on_product_id' ), 20, 1 );
		add_action( 'transition_post_status', array( self::class, 'on_transition' ), 20, 3 );
		add_action( 'post_updated', array( self::class, 'on_post_updated' ), 20, 3 );
	}

	/**
	 * Whether Action Scheduler is available.
	 *
	 * @since 0.3.0
	 *
	 * @return bool
	 */
	public static function has_action_scheduler(): bool {
		return function_exists( 'as_schedule_single_action' ) && function_exists( 'as_enqueue_async_action' );
	}

	/**
	 * Schedules the next slice of a running job (once), when it may send again.
	 *
	 * @since 0.3.0
	 * @since 0.7.0 `$delay`: the first slice of a sync started from the dashboard is due at once.
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param int                 $job_id    Job ID.
	 * @param array<string,mixed> $job       Job summary.
	 * @param int                 $delay     Seconds from now (before any rate-limit wait).
	 * @return void
	 */
	public static function schedule_slice( int $vendor_id, int $job_id, array $job = array(), int $delay = 2 ): void {
		$args = array( $vendor_id, $job_id );
		$when = time() + max( 0, $delay );
		if ( ! empty( $job['wait_until_ms'] ) ) {
			$when = max( $when, (int) ceil( (int) $job['wait_until_ms'] / 1000 ) );
		}
		if ( null !== self::next_action( self::SLICE_HOOK, $args ) ) {
			return;
		}
		self::schedule_action( $when, self::SLICE_HOOK, $args );
	}

	/**
	 * Removes the pending slices of a vendor's jobs, from Action Scheduler's
	 * queue and WP-Cron's, so that a finished sync leaves nothing behind.
	 *
	 * @since 0.3.0
	 * @since 0.7.0 Action Scheduler's pending slices too.
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return void
	 */
	public static function unschedule_slices( int $vendor_id ): void {
		if ( self::has_action_scheduler() && function_exists( 'as_get_scheduled_actions' ) ) {
			$pending = as_get_scheduled_actions(
				array(
					'hook'     => self::SLICE_HOOK,
					'group'    => self::GROUP,
					'status'   => \ActionScheduler_Store::STATUS_PENDING,
					'per_page' => -1,
				)
			);
			foreach ( $pending as $action ) {
				$args = is_object( $action ) && method_exists( $action, 'get_args' ) ? (array) $action->get_args() : array();
				if ( (int) ( $args[0] ?? 0 ) === $vendor_id ) {
					as_unschedule_all_actions( self::SLICE_HOOK, $args, self::GROUP );
				}
			}
		}
		$crons = _get_cron_array();
		// Always an array since WordPress 6.1.
		foreach ( $crons as $timestamp => $hooks ) {
			foreach ( $hooks[ self::SLICE_HOOK ] ?? array() as $event ) {
				if ( (int) ( $event['args'][0] ?? 0 ) === $vendor_id ) {
					wp_unschedule_event( (int) $timestamp, self::SLICE_HOOK, $event['args'] );
				}
			}
		}
	}

	/**
	 * Has the queue run the job's due slice now, for the dashboard's progress
	 * poll: through Action Scheduler's own runner when the slice is queued
	 * there (so it is claimed, logged and completed like any queued action),
	 * or inline without Action Scheduler. A slice not yet due (a rate-limit
	 * wait) is left for the queue.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $job_id    Job ID.
	 * @param int $budget_ms Budget of an inline slice.
	 * @return void
	 */
	public static function run_due_slice( int $vendor_id, int $job_id, int $budget_ms ): void {
		$args = array( $vendor_id, $job_id );
		if ( ! self::has_action_scheduler() || ! class_exists( '\ActionScheduler' ) || ! function_exists( 'as_get_scheduled_actions' ) ) {
			Sync::slice( $vendor_id, $job_id, $budget_ms );
			return;
		}
		$due = as_get_scheduled_actions(
			array(
				'hook'         => self::SLICE_HOOK,
				'args'         => $args,
				'group'        => self::GROUP,
				'status'       => \ActionScheduler_Store::STATUS_PENDING,
				'date'         => as_get_datetime_object(),
				'date_compare' => '<=',
				'per_page'     => 1,
			),
			'ids'
		);
		if ( empty( $due ) ) {
			// Lost (a deleted action, a crash between slices): queue it again.
			self::schedule_slice( $vendor_id, $job_id, array(), 0 );
			return;
		}
		\ActionScheduler::runner()->process_action( (int) reset( $due ), 'wpwa-dashboard' );
	}

	/**
	 * Cron/Action Scheduler callback: one background slice.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $job_id    Job ID.
	 * @return void
	 */
	public static function run_slice( $vendor_id, $job_id ): void {
		if ( StoreMove::skip_turn( self::SLICE_HOOK, array( (int) $vendor_id, (int) $job_id ) ) ) {
			return;
		}
		try {
			$result = Sync::slice( (int) $vendor_id, (int) $job_id, Sync::BACKGROUND_SLICE_MS );
			if ( is_wp_error( $result ) ) {
				Core::event( (int) $vendor_id, 'warning', 'sync', 'sync_error', array( 'detail' => $result->get_error_message() ), array( 'job_id' => (int) $job_id ) );
				// A transient failure must not end the job: try again later.
				if ( in_array( $result->get_error_code(), array( 'wpwa_transport_error', 'wpwa_rate_limited', 'wpwa_storage_error' ), true ) ) {
					self::schedule_slice( (int) $vendor_id, (int) $job_id, array( 'wait_until_ms' => ( time() + 60 ) * 1000 ) );
				}
			}
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
	}

	/**
	 * Cron/Action Scheduler callback: sync one vendor now.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return void
	 */
	public static function run_vendor( $vendor_id ): void {
		$vendor_id = (int) $vendor_id;
		if ( $vendor_id <= 0 || ! Vendors::is_vendor( $vendor_id ) ) {
			return;
		}
		if ( StoreMove::skip_turn( self::VENDOR_HOOK, array( $vendor_id ) ) ) {
			return;
		}
		try {
			$result = Sync::start( $vendor_id, 'background', Sync::BACKGROUND_SLICE_MS );
			if ( is_wp_error( $result ) && 'wpwa_catalog_not_configured' !== $result->get_error_code() ) {
				Core::event( $vendor_id, 'warning', 'sync', 'sync_error', array( 'detail' => $result->get_error_message() ) );
			}
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
	}

	/**
	 * Cron/Action Scheduler callback: a product's sale starts or ends now, so
	 * its vendor's catalog is synced (only what changed is sent).
	 *
	 * @since 0.7.0
	 *
	 * @param int $product_id Product (or variation) ID.
	 * @return void
	 */
	public static function run_price_change( $product_id ): void {
		$vendor_id = self::owner( get_post( (int) $product_id ) );
		if ( $vendor_id > 0 && (int) $product_id > 0 ) {
			// Nothing about the product changed but the clock: the sync must read it.
			Core::catalog_changes_note( $vendor_id, array( (int) $product_id ) );
		}
		self::run_vendor( $vendor_id );
	}

	/**
	 * Keeps one pending price-change action per product at the next time its
	 * catalog price changes (the core's `next_price_change`): scheduled when a
	 * sale is, moved when its dates change, removed when there is none.
	 *
	 * @since 0.7.0
	 * @since 0.8.0 Takes the sync plan's `price_changes`.
	 *
	 * @param array<int,int|null> $changes Product ID => when its price next changes (null: never).
	 * @return void
	 */
	public static function schedule_price_changes( array $changes ): void {
		// One read of every pending price change, not one lookup per product: a
		// sync of 10,000 products asked the queue 10,000 times.
		$pending = self::pending_price_changes();
		foreach ( $changes as $product_id => $when ) {
			$product_id = (int) $product_id;
			$want       = null === $when ? null : (int) $when;
			if ( $product_id <= 0 || ( $pending[ $product_id ] ?? null ) === $want ) {
				continue;
			}
			$args = array( $product_id );
			self::unschedule_action( self::PRICE_HOOK, $args );
			if ( null !== $want ) {
				self::schedule_action( $want, self::PRICE_HOOK, $args );
			}
		}
	}

	/**
	 * The pending price-change actions: product ID => when the earliest runs.
	 *
	 * @since 0.8.0
	 *
	 * @return array<int,int>
	 */
	private static function pending_price_changes(): array {
		$pending = array();
		$keep    = static function ( int $product_id, int $when ) use ( &$pending ): void {
			if ( $product_id > 0 && ( ! isset( $pending[ $product_id ] ) || $when < $pending[ $product_id ] ) ) {
				$pending[ $product_id ] = $when;
			}
		};
		if ( self::has_action_scheduler() && function_exists( 'as_get_scheduled_actions' ) ) {
			$page = 0;
			do {
				$actions = (array) as_get_scheduled_actions(
					array(
						'hook'     => self::PRICE_HOOK,
						'group'    => self::GROUP,
						'status'   => \ActionScheduler_Store::STATUS_PENDING,
						'per_page' => 1000,
						'offset'   => 1000 * $page++,
						'orderby'  => 'action_id',
					),
					'OBJECT'
				);
				$full = 1000 === count( $actions );
				foreach ( $actions as $action ) {
					$date = $action->get_schedule()->get_date();
					if ( $date ) {
						$keep( (int) ( $action->get_args()[0] ?? 0 ), $date->getTimestamp() );
					}
				}
			} while ( $full );
		}
		foreach ( (array) _get_cron_array() as $when => $hooks ) {
			foreach ( (array) ( $hooks[ self::PRICE_HOOK ] ?? array() ) as $event ) {
				$keep( (int) ( $event['args'][0] ?? 0 ), (int) $when );
			}
		}
		return $pending;
	}

	/**
	 * `before_delete_post`: a product that goes takes its price-change action
	 * (and its variations' ones) with it.
	 *
	 * @since 0.7.0
	 *
	 * @param int $post_id Post ID.
	 * @return void
	 */
	public static function on_delete( $post_id ): void {
		$post = get_post( (int) $post_id );
		if ( ! $post instanceof WP_Post || ! in_array( $post->post_type, array( 'product', 'product_variation' ), true ) ) {
			return;
		}
		$ids = array( (int) $post_id );
		if ( 'product' === $post->post_type ) {
			$ids = array_merge(
				$ids,
				array_map(
					'intval',
					get_children(
						array(
							'post_parent' => (int) $post_id,
							'post_type'   => 'product_variation',
							'fields'      => 'ids',
						)
					)
				)
			);
		}
		foreach ( $ids as $id ) {
			self::unschedule_action( self::PRICE_HOOK, array( $id ) );
		}
	}

	/**
	 * Schedules one single action (Action Scheduler, else WP-Cron).
	 *
	 * @since 0.7.0
	 *
	 * @param int          $when Unix time.
	 * @param string       $hook Hook.
	 * @param array<mixed> $args Arguments.
	 * @return void
	 */
	private static function schedule_action( int $when, string $hook, array $args ): void {
		if ( self::has_action_scheduler() ) {
			as_schedule_single_action( $when, $hook, $args, self::GROUP );
			return;
		}
		wp_schedule_single_event( $when, $hook, $args );
	}

	/**
	 * Removes the pending actions of a hook with these arguments.
	 *
	 * @since 0.7.0
	 *
	 * @param string       $hook Hook.
	 * @param array<mixed> $args Arguments.
	 * @return void
	 */
	private static function unschedule_action( string $hook, array $args ): void {
		if ( self::has_action_scheduler() && function_exists( 'as_unschedule_all_actions' ) ) {
			as_unschedule_all_actions( $hook, $args, self::GROUP );
		}
		wp_clear_scheduled_hook( $hook, $args );
	}

	/**
	 * When the next pending action of a hook with these arguments runs.
	 *
	 * @since 0.7.0
	 *
	 * @param string       $hook Hook.
	 * @param array<mixed> $args Arguments.
	 * @return int|null Unix time; null when none is pending.
	 */
	private static function next_action( string $hook, array $args ): ?int {
		if ( self::has_action_scheduler() && function_exists( 'as_next_scheduled_action' ) ) {
			$next = as_next_scheduled_action( $hook, $args, self::GROUP );
			return is_int( $next ) ? $next : null;
		}
		$next = wp_next_scheduled( $hook, $args );
		return false === $next ? null : (int) $next;
	}

	/**
	 * The weekly run: every vendor's sync, spread a little apart.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function run_weekly(): void {
		if ( 'off' === Config::get( 'schedule' ) || StoreMove::skip_turn( self::WEEKLY_HOOK ) ) {
			return;
		}
		foreach ( Vendors::all_ids() as $i => $vendor_id ) {
			// The weekly run reads every product: it also catches changes made
			// behind WordPress's back (SQL imports), which no hook noted.
			Core::catalog_changes_note( (int) $vendor_id, null );
			self::schedule_vendor( (int) $vendor_id, 15 * (int) $i );
		}
	}

	/**
	 * Schedules a vendor's sync `$delay` seconds from now, replacing any
	 * pending one (debounce).
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $delay     Seconds from now.
	 * @return void
	 */
	public static function schedule_vendor( int $vendor_id, int $delay ): void {
		$args = array( $vendor_id );
		self::unschedule_action( self::VENDOR_HOOK, $args );
		self::schedule_action( time() + max( 0, $delay ), self::VENDOR_HOOK, $args );
	}

	/**
	 * When the next sync of this vendor, after a product change, is due.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return int|null Unix time.
	 */
	public static function next_vendor_sync( int $vendor_id ): ?int {
		return self::next_action( self::VENDOR_HOOK, array( $vendor_id ) );
	}

	/**
	 * Debounces a sync for the vendor who owns a product.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return void
	 */
	private static function changed( int $vendor_id ): void {
		if ( $vendor_id <= 0 || isset( self::$debounced[ $vendor_id ] ) ) {
			return;
		}
		self::$debounced[ $vendor_id ] = true;
		try {
			if ( ! Vendors::is_vendor( $vendor_id ) ) {
				return;
			}

			/**
			 * Filters the delay (seconds) before a vendor's catalog syncs after
			 * one of their products changed. Every change in the meantime
			 * pushes the sync back; return a negative number to skip it.
			 *
			 * @since 0.3.0
			 * @since 0.7.0 The default is the "Sync after a product change" setting.
			 *
			 * @param int $delay     Seconds (default: the setting, 5 minutes unless changed).
			 * @param int $vendor_id Vendor user ID.
			 */
			$delay = (int) apply_filters( 'wpwa_catalog_change_delay', MINUTE_IN_SECONDS * (int) Config::get( 'change_delay' ), $vendor_id );
			if ( $delay >= 0 ) {
				self::schedule_vendor( $vendor_id, $delay );
			}
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
	}

	/**
	 * The vendor of a product or variation post, as the marketplace maps it
	 * (Vendors::product_vendor(); a variation's is its variable product's).
	 *
	 * @since 0.3.0
	 * @since 0.7.0 Public: product names are shown only to their vendor.
	 *
	 * @param WP_Post|null $post Post.
	 * @return int 0 when it is not a product.
	 */
	public static function owner( ?WP_Post $post ): int {
		if ( ! $post || ! in_array( $post->post_type, array( 'product', 'product_variation' ), true ) ) {
			return 0;
		}
		return Vendors::product_vendor( (int) $post->ID );
	}

	/**
	 * `save_post_product` / `save_post_product_variation`.
	 *
	 * @since 0.3.0
	 *
	 * @param int     $post_id Post ID.
	 * @param WP_Post $post    Post.
	 * @return void
	 */
	public static function on_save( $post_id, $post ): void {
		if ( wp_is_post_revision( (int) $post_id ) || wp_is_post_autosave( (int) $post_id ) || ! $post instanceof WP_Post || 'auto-draft' === $post->post_status ) {
			return;
		}
		self::changed( self::owner( $post ) );
	}

	/**
	 * `woocommerce_update_product` / `wp_trash_post`.
	 *
	 * @since 0.3.0
	 *
	 * @param int $post_id Post ID.
	 * @return void
	 */
	public static function on_product_id( $post_id ): void {
		self::changed( self::owner( get_post( (int) $post_id ) ) );
	}

	/**
	 * `transition_post_status` for products.
	 *
	 * @since 0.3.0
	 *
	 * @param string  $new_status New status.
	 * @param string  $old_status Old status.
	 * @param WP_Post $post       Post.
	 * @return void
	 */
	public static function on_transition( $new_status, $old_status, $post ): void {
		if ( $new_status === $old_status || ! $post instanceof WP_Post || 'auto-draft' === $new_status ) {
			return;
		}
		self::changed( self::owner( $post ) );
	}

	/**
	 * `post_updated`: a product moved to another vendor syncs both.
	 *
	 * @since 0.3.0
	 *
	 * @param int           $post_id Post ID.
	 * @param WP_Post|mixed $after   Post after (checked: other code may fire the hook).
	 * @param WP_Post|mixed $before  Post before.
	 * @return void
	 */
	public static function on_post_updated( $post_id, $after, $before ): void {
		if ( ! $after instanceof WP_Post || ! $before instanceof WP_Post || 'product' !== $after->post_type ) {
			return;
		}
		if ( (int) $after->post_author !== (int) $before->post_author ) {
			self::changed( (int) $before->post_author );
			self::changed( (int) $after->post_author );
		}
	}

	/**
	 * The next weekly run (Unix time) for the schedule in the settings, or
	 * null when scheduled syncs are off.
	 *
	 * @since 0.3.0
	 *
	 * @return int|null
	 */
	public static function next_weekly(): ?int {
		if ( 'off' === Config::get( 'schedule' ) ) {
			return null;
		}
		if ( self::has_action_scheduler() && function_exists( 'as_next_scheduled_action' ) ) {
			$next = as_next_scheduled_action( self::WEEKLY_HOOK, array(), self::GROUP );
			if ( is_int( $next ) ) {
				return $next;
			}
		}
		$next = wp_next_scheduled( self::WEEKLY_HOOK );
		return false === $next ? self::next_occurrence() : (int) $next;
	}

	/**
	 * The next time the configured day and hour come round (site time zone).
	 *
	 * @since 0.3.0
	 *
	 * @param int|null $now Unix time (default: now).
	 * @return int
	 */
	public static function next_occurrence( ?int $now = null ): int {
		$now  = $now ?? time();
		$zone = wp_timezone();
		$days = array( 'sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday' );
		$day  = $days[ (int) Config::get( 'schedule_day' ) ];
		$hour = (int) Config::get( 'schedule_hour' );
		$base = ( new \DateTimeImmutable( '@' . $now ) )->setTimezone( $zone );
		$at   = $base->modify( 'this ' . $day )->setTime( $hour, 0 );
		if ( $at->getTimestamp() <= $now ) {
			$at = $base->modify( 'next ' . $day )->setTime( $hour, 0 );
		}
		return $at->getTimestamp();
	}

	/**
	 * Keeps the weekly event in line with the settings (cheap when it is).
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function ensure_weekly(): void {
		try {
			$s         = Config::all();
			$signature = 'off' === $s['schedule'] ? 'off' : sprintf( '%d@%d@%s', $s['schedule_day'], $s['schedule_hour'], wp_timezone_string() );
			$scheduled = self::has_action_scheduler() && function_exists( 'as_next_scheduled_action' )
				? false !== as_next_scheduled_action( self::WEEKLY_HOOK, array(), self::GROUP )
				: false !== wp_next_scheduled( self::WEEKLY_HOOK );
			if ( get_option( self::WEEKLY_SIGNATURE ) === $signature && ( 'off' === $signature || $scheduled ) ) {
				return;
			}
			self::clear_weekly();
			if ( 'off' !== $signature ) {
				$first = self::next_occurrence();
				if ( self::has_action_scheduler() && function_exists( 'as_schedule_recurring_action' ) ) {
					as_schedule_recurring_action( $first, WEEK_IN_SECONDS, self::WEEKLY_HOOK, array(), self::GROUP );
				} else {
					wp_schedule_event( $first, 'weekly', self::WEEKLY_HOOK );
				}
			}
			update_option( self::WEEKLY_SIGNATURE, $signature, false );
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
	}

	/**
	 * Removes the weekly event (deactivation, schedule changes).
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function clear_weekly(): void {
		if ( function_exists( 'as_unschedule_all_actions' ) ) {
			as_unschedule_all_actions( self::WEEKLY_HOOK, array(), self::GROUP );
		}
		wp_clear_scheduled_hook( self::WEEKLY_HOOK );
	}
}
