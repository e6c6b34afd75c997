<?php
/**
 * A vendor's catalog sync: records, checks, jobs and their slices.
 *
 * @package Wpwa\Plugin
 * @since   0.3.0
 */

namespace Wpwa\Plugin\Catalog;

use WP_Error;
use Wpwa\Plugin\Connections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Products\Readers;
use Wpwa\Plugin\Products\StorageReader;
use Wpwa\Plugin\Texts;

defined( 'ABSPATH' ) || exit;

/**
 * Reads the vendor's products through the product reader, has the core check
 * them, plans sync jobs and runs their slices. Every route, cron event and
 * scheduled action goes through here.
 *
 * @since 0.3.0
 */
final class Sync {

	/**
	 * Budget of the slice run when a vendor starts a sync (ms).
	 *
	 * @since 0.3.0
	 */
	public const FIRST_SLICE_MS = 3000;

	/**
	 * Budget of the slice run when the dashboard polls (ms).
	 *
	 * @since 0.3.0
	 */
	public const POLL_SLICE_MS = 2000;

	/**
	 * Budget of a background slice (ms).
	 *
	 * @since 0.3.0
	 */
	public const BACKGROUND_SLICE_MS = 20000;

	/**
	 * Top-level products read per page.
	 *
	 * @since 0.3.0
	 */
	public const PAGE = 200;

	/**
	 * Every record of the vendor's products (variations included), page by page,
	 * each page the JSON list the core reads: a large catalog is never held as
	 * PHP arrays, and the object cache lets go of each page's products once they
	 * are read.
	 *
	 * @since 0.8.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return string[] Pages of records as JSON.
	 */
	public static function record_pages( int $vendor_id ): array {
		$reader = Readers::get();
		$pages  = array();
		$after  = 0;
		do {
			$page = $reader->records( $vendor_id, $after, self::PAGE );
			$tops = array();
			foreach ( $page as $record ) {
				if ( 'variation' !== $record['product_type'] ) {
					$tops[] = (int) $record['id'];
				}
			}
			$more  = count( $tops ) >= self::PAGE && max( $tops ) > $after;
			$after = $tops ? max( $tops ) : $after;
			if ( $page ) {
				$pages[] = self::page_json( self::filtered( $vendor_id, $page ) );
			}
			unset( $page );
			self::let_go_of_page();
		} while ( $more );
		return $pages;
	}

	/**
	 * The product a record belongs to: its own ID, or a variation's product's.
	 *
	 * @since 0.8.0
	 *
	 * @param array<string,mixed> $record A record.
	 * @return int
	 */
	private static function product_of( array $record ): int {
		return (int) ( 'variation' === $record['product_type'] ? ( $record['parent_id'] ?? 0 ) : $record['id'] );
	}

	/**
	 * Lets the object cache go of a page's products once they are read, so
	 * that a read of every product holds one page at a time.
	 *
	 * @since 0.8.0
	 *
	 * @return void
	 */
	private static function let_go_of_page(): void {
		if ( function_exists( 'wp_cache_supports' ) && wp_cache_supports( 'flush_runtime' ) ) {
			wp_cache_flush_runtime();
		}
	}

	/**
	 * The vendor's own records of a page, after the `wpwa_catalog_records` filter.
	 *
	 * @since 0.8.0
	 *
	 * @param int                            $vendor_id Vendor user ID.
	 * @param array<int,array<string,mixed>> $records   Records as the reader gave them.
	 * @return array<int,array<string,mixed>>
	 */
	private static function filtered( int $vendor_id, array $records ): array {
		// A reader must never hand over another vendor's product.
		$records = array_values( array_filter( $records, static fn( $record ) => (int) $record['vendor_id'] === $vendor_id ) );

		/**
		 * Filters the product records of a vendor before they are checked or synced.
		 *
		 * @since 0.3.0
		 * @since 0.8.0 Runs once per page of records (a page of products with
		 *              their variations, or the products that changed), never
		 *              with the whole catalog at once.
		 *
		 * @param array<int,array<string,mixed>> $records   Records (see Products\Records).
		 * @param int                            $vendor_id Vendor user ID.
		 */
		$filtered = apply_filters( 'wpwa_catalog_records', $records, $vendor_id );
		return is_array( $filtered ) ? array_values( $filtered ) : $records;
	}

