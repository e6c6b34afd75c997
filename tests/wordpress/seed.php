<?php
/**
 * Seeds a wpwa demo/test site: activates the plugin, points it at the local
 * sandbox, and creates an admin password, two vendors, a customer and each
 * vendor's sample products in WooCommerce's storage format (product posts,
 * their meta, product_type/product_visibility terms, and real image
 * attachments drawn with GD). Idempotent: users are found by login, products
 * by SKU, images by a seed key; rerunning updates rather than duplicates.
 *
 * Writes a JSON summary (URLs, logins, ids, expected counts) to the file in
 * WPWA_SEED_OUT (or stdout); scripts and the e2e suite read it.
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL, WPWA_ADMIN_USER, WPWA_ADMIN_PASSWORD,
 * WPWA_VENDOR_A_PASSWORD, WPWA_VENDOR_B_PASSWORD, WPWA_CUSTOMER_PASSWORD,
 * WPWA_SANDBOX_URL, WPWA_SEED_OUT, WPWA_SEED_TEST_PAGES (1: add the hostile
 * shortcode page the escaping tests use), WPWA_SEED_REQUIRE_PLUGIN (1: fail
 * when the plugin cannot be activated).
 */

require __DIR__ . '/cli-bootstrap.php';

require $wpwa_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';

const WPWA_SEED_PLUGIN = 'wpwa/wpwa.php';

/** The sample catalog: per vendor, SKU => product. */
function wpwa_seed_catalog(): array {
	return array(
		'vendor_a' => array(
			array( 'sku' => 'ACME-TEE-001', 'title' => 'Acme Classic T-Shirt', 'price' => '19.99', 'sale' => '14.99', 'stock' => 25, 'status' => 'publish', 'image' => 'png', 'color' => array( 214, 69, 65 ), 'gallery' => 1 ),
			array( 'sku' => 'ACME-MUG-002', 'title' => 'Acme Coffee Mug', 'price' => '9.50', 'sale' => '', 'stock' => 40, 'status' => 'publish', 'image' => 'jpg', 'color' => array( 52, 101, 164 ), 'gallery' => 0 ),
			array( 'sku' => 'ACME-CAP-003', 'title' => 'Acme Baseball Cap', 'price' => '15.00', 'sale' => '', 'stock' => 0, 'status' => 'publish', 'image' => 'png', 'color' => array( 46, 139, 87 ), 'gallery' => 0 ),
			array( 'sku' => 'ACME-BAG-004', 'title' => 'Acme Tote Bag', 'price' => '12.00', 'sale' => '', 'stock' => null, 'status' => 'publish', 'image' => 'jpg', 'color' => array( 199, 146, 38 ), 'gallery' => 0 ),
			array( 'sku' => 'ACME-SOCK-005', 'title' => 'Acme Running Socks', 'price' => '7.25', 'sale' => '', 'stock' => 120, 'status' => 'publish', 'image' => 'png', 'color' => array( 117, 80, 123 ), 'gallery' => 2 ),
			// Not published: must not count, must not sync.
			array( 'sku' => 'ACME-JKT-006', 'title' => 'Acme Winter Jacket', 'price' => '89.00', 'sale' => '', 'stock' => 5, 'status' => 'draft', 'image' => 'jpg', 'color' => array( 60, 60, 60 ), 'gallery' => 0 ),
		),
		'vendor_b' => array(
			array( 'sku' => 'BOLT-CHG-001', 'title' => 'Bolt USB-C Charger 65W', 'price' => '24.90', 'sale' => '', 'stock' => 60, 'status' => 'publish', 'image' => 'png', 'color' => array( 241, 196, 15 ), 'gallery' => 0 ),
			array( 'sku' => 'BOLT-CBL-002', 'title' => 'Bolt Braided Cable 2m', 'price' => '8.90', 'sale' => '', 'stock' => 200, 'status' => 'publish', 'image' => 'jpg', 'color' => array( 44, 62, 80 ), 'gallery' => 0 ),
			array( 'sku' => 'BOLT-PWR-003', 'title' => 'Bolt Power Bank 10000 mAh', 'price' => '39.00', 'sale' => '34.00', 'stock' => 15, 'status' => 'publish', 'image' => 'png', 'color' => array( 230, 126, 34 ), 'gallery' => 1 ),
		),
	);
}

