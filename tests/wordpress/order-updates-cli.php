<?php
/**
 * Order updates test driver (test and benchmark sites only), run as php-fpm's
 * user with the extension loaded by tests/e2e/test/order-updates.test.mjs and
 * scripts/bench-orders:
 *
 *   php -d extension=libwpwa.so order-updates-cli.php COMMAND [JSON]
 *
 * Commands (JSON argument, JSON answer on stdout):
 *   setup {mapping, sku, price}   the administrator's event => template mapping
 *                                 (saved through the settings' sanitize, so the
 *                                 core checks it), cash on delivery enabled, a
 *                                 published simple product (WooCommerce's CRUD
 *                                 API), and two checkout pages: the classic
 *                                 shortcode and the Checkout block (WooCommerce's
 *                                 own block content); answers product_id,
 *                                 classic_url, block_url
 *   product {vendor_id, name, sku, price}   a published simple product of the
 *                                 vendor's (its author), through the CRUD API
 *   checkout_page {kind}          makes the classic or block page WooCommerce's
 *                                 checkout page (the block checkout needs it)
 *   status {order_id, status}     WC_Order::update_status()
 *   shipped {order_id, tracking}  the "shipped" update with its tracking note
 *   refund {order_id}             a full refund (wc_create_refund)
 *   statuses {ids, status}        WC_Order::update_status() of each; answers
 *                                 the seconds it took
 *   order {order_id}              the order's status, consent meta and its
 *                                 WhatsApp updates as the core reports them
 *   orders {count, consent, phone_base, product_id}   COUNT orders made through
 *                                 WooCommerce's API (wc_create_order), each a new
 *                                 customer +1 PHONE_BASE+i, opted in at checkout
 *                                 when CONSENT (the same record the checkout
 *                                 makes); answers their IDs
 *   checkout {count, phone_base, product_id, consent}   COUNT orders placed
 *                                 through WC_Checkout::process_checkout() (the
 *                                 classic checkout's own path, nonce and all),
 *                                 each in a fresh session; answers the server
 *                                 time of each, in microseconds
 *   export {email}                WordPress's personal data export of that
 *                                 e-mail, as the exporters produce it
 *   pending                       wpwa's pending order update actions
 *
 * With WPWA_ORDERS_PLUGIN=off in the environment the site loads without wpwa
 * (the checkout benchmark's baseline).
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL.
 */

require __DIR__ . '/cli-bootstrap.php';
if ( 'off' === getenv( 'WPWA_ORDERS_PLUGIN' ) ) {
	// The same site without wpwa (the checkout benchmark's baseline): taken out
	// of the active plugins before WordPress loads them.
	$GLOBALS['wp_filter'] = array(
		'option_active_plugins' => array(
			10 => array(
				'wpwa_off' => array(
					'function'      => static function ( $plugins ) {
						return array_values( array_filter( (array) $plugins, static fn( $p ) => 'wpwa/wpwa.php' !== $p ) );
					},
					'accepted_args' => 1,
				),
			),
		),
	);
}
require $wpwa_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/template.php';
// WooCommerce's order e-mails are not what is measured or tested here (and the
// test machine has no mail transport): wp_mail() answers at once.
add_filter( 'pre_wp_mail', '__return_false' );
require_once __DIR__ . '/products.php';

$command = $argv[1] ?? '';
$input   = isset( $argv[2] ) ? json_decode( $argv[2], true ) : array();
$input   = is_array( $input ) ? $input : array();

function wpwa_orders_out( $data ): void {
	echo wp_json_encode( $data, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT ), "\n";
	exit( 0 );
}

function wpwa_orders_fail( string $message ): void {
	fwrite( STDERR, "order-updates-cli: $message\n" );
	exit( 1 );
}

function wpwa_orders_admin(): void {
	$admin = get_users(
		array(
			'role'   => 'administrator',
			'number' => 1,
			'fields' => 'ID',
		)
	);
	wp_set_current_user( (int) $admin[0] );
}

function wpwa_orders_order( int $id ): WC_Order {
	$order = wc_get_order( $id );
	if ( ! $order instanceof WC_Order ) {
		wpwa_orders_fail( "no order $id" );
	}
	return $order;
}

function wpwa_orders_page( string $slug, string $title, string $content ): int {
	$page = get_page_by_path( $slug );
	if ( $page ) {
		return (int) $page->ID;
	}
	return (int) wp_insert_post(
		array(
			'post_type'    => 'page',
			'post_status'  => 'publish',
			'post_name'    => $slug,
			'post_title'   => $title,
			'post_content' => $content,
		)
	);
}

