<?php
/**
 * Chat-button test driver (test site only), run by
 * tests/e2e/test/chat-button.test.mjs as php-fpm's user with the extension
 * loaded:
 *
 *   php -d extension=libwpwa.so chat-button-cli.php COMMAND [JSON]
 *
 * Commands (JSON argument, JSON answer on stdout):
 *   settings {…}                 merges into the wpwa_chat_button option
 *                                (through its sanitize callback, as the
 *                                settings form saves it); answers the option
 *   store_url {vendor_id}        the vendor's store page, as the active
 *                                marketplace makes it
 *   products {vendor_id, count, prefix, category}  `count` published simple
 *                                products of the vendor in a new product
 *                                category, through WooCommerce's CRUD API;
 *                                answers {ids, category_url}
 *   page {title, content}        a published page; answers {id, url}
 *   dashboard_url                the wpwa vendor dashboard page
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL.
 */

require __DIR__ . '/cli-bootstrap.php';
require $wpwa_docroot . '/wp-load.php';
// add_settings_error() / get_settings_errors(), which the option's sanitize callback reports through.
require_once ABSPATH . 'wp-admin/includes/template.php';
require_once __DIR__ . '/marketplaces/loader.php';
require_once __DIR__ . '/products.php';

$command = $argv[1] ?? '';
$input   = isset( $argv[2] ) ? json_decode( $argv[2], true ) : array();
$input   = is_array( $input ) ? $input : array();

function wpwa_chat_out( $data ): void {
	echo wp_json_encode( $data, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT ), "\n";
	exit( 0 );
}

function wpwa_chat_fail( string $message ): void {
	fwrite( STDERR, "chat-button-cli: $message\n" );
	exit( 1 );
}

$admin = get_users(
	array(
		'role'   => 'administrator',
		'number' => 1,
		'fields' => 'ID',
	)
);
wp_set_current_user( (int) $admin[0] );

switch ( $command ) {
	case 'settings':
		$saved = \Wpwa\Plugin\ChatButton\Config::sanitize( array_merge( \Wpwa\Plugin\ChatButton\Config::all(), $input ) );
		$errors = get_settings_errors( \Wpwa\Plugin\ChatButton\Config::OPTION );
		if ( $errors ) {
			wpwa_chat_fail( wp_json_encode( $errors ) );
		}
		update_option( \Wpwa\Plugin\ChatButton\Config::OPTION, $saved, true );
		wpwa_chat_out( \Wpwa\Plugin\ChatButton\Config::all() );
		break;

	case 'store_url':
		wpwa_chat_out( array( 'url' => \Wpwa\Plugin\Vendors::store_url( (int) $input['vendor_id'] ) ) );
		break;

	case 'products':
		$vendor = (int) $input['vendor_id'];
		$name   = wpwa_marketplace_active();
		if ( null === $name ) {
			wpwa_chat_fail( 'no marketplace is active on this site' );
		}
		$term = wp_insert_term( (string) $input['category'], 'product_cat' );
		if ( is_wp_error( $term ) ) {
			wpwa_chat_fail( $term->get_error_message() );
		}
		$ids = array();
		for ( $i = 1; $i <= (int) $input['count']; $i++ ) {
			$id = wpwa_products_save(
				array(
					'name'         => sprintf( '%s %02d', (string) $input['prefix'], $i ),
					'sku'          => sanitize_title( (string) $input['prefix'] ) . '-' . $i,
					'status'       => 'publish',
					'regular'      => (string) ( 10 + $i ),
					'description'  => '<p>A product of the chat button tests.</p>',
					'author'       => $vendor,
					'category_ids' => array( (int) $term['term_id'] ),
				)
			);
			wpwa_marketplace( $name )['assign_product']( $id, $vendor );
			$ids[] = $id;
		}
		wpwa_chat_out(
			array(
				'ids'          => $ids,
				'category_url' => get_term_link( (int) $term['term_id'], 'product_cat' ),
			)
		);
		break;

	case 'page':
		$id = wp_insert_post(
			array(
				'post_type'    => 'page',
				'post_status'  => 'publish',
				'post_title'   => (string) $input['title'],
				'post_content' => (string) $input['content'],
			),
			true
		);
		if ( is_wp_error( $id ) ) {
			wpwa_chat_fail( $id->get_error_message() );
		}
		wpwa_chat_out(
			array(
				'id'  => $id,
				'url' => get_permalink( $id ),
			)
		);
		break;

	case 'dashboard_url':
		wpwa_chat_out( array( 'url' => get_permalink( (int) get_option( \Wpwa\Plugin\Settings::PAGE_OPTION ) ) ) );
		break;

	default:
		wpwa_chat_fail( 'usage: chat-button-cli.php settings|store_url|products|page|dashboard_url [JSON]' );
}
