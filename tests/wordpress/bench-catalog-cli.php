<?php
/**
 * Steps of the real-catalog part of scripts/bench-catalog (issue 16), run on
 * its throwaway site like the other CLI scripts (site_php, with the
 * extension loaded):
 *
 *   bench-catalog-cli.php vendor LOGIN STORE_NAME
 *       The vendor, made the marketplace's way (marketplaces/<name>.php
 *       create_vendor); prints the vendor's ID.
 *   bench-catalog-cli.php products VENDOR_ID LOGIN FROM TO
 *       Products FROM..TO of the vendor (SKU LOGIN-000001…), made through
 *       WooCommerce's CRUD API only and tied to the vendor the marketplace's
 *       way: every tenth a variable product with four variations (Size S, M,
 *       L, XL), the others simple; each with an image (one of a small pool of
 *       real attachments), a price (some on sale), an HTML description and a
 *       stock status. Products whose SKU exists are left alone, so an
 *       interrupted run can be resumed.
 *   bench-catalog-cli.php new-catalog
 *       Points the catalog setting at a catalog ID never used before, so the
 *       next sync is a first, full one even on a reused site; prints the ID.
 *   bench-catalog-cli.php sync VENDOR_ID OUT_JSON [FULL_WALL_SECONDS [TRIGGER]]
 *       One sync of the vendor through the plugin's own path: Sync::start()
 *       as the background queue calls it (or as TRIGGER: manual is "Sync now",
 *       which reads every product and, as the dashboard's, runs no slice in the
 *       start), then Sync::slice() until the job
 *       is done, back to back in this process. Prints the figures and writes
 *       them to OUT_JSON; with FULL_WALL_SECONDS also the wall time as a
 *       share of that one.
 *   bench-catalog-cli.php change VENDOR_ID N
 *       A new regular price on N of the vendor's products, spread over the
 *       catalog, through WC_Product::set_regular_price() and save() (the
 *       first variation of a variable product); prints the changed IDs.
 *   bench-catalog-cli.php transform VENDOR_ID ROUNDS
 *       Reads the vendor's records once (Catalog\Sync::record_pages()), then
 *       times \Wpwa\catalog_prepare (handed JSON pages, as the sync does,
 *       encoding counted; and handed the arrays) against the plain-PHP rules
 *       of benches/catalog_prepare_php.php on them, best of ROUNDS.
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL, WPWA_MARKETPLACE (default wcfm).
 * Benchmark sites only; never shipped.
 */

require __DIR__ . '/cli-bootstrap.php';
require $wpwa_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';
require_once __DIR__ . '/marketplaces/loader.php';
require_once __DIR__ . '/products.php';

use Wpwa\Plugin\Catalog\Config;
use Wpwa\Plugin\Catalog\Sync;
use Wpwa\Plugin\Connections;
use Wpwa\Plugin\Products\ProductReader;
use Wpwa\Plugin\Products\Readers;

function wpwa_bench_catalog_fail( string $message ): void {
	fwrite( STDERR, "bench-catalog-cli: $message\n" );
	exit( 1 );
}

/**
 * The plugin's reader, counted: the sync has no counter of its own, and the
 * figure wanted is what the reader had to produce, not what reached the core.
 */
final class Wpwa_Bench_Counting_Reader implements ProductReader {

	/** @var array<string,int|float> */
	public array $counts = array(
		'calls'      => 0,
		'products'   => 0,
		'variations' => 0,
		'seconds'    => 0.0,
	);

	private ProductReader $inner;

	public function __construct( ProductReader $inner ) {
		$this->inner = $inner;
	}

	public function name(): string {
		return $this->inner->name();
	}

	public function count_published( int $vendor_id ): int {
		return $this->inner->count_published( $vendor_id );
	}

	public function published_ids( int $vendor_id, int $after_id = 0, int $limit = 100 ): array {
		return $this->inner->published_ids( $vendor_id, $after_id, $limit );
	}

	public function records( int $vendor_id, int $after_id = 0, int $limit = 100 ): array {
		$started = hrtime( true );
		$records = $this->inner->records( $vendor_id, $after_id, $limit );
		$this->counts['seconds'] += ( hrtime( true ) - $started ) / 1e9;
		++$this->counts['calls'];
		foreach ( $records as $record ) {
			++$this->counts[ 'variation' === ( $record['product_type'] ?? '' ) ? 'variations' : 'products' ];
		}
		return $records;
	}
}

