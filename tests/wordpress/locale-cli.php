<?php
/**
 * Translation test driver (test site only), run by tests/e2e/test/locale.test.mjs:
 *
 *   php [-d extension=libwpwa.so] locale-cli.php COMMAND [JSON]
 *
 * Commands (JSON argument, JSON answer on stdout):
 *   compile {po, mo, core_mo}         compiles a .po file into a .mo file with
 *                                     WordPress's own pomo classes
 *                                     (PO::import_from_file, MO::export_to_file),
 *                                     and writes `core_mo`, a core .mo of the same
 *                                     locale holding only its headers: WordPress
 *                                     accepts a site language only when its core
 *                                     translation is installed. Needs no site,
 *                                     only WPWA_DOCROOT
 *   setup {run, password, image_max_mb, locale}
 *                                     a vendor of this run (made by the site's
 *                                     marketplace) with one product whose image
 *                                     is a real JPEG of exactly 4 MiB, made
 *                                     through WooCommerce's CRUD API; the
 *                                     catalog's image limit and the site
 *                                     language (WPLANG) set; answers the ids
 *                                     and the values replaced, for `restore`
 *   restore {image_max_mb, wplang}    puts the replaced values back
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL.
 */

require __DIR__ . '/cli-bootstrap.php';

$command = $argv[1] ?? '';
$input   = isset( $argv[2] ) ? json_decode( $argv[2], true ) : array();
$input   = is_array( $input ) ? $input : array();

function wpwa_locale_out( $data ): void {
	echo json_encode( $data, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT ), "\n";
	exit( 0 );
}

function wpwa_locale_fail( string $message ): void {
	fwrite( STDERR, "locale-cli: $message\n" );
	exit( 1 );
}

if ( 'compile' === $command ) {
	// pomo stands alone: no database, no site needed.
	require_once $wpwa_docroot . '/wp-includes/pomo/po.php';
	require_once $wpwa_docroot . '/wp-includes/pomo/mo.php';
	$po = new PO();
	if ( ! $po->import_from_file( (string) ( $input['po'] ?? '' ) ) ) {
		wpwa_locale_fail( 'cannot read ' . ( $input['po'] ?? '(no po)' ) );
	}
	$mo = new MO();
	$mo->set_headers( $po->headers );
	foreach ( $po->entries as $entry ) {
		$mo->add_entry( $entry );
	}
	$core = new MO();
	$core->set_headers( $po->headers );
	foreach ( array( (string) ( $input['mo'] ?? '' ) => $mo, (string) ( $input['core_mo'] ?? '' ) => $core ) as $target => $file ) {
		if ( ! is_dir( dirname( $target ) ) && ! mkdir( dirname( $target ), 0755, true ) ) {
			wpwa_locale_fail( 'cannot create ' . dirname( $target ) );
		}
		if ( ! $file->export_to_file( $target ) ) {
			wpwa_locale_fail( "cannot write $target" );
		}
		chmod( $target, 0644 );
	}
	wpwa_locale_out(
		array(
			'mo'      => $target,
			'entries' => count( $po->entries ),
		)
	);
}

require $wpwa_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';
require_once __DIR__ . '/marketplaces/loader.php';
require_once __DIR__ . '/products.php';

/**
 * A real JPEG of exactly $bytes bytes: a picture, then comment (COM) segments
 * after the start-of-image marker, which every decoder skips.
 */
function wpwa_locale_jpeg_of_size( int $bytes ): string {
	$jpeg = wpwa_products_image_bytes( 'big', array( 200, 120, 40 ), 'jpg' );
	$room = $bytes - strlen( $jpeg );
	if ( $room < 4 ) {
		wpwa_locale_fail( "the picture alone is larger than $bytes bytes" );
	}
	$padding = '';
	while ( $room > 0 ) {
		// A segment: FF FE, a 2-byte length counting itself, then the payload.
		$segment  = min( 65535 + 2, $room );
		$segment  = $room - $segment > 0 && $room - $segment < 4 ? $segment - 4 : $segment;
		$padding .= "\xFF\xFE" . pack( 'n', $segment - 2 ) . str_repeat( 'x', $segment - 4 );
		$room    -= $segment;
	}
	return substr( $jpeg, 0, 2 ) . $padding . substr( $jpeg, 2 );
}

