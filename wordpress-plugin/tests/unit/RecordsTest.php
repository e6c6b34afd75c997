<?php
/**
 * Tests of Products\Records: the product records the plugin hands the core.
 *
 * @package Wpwa\Plugin\Tests
 */

use PHPUnit\Framework\TestCase;
use Wpwa\Plugin\Products\Records;

/**
 * Record building and its helpers.
 */
final class RecordsTest extends TestCase {

	/**
	 * Uploads live under WP_CONTENT_DIR/uploads, by year and month.
	 *
	 * @return void
	 */
	protected function setUp(): void {
		OptionsFixture::answer( 'upload_path', '' );
		OptionsFixture::answer( 'upload_url_path', '' );
		OptionsFixture::answer( 'uploads_use_yearmonth_folders', '1' );
		OptionsFixture::answer( 'siteurl', 'https://shop.example' );
	}

	/**
	 * A record has every key, in the canonical order, with the core's types.
	 *
	 * @return void
	 */
	public function test_make_orders_keys_and_casts_values(): void {
		$record = Records::make(
			array(
				'permalink'      => 'https://shop.example/p/mug/',
				'id'             => '42',
				'vendor_id'      => '7',
				'parent_id'      => '0',
				'status'         => 'publish',
				'title'          => 'Mug',
				'price'          => 9.5,
				'sale_from'      => '1764547200',
				'sale_to'        => '',
				'stock_status'   => '',
				'manage_stock'   => 1,
				'stock_quantity' => '12',
				'image'          => array(
					'url'   => 'https://shop.example/mug.jpg',
					'mime'  => 'image/jpeg',
					'bytes' => '2048',
				),
			)
		);

		$this->assertSame(
			array( 'id', 'vendor_id', 'product_type', 'parent_id', 'status', 'visibility', 'sku', 'title', 'description', 'short_description', 'price', 'regular_price', 'sale_price', 'sale_from', 'sale_to', 'stock_status', 'manage_stock', 'stock_quantity', 'image', 'permalink', 'brand' ),
			array_keys( $record )
		);
		$this->assertSame( 42, $record['id'] );
		$this->assertSame( 7, $record['vendor_id'] );
		$this->assertSame( 'simple', $record['product_type'] );
		$this->assertNull( $record['parent_id'], 'parent 0 means no parent' );
		$this->assertSame( 'visible', $record['visibility'] );
		$this->assertSame( '9.5', $record['price'] );
		$this->assertSame( 1764547200, $record['sale_from'] );
		$this->assertNull( $record['sale_to'] );
		$this->assertSame( 'instock', $record['stock_status'], 'an empty stock status reads as in stock' );
		$this->assertTrue( $record['manage_stock'] );
		$this->assertSame( 12, $record['stock_quantity'] );
		$this->assertSame(
			array(
				'url'   => 'https://shop.example/mug.jpg',
				'mime'  => 'image/jpeg',
				'bytes' => 2048,
			),
			$record['image']
		);
		$this->assertSame( '', $record['brand'] );
	}

	/**
	 * Unknown stock quantities and images stay null rather than becoming 0.
	 *
	 * @return void
	 */
	public function test_make_keeps_unknown_quantity_and_image_null(): void {
		$record = Records::make(
			array(
				'id'             => 1,
				'vendor_id'      => 2,
				'parent_id'      => 5,
				'stock_status'   => 'outofstock',
				'stock_quantity' => '',
				'image'          => array(
					'url'   => 'u',
					'mime'  => 'image/png',
					'bytes' => null,
				),
			)
		);
		$this->assertSame( 5, $record['parent_id'] );
		$this->assertSame( 'outofstock', $record['stock_status'] );
		$this->assertNull( $record['stock_quantity'] );
		$this->assertNull( $record['image']['bytes'] );
		$this->assertNull(
			Records::make(
				array(
					'id'        => 1,
					'vendor_id' => 2,
					'image'     => 'not-an-array',
				)
			)['image']
		);
	}

	/**
	 * Sale dates arrive as timestamps, numeric strings or WC_DateTime-like objects.
	 *
	 * @return void
	 */
	public function test_timestamp_reads_every_form_woocommerce_uses(): void {
		$this->assertSame( 1700000000, Records::timestamp( 1700000000 ) );
		$this->assertSame( 1700000000, Records::timestamp( ' 1700000000 ' ) );
		$this->assertSame( 1700000000, Records::timestamp( new DateTimeImmutable( '@1700000000' ) ) );
		$this->assertNull( Records::timestamp( '' ) );
		$this->assertNull( Records::timestamp( 'tomorrow' ) );
		$this->assertNull( Records::timestamp( null ) );
		$this->assertNull( Records::timestamp( 1.5 ) );
	}

	/**
	 * The four catalog visibilities come from the two exclusion terms.
	 *
	 * @return void
	 */
	public function test_visibility_from_terms(): void {
		$this->assertSame( 'visible', Records::visibility( array( 'featured' ) ) );
		$this->assertSame( 'search', Records::visibility( array( 'exclude-from-catalog' ) ) );
		$this->assertSame( 'catalog', Records::visibility( array( 'exclude-from-search' ) ) );
		$this->assertSame( 'hidden', Records::visibility( array( 'exclude-from-search', 'outofstock', 'exclude-from-catalog' ) ) );
	}

