<?php
/**
 * Catalog sync test driver (test site only), run by tests/e2e/test/catalog.test.mjs
 * as php-fpm's user with the extension loaded:
 *
 *   php -d extension=libwpwa.so catalog-cli.php COMMAND [JSON]
 *
 * Commands (JSON argument, JSON answer on stdout):
 *   fixtures {run, password}         three vendors of this run, made by the
 *                                    site's marketplace (marketplaces/*.php),
 *                                    with good and bad products made through
 *                                    WooCommerce's CRUD API: A's are synced by
 *                                    the tests; C's cover what else a shop
 *                                    holds (scheduled and ended sales,
 *                                    pending/private, search-only, backorders,
 *                                    stock managed at 0, gallery only, HTML and
 *                                    shortcodes, a variable product with
 *                                    several variations, a product moved to C
 *                                    from B)
 *   settings {catalog_id, batch_size, ...}   merge into the wpwa_catalog option
 *   readers {vendor_id}              records of both readers: {storage, woocommerce}
 *   price {product_id, regular, sale} set a product's prices (WC_Product setters)
 *   trash {product_id}               WC_Product::delete( false ): to the trash
 *   slice {vendor_id, budget_ms}     plan and run one slice, like POST wpwa/v1/sync
 *   many {run, password, count}      one vendor of this run with COUNT valid
 *                                    published simple products sharing one
 *                                    image (scripts/bench-faults node): the
 *                                    vendor and each product's expected
 *                                    catalog item {title, price, image_link}
 *   cron                             what is scheduled for wpwa hooks
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

function wpwa_cat_out( $data ): void {
	echo wp_json_encode( $data, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT ), "\n";
	exit( 0 );
}

function wpwa_cat_fail( string $message ): void {
	fwrite( STDERR, "catalog-cli: $message\n" );
	exit( 1 );
}

/** A product of the run: image spec [name, format, rgb] made into an attachment. */
function wpwa_cat_product( array $marketplace, int $vendor, array $p, string $run ): int {
	foreach ( array( 'image' => 'image_id' ) as $from => $to ) {
		if ( isset( $p[ $from ] ) ) {
			$p[ $to ] = wpwa_cat_image( $p[ $from ], $vendor, $run );
			unset( $p[ $from ] );
		}
	}
	if ( isset( $p['gallery'] ) ) {
		$p['gallery_ids'] = array_map( static fn( $g ) => wpwa_cat_image( $g, $vendor, $run ), $p['gallery'] );
		unset( $p['gallery'] );
	}
	foreach ( $p['variations'] ?? array() as $i => $v ) {
		if ( isset( $v['image'] ) ) {
			$p['variations'][ $i ]['image_id'] = wpwa_cat_image( $v['image'], $vendor, $run );
			unset( $p['variations'][ $i ]['image'] );
		}
	}
	$p['author'] = $vendor;
	$id          = wpwa_products_save( $p );
	$marketplace['assign_product']( $id, $vendor );
	return $id;
}

function wpwa_cat_image( array $spec, int $author, string $run ): int {
	[ $name, $format, $rgb ] = $spec;
	return wpwa_products_image( "cat-$name-$run", "$name-$run", $rgb, $format, $author );
}

/** The variation of a variable product with these attributes. */
function wpwa_cat_variation( int $parent, array $attributes ): int {
	foreach ( wc_get_product( $parent )->get_children() as $child ) {
		if ( wc_get_product( $child )->get_attributes() == $attributes ) {
			return (int) $child;
		}
	}
	wpwa_cat_fail( "no variation of $parent with " . wp_json_encode( $attributes ) );
}