switch ( $command ) {
	case 'setup':
		$run  = preg_replace( '/[^a-z0-9]/', '', strtolower( (string) ( $input['run'] ?? 'x' ) ) );
		$R    = strtoupper( $run );
		$name = wpwa_marketplace_active();
		if ( null === $name ) {
			wpwa_locale_fail( 'no marketplace is active on this site' );
		}
		$mp    = wpwa_marketplace( $name );
		$admin = get_users(
			array(
				'role'   => 'administrator',
				'number' => 1,
				'fields' => 'ID',
			)
		);
		wp_set_current_user( (int) $admin[0] );
		$vendor = (int) $mp['create_vendor']( "loc_$run", (string) $input['password'], "loc_$run@example.test", "Locale Store $R" );

		$size   = 4 * MB_IN_BYTES;
		$upload = wp_upload_bits( "loc-big-$run.jpg", null, wpwa_locale_jpeg_of_size( $size ) );
		if ( ! empty( $upload['error'] ) ) {
			wpwa_locale_fail( 'image: ' . $upload['error'] );
		}
		$image = wp_insert_attachment(
			array(
				'post_mime_type' => 'image/jpeg',
				'post_title'     => "Big $R",
				'post_status'    => 'inherit',
				'post_author'    => $vendor,
			),
			$upload['file'],
			0,
			true
		);
		if ( is_wp_error( $image ) ) {
			wpwa_locale_fail( 'attachment: ' . $image->get_error_message() );
		}
		wp_update_attachment_metadata( $image, wp_generate_attachment_metadata( $image, $upload['file'] ) );
		$product = wpwa_products_save(
			array(
				'name'        => "Big Picture $R",
				'sku'         => "LOC-$R-BIG",
				'regular'     => '12.00',
				'description' => 'A product whose picture is too large for the catalog.',
				'image_id'    => (int) $image,
				'status'      => 'publish',
				'author'      => $vendor,
			)
		);
		$mp['assign_product']( $product, $vendor );

		$catalog = get_option( 'wpwa_catalog', array() );
		$catalog = is_array( $catalog ) ? $catalog : array();
		$before  = array(
			'image_max_mb' => $catalog['image_max_mb'] ?? null,
			'wplang'       => get_option( 'WPLANG', '' ),
		);
		$catalog['image_max_mb'] = (int) $input['image_max_mb'];
		update_option( 'wpwa_catalog', $catalog );
		update_option( 'WPLANG', (string) $input['locale'] );
		if ( get_option( 'WPLANG' ) !== $input['locale'] ) {
			wpwa_locale_fail( 'WordPress refused the site language ' . $input['locale'] . ' (is its core .mo installed?)' );
		}
		wpwa_locale_out(
			array(
				'vendor_id'   => $vendor,
				'login'       => "loc_$run",
				'product_id'  => (int) $product,
				'image_bytes' => (int) filesize( $upload['file'] ),
				'before'      => $before,
			)
		);
		break;

	case 'restore':
		$catalog = get_option( 'wpwa_catalog', array() );
		$catalog = is_array( $catalog ) ? $catalog : array();
		if ( null === ( $input['image_max_mb'] ?? null ) ) {
			unset( $catalog['image_max_mb'] );
		} else {
			$catalog['image_max_mb'] = (int) $input['image_max_mb'];
		}
		update_option( 'wpwa_catalog', $catalog );
		update_option( 'WPLANG', (string) ( $input['wplang'] ?? '' ) );
		wpwa_locale_out( array( 'restored' => true ) );
		break;

	default:
		wpwa_locale_fail( "unknown command '$command'" );
}