	/**
	 * Records as the JSON page the core reads. Text that is not UTF-8 (broken
	 * product data) is kept with U+FFFD in place of the bad bytes rather than
	 * failing the page.
	 *
	 * @since 0.8.0
	 *
	 * @param array<int,array<string,mixed>> $records Records.
	 * @return string
	 */
	private static function page_json( array $records ): string {
		$json = wp_json_encode( $records, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR );
		return is_string( $json ) ? $json : '[]';
	}

	/**
	 * The rules a vendor's products are checked under: currency,
	 * max_image_bytes, default_brand.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>
	 */
	public static function rules( int $vendor_id ): array {
		$options = Config::options( $vendor_id );
		return array_intersect_key( $options, array_flip( array( 'currency', 'max_image_bytes', 'default_brand' ) ) );
	}

	/**
	 * A fingerprint of the rules: stored checks made under other rules are checked again.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $rules Rules (see rules()).
	 * @return string
	 */
	public static function rules_key( array $rules ): string {
		ksort( $rules );
		return md5( (string) wp_json_encode( $rules ) );
	}

	/**
	 * The vendor's stored catalog checks, checking the whole catalog first when
	 * it was never checked under the current rules (then products are checked
	 * again only when they change: Catalog\Checks).
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>|WP_Error ready, needs_attention, attention.
	 */
	public static function checked( int $vendor_id ) {
		$rules   = self::rules( $vendor_id );
		$key     = self::rules_key( $rules );
		$checked = Core::catalog_checked( $vendor_id, $key );
		if ( null === $checked ) {
			$done = Core::catalog_check( $vendor_id, self::record_pages( $vendor_id ), $rules, $key, null );
			if ( is_wp_error( $done ) ) {
				return $done;
			}
			$checked = Core::catalog_checked( $vendor_id, $key );
		}
		return is_array( $checked ) || is_wp_error( $checked ) ? $checked : new WP_Error( 'wpwa_catalog_unchecked', __( 'Your catalog could not be checked right now.', 'wpwa' ), array( 'status' => 500 ) );
	}

	/**
	 * The records of some of a vendor's products (with their variations), as
	 * the reader gives them; products that are gone or no longer the vendor's
	 * are absent.
	 *
	 * @since 0.7.0
	 *
	 * @param int   $vendor_id Vendor user ID.
	 * @param int[] $ids       Product IDs (not variations).
	 * @return array<int,array<string,mixed>>
	 */
	public static function records_of( int $vendor_id, array $ids ): array {
		$records = self::read_products( $vendor_id, $ids );
		return $records ? self::filtered( $vendor_id, $records ) : array();
	}

	/**
	 * Some products' records (with their variations) as the reader gives them.
	 *
	 * @since 0.8.0
	 *
	 * @param int   $vendor_id Vendor user ID.
	 * @param int[] $ids       Product IDs (not variations).
	 * @return array<int,array<string,mixed>>
	 */
	private static function read_products( int $vendor_id, array $ids ): array {
		$reader  = Readers::get();
		$records = array();
		foreach ( array_unique( array_map( 'intval', $ids ) ) as $id ) {
			// The reader pages by product ID: the page after ID − 1 starts with this product.
			foreach ( $reader->records( $vendor_id, $id - 1, 1 ) as $record ) {
				if ( (int) $record['id'] === $id || (int) ( $record['parent_id'] ?? 0 ) === $id ) {
					$records[] = $record;
				}
			}
		}
		return $records;
	}