/** JSON from the sandbox's own endpoints (not the plugin's view of them). */
function wpwa_bench_catalog_sandbox( string $url ): array {
	$body = file_get_contents( $url );
	$data = false === $body ? null : json_decode( $body, true );
	return is_array( $data ) ? $data : array();
}

$command = $argv[1] ?? '';
wp_set_current_user( 1 );

if ( 'vendor' === $command ) {
	$login = (string) ( $argv[2] ?? '' );
	$name  = (string) ( $argv[3] ?? '' );
	if ( ! preg_match( '/^[a-z0-9_]+$/', $login ) || '' === $name ) {
		wpwa_bench_catalog_fail( 'usage: bench-catalog-cli.php vendor LOGIN STORE_NAME' );
	}
	$marketplace = wpwa_marketplace( getenv( 'WPWA_MARKETPLACE' ) ? (string) getenv( 'WPWA_MARKETPLACE' ) : 'wcfm' );
	echo (int) $marketplace['create_vendor']( $login, wp_generate_password( 16, false ), $login . '@example.test', $name ), "\n";
} elseif ( 'products' === $command ) {
	$vendor_id = (int) ( $argv[2] ?? 0 );
	$login     = (string) ( $argv[3] ?? '' );
	$from      = (int) ( $argv[4] ?? 0 );
	$to        = (int) ( $argv[5] ?? 0 );
	if ( $vendor_id <= 0 || ! preg_match( '/^[a-z0-9_]+$/', $login ) || $from <= 0 || $to < $from ) {
		wpwa_bench_catalog_fail( 'usage: bench-catalog-cli.php products VENDOR_ID LOGIN FROM TO' );
	}
	$marketplace = wpwa_marketplace( getenv( 'WPWA_MARKETPLACE' ) ? (string) getenv( 'WPWA_MARKETPLACE' ) : 'wcfm' );
	// A few distinct pictures rather than one: the reader then resolves
	// different attachments, as in a real shop, while making them stays cheap.
	$images = array();
	for ( $k = 0; $k < 8; $k++ ) {
		$images[] = wpwa_products_image( "$login-image-$k", "$login $k", array( 40 + 25 * $k, 200 - 20 * $k, 90 + 10 * $k ), 'jpg', $vendor_id );
	}
	wp_defer_term_counting( true );
	global $wpdb;
	// WooCommerce's save runs some 140 queries per product; committed one by
	// one, the disk's flush on each commit, not WooCommerce, sets the pace.
	// Grouped into one transaction per 50 products, the same API calls make
	// 10,000 products in minutes rather than most of an hour.
	$wpdb->query( 'START TRANSACTION' );
	$made = 0;
	for ( $i = $from; $i <= $to; $i++ ) {
		$sku = sprintf( '%s-%06d', strtoupper( $login ), $i );
		if ( wc_get_product_id_by_sku( $sku ) ) {
			continue;
		}
		$price       = sprintf( '%d.%02d', 5 + $i % 95, ( $i * 7 ) % 100 );
		$description = "<p>Item <strong>$i</strong> of the benchmark catalog: a sturdy, everyday product &amp; a good gift.</p>"
			. '<ul><li>Made to last</li><li>Ships in 2&ndash;3 days</li></ul>';
		$stock       = array( 7 => 'outofstock', 13 => 'onbackorder' )[ $i % 20 ] ?? 'instock';
		$image       = $images[ $i % count( $images ) ];
		if ( 0 === $i % 10 ) {
			$variations = array();
			foreach ( array( 'S', 'M', 'L', 'XL' ) as $n => $size ) {
				$variations[] = array(
					'attributes'   => array( 'size' => $size ),
					'sku'          => "$sku-$size",
					'regular'      => sprintf( '%d.%02d', 10 + $i % 90 + $n, ( $i * 3 ) % 100 ),
					'stock_status' => 'L' === $size && 0 === $i % 30 ? 'outofstock' : 'instock',
					'menu_order'   => $n,
				);
			}
			$product_id = wpwa_products_save(
				array(
					'type'        => 'variable',
					'name'        => "Benchmark hoodie $i",
					'sku'         => $sku,
					'status'      => 'publish',
					'description' => $description,
					'image_id'    => $image,
					'attributes'  => array( 'Size' => array( 'S', 'M', 'L', 'XL' ) ),
					'variations'  => $variations,
				)
			);
		} else {
			$product = new WC_Product_Simple();
			$product->set_name( "Benchmark item $i" );
			$product->set_sku( $sku );
			$product->set_status( 'publish' );
			$product->set_description( $description );
			$product->set_regular_price( $price );
			if ( 0 === $i % 5 ) {
				$product->set_sale_price( sprintf( '%d.%02d', 4 + $i % 95, ( $i * 7 ) % 100 ) );
			}
			$product->set_stock_status( $stock );
			$product->set_image_id( $image );
			$product_id = $product->save();
		}
		$marketplace['assign_product']( $product_id, $vendor_id );
		++$made;
		if ( 0 === $made % 50 ) {
			$wpdb->query( 'COMMIT' );
			// The object cache is kept (a save reads back what it wrote), but
			// emptied now and then so that the process does not grow.
			wp_cache_flush();
			$wpdb->query( 'START TRANSACTION' );
		}
	}
	$wpdb->query( 'COMMIT' );
	wp_defer_term_counting( false );
	echo "products $from..$to: $made made\n";
} elseif ( 'new-catalog' === $command ) {
	$catalog = '9' . wp_rand( 10000000, 99999999 ) . wp_rand( 100000, 999999 );
	$current = get_option( Config::OPTION, array() );
	update_option( Config::OPTION, array_merge( is_array( $current ) ? $current : array(), array( 'catalog_id' => $catalog ) ) );
	echo $catalog, "\n";
} elseif ( 'sync' === $command ) {
	$vendor_id = (int) ( $argv[2] ?? 0 );
	$out       = (string) ( $argv[3] ?? '' );
	$full_wall = (float) ( $argv[4] ?? 0 );
	$trigger   = (string) ( $argv[5] ?? 'background' );
	if ( $vendor_id <= 0 || '' === $out ) {
		wpwa_bench_catalog_fail( 'usage: bench-catalog-cli.php sync VENDOR_ID OUT_JSON [FULL_WALL_SECONDS [TRIGGER]]' );
	}
	// "Sync now" starts as the dashboard's POST wpwa/v1/sync does: no slice in
	// the request (Rest\SyncController), the queue's slices do the rest.
	$start_budget_ms = 'manual' === $trigger ? 0 : Sync::BACKGROUND_SLICE_MS;
	$reader = null;
	add_filter(
		'wpwa_product_reader',
		static function ( $default ) use ( &$reader ) {
			$reader = new Wpwa_Bench_Counting_Reader( $default );
			return $reader;
		}
	);
	Readers::reset();
	$connection = Connections::cloud( $vendor_id, Connections::CATALOG );
	if ( is_wp_error( $connection ) ) {
		wpwa_bench_catalog_fail( 'connection: ' . $connection->get_error_message() );
	}
	$options = Config::options( $vendor_id );
	$config  = wpwa_bench_catalog_sandbox( $connection['url'] . '/sandbox/config' );
	if ( ! $config ) {
		wpwa_bench_catalog_fail( "no sandbox config at {$connection['url']}" );
	}
	// What the sync was handed, after the plugin's own filter (a second view
	// of the read, from the side the plugin documents); and where the time of
	// Sync::start() goes: it reads, plans and checks, then runs the first
	// slice before it returns.
	$handed = 0;
	$marks  = array();
	add_filter(
		'wpwa_catalog_records',
		static function ( $records ) use ( &$handed, &$marks ) {
			// Once per page: the last page read is the end of the read.
			$handed       += is_array( $records ) ? count( $records ) : 0;
			$marks['read'] = hrtime( true );
			return $records;
		},
		PHP_INT_MAX
	);
	add_action(
		'wpwa_catalog_sync_started',
		static function () use ( &$marks ) {
			$marks['planned'] = hrtime( true );
		}
	);
	$catalog       = $connection['catalog_id'];
	$stats_url     = "{$connection['url']}/sandbox/catalogs/$catalog/stats";
	$stats_before  = wpwa_bench_catalog_sandbox( $stats_url );
	$limited       = (int) ( $stats_before['rate_limited'] ?? 0 );
	$sent_before   = (int) ( $stats_before['batches'] ?? 0 );
	$memory_before = memory_get_usage( true );

	$started = hrtime( true );
	$result  = Sync::start( $vendor_id, $trigger, $start_budget_ms );
	if ( is_wp_error( $result ) ) {
		wpwa_bench_catalog_fail( 'start: ' . $result->get_error_message() );
	}
	$start_returned = hrtime( true );
	$sent_by_start  = (int) ( wpwa_bench_catalog_sandbox( $stats_url )['batches'] ?? 0 ) - $sent_before;
	$job     = $result['job'];
	$slices  = 'running' === $job['state'] || $job['processed'] > 0 ? 1 : 0;
	$retries = 0;
	// Back to back: WP-Cron would leave at least two seconds between slices
	// (Scheduler::schedule_slice), which measures the queue, not the sync.
	while ( 'running' === $job['state'] ) {
		$next = Sync::slice( $vendor_id, (int) $job['job_id'], Sync::BACKGROUND_SLICE_MS );
		if ( is_wp_error( $next ) ) {
			// What Scheduler::run_slice() retries (later) is retried here at once.
			if ( ! in_array( $next->get_error_code(), array( 'wpwa_transport_error', 'wpwa_rate_limited', 'wpwa_storage_error' ), true ) || ++$retries > 20 ) {
				wpwa_bench_catalog_fail( 'slice: ' . $next->get_error_message() );
			}
			sleep( 1 );
			continue;
		}
		$job = $next;
		++$slices;
	}
	$wall = ( hrtime( true ) - $started ) / 1e9;

	$stats = wpwa_bench_catalog_sandbox( $stats_url );
	$items = count( (array) ( wpwa_bench_catalog_sandbox( "{$connection['url']}/sandbox/catalogs/$catalog/items" )['items'] ?? array() ) );

	// The floor of benches/catalog_sync.php: batches are admitted at most
	// `limit` per `window` (the first at once), and the last one still needs
	// its send, its processing and one status poll.
	$batch_size  = max( 1, (int) ( $options['batch_size'] ?? 100 ) );
	$concurrency = max( 1, (int) ( $options['concurrency'] ?? 4 ) );
	$poll_ms     = (int) ( $options['poll_interval_ms'] ?? 2000 );
	$batches     = (int) ceil( (int) $job['total'] / $batch_size );
	$latency     = $config['cloud_latency_ms'] / 1000;
	$processing  = $config['batch_processing_ms'] / 1000;
	$limit       = max( 1, (int) $config['catalog_batch_limit'] );
	$window      = $config['catalog_window_ms'] / 1000;
	$admission   = max( ( ceil( $batches / $limit ) - 1 ) * $window, ( ceil( $batches / $concurrency ) - 1 ) * $latency );
	$floor       = $batches > 0 ? $admission + $latency + $processing + $latency : 0.0;
	// The same with the core's status poll: a sent batch is first asked about
	// FIRST_POLL (500 ms, or poll_interval_ms when shorter) after it was sent,
	// however soon it is applied.
	$first_poll = min( 0.5, $poll_ms / 1000 );
	$floor_poll = $batches > 0 ? $admission + $latency + max( $processing, $first_poll ) + $latency : 0.0;
	$since      = static fn( $mark ) => null === $mark ? null : ( $mark - $started ) / 1e9;

	preg_match( '/VmHWM:\s+(\d+) kB/', (string) file_get_contents( '/proc/self/status' ), $hwm );
	$figures = array(
		'state'           => $job['state'],
		'total'           => (int) $job['total'],
		'synced'          => (int) $job['synced'],
		'rejected'        => (int) $job['rejected'],
		'deleted'         => (int) $job['deleted'],
		'catalog_items'   => $items,
		'rate_limited'    => (int) ( $stats['rate_limited'] ?? 0 ) - $limited,
		'slices'          => $slices,
		'reader_calls'    => $reader ? $reader->counts['calls'] : 0,
		'read_products'   => $reader ? $reader->counts['products'] : 0,
		'read_variations' => $reader ? $reader->counts['variations'] : 0,
		'read_seconds'    => $reader ? $reader->counts['seconds'] : 0.0,
		'handed_records'  => $handed,
		'read_at'         => $since( $marks['read'] ?? null ),
		'planned_at'      => $since( $marks['planned'] ?? null ),
		'start_returned'  => $since( $start_returned ),
		'sent_by_start'   => $sent_by_start,
		'wall'            => $wall,
		'floor'           => $floor,
		'floor_poll'      => $floor_poll,
		'batches'         => $batches,
		'peak_mib'        => memory_get_peak_usage( true ) / 1048576,
		'before_mib'      => $memory_before / 1048576,
		'hwm_mib'         => ( (int) ( $hwm[1] ?? 0 ) ) / 1024,
	);
	file_put_contents( $out, wp_json_encode( $figures ) );

	$read = $figures['read_products'] + $figures['read_variations'];
	printf( "    job %s: %d changes planned, %d synced, %d rejected, %d deleted; catalog holds %d items; %d slice(s); %d rate-limited answers\n", $figures['state'], $figures['total'], $figures['synced'], $figures['rejected'], $figures['deleted'], $items, $slices, $figures['rate_limited'] );
	printf( "    reader: %d calls, %d records read (%d products + %d variations) in %.2f s; %d records handed to the sync (wpwa_catalog_records)\n", $figures['reader_calls'], $read, $figures['read_products'], $figures['read_variations'], $figures['read_seconds'], $handed );
	printf( "    wall time %.2f s: records read after %.2f s, job planned and products checked after %.2f s, the rest sending\n", $wall, $figures['read_at'] ?? 0, $figures['planned_at'] ?? 0 );
	printf( "    Sync::start( %s, %d ms ) returned after %.2f s, %d of %d batches sent by then\n", $trigger, $start_budget_ms, $figures['start_returned'], $sent_by_start, $batches );
	if ( $batches > 0 ) {
		printf(
			"    physical floor %.2f s (%d batches of %d, concurrency %d, latency %d ms, processing %d ms, limit %d batches / %d ms; the plugin polls every %d ms); wall / floor %.2f\n",
			$floor,
			$batches,
			$batch_size,
			$concurrency,
			$config['cloud_latency_ms'],
			$config['batch_processing_ms'],
			$limit,
			$config['catalog_window_ms'],
			$poll_ms,
			$wall / $floor
		);
		printf( "    the same floor with the first status poll %d ms after sending: %.2f s; wall / that floor %.2f\n", (int) ( 1000 * $first_poll ), $floor_poll, $wall / $floor_poll );
	}
	if ( $full_wall > 0 ) {
		printf( "    wall time as a share of the full sync's: %.1f %%\n", 100 * $wall / $full_wall );
	}
	printf( "    peak PHP memory (memory_get_peak_usage(true)) %.1f MiB (%.1f MiB before the sync began, WordPress loaded); process RSS high-water mark %.1f MiB\n", $figures['peak_mib'], $figures['before_mib'], $figures['hwm_mib'] );
	if ( 'done' !== $job['state'] ) {
		wpwa_bench_catalog_fail( 'the job ended ' . $job['state'] . ': ' . wp_json_encode( $job['error'] ) );
	}
} elseif ( 'change' === $command ) {
	$vendor_id = (int) ( $argv[2] ?? 0 );
	$n         = (int) ( $argv[3] ?? 0 );
	if ( $vendor_id <= 0 || $n <= 0 ) {
		wpwa_bench_catalog_fail( 'usage: bench-catalog-cli.php change VENDOR_ID N' );
	}
	// IDs only: reading every record here would cost as much as a sync.
	$ids   = array();
	$after = 0;
	do {
		$page  = Readers::get()->published_ids( $vendor_id, $after, 1000 );
		$ids   = array_merge( $ids, $page );
		$after = $page ? max( $page ) : $after;
	} while ( count( $page ) >= 1000 );
	if ( count( $ids ) < $n ) {
		wpwa_bench_catalog_fail( 'the vendor has only ' . count( $ids ) . ' products' );
	}
	$step    = intdiv( count( $ids ), $n );
	$changed = array();
	for ( $k = 0; $k < $n; $k++ ) {
		$product = wc_get_product( $ids[ $k * $step ] );
		if ( $product instanceof WC_Product_Variable ) {
			$product = wc_get_product( $product->get_children()[0] );
		}
		$product->set_regular_price( sprintf( '%.2f', (float) $product->get_regular_price() + 1 ) );
		$product->save();
		$changed[] = $product->get_id();
	}
	echo 'new price on IDs ', implode( ' ', $changed ), "\n";
} elseif ( 'transform' === $command ) {
	$vendor_id = (int) ( $argv[2] ?? 0 );
	$rounds    = max( 1, (int) ( $argv[3] ?? 5 ) );
	if ( $vendor_id <= 0 ) {
		wpwa_bench_catalog_fail( 'usage: bench-catalog-cli.php transform VENDOR_ID ROUNDS' );
	}
	require_once dirname( __DIR__, 2 ) . '/benches/catalog_prepare_php.php';
	$records = array();
	foreach ( Sync::record_pages( $vendor_id ) as $page ) {
		$records = array_merge( $records, json_decode( $page, true ) );
	}
	$pages = array_chunk( $records, Sync::PAGE );
	$rules = Sync::rules( $vendor_id );
	$best  = array(
		'core'  => INF,
		'array' => INF,
		'php'   => INF,
	);
	for ( $round = 0; $round < $rounds; $round++ ) {
		// The core as the sync hands it records: each page json_encode'd (the
		// encoding counted), read in one call.
		$t    = hrtime( true );
		$json = array();
		foreach ( $pages as $page ) {
			$json[] = wp_json_encode( $page, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE );
		}
		$core = \Wpwa\catalog_prepare( $json, $rules );
		$best['core'] = min( $best['core'], ( hrtime( true ) - $t ) / 1e9 );
		unset( $json );

		// The core handed the PHP arrays themselves, read field by field.
		$t = hrtime( true );
		\Wpwa\catalog_prepare( $records, $rules );
		$best['array'] = min( $best['array'], ( hrtime( true ) - $t ) / 1e9 );

		$t   = hrtime( true );
		$php = php_prepare( $records, (string) $rules['currency'], (string) $rules['default_brand'] );
		$best['php'] = min( $best['php'], ( hrtime( true ) - $t ) / 1e9 );
	}
	// How alike the two answers are on real records: the ratio only means
	// something if the plain-PHP rules do the same work.
	$statuses = array( array_count_values( array_column( $core, 'status' ) ), array_count_values( array_column( $php, 'status' ) ) );
	ksort( $statuses[0] );
	ksort( $statuses[1] );
	$compared    = catalog_items_compared( $core, $php );
	$differ_text = array();
	foreach ( $compared['fields'] as $field => $differ ) {
		$differ_text[] = "$field in {$differ['count']} (e.g. core against PHP, {$differ['example']})";
	}
	$count = count( $records );
	printf( "    %d records (the vendor's products and variations as the reader gives them), best of %d rounds, same process\n", $count, $rounds );
	printf( "    core (Wpwa\\catalog_prepare on JSON pages, json_encode counted): %10.0f records/s  (%.3f s)\n", $count / $best['core'], $best['core'] );
	printf( "    core (Wpwa\\catalog_prepare on the PHP arrays): %10.0f records/s  (%.3f s); JSON pages / arrays %.2fx\n", $count / $best['array'], $best['array'], $best['array'] / $best['core'] );
	printf( "    plain PHP (benches/catalog_prepare_php.php): %10.0f records/s  (%.3f s)\n", $count / $best['php'], $best['php'] );
	printf( "    ratio core / PHP: %.2fx\n", $best['php'] / $best['core'] );
	printf( "    statuses: core %s, PHP %s%s\n", wp_json_encode( $statuses[0] ), wp_json_encode( $statuses[1] ), $statuses[0] == $statuses[1] ? ' (same)' : ' (DIFFERENT)' );
	printf( "    catalog items identical: %d of %d%s\n", $compared['same'], $compared['ready'], $differ_text ? '; fields that differ: ' . implode( ', ', $differ_text ) : '' );
} else {
	wpwa_bench_catalog_fail( 'usage: bench-catalog-cli.php vendor LOGIN STORE_NAME | products VENDOR_ID LOGIN FROM TO | new-catalog | sync VENDOR_ID OUT_JSON [FULL_WALL [TRIGGER]] | change VENDOR_ID N | transform VENDOR_ID ROUNDS' );
}
