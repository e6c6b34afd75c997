<?php
/**
 * Tests of the chat button's markup and settings, on WordPress's escaping and
 * option functions (the link itself is the extension's, tested in php/tests).
 *
 * @package Wpwa\Plugin\Tests
 */

use PHPUnit\Framework\TestCase;
use Wpwa\Plugin\ChatButton\Button;
use Wpwa\Plugin\ChatButton\Config;

/**
 * Button::markup() and Config's wording, message and placement.
 */
final class ChatButtonTest extends TestCase {

	/**
	 * Answers the option with `$values` (merged over the defaults).
	 *
	 * @param array<string,mixed> $values Stored values.
	 * @return void
	 */
	private static function settings( array $values ): void {
		OptionsFixture::install();
		OptionsFixture::answer( Config::OPTION, array_merge( Config::defaults(), $values ) );
	}

	/**
	 * A link as Wpwa\chat_link() makes it, for a hostile store name.
	 *
	 * @param string $url Link URL.
	 * @return array<string,mixed>
	 */
	private static function link( string $url ): array {
		return array(
			'url'        => $url,
			'text'       => 'Hi #ACME',
			'code'       => 'ACME',
			'number'     => '15550100001',
			'vendor_id'  => 7,
			'store_name' => 'Acme <b>&</b> "Sons"',
		);
	}

	/**
	 * The button is a real link to WhatsApp in a new tab, with its wording as
	 * its accessible name and every value escaped.
	 *
	 * @return void
	 */
	public function test_markup_is_an_accessible_escaped_link(): void {
		self::settings( array() );
		$html = Button::markup( self::link( 'https://wa.me/15550100001?text=Hi%20%23ACME' ), false, 'product' );
		$this->assertStringStartsWith( '<div class="wpwa-chat-button wpwa-chat-button--product" data-vendor="7" data-code="ACME">', $html );
		$this->assertStringContainsString( '<a class="wpwa-chat-button__link" href="https://wa.me/15550100001?text=Hi%20%23ACME" target="_blank" rel="noopener noreferrer">', $html );
		$this->assertStringContainsString( '<span class="wpwa-chat-button__label">Chat with Acme &lt;b&gt;&amp;&lt;/b&gt; &quot;Sons&quot; on WhatsApp</span>', $html );
		$this->assertStringContainsString( '<span class="screen-reader-text">(opens WhatsApp in a new tab)</span>', $html );
		$this->assertStringContainsString( 'aria-hidden="true"', $html, 'the icon is decoration' );
		$this->assertStringNotContainsString( 'wpwa-chat-button__qr', $html );
		$this->assertStringNotContainsString( '<script', $html );
	}

	/**
	 * A URL that is not https (a filter's mistake) is not printed as a link target.
	 *
	 * @return void
	 */
	public function test_only_https_links(): void {
		self::settings( array() );
		$html = Button::markup( self::link( 'javascript:alert(1)' ), false, 'shortcode' );
		$this->assertStringContainsString( 'href=""', $html );
		$this->assertStringNotContainsString( 'javascript', $html );
	}

	/**
	 * The admin's wording and message replace the translated defaults; empty
	 * ones give the defaults back.
	 *
	 * @return void
	 */
	public function test_wording_and_message(): void {
		self::settings( array() );
		$this->assertSame( 'Chat with {store} on WhatsApp', Config::label() );
		$this->assertSame( 'Hello {store}, I have a question about {product} {code}', Config::message() );
		self::settings(
			array(
				'label'   => 'Ask {store}',
				'message' => '  Is {product} in stock? {code} ',
			)
		);
		$this->assertSame( 'Ask {store}', Config::label() );
		$this->assertSame( 'Is {product} in stock? {code}', Config::message() );
		$html = Button::markup( self::link( 'https://wa.me/1' ), false, 'store' );
		$this->assertStringContainsString( '>Ask Acme &lt;b&gt;', $html );
	}

	/**
	 * An unknown product-page position reads as the default.
	 *
	 * @return void
	 */
	public function test_position(): void {
		self::settings( array( 'product_position' => 'after_summary' ) );
		$this->assertSame( 'after_summary', Config::get( 'product_position' ) );
		self::settings( array( 'product_position' => 'in_the_footer' ) );
		$this->assertSame( 'after_add_to_cart', Config::get( 'product_position' ) );
	}

	/**
	 * The number a vendor's button writes to: the marketplace's under model
	 * 1, the vendor's connection's under model 2 (none: no button), the
	 * sandbox's in sandbox mode when none is set; the filter has the last word.
	 *
	 * @return void
	 */
	public function test_number_by_model(): void {
		require_once ABSPATH . WPINC . '/meta.php';
		require_once ABSPATH . WPINC . '/user.php';
		$vendor = 4242;
		// The vendor's connection assignment, answered through WordPress's own short-circuit (no database here).
		$meta = static function ( $value, $object_id, $meta_key ) use ( $vendor ) {
			return 'wpwa_cloud_connection' === $meta_key ? array( (int) $object_id === $vendor ? 'shop-one' : '' ) : $value;
		};
		add_filter( 'get_user_metadata', $meta, 10, 3 );
		OptionsFixture::answer(
			'wpwa_cloud_connections',
			array(
				'shop-one' => array(
					'label'           => 'Shop one',
					'phone_number_id' => '123',
					'display_number'  => '15550109999',
				),
			)
		);
		$model = static function ( string $integration_model, bool $sandbox ): void {
			OptionsFixture::answer(
				\Wpwa\Plugin\Settings::OPTION,
				array(
					'integration_model' => $integration_model,
					'sandbox_mode'      => $sandbox,
				)
			);
		};
		try {
			self::settings( array( 'number' => '15550100002' ) );
			$model( 'central', false );
			$this->assertSame( '15550100002', Button::number( $vendor ), 'model 1: the marketplace\'s number' );
			$model( 'per_vendor', false );
			$this->assertSame( '15550109999', Button::number( $vendor ), 'model 2: the vendor\'s connection\'s number' );
			$this->assertSame( '', Button::number( $vendor + 1 ), 'model 2 without a connection: no number, no button' );

			self::settings( array( 'number' => '' ) );
			$model( 'central', true );
			$this->assertSame( Button::SANDBOX_NUMBER, Button::number( $vendor ), 'sandbox mode: the sandbox\'s number' );
			$model( 'central', false );
			$this->assertSame( '', Button::number( $vendor ) );

			$filter = static fn( string $number, int $vendor_id ): string => '1555' . $vendor_id;
			add_filter( 'wpwa_chat_button_number', $filter, 10, 2 );
			$this->assertSame( '1555' . $vendor, Button::number( $vendor ) );
			remove_filter( 'wpwa_chat_button_number', $filter, 10 );
		} finally {
			remove_filter( 'get_user_metadata', $meta, 10 );
		}
	}
}