	/**
	 * A read of every product for a sync, page by page, that leaves unread the
	 * products whose database rows did not change since they were last read for
	 * this catalog (the core keeps their fingerprints): a weekly or manual sync
	 * of a large catalog builds WooCommerce's product objects only for what
	 * changed. Each page goes to `$planned` as it is read, so that its changes
	 * are sent while the next page is read.
	 *
	 * @since 0.8.0
	 * @since 0.8.0 Hands each page over as it is read instead of returning them.
	 *
	 * @param int                  $vendor_id  Vendor user ID.
	 * @param array<string,string> $connection The catalog's connection.
	 * @param array<string,mixed>  $options    Rules and sync options.
	 * @param callable             $planned    Takes a page (records as JSON, the IDs of its range left unread, product ID => fingerprint of each product read); returns true or a WP_Error that ends the read.
	 * @return array{read:int,unread:int}|WP_Error Products read and left unread.
	 */
	private static function read_every_product( int $vendor_id, array $connection, array $options, callable $planned ) {
		$reader  = Readers::get();
		$storage = new StorageReader();
		// What a record depends on beyond the product's rows.
		$context = implode( '|', array( get_class( $reader ), WPWA_PLUGIN_VERSION, home_url(), (string) get_option( 'permalink_structure' ), (string) wp_json_encode( get_option( 'woocommerce_permalinks' ) ) ) );
		$counts  = array(
			'read'   => 0,
			'unread' => 0,
		);
		$after   = 0;
		do {
			$sources = $storage->fingerprints( $vendor_id, $after, self::PAGE, $context );
			if ( ! $sources ) {
				break;
			}
			$candidates = array();
			foreach ( $sources as $id => $source ) {
				$candidates[] = array(
					'product_id'  => $id,
					'fingerprint' => $source['fingerprint'],
					'variations'  => $source['variations'],
				);
			}
			$same    = Core::catalog_sync_unchanged( $vendor_id, $connection, $options, $candidates );
			$same    = is_array( $same ) ? array_flip( array_map( 'intval', $same ) ) : array();
			$changed = array_diff_key( $sources, $same );
			$last    = (int) max( array_keys( $sources ) );
			if ( ! $same ) {
				// Nothing to leave out: the reader's own page, its fastest read.
				$records = array_filter(
					$reader->records( $vendor_id, $after, self::PAGE ),
					static fn( $record ) => self::product_of( $record ) <= $last
				);
				$seen    = array();
				foreach ( $records as $record ) {
					$seen[ self::product_of( $record ) ] = true;
				}
				$missing = array_keys( array_diff_key( $changed, $seen ) );
				$records = $missing ? array_merge( $records, self::read_products( $vendor_id, $missing ) ) : $records;
			} else {
				$records = $changed ? self::read_products( $vendor_id, array_keys( $changed ) ) : array();
			}
			$unchanged = array();
			foreach ( array_keys( $same ) as $id ) {
				if ( isset( $sources[ $id ] ) ) {
					++$counts['unread'];
					$unchanged[] = $id;
					array_push( $unchanged, ...$sources[ $id ]['variations'] );
				}
			}
			$fingerprints = array();
			foreach ( $changed as $id => $source ) {
				$fingerprints[ $id ] = $source['fingerprint'];
			}
			$counts['read'] += count( $fingerprints );
			$page            = $records ? self::page_json( self::filtered( $vendor_id, array_values( $records ) ) ) : '[]';
			unset( $records );
			$done = $planned( $page, $unchanged, $fingerprints );
			if ( is_wp_error( $done ) ) {
				return $done;
			}
			$more  = count( $sources ) >= self::PAGE;
			$after = $last;
			self::let_go_of_page();
		} while ( $more );
		return $counts;
	}

	/**
	 * Reads every product into a new job, page by page, each page's changes
	 * sent while the next is read (see read_every_product()): the core's
	 * sender stops when the plan is closed, and the job's slices send the
	 * rest. A vendor's job already running is returned as it is, nothing read.
	 *
	 * @since 0.8.0
	 *
	 * @param int                  $vendor_id  Vendor user ID.
	 * @param array<string,string> $connection The catalog's connection.
	 * @param array<string,mixed>  $options    Rules and sync options.
	 * @param array<string,mixed>  $changes    catalog_sync_changes()'s answer.
	 * @return array{job:array<string,mixed>,read:int,unread:int}|WP_Error
	 */
	private static function plan_every_product( int $vendor_id, array $connection, array $options, array $changes ) {
		$job = Core::catalog_sync_open( $vendor_id, $connection, $options, $changes, true );
		if ( is_wp_error( $job ) || empty( $job['planning'] ) ) {
			return is_wp_error( $job ) ? $job : array(
				'job'    => $job,
				'read'   => 0,
				'unread' => 0,
			);
		}
		$job_id = (int) $job['job_id'];
		try {
			$read = self::read_every_product(
				$vendor_id,
				$connection,
				$options,
				static fn( string $page, array $unchanged, array $fingerprints ) => Core::catalog_sync_page( $vendor_id, $job_id, $page, $unchanged, $fingerprints )
			);
		} catch ( \Throwable $e ) {
			// A reader or a filter failed half-way: what was planned is still sent.
			Core::catalog_sync_abandon( $vendor_id, $job_id );
			throw $e;
		}
		if ( is_wp_error( $read ) ) {
			// A page the core refused gave the plan up already; any other failure
			// gives it up here.
			Core::catalog_sync_abandon( $vendor_id, $job_id );
			return $read;
		}
		$job = Core::catalog_sync_close( $vendor_id, $job_id );
		return is_wp_error( $job ) ? $job : array(
			'job'    => $job,
			'read'   => $read['read'],
			'unread' => $read['unread'],
		);
	}

