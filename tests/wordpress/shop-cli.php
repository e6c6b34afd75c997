<?php
/**
 * Background-queue test driver (test site only), run by
 * tests/e2e/test/scheduler.test.mjs as php-fpm's user with the extension
 * loaded:
 *
 *   php -d extension=libwpwa.so shop-cli.php COMMAND [JSON]
 *
 * Commands (JSON argument, JSON answer on stdout):
 *   vendor {login, password, store_name}   a vendor made by the site's
 *                                    marketplace (marketplaces/*.php)
 *   product {vendor_id, name, sku, regular, sale?, sale_from?, sale_to?}
 *                                    a published simple product with a PNG
 *                                    image, through WooCommerce's CRUD API
 *   sale {product_id, sale, sale_from, sale_to}   a product's sale window
 *                                    (UTC Unix seconds, null for none), saved
 *                                    through WC_Product like the editor does
 *   app_password {login}             a new application password for the user
 *   run_queue                        one run of Action Scheduler's own queue
 *                                    runner (ActionScheduler_QueueRunner::run),
 *                                    as its WP-Cron event runs it
 *   actions {status?}                wpwa's actions in Action Scheduler
 *                                    (default: pending): hook, args, at
 *   job {vendor_id}                  the vendor's latest sync job, as the core
 *                                    reports it (reads only; runs nothing)
 *   log {vendor_id}                  the vendor's activity-log messages, newest first
 *   preferences {vendor_id, ...}     saves the vendor's preferences the way the
 *                                    Preferences panel does (Preferences::save)
 *   mail {vendor_id, conversation_id}  the e-mail the vendor gets about that
 *                                    conversation (caught before sending)
 *
 * Nothing here calls a wpwa hook: the queue runner runs what is due.
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL.
 */

require __DIR__ . '/cli-bootstrap.php';
require $wpwa_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';
require_once __DIR__ . '/marketplaces/loader.php';
require_once __DIR__ . '/products.php';

$command = $argv[1] ?? '';
$input   = isset( $argv[2] ) ? json_decode( $argv[2], true ) : array();
$input   = is_array( $input ) ? $input : array();

function wpwa_sched_out( $data ): void {
	echo wp_json_encode( $data, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT ), "\n";
	exit( 0 );
}

function wpwa_sched_fail( string $message ): void {
	fwrite( STDERR, "shop-cli: $message\n" );
	exit( 1 );
}

function wpwa_sched_marketplace(): array {
	$name = wpwa_marketplace_active();
	if ( null === $name ) {
		wpwa_sched_fail( 'no marketplace is active on this site' );
	}
	return wpwa_marketplace( $name );
}

function wpwa_sched_as_admin(): void {
	$admin = get_users(
		array(
			'role'   => 'administrator',
			'number' => 1,
			'fields' => 'ID',
		)
	);
	wp_set_current_user( (int) $admin[0] );
}

