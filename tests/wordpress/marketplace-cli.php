<?php
/**
 * Marketplace switch for the running test (or demo) site, run like
 * catalog-cli.php: as php-fpm's user, with the extension loaded:
 *
 *   php -d extension=libwpwa.so marketplace-cli.php use NAME [JSON]
 *
 * NAME is wcfm | dokan | multivendorx | wcvendors. Deactivates the other
 * marketplaces' plugins and activates NAME's (WooCommerce stays), then, in a
 * second process where they are loaded the normal way, runs NAME's setup,
 * creates (idempotently) two vendors the marketplace's way and a couple of
 * products for each through WooCommerce's CRUD API, and prints JSON:
 *
 *   {"marketplace", "label", "dashboard_url",
 *    "vendors": [{"login", "password", "id", "store_name", "email",
 *                 "product_ids": {SKU: id}, "product_names": {SKU: name}}]}
 *
 * JSON input (optional): {"vendors": [{"login", "store_name"}, {…}]}; the
 * default vendors are <name>_vendor_a "Acme Store" and <name>_vendor_b
 * "Bolt Gadgets". Passwords are new on every call.
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL; WPWA_EXTENSION (the extension to
 * load in the second process; by default the one loaded in this one).
 */

require __DIR__ . '/cli-bootstrap.php';
require $wpwa_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';
require_once __DIR__ . '/marketplaces/loader.php';
require_once __DIR__ . '/products.php';

function wpwa_mcli_fail( string $message ): void {
	fwrite( STDERR, "marketplace-cli: $message\n" );
	exit( 1 );
}

/** The extension .so this process loaded, for the second process. */
function wpwa_mcli_extension(): ?string {
	$env = getenv( 'WPWA_EXTENSION' );
	if ( $env ) {
		return $env;
	}
	foreach ( (array) @file( '/proc/self/maps' ) as $line ) {
		if ( preg_match( '#\s(/\S*libwpwa\.so)$#', rtrim( (string) $line ), $m ) ) {
			return $m[1];
		}
	}
	return null;
}

$command = $argv[1] ?? '';
$name    = $argv[2] ?? '';
$input   = isset( $argv[3] ) ? json_decode( $argv[3], true ) : array();
$input   = is_array( $input ) ? $input : array();
if ( ! in_array( $name, WPWA_MARKETPLACE_NAMES, true ) ) {
	wpwa_mcli_fail( 'usage: marketplace-cli.php use ' . implode( '|', WPWA_MARKETPLACE_NAMES ) . ' [JSON]' );
}

if ( 'use' === $command ) {
	if ( ! class_exists( 'WooCommerce' ) ) {
		wpwa_mcli_fail( 'WooCommerce is not active on this site' );
	}
	try {
		wpwa_marketplace_activate( $name );
	} catch ( Throwable $e ) {
		wpwa_mcli_fail( $e->getMessage() );
	}
	$ext  = wpwa_mcli_extension();
	$args = array( PHP_BINARY );
	if ( $ext ) {
		array_push( $args, '-d', 'extension=' . $ext );
	}
	array_push( $args, '-d', 'display_errors=stderr', '-d', 'log_errors=0', __FILE__, 'vendors', $name, wp_json_encode( $input ) );
	$proc = proc_open( $args, array( 1 => array( 'pipe', 'w' ), 2 => STDERR ), $pipes );
	if ( ! is_resource( $proc ) ) {
		wpwa_mcli_fail( 'cannot start the second process' );
	}
	$out = stream_get_contents( $pipes[1] );
	fclose( $pipes[1] );
	$rc = proc_close( $proc );
	echo $out;
	exit( $rc );
}

if ( 'vendors' !== $command ) {
	wpwa_mcli_fail( "unknown command '$command'" );
}

// Second process: the marketplace is loaded.
$admin = get_users( array( 'role' => 'administrator', 'number' => 1, 'fields' => 'ID' ) );
wp_set_current_user( $admin ? (int) $admin[0] : 0 );
$def   = wpwa_marketplace( $name );
$wants = $input['vendors'] ?? array(
	array( 'login' => "{$name}_vendor_a", 'store_name' => 'Acme Store' ),
	array( 'login' => "{$name}_vendor_b", 'store_name' => 'Bolt Gadgets' ),
);
$colors = array( array( 200, 60, 60 ), array( 60, 120, 200 ), array( 60, 160, 90 ), array( 200, 150, 40 ) );
$out    = array(
	'marketplace' => $name,
	'label'       => $def['label'],
	'vendors'     => array(),
);
try {
	$def['setup']();
	wpwa_products_attribute_terms();
	foreach ( array_values( $wants ) as $n => $want ) {
		$login    = sanitize_user( (string) $want['login'], true );
		$store    = (string) $want['store_name'];
		$email    = $login . '@example.test';
		$password = wp_generate_password( 16, false );
		$id       = (int) $def['create_vendor']( $login, $password, $email, $store );
		$ids      = array();
		$names    = array();
		foreach ( array( 1, 2 ) as $i ) {
			$sku   = strtoupper( "MP-$name-$login-$i" );
			$sku   = preg_replace( '/[^A-Z0-9-]/', '', $sku );
			$image = wpwa_products_image( $sku, "$store $i", $colors[ ( 2 * $n + $i - 1 ) % 4 ], 1 === $i ? 'png' : 'jpg', $id );
			$pid   = wpwa_products_save(
				array(
					'name'              => "$store product $i",
					'status'            => 'publish',
					'sku'               => $sku,
					'regular'           => 1 === $i ? '12.00' : '20.50',
					'description'       => "<p>$store's product $i, made for the " . esc_html( $def['label'] ) . ' demo.</p>',
					'short_description' => "$store product $i",
					'image_id'          => $image,
					'stock'             => 10 * $i,
					'category_ids'      => wpwa_products_terms( 'product_cat', array( 'Marketplace samples' ) ),
					'author'            => $id,
				)
			);
			$def['assign_product']( $pid, $id );
			$ids[ $sku ]   = $pid;
			$names[ $sku ] = "$store product $i";
		}
		$out['vendors'][] = array(
			'login'       => $login,
			'password'    => $password,
			'id'          => $id,
			'store_name'  => $store,
			'email'       => $email,
			'product_ids'   => $ids,
			'product_names' => $names,
		);
	}
	$out['dashboard_url'] = (string) $def['dashboard_url']();
} catch ( Throwable $e ) {
	wpwa_mcli_fail( "$name: " . $e->getMessage() . ' at ' . $e->getFile() . ':' . $e->getLine() );
}
flush_rewrite_rules( false );
echo wp_json_encode( $out, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT ), "\n";