	/**
	 * The records of the products (and variations) noted as changed: a
	 * variation is read with its product; a product that is gone is not read at
	 * all (the core removes what the catalog holds of it).
	 *
	 * @since 0.8.0
	 *
	 * @param int   $vendor_id Vendor user ID.
	 * @param int[] $ids       Post IDs noted as changed.
	 * @return array<int,array<string,mixed>>
	 */
	private static function changed_records( int $vendor_id, array $ids ): array {
		$products = array();
		foreach ( $ids as $id ) {
			$post = get_post( (int) $id );
			if ( $post instanceof \WP_Post ) {
				$products[] = 'product_variation' === $post->post_type && $post->post_parent ? (int) $post->post_parent : (int) $post->ID;
			}
		}
		return $products ? self::records_of( $vendor_id, $products ) : array();
	}

	/**
	 * Plans a sync and runs its first slice; more slices follow in the
	 * background. A read of every product already sends as it plans. A job
	 * already running is continued, not replaced.
	 *
	 * @since 0.3.0
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param string $trigger   manual or admin (every product is read), else background.
	 * @param int    $budget_ms Budget of the first slice (0: none, the background queue works the job).
	 * @return array{job:array<string,mixed>,started:bool}|WP_Error
	 */
	public static function start( int $vendor_id, string $trigger = 'manual', int $budget_ms = self::FIRST_SLICE_MS ) {
		$connection = Connections::cloud( $vendor_id, Connections::CATALOG );
		if ( is_wp_error( $connection ) ) {
			return $connection;
		}
		$options = Config::options( $vendor_id );
		$before  = Core::catalog_sync_status( $vendor_id );
		$running = is_array( $before ) && 'running' === ( $before['state'] ?? '' );

		// What the vendor or an administrator starts reads every product; the
		// background reads only what changed since the last sync when the core
		// knows it all (Catalog\Checks notes each change).
		$changes = Core::catalog_sync_changes( $vendor_id, $connection, $options, in_array( $trigger, array( 'manual', 'admin' ), true ) );
		if ( is_wp_error( $changes ) ) {
			return $changes;
		}
		$read = 0;
		if ( $changes['full'] ) {
			$planned = self::plan_every_product( $vendor_id, $connection, $options, $changes );
			if ( is_wp_error( $planned ) ) {
				return $planned;
			}
			$job    = $planned['job'];
			$read   = $planned['read'];
			$unread = $planned['unread'];
			unset( $job['planning'] );
		} else {
			$unread = 0;
			$job    = Core::catalog_sync_plan( $vendor_id, array( self::page_json( self::changed_records( $vendor_id, $changes['product_ids'] ) ) ), $connection, $options, $changes );
			if ( is_wp_error( $job ) ) {
				return $job;
			}
		}
		// A sale that starts or ends later syncs the product again then.
		Scheduler::schedule_price_changes( (array) ( $job['price_changes'] ?? array() ) );
		unset( $job['price_changes'] );
		$started = ! $running || (int) $job['job_id'] !== (int) $before['job_id'];
		if ( $started ) {
			Core::event(
				$vendor_id,
				'info',
				'sync',
				'sync_started',
				self::started_params( $changes, (int) $job['total'], $read, $unread ),
				array(
					'job_id'  => (int) $job['job_id'],
					'trigger' => $trigger,
				)
			);

			/**
			 * Fires when a catalog sync job was planned for a vendor.
			 *
			 * @since 0.3.0
			 *
			 * @param int                 $vendor_id Vendor user ID.
			 * @param array<string,mixed> $job       Job summary.
			 * @param string              $trigger   manual, schedule or change.
			 */
			do_action( 'wpwa_catalog_sync_started', $vendor_id, self::for_hooks( $job ), $trigger );
		}
		if ( 'running' === $job['state'] && $budget_ms > 0 ) {
			$job = self::slice( $vendor_id, (int) $job['job_id'], $budget_ms );
			if ( is_wp_error( $job ) ) {
				return $job;
			}
		} elseif ( 'running' === $job['state'] ) {
			// Queued, due at once: the background queue does the work.
			Scheduler::schedule_slice( $vendor_id, (int) $job['job_id'], $job, 0 );
		}
		return array(
			'job'     => $job,
			'started' => $started,
		);
	}

