<?php
/**
 * Orders driver for the e2e tests (tests/e2e/test/orders.test.mjs), run like
 * shop-cli.php: as php-fpm's user, with the extension loaded:
 *
 *   php -d extension=libwpwa.so orders-cli.php COMMAND [JSON]
 *
 * Commands (everything through WooCommerce's CRUD API, never its tables):
 *   cod            enables WooCommerce's cash-on-delivery gateway; prints {"enabled"}.
 *   price  {id, regular}   sets a product's regular price; prints {"id"}.
 *   stock  {id, quantity}  manages the product's stock at this quantity; prints {"id"}.
 *   trash  {id}   moves a product to the trash; prints {"id", "status"}.
 *   orders {wamid}  the orders made from that WhatsApp cart (meta _wpwa_cart_wamid), with
 *                   their sub-orders: id, parent_id, status, total, currency, customer_id,
 *                   created_via, billing (first_name, phone), items (product_id,
 *                   variation_id, name, quantity, total), notes (newest first), pay_url,
 *                   meta (wamid, customer), wcfm_vendor_orders (vendor_id per WCFM's
 *                   records, when WCFM is active).
 *   cart   {wamid}  the core's record of the cart (Wpwa\cart_get).
 *   customer {login, password, phone}  a WooCommerce customer whose billing phone is
 *                   `phone` as people write it; prints {"id"}.
 *   place  {from, items: [[product_id, quantity], …]}  a customer's cart of those
 *                   products (retailer ids wc_<id>) through the core's real webhook
 *                   ingest (signed here with a secret of this run), then the plugin's
 *                   Action Scheduler job for it run in this process (Orders\Carts::run);
 *                   prints {"wamid", "marketplace", "queued", "cart", "orders", "mails"}
 *                   with orders as for `orders`, each child with `vendor` (the vendor of
 *                   its items), and the e-mails the job sent (caught: to, subject, message).
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL.
 */

require __DIR__ . '/cli-bootstrap.php';
require $wpwa_docroot . '/wp-load.php';

$command = $argv[1] ?? '';
$input   = isset( $argv[2] ) ? json_decode( $argv[2], true ) : array();
$input   = is_array( $input ) ? $input : array();

function wpwa_ocli_out( $data ): void {
	echo wp_json_encode( $data, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT ), "\n";
	exit( 0 );
}

function wpwa_ocli_fail( string $message ): void {
	fwrite( STDERR, "orders-cli: $message\n" );
	exit( 1 );
}

function wpwa_ocli_order( WC_Order $order ): array {
	$items = array();
	foreach ( $order->get_items() as $item ) {
		$items[] = array(
			'product_id'   => $item->get_product_id(),
			'variation_id' => $item->get_variation_id(),
			'name'         => $item->get_name(),
			'quantity'     => $item->get_quantity(),
			'total'        => (float) $item->get_total(),
		);
	}
	$notes = array();
	foreach ( wc_get_order_notes( array( 'order_id' => $order->get_id() ) ) as $note ) {
		$notes[] = $note->content;
	}
	return array(
		'id'          => $order->get_id(),
		'parent_id'   => $order->get_parent_id(),
		'status'      => $order->get_status(),
		'total'       => (float) $order->get_total(),
		'currency'    => $order->get_currency(),
		'customer_id' => $order->get_customer_id(),
		'created_via' => $order->get_created_via(),
		'billing'     => array(
			'first_name' => $order->get_billing_first_name(),
			'phone'      => $order->get_billing_phone(),
		),
		'items'       => $items,
		'notes'       => $notes,
		'pay_url'     => $order->get_checkout_payment_url(),
		'meta'        => array(
			'wamid'    => $order->get_meta( '_wpwa_cart_wamid' ),
			'customer' => $order->get_meta( '_wpwa_whatsapp_customer' ),
		),
	);
}

