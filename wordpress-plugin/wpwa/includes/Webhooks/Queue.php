<?php
/**
 * WordPress's side of the webhook queue: draining it, and telling the admin about it.
 *
 * @package Wpwa\Plugin
 * @since   0.16.0
 */

namespace Wpwa\Plugin\Webhooks;

use Throwable;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;
use Wpwa\Plugin\BusinessAccounts;
use Wpwa\Plugin\Catalog\Scheduler;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Messages\Config;
use Wpwa\Plugin\Messages\Notifier;
use Wpwa\Plugin\Orders\Carts;
use Wpwa\Plugin\Orders\Config as OrdersConfig;
use Wpwa\Plugin\Orders\Consent;
use Wpwa\Plugin\Rest\Controller;
use Wpwa\Plugin\Rules;
use Wpwa\Plugin\StoreMove;

defined( 'ABSPATH' ) || exit;

/**
 * Deliveries the early ingest path (EarlyIngest) queued are processed here,
 * with WordPress loaded: by the drain route the entry point kicks
 * (`POST wpwa/v1/webhooks/drain`, allowed by EarlyIngest::drain_token()), and
 * by a recurring Action Scheduler action in case a kick cannot reach the site.
 * One drain runs at a time; it works until the queue is empty or its time is up.
 *
 * @since 0.16.0
 */
final class Queue {

	/**
	 * The recurring action.
	 *
	 * @since 0.16.0
	 */
	public const HOOK = 'wpwa_drain_webhooks';

	/**
	 * Code of the extension's ValidationException for an oversized body (HTTP's 413).
	 *
	 * @since 0.16.0
	 */
	public const TOO_LARGE = 413;

	/**
	 * The option that says a drain is running (its deadline).
	 *
	 * @since 0.16.0
	 */
	private const LOCK_OPTION = 'wpwa_webhook_drain_lock';

	/**
	 * Seconds one drain works at most.
	 *
	 * @since 0.16.0
	 */
	private const BUDGET = 20;

	/**
	 * The option that says a kicked drain waits for deliveries to come due (its end).
	 *
	 * @since 0.16.0
	 */
	private const WAITER_OPTION = 'wpwa_webhook_drain_waiter';

	/**
	 * Seconds a kicked drain waits beyond the longest the core holds a
	 * waiting delivery, for the drain holding it to give it back.
	 *
	 * @since 0.16.0
	 */
	private const WAIT_SLACK = 15;

	/**
	 * Seconds between two runs of the recurring action.
	 *
	 * @since 0.16.0
	 */
	private const INTERVAL = 60;

	/**
	 * Age (seconds) of the oldest waiting delivery from which Site Health worries.
	 *
	 * @since 0.16.0
	 */
	private const LATE_AFTER = 300;

