<?php
/**
 * Catalog sync test driver (test site only), run by tests/e2e/test/catalog.test.mjs
 * as php-fpm's user with the extension loaded:
 *
 *   php -d extension=libwpwa.so catalog-cli.php COMMAND [JSON]
 *
 * Commands (JSON argument, JSON answer on stdout):
 *   fixtures {run}                   two vendors of this run with good and bad
 *                                    products in WooCommerce's storage format
 *   settings {catalog_id, batch_size, ...}   merge into the wpwa_catalog option
 *   readers {vendor_id}              records of both readers: {storage, woocommerce}
 *                                    (the WooCommerce API is the test stand-in,
 *                                    tests/wordpress/test-mu-plugins/wpwa-test-wc-standin.php)
 *   price {product_id, regular, sale} set a product's prices (as WooCommerce stores them)
 *   trash {product_id}               wp_trash_post()
 *   slice {vendor_id, budget_ms}     plan and run one slice, like POST wpwa/v1/sync
 *   cron                             what is scheduled for wpwa hooks
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL.
 */

define( 'WPWA_TEST_WC_STANDIN', true );

require __DIR__ . '/cli-bootstrap.php';
require $wpwa_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';

// WooCommerce registers a taxonomy per global attribute (pa_*); so do we.
register_taxonomy( 'pa_color', array( 'product', 'product_variation' ), array( 'hierarchical' => false, 'public' => false ) );
register_taxonomy( 'product_brand', array( 'product' ), array( 'hierarchical' => true, 'public' => false ) );

$command = $argv[1] ?? '';
$input   = isset( $argv[2] ) ? json_decode( $argv[2], true ) : array();
$input   = is_array( $input ) ? $input : array();

function wpwa_cat_out( $data ): void {
	echo wp_json_encode( $data, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT ), "\n";
	exit( 0 );
}

function wpwa_cat_fail( string $message ): void {
	fwrite( STDERR, "catalog-cli: $message\n" );
	exit( 1 );
}

function wpwa_cat_user( string $login, string $display ): int {
	$user = get_user_by( 'login', $login );
	if ( $user ) {
		return (int) $user->ID;
	}
	$id = wp_insert_user(
		array(
			'user_login'   => $login,
			'user_pass'    => $login . '-pass-' . wp_generate_password( 8, false ),
			'user_email'   => $login . '@example.test',
			'display_name' => $display,
			'role'         => 'author',
		)
	);
	if ( is_wp_error( $id ) ) {
		wpwa_cat_fail( $id->get_error_message() );
	}
	( new WP_User( $id ) )->add_cap( 'wpwa_vendor' );
	return (int) $id;
}

function wpwa_cat_image( string $name, string $format, array $rgb, int $author ): int {
	$img = imagecreatetruecolor( 320, 320 );
	imagefilledrectangle( $img, 0, 0, 319, 319, imagecolorallocate( $img, $rgb[0], $rgb[1], $rgb[2] ) );
	imagestring( $img, 5, 20, 150, strtoupper( $name ), imagecolorallocate( $img, 255, 255, 255 ) );
	ob_start();
	if ( 'jpg' === $format ) {
		imagejpeg( $img, null, 85 );
	} elseif ( 'gif' === $format ) {
		imagegif( $img );
	} else {
		imagepng( $img );
	}
	$bytes = (string) ob_get_clean();
	$file  = sanitize_file_name( strtolower( $name ) ) . '.' . $format;
	$up    = wp_upload_bits( $file, null, $bytes );
	if ( ! empty( $up['error'] ) ) {
		wpwa_cat_fail( $up['error'] );
	}
	$mime = array(
		'jpg' => 'image/jpeg',
		'png' => 'image/png',
		'gif' => 'image/gif',
	)[ $format ];
	$id   = wp_insert_attachment(
		array(
			'post_mime_type' => $mime,
			'post_title'     => $name,
			'post_status'    => 'inherit',
			'post_author'    => $author,
		),
		$up['file'],
		0,
		true
	);
	if ( is_wp_error( $id ) ) {
		wpwa_cat_fail( $id->get_error_message() );
	}
	wp_update_attachment_metadata( $id, wp_generate_attachment_metadata( $id, $up['file'] ) );
	return (int) $id;
}