switch ( $command ) {
	case 'cod':
		$settings            = (array) get_option( 'woocommerce_cod_settings', array() );
		$settings['enabled'] = 'yes';
		update_option( 'woocommerce_cod_settings', $settings );
		wpwa_ocli_out( array( 'enabled' => true ) );
		break;

	case 'order_updates':
		// The order updates settings (event => template mapping): `{"set": {...}}` saves
		// them through the plugin's sanitizer; the answer is what was there before.
		$before = get_option( \Wpwa\Plugin\Orders\Config::OPTION, array() );
		if ( isset( $input['set'] ) ) {
			// The settings-error API the plugin's sanitizer reports through.
			require_once ABSPATH . 'wp-admin/includes/template.php';
			wp_set_current_user( (int) ( get_users( array( 'role' => 'administrator', 'fields' => 'ID', 'number' => 1 ) )[0] ?? 0 ) );
			$saved  = \Wpwa\Plugin\Orders\Config::sanitize( (array) $input['set'] );
			$errors = get_settings_errors( \Wpwa\Plugin\Orders\Config::OPTION );
			array() === $errors || wpwa_ocli_fail( 'order updates refused: ' . wp_json_encode( $errors ) );
			update_option( \Wpwa\Plugin\Orders\Config::OPTION, $saved );
		} elseif ( isset( $input['restore'] ) ) {
			update_option( \Wpwa\Plugin\Orders\Config::OPTION, (array) $input['restore'] );
		}
		wpwa_ocli_out( array( 'before' => $before ) );
		break;

	case 'consent':
		$current = \Wpwa\Plugin\Core::consent_current( (string) $input['customer'], 'order_updates' );
		is_wp_error( $current ) && wpwa_ocli_fail( $current->get_error_message() );
		wpwa_ocli_out( array( 'consent' => $current ) );
		break;

	case 'price':
		$product = wc_get_product( (int) $input['id'] );
		$product || wpwa_ocli_fail( 'no such product' );
		$product->set_regular_price( (string) $input['regular'] );
		$product->save();
		wpwa_ocli_out( array( 'id' => $product->get_id() ) );
		break;

	case 'stock':
		$product = wc_get_product( (int) $input['id'] );
		$product || wpwa_ocli_fail( 'no such product' );
		$product->set_manage_stock( true );
		$product->set_backorders( 'no' );
		$product->set_stock_quantity( (int) $input['quantity'] );
		$product->save();
		wpwa_ocli_out( array( 'id' => $product->get_id() ) );
		break;

	case 'trash':
		$product = wc_get_product( (int) $input['id'] );
		$product || wpwa_ocli_fail( 'no such product' );
		$product->delete( false );
		wpwa_ocli_out( array( 'id' => $product->get_id(), 'status' => get_post_status( $product->get_id() ) ) );
		break;

	case 'orders':
		$wamid  = (string) $input['wamid'];
		$orders = wc_get_orders(
			array(
				'limit'      => -1,
				'status'     => 'any',
				'meta_query' => array( array( 'key' => '_wpwa_cart_wamid', 'value' => $wamid ) ), // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_query
			)
		);
		$out    = array();
		foreach ( $orders as $order ) {
			$row             = wpwa_ocli_order( $order );
			$row['children'] = array();
			foreach ( wc_get_orders( array( 'parent' => $order->get_id(), 'limit' => -1, 'type' => 'shop_order' ) ) as $child ) {
				$row['children'][] = wpwa_ocli_order( $child );
			}
			if ( function_exists( 'wcfm_get_vendor_id_by_post' ) ) {
				global $wpdb;
				$row['wcfm_vendor_orders'] = array_map( 'intval', $wpdb->get_col( $wpdb->prepare( "SELECT vendor_id FROM {$wpdb->prefix}wcfm_marketplace_orders WHERE order_id = %d ORDER BY vendor_id", $order->get_id() ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
			}
			$out[] = $row;
		}
		wpwa_ocli_out( array( 'orders' => $out ) );
		break;

	case 'cart':
		$cart = \Wpwa\cart_get( (string) $input['wamid'] );
		wpwa_ocli_out( array( 'cart' => $cart ) );
		break;

	case 'customer':
		$id = wc_create_new_customer( (string) $input['login'] . '@example.test', (string) $input['login'], (string) $input['password'] );
		is_wp_error( $id ) && wpwa_ocli_fail( $id->get_error_message() );
		$customer = new WC_Customer( $id );
		$customer->set_billing_phone( (string) $input['phone'] );
		$customer->set_billing_first_name( 'Known' );
		$customer->set_billing_last_name( 'Customer' );
		$customer->save();
		wpwa_ocli_out( array( 'id' => $id ) );
		break;

	case 'place':
		$from   = (string) $input['from'];
		$wamid  = 'wamid.PLACE' . bin2hex( random_bytes( 8 ) );
		$lines  = array();
		foreach ( (array) $input['items'] as $item ) {
			$lines[] = array(
				'product_retailer_id' => 'wc_' . (int) $item[0],
				'quantity'            => (int) $item[1],
				'item_price'          => (float) wc_get_product( (int) $item[0] )->get_price(),
				'currency'            => get_woocommerce_currency(),
			);
		}
		$body   = (string) wp_json_encode(
			array(
				'object' => 'whatsapp_business_account',
				'entry'  => array(
					array(
						'id'      => '1',
						'changes' => array(
							array(
								'field' => 'messages',
								'value' => array(
									'metadata' => array( 'phone_number_id' => '100000000000002' ),
									'contacts' => array( array( 'profile' => array( 'name' => 'Split Test' ), 'wa_id' => $from ) ),
									'messages' => array( array( 'from' => $from, 'id' => $wamid, 'timestamp' => (string) time(), 'type' => 'order', 'order' => array( 'catalog_id' => '1', 'product_items' => $lines ) ) ),
								),
							),
						),
					),
				),
			)
		);
		// The e-mails the job sends (vendors told of their part) are caught, not sent.
		$mails = array();
		add_filter(
			'pre_wp_mail',
			static function ( $short_circuit, array $atts ) use ( &$mails ) {
				$mails[] = array(
					'to'      => $atts['to'],
					'subject' => $atts['subject'],
					'message' => $atts['message'],
				);
				return true;
			},
			10,
			2
		);
		$secret = bin2hex( random_bytes( 16 ) );
		$report = \Wpwa\cloud_webhook( $body, 'sha256=' . hash_hmac( 'sha256', $body, $secret ), $secret, array(), array() );
		\Wpwa\Plugin\Orders\Carts::run( $wamid );
		$out = array();
		foreach ( wc_get_orders( array( 'limit' => -1, 'status' => 'any', 'meta_query' => array( array( 'key' => '_wpwa_cart_wamid', 'value' => $wamid ) ) ) ) as $order ) { // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_query
			$row             = wpwa_ocli_order( $order );
			$row['children'] = array();
			foreach ( wc_get_orders( array( 'parent' => $order->get_id(), 'limit' => -1, 'type' => 'shop_order' ) ) as $child ) {
				$child_row           = wpwa_ocli_order( $child );
				$child_row['vendor'] = array_values( array_unique( array_map( static fn( $i ) => \Wpwa\Plugin\Vendors::product_vendor( $i['product_id'] ), $child_row['items'] ) ) );
				$row['children'][]   = $child_row;
			}
			$out[] = $row;
		}
		wpwa_ocli_out(
			array(
				'wamid'       => $wamid,
				'marketplace' => \Wpwa\Plugin\Integrations\Marketplaces::current() ? \Wpwa\Plugin\Integrations\Marketplaces::current()->id() : '',
				'queued' => array_column( (array) $report['carts'], 'wamid' ),
				'cart'   => \Wpwa\cart_get( $wamid ),
				'orders' => $out,
				'mails'  => $mails,
			)
		);
		break;

	default:
		wpwa_ocli_fail( "unknown command $command" );
}