function wpwa_seed_fail( string $message ): void {
	fwrite( STDERR, "seed: $message\n" );
	exit( 1 );
}

function wpwa_seed_user( string $login, string $password, string $display, string $role, bool $vendor ): int {
	$user = get_user_by( 'login', $login );
	$data = array(
		'user_login'   => $login,
		'user_email'   => $login . '@example.test',
		'display_name' => $display,
		'nickname'     => $display,
		'first_name'   => $display,
		'role'         => $role,
	);
	if ( $user ) {
		$data['ID'] = $user->ID;
		$id         = wp_update_user( $data );
		if ( is_wp_error( $id ) ) {
			wpwa_seed_fail( "updating $login: " . $id->get_error_message() );
		}
		wp_set_password( $password, $user->ID );
	} else {
		$data['user_pass'] = $password;
		$id                = wp_insert_user( $data );
		if ( is_wp_error( $id ) ) {
			wpwa_seed_fail( "creating $login: " . $id->get_error_message() );
		}
	}
	$user = new WP_User( $id );
	if ( $vendor ) {
		$user->add_cap( 'wpwa_vendor' );
	} else {
		$user->remove_cap( 'wpwa_vendor' );
	}
	// No admin colour scheme / welcome pointers in screenshots.
	update_user_meta( $id, 'show_welcome_panel', 0 );
	update_user_meta( $id, 'dismissed_wp_pointers', 'theme_editor_notice,plugin_editor_notice' );
	return (int) $id;
}

/** Draws a product picture (solid colour, border, name) and returns the bytes. */
function wpwa_seed_image_bytes( string $label, array $rgb, string $format ): string {
	$img  = imagecreatetruecolor( 640, 640 );
	$bg   = imagecolorallocate( $img, $rgb[0], $rgb[1], $rgb[2] );
	$fg   = imagecolorallocate( $img, 255, 255, 255 );
	$dark = imagecolorallocate( $img, (int) ( $rgb[0] * 0.6 ), (int) ( $rgb[1] * 0.6 ), (int) ( $rgb[2] * 0.6 ) );
	imagefilledrectangle( $img, 0, 0, 639, 639, $bg );
	imagefilledrectangle( $img, 40, 40, 599, 599, $dark );
	imagefilledellipse( $img, 320, 280, 300, 300, $bg );
	$font = 5;
	$text = strtoupper( $label );
	$x    = max( 10, (int) ( ( 640 - imagefontwidth( $font ) * strlen( $text ) ) / 2 ) );
	imagestring( $img, $font, $x, 500, $text, $fg );
	ob_start();
	if ( 'jpg' === $format ) {
		imagejpeg( $img, null, 85 );
	} else {
		imagepng( $img, null, 6 );
	}
	imagedestroy( $img );
	return (string) ob_get_clean();
}

