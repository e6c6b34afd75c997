<?php
/**
 * Set-up steps of the round-trip and dashboard benchmarks (scripts/bench-*),
 * run on their throwaway site like the other CLI scripts (site_php):
 *
 *   bench-cli.php notify VENDOR_ID NUMBER
 *       The administrator's template for WhatsApp notifications and automatic
 *       replies on; the vendor notified on WhatsApp at NUMBER, with the
 *       acknowledgement on (so a routed message costs a notification and an
 *       automatic reply). Credentials stored sealed, as on a live site: the
 *       app secret (the sandbox's), and a central Cloud API connection with
 *       the sandbox's token that every message goes through.
 *   bench-cli.php vendors COUNT
 *       COUNT more vendors (bench_vendor_0001…), each the marketplace's own
 *       way (marketplaces/<name>.php create_vendor); idempotent.
 *
 *   bench-cli.php catalog-vendor LOGIN STORE_NAME COUNT
 *       A vendor (the marketplace's way) with COUNT published simple products
 *       made through WooCommerce's CRUD API (WC_Product_Simple::save(), all
 *       with one real image, a price, a description), tied to the vendor the
 *       marketplace's way; prints the vendor's ID. Idempotent on LOGIN; the
 *       products are made once (SKU LOGIN-000001…).
 *   bench-cli.php check VENDOR_ID
 *       Checks the vendor's whole catalog once (what the first dashboard view
 *       after an import does: Catalog\Sync::checked()); prints the counts.
 *   bench-cli.php cookie USER_ID
 *       The logged-in cookie of the user ("name=value"), for curl.
 *   bench-cli.php dashboard-url
 *       The URL of the vendor dashboard page (the shortcode page).
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

function wpwa_bench_fail( string $message ): void {
	fwrite( STDERR, "bench-cli: $message\n" );
	exit( 1 );
}

/**
 * Sets some of a vendor's message preferences, keeping the others (straight to
 * the user meta: the preferences form's checks are for vendors).
 */
