<?php
/**
 * Set-up steps of the round-trip and dashboard benchmarks (scripts/bench-*),
 * run on their throwaway site like the other CLI scripts (site_php):
 *
 *   bench-cli.php notify VENDOR_ID NUMBER
 *       The administrator's template for WhatsApp notifications and automatic
 *       replies on; the vendor notified on WhatsApp at NUMBER, with the
 *       acknowledgement on (so a routed message costs a notification and an
 *       automatic reply).
 *   bench-cli.php vendors COUNT
 *       COUNT more vendors (bench_vendor_0001…), each the marketplace's own
 *       way (marketplaces/<name>.php create_vendor); idempotent.
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL, WPWA_MARKETPLACE (default wcfm).
 * Benchmark sites only; never shipped.
 */

require __DIR__ . '/cli-bootstrap.php';
require $wpwa_docroot . '/wp-load.php';
require_once __DIR__ . '/marketplaces/loader.php';

function wpwa_bench_fail( string $message ): void {
	fwrite( STDERR, "bench-cli: $message\n" );
	exit( 1 );
}

$command = $argv[1] ?? '';
if ( 'notify' === $command ) {
	$vendor_id = (int) ( $argv[2] ?? 0 );
	$number    = preg_replace( '/\D/', '', (string) ( $argv[3] ?? '' ) );
	if ( $vendor_id <= 0 || '' === $number ) {
		wpwa_bench_fail( 'usage: bench-cli.php notify VENDOR_ID NUMBER' );
	}
	$settings = get_option( \Wpwa\Plugin\Messages\Config::OPTION, array() );
	$settings = is_array( $settings ) ? $settings : array();
	update_option(
		\Wpwa\Plugin\Messages\Config::OPTION,
		array_merge(
			\Wpwa\Plugin\Messages\Config::defaults(),
			$settings,
			array(
				'auto_replies'    => 1,
				'notify_template' => 'new_customer_message',
				'notify_language' => 'en_US',
				'fallback'        => 'team',
			)
		)
	);
	$prefs = get_user_meta( $vendor_id, \Wpwa\Plugin\Messages\Preferences::META, true );
	$prefs = is_array( $prefs ) ? $prefs : array();
	update_user_meta(
		$vendor_id,
		\Wpwa\Plugin\Messages\Preferences::META,
		array_merge(
			$prefs,
			array(
				'notify_email'    => false,
				'notify_whatsapp' => true,
				'whatsapp_number' => $number,
				'acknowledge'     => true,
				'acknowledgement' => 'Thanks, {vendor} got your message.',
			)
		)
	);
	echo "notify: vendor $vendor_id on WhatsApp at $number, acknowledgement on\n";
} elseif ( 'vendors' === $command ) {
	$count = (int) ( $argv[2] ?? 0 );
	if ( $count <= 0 ) {
		wpwa_bench_fail( 'usage: bench-cli.php vendors COUNT' );
	}
	$marketplace = wpwa_marketplace( getenv( 'WPWA_MARKETPLACE' ) ? (string) getenv( 'WPWA_MARKETPLACE' ) : 'wcfm' );
	wp_suspend_cache_addition( true );
	for ( $i = 1; $i <= $count; $i++ ) {
		$login = sprintf( 'bench_vendor_%04d', $i );
		$marketplace['create_vendor']( $login, wp_generate_password( 16, false ), $login . '@example.test', sprintf( 'Bench Shop %04d', $i ) );
	}
	echo "vendors: $count bench vendors\n";
} else {
	wpwa_bench_fail( 'usage: bench-cli.php notify VENDOR_ID NUMBER | vendors COUNT' );
}