/** A new guest order of one product for customer NUMBER, opted in or not, placed by WooCommerce's API. */
function wpwa_orders_make( int $product_id, string $number, bool $consent ): WC_Order {
	$order = wc_create_order();
	$order->add_product( wc_get_product( $product_id ), 1 );
	$order->set_billing_first_name( 'Bench' );
	$order->set_billing_last_name( 'Customer' );
	$order->set_billing_email( "c$number@example.test" );
	$order->set_billing_phone( "+$number" );
	$order->set_billing_country( 'US' );
	$order->set_payment_method( 'cod' );
	$order->calculate_totals();
	if ( $consent ) {
		$order->update_meta_data(
			\Wpwa\Plugin\Orders\Consent::ORDER_META,
			array(
				'granted' => true,
				'text'    => \Wpwa\Plugin\Orders\Config::consent_text(),
				'at'      => time(),
				'source'  => 'checkout',
			)
		);
	}
	$order->save();
	\Wpwa\Plugin\Orders\Consent::record_order( $order->get_id(), array(), $order );
	return $order;
}

switch ( $command ) {
	case 'setup':
		wpwa_orders_admin();
		$saved = \Wpwa\Plugin\Orders\Config::sanitize(
			array(
				'mapping'       => (array) ( $input['mapping'] ?? array() ),
				'opt_out_words' => (string) ( $input['opt_out_words'] ?? '' ),
			)
		);
		$errors = get_settings_errors( \Wpwa\Plugin\Orders\Config::OPTION );
		if ( array() !== $errors ) {
			wpwa_orders_fail( 'the mapping was refused: ' . wp_json_encode( $errors ) );
		}
		update_option( \Wpwa\Plugin\Orders\Config::OPTION, $saved );
		$cod            = (array) get_option( 'woocommerce_cod_settings', array() );
		$cod['enabled'] = 'yes';
		update_option( 'woocommerce_cod_settings', $cod );
		$sku        = (string) ( $input['sku'] ?? 'ORDER-UPDATES-1' );
		$product_id = wpwa_products_save(
			array(
				'name'        => (string) ( $input['name'] ?? 'Walnut serving board' ),
				'sku'         => $sku,
				'status'      => 'publish',
				'regular'     => (string) ( $input['price'] ?? '12.00' ),
				'description' => '<p>A product of the order update tests.</p>',
			)
		);
		// Virtual: the checkout needs no shipping method.
		$product = wc_get_product( $product_id );
		$product->set_virtual( true );
		$product->save();
		$classic = wpwa_orders_page( 'wpwa-classic-checkout', 'Classic checkout', '<!-- wp:shortcode -->[woocommerce_checkout]<!-- /wp:shortcode -->' );
		$content = ( new ReflectionMethod( WC_Install::class, 'get_checkout_block_content' ) );
		$content->setAccessible( true );
		$block = wpwa_orders_page( 'wpwa-block-checkout', 'Block checkout', (string) $content->invoke( null ) );
		wpwa_orders_out(
			array(
				'product_id'  => $product_id,
				'classic_id'  => $classic,
				'classic_url' => get_permalink( $classic ),
				'block_id'    => $block,
				'block_url'   => get_permalink( $block ),
				'mapping'     => \Wpwa\Plugin\Orders\Config::mapping(),
			)
		);
		break;

	case 'product':
		wpwa_orders_admin();
		$id = wpwa_products_save(
			array(
				'name'        => (string) $input['name'],
				'sku'         => (string) $input['sku'],
				'status'      => 'publish',
				'regular'     => (string) ( $input['price'] ?? '9.00' ),
				'description' => '<p>A vendor product of the order update tests.</p>',
				'author'      => (int) $input['vendor_id'],
			)
		);
		wpwa_orders_out( array( 'id' => $id ) );
		break;

	case 'checkout_page':
		$slug = 'block' === ( $input['kind'] ?? '' ) ? 'wpwa-block-checkout' : 'wpwa-classic-checkout';
		$page = get_page_by_path( $slug );
		if ( ! $page ) {
			wpwa_orders_fail( 'run setup first' );
		}
		update_option( 'woocommerce_checkout_page_id', (int) $page->ID );
		wpwa_orders_out( array( 'checkout_page_id' => (int) $page->ID ) );
		break;

	case 'status':
		wpwa_orders_admin();
		$order = wpwa_orders_order( (int) $input['order_id'] );
		$order->update_status( (string) $input['status'], 'order-updates-cli' );
		wpwa_orders_out( array( 'status' => $order->get_status() ) );
		break;

	case 'shipped':
		wpwa_orders_admin();
		$order = wpwa_orders_order( (int) $input['order_id'] );
		wpwa_orders_out( array( 'queued' => \Wpwa\Plugin\Orders\Updates::mark_shipped( $order, (string) $input['tracking'] ) ) );
		break;

	case 'refund':
		wpwa_orders_admin();
		$order  = wpwa_orders_order( (int) $input['order_id'] );
		$refund = wc_create_refund(
			array(
				'order_id' => $order->get_id(),
				'amount'   => $order->get_remaining_refund_amount(),
				'reason'   => 'order-updates-cli',
			)
		);
		if ( is_wp_error( $refund ) ) {
			wpwa_orders_fail( $refund->get_error_message() );
		}
		wpwa_orders_out( array( 'status' => wpwa_orders_order( $order->get_id() )->get_status() ) );
		break;

	case 'order':
		$order = wpwa_orders_order( (int) $input['order_id'] );
		wpwa_orders_out(
			array(
				'status'  => $order->get_status(),
				'phone'   => $order->get_billing_phone(),
				'consent' => $order->get_meta( \Wpwa\Plugin\Orders\Consent::ORDER_META ),
				'updates' => \Wpwa\Plugin\Core::order_updates( array( $order->get_id() ) ),
			)
		);
		break;

	case 'statuses':
		wpwa_orders_admin();
		$started = microtime( true );
		foreach ( (array) $input['ids'] as $id ) {
			wpwa_orders_order( (int) $id )->update_status( (string) $input['status'], 'order-updates-cli' );
		}
		wpwa_orders_out( array( 'seconds' => round( microtime( true ) - $started, 2 ) ) );
		break;

	case 'orders':
		wpwa_orders_admin();
		$ids = array();
		for ( $i = 0; $i < (int) $input['count']; $i++ ) {
			$ids[] = wpwa_orders_make( (int) $input['product_id'], (string) ( (int) $input['phone_base'] + $i ), ! empty( $input['consent'] ) )->get_id();
		}
		wpwa_orders_out( array( 'ids' => $ids ) );
		break;

	case 'checkout':
		// process_checkout() answers with wp_send_json(): as an Ajax request, its
		// wp_die() throws here instead of ending the process.
		define( 'DOING_AJAX', true );
		add_filter(
			'wp_die_ajax_handler',
			static fn() => static function () {
				throw new RuntimeException( 'checkout answered' );
			}
		);
		$times = array();
		for ( $i = 0; $i < (int) $input['count']; $i++ ) {
			$number = (string) ( (int) $input['phone_base'] + $i );
			wp_set_current_user( 0 );
			WC()->session = new WC_Session_Handler();
			WC()->session->init();
			WC()->customer = new WC_Customer( 0, true );
			WC()->cart     = new WC_Cart();
			WC()->cart->empty_cart();
			WC()->cart->add_to_cart( (int) $input['product_id'], 1 );
			$_POST = array(
				'billing_first_name'                  => 'Bench',
				'billing_last_name'                   => 'Customer',
				'billing_country'                     => 'US',
				'billing_address_1'                   => '1 Main Street',
				'billing_city'                        => 'San Francisco',
				'billing_state'                       => 'CA',
				'billing_postcode'                    => '94105',
				'billing_phone'                       => "+$number",
				'billing_email'                       => "c$number@example.test",
				'payment_method'                      => 'cod',
				'woocommerce-process-checkout-nonce'  => wp_create_nonce( 'woocommerce-process_checkout' ),
				'terms'                               => 1,
			);
			if ( ! empty( $input['consent'] ) ) {
				$_POST[ \Wpwa\Plugin\Orders\Consent::FIELD ] = '1';
			}
			$_REQUEST = $_POST;
			wc_clear_notices();
			add_filter( 'woocommerce_checkout_no_payment_needed_redirect', '__return_false' );
			$started = hrtime( true );
			ob_start();
			try {
				WC()->checkout()->process_checkout();
			} catch ( Throwable $e ) {
				// process_checkout() ends with wp_send_json(), which dies; caught below.
				unset( $e );
			}
			$answer  = (string) ob_get_clean();
			$times[] = (int) ( ( hrtime( true ) - $started ) / 1000 );
			if ( false === strpos( $answer, '"result":"success"' ) ) {
				wpwa_orders_fail( 'checkout failed: ' . substr( wp_strip_all_tags( $answer ), 0, 500 ) );
			}
		}
		wpwa_orders_out( array( 'micros' => $times ) );
		break;

	case 'export':
		wpwa_orders_admin();
		$exporters = apply_filters( 'wp_privacy_personal_data_exporters', array() );
		$out       = array();
		foreach ( $exporters as $key => $exporter ) {
			if ( 0 !== strpos( (string) $key, 'wpwa' ) ) {
				continue;
			}
			$out[ $key ] = call_user_func( $exporter['callback'], (string) $input['email'], 1 );
		}
		wpwa_orders_out( $out );
		break;

	case 'pending':
		$actions = as_get_scheduled_actions(
			array(
				'hook'     => \Wpwa\Plugin\Orders\Updates::HOOK,
				'status'   => ActionScheduler_Store::STATUS_PENDING,
				'per_page' => -1,
			)
		);
		wpwa_orders_out( array( 'pending' => count( $actions ) ) );
		break;

	default:
		wpwa_orders_fail( "unknown command $command" );
}