	/**
	 * Hooks.
	 *
	 * @since 0.16.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
		add_action( self::HOOK, array( self::class, 'run' ) );
		add_action( 'admin_init', array( self::class, 'schedule' ) );
		add_action( 'action_scheduler_init', array( self::class, 'schedule' ) );
	}

	/**
	 * Registers the drain route.
	 *
	 * @since 0.16.0
	 *
	 * @return void
	 */
	public static function register_routes(): void {
		register_rest_route(
			Controller::NAMESPACE,
			'/webhooks/drain',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( self::class, 'drain_request' ),
				'permission_callback' => array( self::class, 'permit_drain' ),
			)
		);
	}

	/**
	 * Only the entry point's kick may start a drain: its header carries
	 * EarlyIngest::drain_token(), compared in constant time.
	 *
	 * @since 0.16.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @phpstan-param WP_REST_Request<array<string,mixed>> $request
	 * @return true|WP_Error
	 */
	public static function permit_drain( WP_REST_Request $request ) {
		$token = $request->get_header( 'x_wpwa_drain' );
		if ( is_string( $token ) && '' !== $token && hash_equals( EarlyIngest::drain_token(), $token ) ) {
			return true;
		}
		return new WP_Error( 'wpwa_forbidden', __( 'Sorry, you are not allowed to do that.', 'wpwa' ), array( 'status' => 403 ) );
	}

	/**
	 * `POST webhooks/drain`: drains, and answers what is left.
	 *
	 * @since 0.16.0
	 *
	 * @return WP_REST_Response
	 */
	public static function drain_request(): WP_REST_Response {
		// The kick does not wait for the answer.
		ignore_user_abort( true );
		$left     = self::drain_until_due( self::drain() );
		$response = new WP_REST_Response( array( 'pending' => $left ), 200 );
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * The recurring action.
	 *
	 * @since 0.16.0
	 *
	 * @return void
	 */
	public static function run(): void {
		if ( StoreMove::skip_turn( self::HOOK, array(), false ) ) {
			return;
		}
		self::drain();
	}

	/**
	 * Schedules the recurring action once (Action Scheduler; WP-Cron's
	 * fallback has no minute schedule, the kicks do the work there).
	 *
	 * @since 0.16.0
	 *
	 * @return void
	 */
	public static function schedule(): void {
		if ( ! Scheduler::has_action_scheduler() || ! function_exists( 'as_has_scheduled_action' ) || ! function_exists( 'as_schedule_recurring_action' ) ) {
			return;
		}
		if ( ! as_has_scheduled_action( self::HOOK, array(), Scheduler::GROUP ) ) {
			as_schedule_recurring_action( time() + self::INTERVAL, self::INTERVAL, self::HOOK, array(), Scheduler::GROUP, true );
		}
	}

	/**
	 * Processes queued deliveries until none waits or the time is up, unless
	 * another drain is running; runs each delivery's follow-ups. Returns how
	 * many deliveries still wait (null when the queue could not be read).
	 *
	 * @since 0.16.0
	 *
	 * @return int|null
	 */
	public static function drain(): ?int {
		if ( ! Core::available() || StoreMove::in_progress_now() ) {
			return null;
		}
		$deadline = microtime( true ) + self::BUDGET;
		$routing  = array_merge( Config::routing(), OrdersConfig::words() );
		$left     = null;
		// The entry point kicks at most once per wall-clock second: a delivery
		// queued in the second of a kick whose drain had already looked (or was
		// refused the lock by this one) gets no kick of its own. After letting
		// go, wait for the next second to begin and look again; anything
		// queued later has its own kick. A pass that processed nothing stops
		// the drain (what waits is leased or waits for a retry), except the
		// first: its kick's delivery may have been taken by an earlier drain.
		$passes = 0;
		while ( microtime( true ) < $deadline && self::lock( self::LOCK_OPTION, time() + self::BUDGET + self::BUDGET ) ) {
			try {
				$progress = self::drain_locked( $routing, $deadline );
			} finally {
				delete_option( self::LOCK_OPTION );
			}
			++$passes;
			usleep( (int) ( ( 1 - fmod( microtime( true ), 1 ) ) * 1000000 ) + 1000 );
			$stats = Core::webhook_queue_stats();
			$left  = is_array( $stats ) ? (int) ( $stats['pending'] ?? 0 ) : null;
			if ( ! $left || ( ! $progress && $passes > 1 ) ) {
				break;
			}
		}
		return $left;
	}

	/**
	 * After a kicked drain, deliveries may still wait that no running drain
	 * will take: held by the lease of a drain that died, waiting for a retry
	 * after the store failed, or left when the drain's time ran out. On a site
	 * nobody visits, nothing else runs before the next delivery (Action
	 * Scheduler needs a visit, or a system cron), so one kicked drain at a time
	 * waits until they come due and drains again. Returns what still waits.
	 *
	 * @param int|null $left Deliveries waiting after the first drain.
	 * @return int|null
	 */
	private static function drain_until_due( ?int $left ): ?int {
		$longest    = self::longest_wait();
		$give_up_at = time() + $longest;
		while ( $left && time() < $give_up_at ) {
			$stats = Core::webhook_queue_stats();
			$due   = is_array( $stats ) ? ( $stats['next_due_at'] ?? null ) : null;
			if ( ! is_int( $due ) || $due > $give_up_at || self::drain_running() || ! self::lock( self::WAITER_OPTION, $give_up_at ) ) {
				break;
			}
			// Each drain may work its whole budget: give this one the same time as the first.
			if ( function_exists( 'set_time_limit' ) ) {
				set_time_limit( $longest + self::BUDGET );
			}
			try {
				if ( $due > time() ) {
					sleep( $due - time() );
				}
				$before = $left;
				$left   = self::drain();
			} finally {
				delete_option( self::WAITER_OPTION );
			}
			// Due now and nothing taken: the store fails; the recurring action tries later.
			if ( null === $left || ( $due <= time() && $left >= $before ) ) {
				break;
			}
		}
		return $left;
	}

	/**
	 * Seconds a kicked drain waits at most for deliveries to come due: the
	 * longest the core holds a waiting delivery (a drain's lease, or the wait
	 * after a store failure), and the slack.
	 *
	 * @return int
	 */
	private static function longest_wait(): int {
		$hold = 0;
		foreach ( array( 'queue_lease_seconds', 'queue_retry_seconds' ) as $field ) {
			$hold = max( $hold, (int) ( Rules::field( 'webhooks', $field )['max'] ?? 0 ) );
		}
		return $hold + self::WAIT_SLACK;
	}

	/**
	 * Whether a drain holds the lock (on any web server).
	 *
	 * @return bool
	 */
	private static function drain_running(): bool {
		wp_cache_delete( self::LOCK_OPTION, 'options' );
		return (int) get_option( self::LOCK_OPTION, 0 ) >= time();
	}

	/**
	 * Drains batch after batch while there is work and time, holding the
	 * lock; whether any delivery was processed.
	 *
	 * @param array<string,mixed> $routing  Routing options for the core.
	 * @param float               $deadline microtime() to stop at.
	 * @return bool
	 */
	private static function drain_locked( array $routing, float $deadline ): bool {
		$progress = false;
		try {
			do {
				$drained = Core::webhook_queue_drain( $routing );
				if ( is_wp_error( $drained ) ) {
					break;
				}
				$reports = (array) ( $drained['reports'] ?? array() );
				foreach ( $reports as $report ) {
					self::follow_up( (array) $report );
				}
				$progress = $progress || array() !== $reports;
				$left     = (int) ( $drained['queue']['pending'] ?? 0 );
				// The core logged why; what it took and did not reach is due again.
				if ( ! empty( $drained['interrupted'] ) ) {
					break;
				}
			} while ( array() !== $reports && $left > 0 && microtime( true ) < $deadline );
		} catch ( Throwable $e ) {
			Core::event( 0, 'error', 'cloud_webhook', 'webhook_queue_failed', array(), array( 'error' => $e->getMessage() ) );
		}
		return $progress;
	}

	/**
	 * What WordPress does with a processed webhook, whichever path received
	 * it: notifications and automatic replies after the response, carts on
	 * Action Scheduler, consent words answered, account changes announced.
	 *
	 * @since 0.16.0
	 *
	 * @param array<string,mixed> $outcome The core's report of one webhook.
	 * @return void
	 */
	public static function follow_up( array $outcome ): void {
		Notifier::after_response( $outcome );
		Carts::queue( (array) ( $outcome['carts'] ?? array() ) );
		Consent::after_response( $outcome );
		BusinessAccounts::after_webhook( $outcome );
	}

	/**
	 * The queue for Site Health: `pending`, `oldest_received_at`, `dead`, or null.
	 *
	 * @since 0.16.0
	 *
	 * @return array<string,mixed>|null
	 */
	public static function stats(): ?array {
		$stats = Core::available() ? Core::webhook_queue_stats() : null;
		return is_array( $stats ) ? $stats : null;
	}

	/**
	 * Whether the queue's oldest waiting delivery is late (the drain does not run).
	 *
	 * @since 0.16.0
	 *
	 * @param array<string,mixed> $stats stats().
	 * @return bool
	 */
	public static function is_late( array $stats ): bool {
		$oldest = $stats['oldest_received_at'] ?? null;
		return null !== $oldest && (int) $oldest < time() - self::LATE_AFTER;
	}

	/**
	 * Takes a lock held in `$option` until `$until` (Unix time): an option added
	 * only when absent (one INSERT), taken over once its holder is past its time.
	 *
	 * @param string $option The lock's option.
	 * @param int    $until  When the lock lapses if it is not let go of.
	 * @return bool
	 */
	private static function lock( string $option, int $until ): bool {
		if ( add_option( $option, $until, '', false ) ) {
			return true;
		}
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching -- a compare-and-set the options API cannot do.
		$taken = $wpdb->query( $wpdb->prepare( "UPDATE {$wpdb->options} SET option_value = %d WHERE option_name = %s AND CAST(option_value AS SIGNED) < %d", $until, $option, time() ) );
		wp_cache_delete( $option, 'options' );
		return 1 === $taken;
	}
}