switch ( $command ) {
	case 'fixtures':
		$run  = preg_replace( '/[^a-z0-9]/', '', strtolower( (string) ( $input['run'] ?? 'x' ) ) );
		$R    = strtoupper( $run );
		$name = wpwa_marketplace_active();
		if ( null === $name ) {
			wpwa_cat_fail( 'no marketplace is active on this site' );
		}
		$mp       = wpwa_marketplace( $name );
		$admin    = get_users( array( 'role' => 'administrator', 'number' => 1, 'fields' => 'ID' ) );
		$password = (string) ( $input['password'] ?? wp_generate_password( 16, false ) );
		wp_set_current_user( (int) $admin[0] );
		kses_remove_filters();
		$a = (int) $mp['create_vendor']( "cat_a_$run", $password, "cat_a_$run@example.test", "Catalog Store A $R" );
		$b = (int) $mp['create_vendor']( "cat_b_$run", $password, "cat_b_$run@example.test", "Catalog Store B $R" );
		$c = (int) $mp['create_vendor']( "cat_c_$run", $password, "cat_c_$run@example.test", "Catalog Store C $R" );
		wpwa_products_attribute_terms();
		$desc  = '<p>A <strong>fine</strong> product &amp; more.</p>';
		$brand = wpwa_products_terms( 'product_brand', array( 'Acme Wear' ) );
		$make  = static fn( int $vendor, array $p ) => wpwa_cat_product( $mp, $vendor, $p + array( 'status' => 'publish' ), $run );
		$good  = array(
			'tee' => $make( $a, array( 'name' => "Tee $R", 'sku' => "CA-$R-TEE", 'regular' => '19.99', 'description' => $desc, 'image' => array( 'tee', 'png', array( 200, 40, 40 ) ), 'stock' => 12, 'brand_ids' => $brand ) ),
			'mug' => $make( $a, array( 'name' => "Mug $R", 'sku' => "CA-$R-MUG", 'regular' => '30.00', 'sale' => '24.50', 'description' => '', 'short_description' => 'Short <em>mug</em> text', 'image' => array( 'mug', 'jpg', array( 40, 90, 200 ) ) ) ),
			'cap' => $make( $a, array( 'name' => "Cap $R", 'sku' => "CA-$R-CAP", 'regular' => '15', 'description' => $desc, 'image' => array( 'cap', 'png', array( 40, 160, 90 ) ), 'stock' => 0 ) ),
		);
		$hoodie = $make(
			$a,
			array(
				'type'        => 'variable',
				'name'        => "Hoodie $R",
				'sku'         => "CA-$R-HOOD",
				'description' => $desc,
				'image'       => array( 'hoodie', 'jpg', array( 90, 90, 90 ) ),
				'attributes'  => array( 'pa_color' => array( 'red', 'blue' ), 'size' => array( 'L' ) ),
				'variations'  => array(
					array( 'attributes' => array( 'pa_color' => 'red', 'size' => 'L' ), 'menu_order' => 1, 'sku' => "CA-$R-HOOD-RED", 'regular' => '40.00', 'image' => array( 'hoodie-red', 'png', array( 220, 20, 20 ) ), 'description' => 'Red and warm.' ),
					array( 'attributes' => array( 'pa_color' => 'blue', 'size' => 'L' ), 'menu_order' => 2, 'sku' => '', 'regular' => '42.00', 'sale' => '39.00' ),
				),
			)
		);
		$bad    = array(
			'noimage' => $make( $a, array( 'name' => "No Image $R", 'sku' => "CA-$R-NOIMG", 'regular' => '10.00', 'description' => $desc ) ),
			'noprice' => $make( $a, array( 'name' => "No Price $R", 'sku' => "CA-$R-NOPRICE", 'regular' => '', 'description' => $desc, 'image' => array( 'noprice', 'png', array( 10, 10, 10 ) ) ) ),
			'gif'     => $make( $a, array( 'name' => "Gif $R", 'sku' => "CA-$R-GIF", 'regular' => '5.00', 'description' => $desc, 'image' => array( 'gif', 'gif', array( 250, 200, 0 ) ) ) ),
			'nodesc'  => $make( $a, array( 'name' => "No Description $R", 'sku' => "CA-$R-NODESC", 'regular' => '8.00', 'description' => '<p> </p><br />', 'image' => array( 'nodesc', 'jpg', array( 0, 120, 120 ) ) ) ),
		);
		$draft  = $make( $a, array( 'status' => 'draft', 'name' => "Draft $R", 'sku' => "CA-$R-DRAFT", 'regular' => '9.00', 'description' => $desc, 'image' => array( 'draft', 'png', array( 1, 2, 3 ) ) ) );
		$hidden = $make( $a, array( 'name' => "Hidden $R", 'sku' => "CA-$R-HIDDEN", 'regular' => '9.00', 'description' => $desc, 'image' => array( 'hidden', 'png', array( 3, 2, 1 ) ), 'catalog_visibility' => 'hidden' ) );
		$b1     = $make( $b, array( 'name' => "Bolt One $R", 'sku' => "CB-$R-ONE", 'regular' => '11.00', 'description' => $desc, 'image' => array( 'bolt1', 'png', array( 240, 190, 10 ) ) ) );
		$b2     = $make( $b, array( 'name' => "Bolt Two $R", 'sku' => "CB-$R-TWO", 'regular' => '12.00', 'description' => $desc, 'image' => array( 'bolt2', 'jpg', array( 240, 120, 10 ) ) ) );

		// Vendor C: the rest of what a real shop holds, for the readers.
		$day   = DAY_IN_SECONDS;
		$shop  = array(
			'future_sale' => $make( $c, array( 'name' => "Future Sale $R", 'sku' => "CC-$R-FUTURE", 'regular' => '50.00', 'sale' => '40.00', 'sale_from' => time() + 30 * $day, 'sale_to' => time() + 60 * $day, 'description' => $desc, 'image' => array( 'future', 'png', array( 120, 30, 200 ) ) ) ),
			'past_sale'   => $make( $c, array( 'name' => "Past Sale $R", 'sku' => "CC-$R-PAST", 'regular' => '60.00', 'sale' => '45.00', 'sale_from' => time() - 30 * $day, 'sale_to' => time() - 10 * $day, 'description' => $desc, 'image' => array( 'past', 'jpg', array( 30, 200, 120 ) ) ) ),
			'open_sale'   => $make( $c, array( 'name' => "Current Sale $R", 'sku' => "CC-$R-NOW", 'regular' => '70.00', 'sale' => '55.00', 'sale_from' => time() - 2 * $day, 'sale_to' => time() + 20 * $day, 'description' => $desc, 'image' => array( 'now', 'png', array( 200, 200, 30 ) ) ) ),
			'pending'     => $make( $c, array( 'status' => 'pending', 'name' => "Pending $R", 'sku' => "CC-$R-PENDING", 'regular' => '9.00', 'description' => $desc, 'image' => array( 'pending', 'png', array( 5, 50, 5 ) ) ) ),
			'private'     => $make( $c, array( 'status' => 'private', 'name' => "Private $R", 'sku' => "CC-$R-PRIVATE", 'regular' => '9.00', 'description' => $desc, 'image' => array( 'private', 'png', array( 50, 5, 5 ) ) ) ),
			'search_only' => $make( $c, array( 'name' => "Search Only $R", 'sku' => "CC-$R-SEARCH", 'regular' => '9.50', 'description' => $desc, 'image' => array( 'search', 'png', array( 5, 5, 50 ) ), 'catalog_visibility' => 'search' ) ),
			'shop_only'   => $make( $c, array( 'name' => "Shop Only $R", 'sku' => "CC-$R-CATALOG", 'regular' => '9.75', 'description' => $desc, 'image' => array( 'catalog', 'png', array( 50, 50, 5 ) ), 'catalog_visibility' => 'catalog' ) ),
			'backorder'   => $make( $c, array( 'name' => "Backorder $R", 'sku' => "CC-$R-BACK", 'regular' => '25.00', 'description' => $desc, 'image' => array( 'back', 'jpg', array( 100, 100, 100 ) ), 'stock_status' => 'onbackorder' ) ),
			'stock_zero'  => $make( $c, array( 'name' => "Stock Zero $R", 'sku' => "CC-$R-ZERO", 'regular' => '26.00', 'description' => $desc, 'image' => array( 'zero', 'png', array( 150, 100, 50 ) ), 'stock' => 0 ) ),
			'backorder_0' => $make( $c, array( 'name' => "Backorder Zero $R", 'sku' => "CC-$R-BACKZERO", 'regular' => '27.00', 'description' => $desc, 'image' => array( 'backzero', 'png', array( 50, 100, 150 ) ), 'stock' => 0, 'backorders' => 'notify' ) ),
			'gallery'     => $make( $c, array( 'name' => "Gallery Only $R", 'sku' => "CC-$R-GALLERY", 'regular' => '30.00', 'description' => $desc, 'gallery' => array( array( 'gallery-1', 'jpg', array( 10, 200, 200 ) ), array( 'gallery-2', 'png', array( 200, 10, 200 ) ) ) ) ),
			'rich'        => $make( $c, array( 'name' => "Rich Text $R", 'sku' => "CC-$R-RICH", 'regular' => '31.00', 'description' => "<h2>Made to last</h2>\n<ul><li>Steel &amp; oak</li><li>5&quot; tall</li></ul>\n[caption id=\"x\" width=\"100\"]A caption[/caption]\n[gallery ids=\"1,2\"]\n<script>alert(1)</script><p>Plain <a href=\"http://127.0.0.1/\">link</a>.</p>", 'short_description' => '<strong>Short</strong> &amp; [sc]', 'image' => array( 'rich', 'jpg', array( 80, 40, 20 ) ) ) ),
			'variable'    => $make(
				$c,
				array(
					'type'        => 'variable',
					'name'        => "Jacket $R",
					'sku'         => "CC-$R-JACKET",
					'description' => $desc,
					'image'       => array( 'jacket', 'jpg', array( 20, 20, 60 ) ),
					'stock'       => 7,
					'attributes'  => array( 'pa_color' => array( 'black', 'white', 'red' ), 'size' => array( 'S', 'M' ) ),
					'variations'  => array(
						array( 'attributes' => array( 'pa_color' => 'black', 'size' => 'S' ), 'sku' => "CC-$R-JACKET-BS", 'regular' => '80.00', 'stock' => 3, 'image' => array( 'jacket-black', 'png', array( 10, 10, 10 ) ) ),
						array( 'attributes' => array( 'pa_color' => 'white', 'size' => 'M' ), 'sku' => "CC-$R-JACKET-WM", 'regular' => '82.00', 'sale' => '70.00', 'description' => 'White, medium.' ),
						array( 'attributes' => array( 'pa_color' => 'red', 'size' => 'M' ), 'sku' => "CC-$R-JACKET-RM", 'regular' => '84.00', 'sale' => '60.00', 'sale_from' => time() + 10 * $day ),
						array( 'attributes' => array( 'pa_color' => 'red', 'size' => 'S' ), 'sku' => "CC-$R-JACKET-RS", 'regular' => '84.00', 'stock' => 0 ),
						array( 'attributes' => array( 'pa_color' => 'white', 'size' => 'S' ), 'sku' => "CC-$R-JACKET-WS", 'regular' => '81.00', 'status' => 'private' ),
					),
				)
			),
		);
		// Made by B, then moved to C the marketplace's way.
		$moved = $make( $b, array( 'name' => "Moved $R", 'sku' => "CC-$R-MOVED", 'regular' => '13.00', 'description' => $desc, 'image' => array( 'moved', 'png', array( 240, 60, 120 ) ) ) );
		$mp['assign_product']( $moved, $c );
		$shop['moved'] = $moved;

		wpwa_cat_out(
			array(
				'marketplace' => $name,
				'vendor_a'    => array( 'id' => $a, 'login' => "cat_a_$run" ),
				'vendor_b'    => array( 'id' => $b, 'login' => "cat_b_$run" ),
				'vendor_c'    => array( 'id' => $c, 'login' => "cat_c_$run" ),
				'good'        => $good,
				'hoodie'      => array(
					'id'   => $hoodie,
					'red'  => wpwa_cat_variation( $hoodie, array( 'pa_color' => 'red', 'size' => 'L' ) ),
					'blue' => wpwa_cat_variation( $hoodie, array( 'pa_color' => 'blue', 'size' => 'L' ) ),
				),
				'bad'         => $bad,
				'draft'       => $draft,
				'hidden'      => $hidden,
				'b'           => array( $b1, $b2 ),
				'c'           => $shop,
				'image_url'   => array_map(
					static fn( $id ) => wp_get_attachment_url( wc_get_product( $id )->get_image_id() ),
					array_merge(
						$good,
						array(
							'hoodie' => $hoodie,
							'red'    => wpwa_cat_variation( $hoodie, array( 'pa_color' => 'red', 'size' => 'L' ) ),
						)
					)
				),
			)
		);
		break;

	case 'many':
		$run  = preg_replace( '/[^a-z0-9]/', '', strtolower( (string) ( $input['run'] ?? 'x' ) ) );
		$R    = strtoupper( $run );
		$name = wpwa_marketplace_active();
		if ( null === $name ) {
			wpwa_cat_fail( 'no marketplace is active on this site' );
		}
		$mp    = wpwa_marketplace( $name );
		$admin = get_users( array( 'role' => 'administrator', 'number' => 1, 'fields' => 'ID' ) );
		wp_set_current_user( (int) $admin[0] );
		$login  = "cat_many_$run";
		$vendor = (int) $mp['create_vendor']( $login, (string) ( $input['password'] ?? wp_generate_password( 16, false ) ), "$login@example.test", "Many Store $R" );
		$image  = wpwa_cat_image( array( 'many', 'png', array( 30, 120, 60 ) ), $vendor, $run );
		$link   = wp_get_attachment_url( $image );
		$items  = array();
		$count  = max( 1, (int) ( $input['count'] ?? 100 ) );
		for ( $i = 1; $i <= $count; $i++ ) {
			$sku   = sprintf( 'CM-%s-%03d', $R, $i );
			$price = sprintf( '%d.%02d', 10 + $i, $i % 100 );
			$id    = wpwa_products_save(
				array(
					'name'        => "Many $R $i",
					'sku'         => $sku,
					'regular'     => $price,
					'description' => "Product $i of a catalog synced across web nodes.",
					'image_id'    => $image,
					'status'      => 'publish',
					'author'      => $vendor,
				)
			);
			$mp['assign_product']( $id, $vendor );
			$items[ $sku ] = array(
				'title'      => "Many $R $i",
				'price'      => "$price USD",
				'image_link' => $link,
			);
		}
		wpwa_cat_out(
			array(
				'vendor' => array( 'id' => $vendor, 'login' => $login ),
				'items'  => $items,
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

	case 'reader_choice':
		// The reader the plugin chooses as the site is, then with a plugin's
		// price filter, without it again, and with a filter on the old name
		// WooCommerce still relays (woocommerce_get_price).
		$choose = static function (): string {
			\Wpwa\Plugin\Products\Readers::reset();
			return \Wpwa\Plugin\Products\Readers::get()->name();
		};
		$same   = static fn( $value ) => $value;
		$out    = array(
			'default'      => $choose(),
			'terms_hooked' => (bool) has_filter( 'get_the_terms' ),
		);
		add_filter( 'woocommerce_product_get_price', $same );
		$out['price_filter'] = $choose();
		remove_filter( 'woocommerce_product_get_price', $same );
		$out['price_filter_gone'] = $choose();
		add_filter( 'woocommerce_get_price', $same );
		$out['old_price_filter'] = $choose();
		remove_filter( 'woocommerce_get_price', $same );
		$choose();
		wpwa_cat_out( $out );
		break;

	case 'price':
		$product = wc_get_product( (int) $input['product_id'] );
		if ( ! $product ) {
			wpwa_cat_fail( 'no product ' . (int) $input['product_id'] );
		}
		$product->set_regular_price( (string) $input['regular'] );
		$product->set_sale_price( (string) ( $input['sale'] ?? '' ) );
		$product->save();
		wpwa_cat_out( array( 'ok' => true ) );
		break;

	case 'trash':
		$product = wc_get_product( (int) $input['product_id'] );
		wpwa_cat_out( array( 'trashed' => $product && $product->delete( false ) ) );
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