	/**
	 * The activity-log parameters of a sync's start: the changes to send, and
	 * what was read for them (the changed products only, or every product but
	 * those unchanged since the last read).
	 *
	 * @since 0.8.0
	 *
	 * @param array<string,mixed> $changes catalog_sync_changes()'s answer.
	 * @param int                 $total   Changes to send.
	 * @param int                 $read    Products a full read read.
	 * @param int                 $unread  Products a full read left unread.
	 * @return array<string,int>
	 */
	private static function started_params( array $changes, int $total, int $read, int $unread ): array {
		if ( ! $changes['full'] ) {
			return array(
				'total'   => $total,
				'changed' => count( $changes['product_ids'] ),
			);
		}
		return $unread > 0 ? array(
			'total'  => $total,
			'read'   => $read,
			'unread' => $unread,
		) : array( 'total' => $total );
	}

	/**
	 * Runs one slice of a job, then schedules the next one if work remains.
	 * Slices are lease-protected in the core: a concurrent call returns at once.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $job_id    Job ID.
	 * @param int $budget_ms Budget in milliseconds.
	 * @return array<string,mixed>|WP_Error Job summary.
	 */
	public static function slice( int $vendor_id, int $job_id, int $budget_ms ) {
		$connection = Connections::cloud( $vendor_id, Connections::CATALOG );
		if ( is_wp_error( $connection ) ) {
			return $connection;
		}
		$job = Core::catalog_sync_run( $vendor_id, $job_id, $connection, Config::options( $vendor_id ), $budget_ms );
		if ( is_wp_error( $job ) ) {
			return $job;
		}
		if ( 'running' === $job['state'] ) {
			Scheduler::schedule_slice( $vendor_id, $job_id, $job );
		} else {
			// Whoever sees the end (a queued slice, the dashboard's poll) leaves no
			// slice behind, then the end is reported once.
			Scheduler::unschedule_slices( $vendor_id );
			self::finished( $vendor_id, $job );
		}
		return $job;
	}

	/**
	 * Records the end of a job once (activity log and action): the core lets
	 * exactly one caller claim it, however many requests and queued actions
	 * see the job finish.
	 *
	 * @since 0.3.0
	 * @since 0.7.0 Claimed in the core instead of a user meta read then written.
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param array<string,mixed> $job       Job summary.
	 * @return void
	 */
	private static function finished( int $vendor_id, array $job ): void {
		if ( true !== Core::catalog_sync_claim_report( $vendor_id, (int) $job['job_id'] ) ) {
			return;
		}
		if ( 'failed' === $job['state'] ) {
			Core::event( $vendor_id, 'error', 'sync', 'sync_stopped', array( 'issue' => is_array( $job['error'] ) ? $job['error'] : array( 'code' => 'stored', 'message' => (string) $job['error'] ) ), array( 'job_id' => (int) $job['job_id'] ) );
		} else {
			Core::event(
				$vendor_id,
				'info',
				'sync',
				'sync_finished',
				array(
					'total'    => (int) $job['total'],
					'synced'   => (int) $job['synced'],
					'deleted'  => (int) $job['deleted'],
					'rejected' => (int) $job['rejected'],
				),
				array( 'job_id' => (int) $job['job_id'] )
			);
		}

		/**
		 * Fires when a vendor's catalog sync job finished (done or failed).
		 *
		 * @since 0.3.0
		 *
		 * @param int                 $vendor_id Vendor user ID.
		 * @param array<string,mixed> $job       Job summary.
		 */
		do_action( 'wpwa_catalog_sync_finished', $vendor_id, self::for_hooks( $job ) );
	}