switch ( $command ) {
	case 'vendor':
		wpwa_sched_as_admin();
		$login = (string) $input['login'];
		$id    = (int) wpwa_sched_marketplace()['create_vendor']( $login, (string) $input['password'], "$login@example.test", (string) $input['store_name'] );
		wpwa_sched_out(
			array(
				'id'    => $id,
				'login' => $login,
			)
		);
		break;

	case 'product':
		wpwa_sched_as_admin();
		$vendor = (int) $input['vendor_id'];
		$sku    = (string) $input['sku'];
		$spec   = array(
			'name'        => (string) $input['name'],
			'sku'         => $sku,
			'status'      => 'publish',
			'regular'     => (string) $input['regular'],
			'description' => '<p>A product of the queue tests.</p>',
			'image_id'    => wpwa_products_image( "sched-$sku", (string) $input['name'], array( 30, 120, 200 ), 'png', $vendor ),
			'author'      => $vendor,
		);
		foreach ( array( 'sale', 'sale_from', 'sale_to' ) as $key ) {
			if ( array_key_exists( $key, $input ) ) {
				$spec[ $key ] = $input[ $key ];
			}
		}
		$id = wpwa_products_save( $spec );
		wpwa_sched_marketplace()['assign_product']( $id, $vendor );
		wpwa_sched_out( array( 'id' => $id ) );
		break;

	case 'sale':
		wpwa_sched_as_admin();
		$product = wc_get_product( (int) $input['product_id'] );
		if ( ! $product ) {
			wpwa_sched_fail( 'no product ' . (int) $input['product_id'] );
		}
		$product->set_sale_price( (string) ( $input['sale'] ?? '' ) );
		$product->set_date_on_sale_from( $input['sale_from'] ?? null );
		$product->set_date_on_sale_to( $input['sale_to'] ?? null );
		$product->save();
		wpwa_sched_out( array( 'ok' => true ) );
		break;

	case 'app_password':
		if ( ! wp_is_application_passwords_available() ) {
			wpwa_sched_out( array( 'available' => false ) );
		}
		$user = get_user_by( 'login', (string) $input['login'] );
		if ( ! $user ) {
			wpwa_sched_fail( 'no user ' . (string) $input['login'] );
		}
		$created = WP_Application_Passwords::create_new_application_password( $user->ID, array( 'name' => 'wpwa e2e ' . wp_generate_password( 6, false ) ) );
		if ( is_wp_error( $created ) ) {
			wpwa_sched_fail( $created->get_error_message() );
		}
		wpwa_sched_out(
			array(
				'available' => true,
				'user'      => $user->user_login,
				'password'  => $created[0],
			)
		);
		break;

	case 'run_queue':
		if ( ! class_exists( 'ActionScheduler_QueueRunner' ) ) {
			wpwa_sched_fail( 'Action Scheduler is not loaded (is WooCommerce active?)' );
		}
		$processed = ActionScheduler_QueueRunner::instance()->run( 'WP CLI' );
		wpwa_sched_out( array( 'processed' => (int) $processed ) );
		break;

	case 'actions':
		// One status, or a list of them (Action Scheduler reads either).
		$status  = array_map( 'strval', (array) ( $input['status'] ?? ActionScheduler_Store::STATUS_PENDING ) );
		$actions = as_get_scheduled_actions(
			array(
				'group'    => 'wpwa',
				'status'   => $status,
				'per_page' => -1,
				'orderby'  => 'date',
				'order'    => 'ASC',
			)
		);
		$out     = array();
		foreach ( $actions as $action ) {
			$date  = $action->get_schedule()->get_date();
			$out[] = array(
				'hook' => $action->get_hook(),
				'args' => array_values( $action->get_args() ),
				'at'   => $date ? (int) $date->getTimestamp() : null,
			);
		}
		wpwa_sched_out( $out );
		break;

	case 'job':
		wpwa_sched_out( \Wpwa\Plugin\Core::catalog_sync_status( (int) $input['vendor_id'] ) );
		break;

	case 'log':
		$page = \Wpwa\Plugin\Core::log_query(
			array(
				'vendor_id' => (int) $input['vendor_id'],
				'limit'     => 200,
			)
		);
		wpwa_sched_out( is_array( $page ) ? array_column( (array) $page['entries'], 'message' ) : array() );
		break;

	case 'preferences':
		$vendor = (int) $input['vendor_id'];
		unset( $input['vendor_id'] );
		$saved = \Wpwa\Plugin\Messages\Preferences::save( $vendor, $input );
		wpwa_sched_out( is_wp_error( $saved ) ? array( 'error' => $saved->get_error_message() ) : \Wpwa\Plugin\Messages\Preferences::get( $vendor ) );
		break;

	case 'mail':
		$vendor = (int) $input['vendor_id'];
		$caught = null;
		add_filter(
			'pre_wp_mail',
			static function ( $short_circuit, array $atts ) use ( &$caught ) {
				$caught = array(
					'to'      => $atts['to'],
					'subject' => $atts['subject'],
					'message' => $atts['message'],
				);
				return true;
			},
			10,
			2
		);
		$conversation = \Wpwa\Plugin\Core::conversation( $vendor, (int) $input['conversation_id'] );
		\Wpwa\Plugin\Messages\Notifier::email( $vendor, is_array( $conversation ) ? $conversation : array() );
		wpwa_sched_out( $caught );
		break;

	default:
		wpwa_sched_fail( "unknown command '$command'" );
}