/** One product post in WooCommerce's storage format. */
function wpwa_cat_product( int $vendor, array $p ): int {
	$id = wp_insert_post(
		wp_slash(
			array(
				'post_type'    => $p['post_type'] ?? 'product',
				'post_status'  => $p['status'] ?? 'publish',
				'post_author'  => $vendor,
				'post_parent'  => $p['parent'] ?? 0,
				'menu_order'   => $p['menu_order'] ?? 0,
				'post_title'   => $p['title'],
				'post_content' => $p['content'] ?? '',
				'post_excerpt' => $p['excerpt'] ?? '',
			)
		),
		true
	);
	if ( is_wp_error( $id ) ) {
		wpwa_cat_fail( $id->get_error_message() );
	}
	$regular = $p['regular'] ?? '';
	$sale    = $p['sale'] ?? '';
	$stock   = $p['stock'] ?? null;
	$meta    = array(
		'_sku'           => $p['sku'] ?? '',
		'_regular_price' => $regular,
		'_sale_price'    => $sale,
		'_price'         => '' !== $sale ? $sale : $regular,
		'_stock_status'  => $p['stock_status'] ?? ( null === $stock || $stock > 0 ? 'instock' : 'outofstock' ),
		'_manage_stock'  => null === $stock ? 'no' : 'yes',
		'_stock'         => null === $stock ? '' : (string) $stock,
	);
	if ( ! empty( $p['image'] ) ) {
		$meta['_thumbnail_id'] = (string) $p['image'];
	}
	foreach ( $p['meta'] ?? array() as $k => $v ) {
		$meta[ $k ] = $v;
	}
	foreach ( $meta as $k => $v ) {
		update_post_meta( $id, $k, $v );
	}
	if ( 'product' === ( $p['post_type'] ?? 'product' ) ) {
		wp_set_object_terms( $id, $p['type'] ?? 'simple', 'product_type' );
		wp_set_object_terms( $id, $p['visibility_terms'] ?? array(), 'product_visibility' );
		if ( ! empty( $p['brand'] ) ) {
			wp_set_object_terms( $id, $p['brand'], 'product_brand' );
		}
	}
	return (int) $id;
}