	/**
	 * The job as the sync actions have always passed it: `error` worded (the
	 * core now gives a code and its parameters), with `error_code` and
	 * `error_params` beside it.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $job Job summary from the core.
	 * @return array<string,mixed>
	 */
	private static function for_hooks( array $job ): array {
		if ( is_array( $job['error'] ?? null ) ) {
			$job['error_code']   = (string) ( $job['error']['code'] ?? '' );
			$job['error_params'] = array_diff_key( $job['error'], array( 'code' => true ) );
			$job['error']        = Texts::sync_issue( $job['error'] );
		}
		return $job;
	}

	/**
	 * "24 synced, 1 removed, 2 rejected" for a job.
	 *
	 * @since 0.3.0
	 * @since 0.7.0 Worded by Texts::sync_summary().
	 *
	 * @param array<string,mixed> $job Job summary.
	 * @return string
	 */
	public static function summary_text( array $job ): string {
		return Texts::sync_summary( $job );
	}

	/**
	 * The job as the REST routes and the panel present it.
	 *
	 * @since 0.3.0
	 *
	 * @param array<string,mixed>|null $job Job summary from the core.
	 * @return array<string,mixed>|null
	 */
	public static function present( ?array $job ): ?array {
		if ( null === $job ) {
			return null;
		}
		$now_ms  = (int) floor( microtime( true ) * 1000 );
		$total   = (int) $job['total'];
		$done    = (int) $job['processed'];
		$waiting = 'running' === $job['state'] && (int) $job['wait_until_ms'] > $now_ms;
		return array(
			'job_id'       => (int) $job['job_id'],
			'state'        => (string) $job['state'],
			'total'        => $total,
			'processed'    => $done,
			'synced'       => (int) $job['synced'],
			'deleted'      => (int) $job['deleted'],
			'rejected'     => (int) $job['rejected'],
			'percent'      => $total > 0 ? (int) floor( 100 * $done / $total ) : ( 'running' === $job['state'] ? 0 : 100 ),
			'waiting'      => $waiting,
			'wait_seconds' => $waiting ? (int) ceil( ( (int) $job['wait_until_ms'] - $now_ms ) / 1000 ) : 0,
			// The issue worded for the reader, and as the core's code and params.
			'error'        => null === $job['error'] ? null : Texts::sync_issue( $job['error'] ),
			'error_code'   => is_array( $job['error'] ) ? (string) ( $job['error']['code'] ?? '' ) : null,
			'error_params' => is_array( $job['error'] ) ? array_diff_key( $job['error'], array( 'code' => true ) ) : null,
			'created_at'   => (int) $job['created_at'],
			'finished_at'  => null === $job['finished_at'] ? null : (int) $job['finished_at'],
			'summary'      => 'done' === $job['state'] ? self::summary_text( $job ) : '',
		);
	}