function wpwa_seed_attachment( string $key, string $label, array $rgb, string $format, int $parent, int $author ): int {
	$existing = get_posts(
		array(
			'post_type'      => 'attachment',
			'post_status'    => 'inherit',
			'meta_key'       => '_wpwa_seed_key',
			'meta_value'     => $key,
			'fields'         => 'ids',
			'posts_per_page' => 1,
		)
	);
	if ( $existing ) {
		$file = get_attached_file( $existing[0] );
		if ( $file && file_exists( $file ) ) {
			return (int) $existing[0];
		}
		wp_delete_attachment( $existing[0], true );
	}
	$name   = sanitize_file_name( strtolower( $key ) ) . '.' . $format;
	$upload = wp_upload_bits( $name, null, wpwa_seed_image_bytes( $label, $rgb, $format ) );
	if ( ! empty( $upload['error'] ) ) {
		wpwa_seed_fail( "image $name: {$upload['error']}" );
	}
	$id = wp_insert_attachment(
		array(
			'post_mime_type' => 'jpg' === $format ? 'image/jpeg' : 'image/png',
			'post_title'     => $label,
			'post_content'   => '',
			'post_status'    => 'inherit',
			'post_author'    => $author,
		),
		$upload['file'],
		$parent,
		true
	);
	if ( is_wp_error( $id ) ) {
		wpwa_seed_fail( "attachment $name: " . $id->get_error_message() );
	}
	wp_update_attachment_metadata( $id, wp_generate_attachment_metadata( $id, $upload['file'] ) );
	update_post_meta( $id, '_wpwa_seed_key', $key );
	update_post_meta( $id, '_wp_attachment_image_alt', $label );
	return (int) $id;
}

function wpwa_seed_ensure_term( string $taxonomy, string $slug ): void {
	if ( ! term_exists( $slug, $taxonomy ) ) {
		$r = wp_insert_term( $slug, $taxonomy, array( 'slug' => $slug ) );
		if ( is_wp_error( $r ) ) {
			wpwa_seed_fail( "term $taxonomy/$slug: " . $r->get_error_message() );
		}
	}
}

function wpwa_seed_product( array $p, int $vendor_id, string $vendor_name ): int {
	$found = get_posts(
		array(
			'post_type'      => 'product',
			'post_status'    => 'any',
			'meta_key'       => '_sku',
			'meta_value'     => $p['sku'],
			'fields'         => 'ids',
			'posts_per_page' => 1,
		)
	);
	$post = array(
		'post_type'    => 'product',
		'post_status'  => $p['status'],
		'post_author'  => $vendor_id,
		'post_title'   => $p['title'],
		'post_name'    => sanitize_title( $p['title'] ),
		'post_content' => sprintf( "%s from %s.\n\nSample product seeded for the wpwa demo. Machine washable, ships in 2 days.", $p['title'], $vendor_name ),
		'post_excerpt' => sprintf( '%s by %s', $p['title'], $vendor_name ),
	);
	if ( $found ) {
		$post['ID'] = $found[0];
		$id         = wp_update_post( wp_slash( $post ), true );
	} else {
		$id = wp_insert_post( wp_slash( $post ), true );
	}
	if ( is_wp_error( $id ) ) {
		wpwa_seed_fail( "product {$p['sku']}: " . $id->get_error_message() );
	}

	$thumb   = wpwa_seed_attachment( $p['sku'] . '-main', $p['title'], $p['color'], $p['image'], $id, $vendor_id );
	$gallery = array();
	for ( $i = 1; $i <= $p['gallery']; $i++ ) {
		$shade     = array_map( static fn( $c ) => (int) min( 255, $c + 40 * $i ), $p['color'] );
		$gallery[] = wpwa_seed_attachment( $p['sku'] . '-gallery-' . $i, $p['title'] . ' #' . ( $i + 1 ), $shade, 'jpg', $id, $vendor_id );
	}

	$in_stock = null === $p['stock'] || $p['stock'] > 0;
	$price    = '' !== $p['sale'] ? $p['sale'] : $p['price'];
	$meta     = array(
		'_sku'                   => $p['sku'],
		'_regular_price'         => $p['price'],
		'_sale_price'            => $p['sale'],
		'_price'                 => $price,
		'_stock_status'          => $in_stock ? 'instock' : 'outofstock',
		'_manage_stock'          => null === $p['stock'] ? 'no' : 'yes',
		'_stock'                 => null === $p['stock'] ? '' : (string) $p['stock'],
		'_backorders'            => 'no',
		'_sold_individually'     => 'no',
		'_virtual'               => 'no',
		'_downloadable'          => 'no',
		'_tax_status'            => 'taxable',
		'_tax_class'             => '',
		'_thumbnail_id'          => (string) $thumb,
		'_product_image_gallery' => implode( ',', $gallery ),
		'total_sales'            => '0',
		'_product_version'       => '9.8.0',
	);
	foreach ( $meta as $key => $value ) {
		update_post_meta( $id, $key, $value );
	}
	wp_set_object_terms( $id, 'simple', 'product_type', false );
	wp_set_object_terms( $id, $in_stock ? array() : array( 'outofstock' ), 'product_visibility', false );
	return (int) $id;
}

