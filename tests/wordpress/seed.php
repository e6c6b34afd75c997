<?php
/**
 * Seeds a wpwa demo/test site (WordPress installed, WooCommerce and the
 * marketplace active: install.php, store.php): activates the plugin, points it
 * at the local sandbox, finishes the marketplace's setup, and creates an admin
 * password, two vendors the marketplace's own way (marketplaces/<name>.php), a
 * customer, and each vendor's sample products through WooCommerce's CRUD API
 * (WC_Product_Simple, WC_Product_Variable + WC_Product_Variation, real image
 * attachments drawn with GD, galleries, categories, tags, a global attribute).
 * Idempotent: users are found by login, products by SKU, images by a seed key;
 * rerunning updates rather than duplicates.
 *
 * Writes a JSON summary (URLs, logins, ids, expected counts) to the file in
 * WPWA_SEED_OUT (or stdout); scripts and the e2e suite read it.
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL, WPWA_ADMIN_USER, WPWA_ADMIN_PASSWORD,
 * WPWA_VENDOR_A_PASSWORD, WPWA_VENDOR_B_PASSWORD, WPWA_CUSTOMER_PASSWORD,
 * WPWA_SANDBOX_URL, WPWA_MARKETPLACE (default wcfm), WPWA_SEED_OUT,
 * WPWA_SEED_TEST_PAGES (1: add the hostile shortcode page the escaping tests
 * use), WPWA_SEED_REQUIRE_PLUGIN (1: fail when the plugin cannot be activated).
 */

require __DIR__ . '/cli-bootstrap.php';

require $wpwa_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';
require_once __DIR__ . '/marketplaces/loader.php';
require_once __DIR__ . '/products.php';

const WPWA_SEED_PLUGIN = 'wpwa/wpwa.php';

/**
 * The sample catalog: per vendor, its products. Simple products unless
 * 'variations' is given (a variable product over the global attributes).
 */
function wpwa_seed_catalog(): array {
	return array(
		'vendor_a' => array(
			array( 'sku' => 'ACME-TEE-001', 'title' => 'Acme Classic T-Shirt', 'price' => '19.99', 'sale' => '14.99', 'stock' => 25, 'status' => 'publish', 'image' => 'png', 'color' => array( 214, 69, 65 ), 'gallery' => 1, 'category' => 'Clothing', 'tags' => array( 'cotton', 'bestseller' ) ),
			array( 'sku' => 'ACME-MUG-002', 'title' => 'Acme Coffee Mug', 'price' => '9.50', 'sale' => '', 'stock' => 40, 'status' => 'publish', 'image' => 'jpg', 'color' => array( 52, 101, 164 ), 'gallery' => 0, 'category' => 'Kitchen', 'tags' => array( 'ceramic' ) ),
			array( 'sku' => 'ACME-CAP-003', 'title' => 'Acme Baseball Cap', 'price' => '15.00', 'sale' => '', 'stock' => 0, 'status' => 'publish', 'image' => 'png', 'color' => array( 46, 139, 87 ), 'gallery' => 0, 'category' => 'Clothing', 'tags' => array() ),
			array( 'sku' => 'ACME-BAG-004', 'title' => 'Acme Tote Bag', 'price' => '12.00', 'sale' => '', 'stock' => null, 'status' => 'publish', 'image' => 'jpg', 'color' => array( 199, 146, 38 ), 'gallery' => 0, 'category' => 'Accessories', 'tags' => array( 'cotton' ) ),
			array( 'sku' => 'ACME-SOCK-005', 'title' => 'Acme Running Socks', 'price' => '7.25', 'sale' => '', 'stock' => 120, 'status' => 'publish', 'image' => 'png', 'color' => array( 117, 80, 123 ), 'gallery' => 2, 'category' => 'Clothing', 'tags' => array() ),
			// Not published: must not count, must not sync.
			array( 'sku' => 'ACME-JKT-006', 'title' => 'Acme Winter Jacket', 'price' => '89.00', 'sale' => '', 'stock' => 5, 'status' => 'draft', 'image' => 'jpg', 'color' => array( 60, 60, 60 ), 'gallery' => 0, 'category' => 'Clothing', 'tags' => array() ),
		),
		'vendor_b' => array(
			array( 'sku' => 'BOLT-CHG-001', 'title' => 'Bolt USB-C Charger 65W', 'price' => '24.90', 'sale' => '', 'stock' => 60, 'status' => 'publish', 'image' => 'png', 'color' => array( 241, 196, 15 ), 'gallery' => 0, 'category' => 'Electronics', 'tags' => array( 'usb-c' ) ),
			array( 'sku' => 'BOLT-CBL-002', 'title' => 'Bolt Braided Cable 2m', 'price' => '8.90', 'sale' => '', 'stock' => 200, 'status' => 'publish', 'image' => 'jpg', 'color' => array( 44, 62, 80 ), 'gallery' => 0, 'category' => 'Electronics', 'tags' => array( 'usb-c' ) ),
			array( 'sku' => 'BOLT-PWR-003', 'title' => 'Bolt Power Bank 10000 mAh', 'price' => '39.00', 'sale' => '34.00', 'stock' => 15, 'status' => 'publish', 'image' => 'png', 'color' => array( 230, 126, 34 ), 'gallery' => 1, 'category' => 'Electronics', 'tags' => array() ),
			array(
				'sku'        => 'BOLT-ADP-004', 'title' => 'Bolt Travel Adapter', 'price' => '', 'sale' => '', 'stock' => null, 'status' => 'publish', 'image' => 'jpg', 'color' => array( 90, 90, 110 ), 'gallery' => 0, 'category' => 'Electronics', 'tags' => array( 'travel' ),
				'attributes' => array( 'pa_plug' => array( 'us', 'eu', 'uk' ), 'pa_color' => array( 'black', 'white' ) ),
				'variations' => array(
					array( 'sku' => 'BOLT-ADP-004-US', 'attributes' => array( 'pa_plug' => 'us', 'pa_color' => 'black' ), 'regular' => '14.00', 'stock' => 30 ),
					array( 'sku' => 'BOLT-ADP-004-EU', 'attributes' => array( 'pa_plug' => 'eu', 'pa_color' => 'white' ), 'regular' => '14.00', 'sale' => '11.50', 'stock' => 12 ),
					array( 'sku' => 'BOLT-ADP-004-UK', 'attributes' => array( 'pa_plug' => 'uk', 'pa_color' => 'black' ), 'regular' => '15.00', 'stock' => 0 ),
				),
			),
		),
	);
}