	/**
	 * WooCommerce Brands wins over Perfect Brands; within one, the first name by sort order.
	 *
	 * @return void
	 */
	public function test_brand_prefers_woocommerce_brands_then_sorts(): void {
		$this->assertSame(
			'Acme',
			Records::brand(
				array(
					'pwb-brand'     => array( 'Aardvark' ),
					'product_brand' => array( 'Zeta', 'Acme' ),
				)
			)
		);
		$this->assertSame(
			'Aardvark',
			Records::brand(
				array(
					'pwb-brand'     => array( 'Aardvark' ),
					'product_brand' => array(),
				)
			)
		);
		$this->assertSame( '', Records::brand( array( 'product_cat' => array( 'Mugs' ) ) ) );
	}

	/**
	 * Variation names: taxonomy terms by name, custom values as they are, "any" left out.
	 *
	 * @return void
	 */
	public function test_variation_title_names_terms_and_skips_any(): void {
		$asked     = array();
		$term_name = static function ( string $taxonomy, string $slug ) use ( &$asked ): ?string {
			$asked[] = "$taxonomy:$slug";
			return 'navy-blue' === $slug ? 'Navy blue' : null;
		};
		$title     = Records::variation_title(
			'T-shirt',
			array(
				'attribute_pa_color'  => 'navy-blue',
				'attribute_pa_size'   => 'xl',
				'attribute_fit'       => 'Slim',
				'attribute_pa_sleeve' => '',
			),
			$term_name
		);
		$this->assertSame( 'T-shirt - Navy blue, xl, Slim', $title );
		$this->assertSame( array( 'pa_color:navy-blue', 'pa_size:xl' ), $asked, 'only taxonomy attributes are looked up' );
		$this->assertSame( 'T-shirt', Records::variation_title( 'T-shirt', array( 'attribute_pa_size' => '' ), $term_name ) );
	}

	/**
	 * Variation links preselect the attributes on the parent's page (WordPress's add_query_arg()).
	 *
	 * @return void
	 */
	public function test_variation_link_adds_encoded_attributes(): void {
		$this->assertSame(
			'https://shop.example/p/tee/?attribute_pa_color=navy-blue&attribute_fit=Slim%20%26%20long',
			Records::variation_link(
				'https://shop.example/p/tee/',
				array(
					'attribute_pa_color' => 'navy-blue',
					'attribute_fit'      => 'Slim & long',
					'attribute_pa_size'  => '',
				)
			)
		);
		$this->assertSame( 'https://shop.example/p/tee/', Records::variation_link( 'https://shop.example/p/tee/', array( 'attribute_pa_size' => '' ) ) );
	}

	/**
	 * A variation follows its parent unless the parent is published.
	 *
	 * @return void
	 */
	public function test_variation_status_follows_unpublished_parent(): void {
		$this->assertSame( 'private', Records::variation_status( 'publish', 'private' ) );
		$this->assertSame( 'draft', Records::variation_status( 'draft', 'publish' ) );
	}

	/**
	 * Image URLs come from the uploads folder, sizes from the metadata or the file.
	 *
	 * @return void
	 */
	public function test_image_from_attachment_data(): void {
		$uploads = WP_CONTENT_DIR . '/uploads/2026/12';
		if ( ! is_dir( $uploads ) ) {
			mkdir( $uploads, 0700, true );
		}
		file_put_contents( $uploads . '/mug.png', str_repeat( 'x', 321 ) );

		$this->assertSame(
			array(
				'url'   => 'https://shop.example/wp-content/uploads/2026/12/mug.png',
				'mime'  => 'image/png',
				'bytes' => 321,
			),
			Records::image( 9, 'image/png', '2026/12/mug.png', array(), 'https://old.example/mug.png' ),
			'a relative file is under the uploads folder; its size is read from disk'
		);
		$this->assertSame( 1000, Records::image( 9, 'image/png', '2026/12/mug.png', array( 'filesize' => '1000' ), '' )['bytes'], 'metadata wins over the file' );
		$this->assertSame(
			array(
				'url'   => 'https://cdn.example/mug.png',
				'mime'  => 'image/png',
				'bytes' => null,
			),
			Records::image( 9, 'image/png', 'https://cdn.example/elsewhere.png', array(), 'https://cdn.example/mug.png' ),
			'an offloaded file falls back to the GUID'
		);

		$filter = static function ( string $url, int $id ): string {
			return 9 === $id ? '' : $url;
		};
		add_filter( 'wp_get_attachment_url', $filter, 10, 2 );
		try {
			$this->assertNull( Records::image( 9, 'image/png', '2026/12/mug.png', array(), '' ), 'no URL, no image' );
		} finally {
			remove_filter( 'wp_get_attachment_url', $filter, 10 );
		}
		unlink( $uploads . '/mug.png' );
	}
}