	/**
	 * Counts, products needing attention and the last sync, for the panel and
	 * `GET wpwa/v1/products`.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function overview( int $vendor_id ) {
		// Counts and problems come from the checks the core stores per product
		// (checked when a product changes), not from reading every product.
		$checked = self::checked( $vendor_id );
		if ( is_wp_error( $checked ) ) {
			return $checked;
		}
		$configured = Connections::cloud( $vendor_id, Connections::CATALOG );
		$summary    = is_wp_error( $configured ) ? null : Core::catalog_summary( $vendor_id, $configured['catalog_id'] );

		// Titles and edit links of the products listed below, read for them only.
		$parents = array();
		foreach ( (array) $checked['attention'] as $check ) {
			$parents[] = (int) $check['parent_id'];
		}
		foreach ( is_array( $summary ) ? (array) $summary['attention'] : array() as $item ) {
			$parent    = wp_get_post_parent_id( (int) $item['product_id'] );
			$parents[] = $parent ? (int) $parent : (int) $item['product_id'];
		}
		$by_id = array();
		foreach ( $parents ? self::records_of( $vendor_id, $parents ) : array() as $record ) {
			$by_id[ (int) $record['id'] ] = $record;
		}

		$counts    = array(
			'ready'           => (int) $checked['ready'],
			'needs_attention' => (int) $checked['needs_attention'],
			'synced'          => 0,
			'rejected'        => 0,
			'pending'         => 0,
		);
		$attention = array();
		foreach ( (array) $checked['attention'] as $check ) {
			$attention[ (int) $check['product_id'] ] = self::attention_entry(
				(int) $check['product_id'],
				(string) $check['retailer_id'],
				'invalid',
				(array) $check['problems'],
				$by_id
			);
		}

		if ( ! is_wp_error( $configured ) ) {
			if ( is_array( $summary ) ) {
				$counts['synced']   = (int) $summary['synced'];
				$counts['rejected'] = (int) $summary['rejected'];
				$counts['pending']  = (int) $summary['pending'];
				foreach ( (array) $summary['attention'] as $item ) {
					$pid = (int) $item['product_id'];
					if ( 'rejected' !== $item['state'] || isset( $attention[ $pid ] ) || ! isset( $by_id[ $pid ] ) ) {
						continue;
					}
					$attention[ $pid ] = self::attention_entry( $pid, (string) $item['retailer_id'], 'rejected', (array) $item['problems'], $by_id );
				}
			}
		}

		$job = Core::catalog_sync_status( $vendor_id );
		return array(
			'vendor_id'  => $vendor_id,
			'configured' => ! is_wp_error( $configured ),
			'counts'     => $counts,
			'attention'  => array_values( $attention ),
			'last_sync'  => is_array( $job ) ? self::present( $job ) : null,
			'next_sync'  => Scheduler::next_weekly(),
		);
	}

	/**
	 * One entry of the "needs attention" list.
	 *
	 * @since 0.3.0
	 *
	 * @param int                              $product_id  Product (or variation) ID.
	 * @param string                           $retailer_id Retailer ID.
	 * @param string                           $state       invalid or rejected.
	 * @param array<int,array<string,mixed>>   $problems    Reasons: codes and params from the core.
	 * @param array<int,array<string,mixed>>   $by_id       Records by ID.
	 * @return array<string,mixed>
	 */
	private static function attention_entry( int $product_id, string $retailer_id, string $state, array $problems, array $by_id ): array {
		$record = $by_id[ $product_id ] ?? null;
		$title  = $record ? (string) $record['title'] : '';
		$edit   = $record && ! empty( $record['parent_id'] ) ? (int) $record['parent_id'] : $product_id;
		return array(
			'product_id'    => $product_id,
			'retailer_id'   => $retailer_id,
			'title'         => '' !== trim( $title ) ? wp_strip_all_tags( $title ) : sprintf( /* translators: %d: product ID. */ __( 'Product #%d (no title)', 'wpwa' ), $product_id ),
			'state'         => $state,
			// Worded for the reader; `problem_codes` keeps the core's codes and params.
			'problems'      => array_values( array_map( array( Texts::class, 'problem' ), $problems ) ),
			'problem_codes' => array_values( $problems ),
			'edit_url'      => self::edit_url( $edit ),
		);
	}

	/**
	 * Where the vendor edits a product: WCFM's or Dokan's product editor when
	 * present, else WordPress's editor when the user may edit it.
	 *
	 * @since 0.3.0
	 *
	 * @param int $product_id Product ID.
	 * @return string
	 */
	public static function edit_url( int $product_id ): string {
		$url = '';
		if ( function_exists( 'get_wcfm_edit_product_url' ) ) {
			$url = (string) get_wcfm_edit_product_url( $product_id );
		} elseif ( function_exists( 'dokan_edit_product_url' ) ) {
			$url = (string) dokan_edit_product_url( $product_id );
		} else {
			$url = (string) get_edit_post_link( $product_id, 'raw' );
		}

		/**
		 * Filters the link a vendor follows to fix a product.
		 *
		 * @since 0.3.0
		 *
		 * @param string $url        Edit URL ('' for none).
		 * @param int    $product_id Product ID.
		 */
		return (string) apply_filters( 'wpwa_product_edit_url', $url, $product_id );
	}
}