function wpwa_seed_fail( string $message ): void {
	fwrite( STDERR, "seed: $message\n" );
	exit( 1 );
}

/**
 * The site's customer: a WordPress user with WooCommerce's customer role, its
 * details through WC_Customer. (Not WC_Customer::save() on a new customer:
 * that runs wc_create_new_customer(), whose registration-form filters
 * marketplaces such as Dokan answer with a nonce error outside a form.)
 */
function wpwa_seed_customer( string $login, string $password, string $first, string $last ): int {
	$user = get_user_by( 'login', $login );
	$id   = $user ? (int) $user->ID : wp_insert_user(
		array(
			'user_login' => $login,
			'user_pass'  => $password,
			'user_email' => $login . '@example.test',
			'role'       => 'customer',
		)
	);
	if ( is_wp_error( $id ) ) {
		wpwa_seed_fail( "customer $login: " . $id->get_error_message() );
	}
	$customer = new WC_Customer( $id );
	$customer->set_email( $login . '@example.test' );
	$customer->set_password( $password );
	$customer->set_first_name( $first );
	$customer->set_last_name( $last );
	$customer->set_display_name( "$first $last" );
	$customer->set_role( 'customer' );
	$customer->set_billing_first_name( $first );
	$customer->set_billing_last_name( $last );
	$customer->set_billing_country( 'US' );
	$customer->set_billing_email( $login . '@example.test' );
	$customer->save();
	return (int) $id;
}