function wpwa_seed_page( string $slug, string $title, string $content ): int {
	$page = get_page_by_path( $slug, OBJECT, 'page' );
	$post = array(
		'post_type'    => 'page',
		'post_status'  => 'publish',
		'post_name'    => $slug,
		'post_title'   => $title,
		'post_content' => $content,
	);
	if ( $page ) {
		$post['ID'] = $page->ID;
		$id         = wp_update_post( wp_slash( $post ), true );
	} else {
		$id = wp_insert_post( wp_slash( $post ), true );
	}
	if ( is_wp_error( $id ) ) {
		wpwa_seed_fail( "page $slug: " . $id->get_error_message() );
	}
	// Store the content byte for byte: the hostile markup is the point.
	if ( get_post_field( 'post_content', $id, 'raw' ) !== $content ) {
		wpwa_seed_fail( "page $slug content was altered on save" );
	}
	return (int) $id;
}

// ---------------------------------------------------------------------------

$admin_login = wpwa_cli_env( 'WPWA_ADMIN_USER', 'admin' );
$admin       = get_user_by( 'login', $admin_login );
if ( ! $admin ) {
	wpwa_seed_fail( "admin user $admin_login missing (run install.php first)" );
}
wp_set_password( wpwa_cli_env( 'WPWA_ADMIN_PASSWORD' ), $admin->ID );
// As the admin (unfiltered_html), and with kses off: seeded content is stored
// exactly as written.
wp_set_current_user( $admin->ID );
kses_remove_filters();

// Plugin.
$plugin_state = 'missing';
if ( file_exists( WP_PLUGIN_DIR . '/' . WPWA_SEED_PLUGIN ) ) {
	if ( ! is_plugin_active( WPWA_SEED_PLUGIN ) ) {
		$r = activate_plugin( WPWA_SEED_PLUGIN );
		if ( is_wp_error( $r ) ) {
			wpwa_seed_fail( 'activating wpwa: ' . $r->get_error_message() );
		}
	}
	$plugin_state = is_plugin_active( WPWA_SEED_PLUGIN ) ? 'active' : 'inactive';
}
if ( 'active' !== $plugin_state && '1' === getenv( 'WPWA_SEED_REQUIRE_PLUGIN' ) ) {
	wpwa_seed_fail( "plugin wpwa is $plugin_state" );
}

$settings                 = get_option( 'wpwa_settings' );
$settings                 = is_array( $settings ) ? $settings : array();
$settings['sandbox_mode'] = true;
$settings['sandbox_url']  = wpwa_cli_env( 'WPWA_SANDBOX_URL' );
update_option( 'wpwa_settings', $settings );

// Users.
$vendors_def = array(
	'vendor_a' => array( 'Acme Store', wpwa_cli_env( 'WPWA_VENDOR_A_PASSWORD' ) ),
	'vendor_b' => array( 'Bolt Gadgets', wpwa_cli_env( 'WPWA_VENDOR_B_PASSWORD' ) ),
);
$users = array();
foreach ( $vendors_def as $login => [ $display, $password ] ) {
	$users[ $login ] = wpwa_seed_user( $login, $password, $display, 'customer', true );
}
$users['customer'] = wpwa_seed_user( 'customer', wpwa_cli_env( 'WPWA_CUSTOMER_PASSWORD' ), 'Casey Customer', 'customer', false );