function wpwa_bench_vendor_prefs( int $vendor_id, array $values ): void {
	$prefs = get_user_meta( $vendor_id, \Wpwa\Plugin\Messages\Preferences::META, true );
	$prefs = is_array( $prefs ) ? $prefs : array();
	update_user_meta( $vendor_id, \Wpwa\Plugin\Messages\Preferences::META, array_merge( $prefs, $values ) );
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
				'allowance'       => 1000000,
				'notify_template' => 'new_customer_message',
				'notify_language' => 'en_US',
				'fallback'        => 'team',
				'app_secret'      => \Wpwa\Plugin\Core::secret_seal( \Wpwa\Plugin\Messages\Config::SECRET_CONTEXT, \Wpwa\Plugin\Messages\Config::SANDBOX_APP_SECRET ),
			)
		)
	);
	$saved = \Wpwa\Plugin\CloudConnections::save(
		'bench-central',
		array(
			'label'           => 'Bench central number',
			'phone_number_id' => \Wpwa\Plugin\Messages\Config::SANDBOX_PHONE_NUMBER_ID,
			'access_token'    => \Wpwa\Plugin\Catalog\Config::SANDBOX_TOKEN,
		)
	);
	if ( true !== $saved ) {
		wpwa_bench_fail( 'central connection: ' . $saved->get_error_message() );
	}
	$settings                             = get_option( \Wpwa\Plugin\Settings::OPTION, array() );
	$settings                             = is_array( $settings ) ? $settings : array();
	$settings['central_cloud_connection'] = 'bench-central';
	update_option( \Wpwa\Plugin\Settings::OPTION, $settings );
	wpwa_bench_vendor_prefs(
		$vendor_id,
		array(
			'notify_email'    => false,
			'notify_whatsapp' => true,
			'whatsapp_number' => $number,
			'acknowledge'     => true,
			'acknowledgement' => 'Thanks, {vendor} got your message.',
		)
	);
	echo "notify: vendor $vendor_id on WhatsApp at $number, acknowledgement on\n";
} elseif ( 'quiet' === $command ) {
	$vendor_id = (int) ( $argv[2] ?? 0 );
	if ( $vendor_id <= 0 ) {
		wpwa_bench_fail( 'usage: bench-cli.php quiet VENDOR_ID' );
	}
	wpwa_bench_vendor_prefs(
		$vendor_id,
		array(
			'notify_email'    => false,
			'notify_whatsapp' => false,
			'acknowledge'     => false,
		)
	);
	echo "quiet: vendor $vendor_id gets no notification and sends no acknowledgement\n";
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
} elseif ( 'catalog-vendor' === $command ) {
	$login = (string) ( $argv[2] ?? '' );
	$name  = (string) ( $argv[3] ?? '' );
	$count = (int) ( $argv[4] ?? 0 );
	if ( ! preg_match( '/^[a-z0-9_]+$/', $login ) || '' === $name || $count <= 0 ) {
		wpwa_bench_fail( 'usage: bench-cli.php catalog-vendor LOGIN STORE_NAME COUNT' );
	}
	$marketplace = wpwa_marketplace( getenv( 'WPWA_MARKETPLACE' ) ? (string) getenv( 'WPWA_MARKETPLACE' ) : 'wcfm' );
	$vendor_id   = (int) $marketplace['create_vendor']( $login, wp_generate_password( 16, false ), $login . '@example.test', $name );
	wp_set_current_user( 1 );
	$image = wpwa_products_image( $login . '-image', $name, array( 70, 130, 180 ), 'jpg', $vendor_id );
	wp_defer_term_counting( true );
	wp_suspend_cache_addition( true );
	for ( $i = 1; $i <= $count; $i++ ) {
		$sku = sprintf( '%s-%06d', strtoupper( $login ), $i );
		if ( wc_get_product_id_by_sku( $sku ) ) {
			continue;
		}
		$product = new WC_Product_Simple();
		$product->set_name( "$name item $i" );
		$product->set_sku( $sku );
		$product->set_status( 'publish' );
		$product->set_description( "Item $i of $name, made for the dashboard benchmark." );
		$product->set_regular_price( (string) ( 5 + $i % 50 ) . '.00' );
		$product->set_stock_status( 'instock' );
		$product->set_image_id( $image );
		$product_id = $product->save();
		$marketplace['assign_product']( $product_id, $vendor_id );
		if ( 0 === $i % 500 ) {
			wp_cache_flush();
		}
	}
	wp_defer_term_counting( false );
	echo $vendor_id, "\n";
} elseif ( 'check' === $command ) {
	$checked = \Wpwa\Plugin\Catalog\Sync::checked( (int) ( $argv[2] ?? 0 ) );
	if ( is_wp_error( $checked ) ) {
		wpwa_bench_fail( 'check: ' . $checked->get_error_message() );
	}
	echo 'ready ', (int) $checked['ready'], ', needs attention ', (int) $checked['needs_attention'], "\n";
} elseif ( 'cookie' === $command ) {
	$user_id = (int) ( $argv[2] ?? 0 );
	if ( $user_id <= 0 ) {
		wpwa_bench_fail( 'usage: bench-cli.php cookie USER_ID' );
	}
	$expiration = time() + DAY_IN_SECONDS;
	echo LOGGED_IN_COOKIE, '=', wp_generate_auth_cookie( $user_id, $expiration, 'logged_in' ), "\n";
} elseif ( 'dashboard-url' === $command ) {
	echo get_permalink( (int) get_option( 'wpwa_vendor_page_id' ) ), "\n";
} else {
	wpwa_bench_fail( 'usage: bench-cli.php notify VENDOR_ID NUMBER | vendors COUNT | catalog-vendor LOGIN STORE_NAME COUNT | cookie USER_ID | dashboard-url' );
}