/** One sample product of a vendor, through WooCommerce's CRUD API and the marketplace's tie. */
function wpwa_seed_product( array $p, int $vendor_id, string $store_name, array $marketplace ): int {
	$thumb   = wpwa_products_image( $p['sku'] . '-main', $p['title'], $p['color'], $p['image'], $vendor_id );
	$gallery = array();
	for ( $i = 1; $i <= $p['gallery']; $i++ ) {
		$shade     = array_map( static fn( $c ) => (int) min( 255, $c + 40 * $i ), $p['color'] );
		$gallery[] = wpwa_products_image( $p['sku'] . '-gallery-' . $i, $p['title'] . ' #' . ( $i + 1 ), $shade, 'jpg', $vendor_id );
	}
	$spec = array(
		'type'              => isset( $p['variations'] ) ? 'variable' : 'simple',
		'name'              => $p['title'],
		'slug'              => sanitize_title( $p['title'] ),
		'status'            => $p['status'],
		'sku'               => $p['sku'],
		'description'       => sprintf( "%s from %s.\n\nSample product seeded for the wpwa demo. Machine washable, ships in 2 days.", $p['title'], $store_name ),
		'short_description' => sprintf( '%s by %s', $p['title'], $store_name ),
		'image_id'          => $thumb,
		'gallery_ids'       => $gallery,
		'category_ids'      => wpwa_products_terms( 'product_cat', array( $p['category'] ) ),
		'tag_ids'           => wpwa_products_terms( 'product_tag', $p['tags'] ),
		'author'            => $vendor_id,
	);
	if ( isset( $p['variations'] ) ) {
		$spec['attributes'] = $p['attributes'];
		$spec['variations'] = $p['variations'];
	} else {
		$spec += array(
			'regular' => $p['price'],
			'sale'    => $p['sale'],
			'stock'   => $p['stock'],
		);
		if ( null === $p['stock'] ) {
			$spec['stock_status'] = 'instock';
		}
	}
	$id = wpwa_products_save( $spec );
	foreach ( array_merge( array( $thumb ), $gallery ) as $attachment ) {
		wp_update_post( array( 'ID' => $attachment, 'post_parent' => $id ) );
	}
	$marketplace['assign_product']( $id, $vendor_id );
	return $id;
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
update_user_meta( $admin->ID, 'show_welcome_panel', 0 );

if ( ! class_exists( 'WooCommerce' ) ) {
	wpwa_seed_fail( 'WooCommerce is not active (store.php sets it up)' );
}
$marketplace_name = getenv( 'WPWA_MARKETPLACE' ) ?: 'wcfm';
try {
	$marketplace = wpwa_marketplace( $marketplace_name );
	foreach ( $marketplace['plugins'] as $plugin ) {
		if ( ! is_plugin_active( $plugin ) ) {
			wpwa_seed_fail( "$plugin is not active (store.php activates the marketplace in WPWA_MARKETPLACE)" );
		}
	}
	$marketplace['setup']();
} catch ( Throwable $e ) {
	wpwa_seed_fail( "marketplace $marketplace_name: " . $e->getMessage() );
}

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

// Users: the vendors as the marketplace makes them, a WooCommerce customer.
$vendors_def = array(
	'vendor_a' => array( 'Acme Store', wpwa_cli_env( 'WPWA_VENDOR_A_PASSWORD' ) ),
	'vendor_b' => array( 'Bolt Gadgets', wpwa_cli_env( 'WPWA_VENDOR_B_PASSWORD' ) ),
);
$users = array();
try {
	foreach ( $vendors_def as $login => [ $store_name, $password ] ) {
		$users[ $login ] = (int) $marketplace['create_vendor']( $login, $password, $login . '@example.test', $store_name );
		// No welcome pointers in screenshots.
		update_user_meta( $users[ $login ], 'dismissed_wp_pointers', 'theme_editor_notice,plugin_editor_notice' );
	}
} catch ( Throwable $e ) {
	wpwa_seed_fail( "vendors ($marketplace_name): " . $e->getMessage() );
}
$users['customer'] = wpwa_seed_customer( 'customer', wpwa_cli_env( 'WPWA_CUSTOMER_PASSWORD' ), 'Casey', 'Customer' );

// Products.
$vendors = array();
try {
	wpwa_products_attribute_terms();
	foreach ( wpwa_seed_catalog() as $login => $products ) {
		$ids       = array();
		$published = 0;
		foreach ( $products as $p ) {
			$ids[ $p['sku'] ] = wpwa_seed_product( $p, $users[ $login ], $vendors_def[ $login ][0], $marketplace );
			$published       += 'publish' === $p['status'] ? 1 : 0;
		}
		$vendors[] = array(
			'login'              => $login,
			'password'           => $vendors_def[ $login ][1],
			'id'                 => $users[ $login ],
			'display_name'       => get_userdata( $users[ $login ] )->display_name,
			'store_name'         => $vendors_def[ $login ][0],
			'products_published' => $published,
			'products_total'     => count( $products ),
			'product_ids'        => $ids,
		);
	}
} catch ( Throwable $e ) {
	wpwa_seed_fail( 'products: ' . $e->getMessage() );
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
	'marketplace'       => $marketplace_name,
	'marketplace_label' => $marketplace['label'],
	'dashboard_url'     => (string) $marketplace['dashboard_url'](),
	'woocommerce'       => array(
		'version' => WC()->version,
		'hpos'    => wc_get_container()->get( Automattic\WooCommerce\Internal\DataStores\Orders\CustomOrdersTableController::class )->custom_orders_table_usage_is_enabled(),
	),
);
$json = wp_json_encode( $summary, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ) . "\n";
$out  = getenv( 'WPWA_SEED_OUT' );
if ( $out ) {
	file_put_contents( $out, $json );
	chmod( $out, 0600 );
} else {
	echo $json;
}
fwrite( STDERR, sprintf( "seeded: plugin %s, marketplace %s, %d vendors, %d products\n", $plugin_state, $marketplace_name, count( $vendors ), array_sum( array_column( $vendors, 'products_total' ) ) ) );