// Products.
if ( ! post_type_exists( 'product' ) ) {
	wpwa_seed_fail( 'post type product is not registered (WooCommerce or the test mu-plugin must be present)' );
}
foreach ( array( 'simple', 'grouped', 'variable', 'external' ) as $t ) {
	wpwa_seed_ensure_term( 'product_type', $t );
}
foreach ( array( 'exclude-from-search', 'exclude-from-catalog', 'featured', 'outofstock' ) as $t ) {
	wpwa_seed_ensure_term( 'product_visibility', $t );
}
$vendors = array();
foreach ( wpwa_seed_catalog() as $login => $products ) {
	$ids       = array();
	$published = 0;
	foreach ( $products as $p ) {
		$ids[ $p['sku'] ] = wpwa_seed_product( $p, $users[ $login ], $vendors_def[ $login ][0] );
		$published       += 'publish' === $p['status'] ? 1 : 0;
	}
	$vendors[] = array(
		'login'              => $login,
		'password'           => $vendors_def[ $login ][1],
		'id'                 => $users[ $login ],
		'display_name'       => $vendors_def[ $login ][0],
		'products_published' => $published,
		'products_total'     => count( $products ),
		'product_ids'        => $ids,
	);
}

// Pages.
$pages   = array();
$page_id = (int) get_option( 'wpwa_vendor_page_id' );
if ( $page_id && 'publish' === get_post_status( $page_id ) ) {
	$pages['dashboard'] = array( 'id' => $page_id, 'url' => get_permalink( $page_id ) );
}
if ( '1' === getenv( 'WPWA_SEED_TEST_PAGES' ) ) {
	$hostile = '[wpwa_vendor_dashboard title="<script>alert(1)</script>" custom_class="x\" onmouseover=\"alert(1)"]';
	$id      = wpwa_seed_page( 'wpwa-escaping-test', 'Escaping test', $hostile );
	$pages['hostile'] = array( 'id' => $id, 'url' => get_permalink( $id ), 'content' => $hostile );
	$id               = wpwa_seed_page( 'wpwa-dashboard-no-logs', 'Dashboard without logs', '[wpwa_vendor_dashboard title="Seller tools" show_logs="no"]' );
	$pages['no_logs'] = array( 'id' => $id, 'url' => get_permalink( $id ) );
}

flush_rewrite_rules( false );

$data_dir = defined( 'WPWA_DATA_DIR' ) ? WPWA_DATA_DIR : dirname( ABSPATH ) . '/wpwa-data';
$summary  = array(
	'site_url'          => home_url( '/' ),
	'admin_url'         => admin_url(),
	'login_url'         => wp_login_url(),
	'settings_url'      => admin_url( 'admin.php?page=wpwa-settings' ),
	'plugin'            => $plugin_state,
	'extension_loaded'  => function_exists( 'Wpwa\\version' ),
	'wp_version'        => get_bloginfo( 'version' ),
	'data_dir'          => $data_dir,
	'admin'             => array( 'login' => $admin_login, 'password' => wpwa_cli_env( 'WPWA_ADMIN_PASSWORD' ), 'id' => (int) $admin->ID ),
	'vendors'           => $vendors,
	'customer'          => array( 'login' => 'customer', 'password' => wpwa_cli_env( 'WPWA_CUSTOMER_PASSWORD' ), 'id' => $users['customer'] ),
	'pages'             => $pages,
	'sandbox_url'       => $settings['sandbox_url'],
);
$json = wp_json_encode( $summary, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ) . "\n";
$out  = getenv( 'WPWA_SEED_OUT' );
if ( $out ) {
	file_put_contents( $out, $json );
	chmod( $out, 0600 );
} else {
	echo $json;
}
fwrite( STDERR, sprintf( "seeded: plugin %s, %d vendors, %d products\n", $plugin_state, count( $vendors ), array_sum( array_column( $vendors, 'products_total' ) ) ) );