switch ( $command ) {
	case 'fixtures':
		$run = preg_replace( '/[^a-z0-9]/', '', strtolower( (string) ( $input['run'] ?? 'x' ) ) );
		$R   = strtoupper( $run );
		foreach ( array( 'simple', 'variable', 'variation', 'grouped', 'external' ) as $t ) {
			if ( ! term_exists( $t, 'product_type' ) ) {
				wp_insert_term( $t, 'product_type', array( 'slug' => $t ) );
			}
		}
		foreach ( array( 'red' => 'Red', 'blue' => 'Blue' ) as $slug => $name ) {
			if ( ! term_exists( $slug, 'pa_color' ) ) {
				wp_insert_term( $name, 'pa_color', array( 'slug' => $slug ) );
			}
		}
		$a    = wpwa_cat_user( "cat_a_$run", "Catalog Store A $R" );
		$b    = wpwa_cat_user( "cat_b_$run", "Catalog Store B $R" );
		if ( ! empty( $input['password'] ) ) {
			wp_set_password( (string) $input['password'], $a );
			wp_set_password( (string) $input['password'], $b );
		}
		$desc = '<p>A <strong>fine</strong> product &amp; more.</p>';
		$img  = static fn( string $n, string $f, array $c, int $u ) => wpwa_cat_image( "$n-$run", $f, $c, $u );
		$good = array(
			'tee'   => wpwa_cat_product( $a, array( 'title' => "Tee $R", 'sku' => "CA-$R-TEE", 'regular' => '19.99', 'content' => $desc, 'image' => $img( 'tee', 'png', array( 200, 40, 40 ), $a ), 'stock' => 12, 'brand' => 'Acme Wear' ) ),
			'mug'   => wpwa_cat_product( $a, array( 'title' => "Mug $R", 'sku' => "CA-$R-MUG", 'regular' => '30.00', 'sale' => '24.50', 'content' => '', 'excerpt' => 'Short <em>mug</em> text', 'image' => $img( 'mug', 'jpg', array( 40, 90, 200 ), $a ) ) ),
			'cap'   => wpwa_cat_product( $a, array( 'title' => "Cap $R", 'sku' => "CA-$R-CAP", 'regular' => '15', 'content' => $desc, 'image' => $img( 'cap', 'png', array( 40, 160, 90 ), $a ), 'stock' => 0 ) ),
		);
		$hoodie_img        = $img( 'hoodie', 'jpg', array( 90, 90, 90 ), $a );
		$hoodie            = wpwa_cat_product( $a, array( 'title' => "Hoodie $R", 'sku' => "CA-$R-HOOD", 'type' => 'variable', 'content' => $desc, 'image' => $hoodie_img, 'regular' => '' ) );
		wp_set_object_terms( $hoodie, array( 'red', 'blue' ), 'pa_color' );
		$var_red  = wpwa_cat_product( $a, array( 'post_type' => 'product_variation', 'parent' => $hoodie, 'menu_order' => 1, 'title' => "Hoodie $R - Red, L", 'sku' => "CA-$R-HOOD-RED", 'regular' => '40.00', 'image' => $img( 'hoodie-red', 'png', array( 220, 20, 20 ), $a ), 'meta' => array( 'attribute_pa_color' => 'red', 'attribute_size' => 'L', '_variation_description' => 'Red and warm.' ) ) );
		$var_blue = wpwa_cat_product( $a, array( 'post_type' => 'product_variation', 'parent' => $hoodie, 'menu_order' => 2, 'title' => "Hoodie $R - Blue, L", 'sku' => '', 'regular' => '42.00', 'sale' => '39.00', 'meta' => array( 'attribute_pa_color' => 'blue', 'attribute_size' => 'L' ) ) );
		$bad      = array(
			'noimage' => wpwa_cat_product( $a, array( 'title' => "No Image $R", 'sku' => "CA-$R-NOIMG", 'regular' => '10.00', 'content' => $desc ) ),
			'noprice' => wpwa_cat_product( $a, array( 'title' => "No Price $R", 'sku' => "CA-$R-NOPRICE", 'regular' => '', 'content' => $desc, 'image' => $img( 'noprice', 'png', array( 10, 10, 10 ), $a ) ) ),
			'gif'     => wpwa_cat_product( $a, array( 'title' => "Gif $R", 'sku' => "CA-$R-GIF", 'regular' => '5.00', 'content' => $desc, 'image' => $img( 'gif', 'gif', array( 250, 200, 0 ), $a ) ) ),
			'nodesc'  => wpwa_cat_product( $a, array( 'title' => "No Description $R", 'sku' => "CA-$R-NODESC", 'regular' => '8.00', 'content' => '<p> </p><br />', 'image' => $img( 'nodesc', 'jpg', array( 0, 120, 120 ), $a ) ) ),
		);
		$draft  = wpwa_cat_product( $a, array( 'status' => 'draft', 'title' => "Draft $R", 'sku' => "CA-$R-DRAFT", 'regular' => '9.00', 'content' => $desc, 'image' => $img( 'draft', 'png', array( 1, 2, 3 ), $a ) ) );
		$hidden = wpwa_cat_product( $a, array( 'title' => "Hidden $R", 'sku' => "CA-$R-HIDDEN", 'regular' => '9.00', 'content' => $desc, 'image' => $img( 'hidden', 'png', array( 3, 2, 1 ), $a ), 'visibility_terms' => array( 'exclude-from-catalog', 'exclude-from-search' ) ) );
		$b1     = wpwa_cat_product( $b, array( 'title' => "Bolt One $R", 'sku' => "CB-$R-ONE", 'regular' => '11.00', 'content' => $desc, 'image' => $img( 'bolt1', 'png', array( 240, 190, 10 ), $b ) ) );
		$b2     = wpwa_cat_product( $b, array( 'title' => "Bolt Two $R", 'sku' => "CB-$R-TWO", 'regular' => '12.00', 'content' => $desc, 'image' => $img( 'bolt2', 'jpg', array( 240, 120, 10 ), $b ) ) );
		wpwa_cat_out(
			array(
				'vendor_a' => array( 'id' => $a, 'login' => "cat_a_$run" ),
				'vendor_b' => array( 'id' => $b, 'login' => "cat_b_$run" ),
				'good'     => $good,
				'hoodie'   => array( 'id' => $hoodie, 'red' => $var_red, 'blue' => $var_blue ),
				'bad'      => $bad,
				'draft'    => $draft,
				'hidden'   => $hidden,
				'b'        => array( $b1, $b2 ),
				'image_url' => array_map( 'wp_get_attachment_url', array_map( static fn( $id ) => (int) get_post_meta( $id, '_thumbnail_id', true ), array_merge( $good, array( 'hoodie' => $hoodie, 'red' => $var_red ) ) ) ),
			)
		);
		break;

	case 'settings':
		$current = get_option( 'wpwa_catalog', array() );
		update_option( 'wpwa_catalog', array_merge( is_array( $current ) ? $current : array(), $input ) );
		wpwa_cat_out( get_option( 'wpwa_catalog' ) );
		break;

	case 'readers':
		$vendor = (int) ( $input['vendor_id'] ?? 0 );
		$page   = (int) ( $input['page'] ?? 100 );
		$out    = array();
		foreach ( array(
			'storage'     => new \Wpwa\Plugin\Products\StorageReader(),
			'woocommerce' => new \Wpwa\Plugin\Products\WooCommerceReader(),
		) as $name => $reader ) {
			$records = array();
			$after   = 0;
			$queries = get_num_queries();
			do {
				$chunk = $reader->records( $vendor, $after, $page );
				$top   = array_filter( $chunk, static fn( $r ) => 'variation' !== $r['product_type'] );
				$records = array_merge( $records, $chunk );
				$after   = $top ? max( array_column( $top, 'id' ) ) : $after;
			} while ( count( $top ) >= $page );
			wp_cache_flush();
			$out[ $name ]              = $records;
			$out[ $name . '_queries' ] = get_num_queries() - $queries;
		}
		$out['supported'] = \Wpwa\Plugin\Products\WooCommerceReader::supported();
		wpwa_cat_out( $out );
		break;

	case 'price':
		$id      = (int) $input['product_id'];
		$regular = (string) $input['regular'];
		$sale    = (string) ( $input['sale'] ?? '' );
		update_post_meta( $id, '_regular_price', $regular );
		update_post_meta( $id, '_sale_price', $sale );
		update_post_meta( $id, '_price', '' !== $sale ? $sale : $regular );
		wpwa_cat_out( array( 'ok' => true ) );
		break;

	case 'trash':
		wpwa_cat_out( array( 'trashed' => (bool) wp_trash_post( (int) $input['product_id'] ) ) );
		break;

	case 'slice':
		$vendor = (int) $input['vendor_id'];
		fwrite( STDERR, "slice: starting\n" );
		$result = \Wpwa\Plugin\Catalog\Sync::start( $vendor, 'manual', (int) ( $input['budget_ms'] ?? 3000 ) );
		wpwa_cat_out( is_wp_error( $result ) ? array( 'error' => $result->get_error_message() ) : $result );
		break;

	case 'cron':
		$events = array();
		foreach ( (array) _get_cron_array() as $ts => $hooks ) {
			foreach ( $hooks as $hook => $list ) {
				if ( 0 === strpos( $hook, 'wpwa_' ) ) {
					foreach ( $list as $e ) {
						$events[] = array(
							'hook' => $hook,
							'at'   => (int) $ts,
							'args' => $e['args'],
						);
					}
				}
			}
		}
		wpwa_cat_out( $events );
		break;

	default:
		wpwa_cat_fail( "unknown command '$command'" );
}
