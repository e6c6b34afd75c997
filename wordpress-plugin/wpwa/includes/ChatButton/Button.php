<?php
/**
 * The "Chat with {store} on WhatsApp" button.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\ChatButton;

use Throwable;
use Wpwa\Plugin\CloudConnections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Integrations\Marketplaces;
use Wpwa\Plugin\Messages\Directory;
use Wpwa\Plugin\Messages\Preferences;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * Puts a chat button on product pages (after the add-to-cart form or after
 * the summary), on each vendor's store page (through the marketplace's own
 * store-page hook, see Marketplace::register_store_button()), and wherever
 * the `[wpwa_chat_button]` shortcode or the `wpwa/chat-button` block is used.
 *
 * The link and its prefilled text come from the core (Wpwa\chat_link), so that
 * the customer's message routes back to the vendor by their directory code.
 * Everything the button reads is read once per request: the core's directory
 * (codes and store names, from the core's store, not the database), the
 * settings (an autoloaded option) and the vendor's preferences (user meta,
 * cached by WordPress). No shop-loop placement is offered, so a shop page
 * costs what it costs without the button.
 *
 * @since 0.7.0
 */
final class Button {

	/**
	 * Shortcode tag.
	 *
	 * @since 0.7.0
	 */
	public const TAG = 'wpwa_chat_button';

	/**
	 * Style handle.
	 *
	 * @since 0.7.0
	 */
	public const STYLE = 'wpwa-chat-button';

	/**
	 * The sandbox's display phone number (what customers write to in sandbox mode
	 * when no number is set).
	 *
	 * @since 0.7.0
	 */
	public const SANDBOX_NUMBER = '15550100001';

	/**
	 * The directory by vendor ID, read once per request.
	 *
	 * @var array<int,array{vendor_id:int,code:string,store_name:string}>|null
	 */
	private static ?array $directory = null;

	/**
	 * Hooks.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_shortcode( self::TAG, array( self::class, 'shortcode' ) );
		add_action( 'init', array( self::class, 'register_block' ) );
		add_action( 'wp_enqueue_scripts', array( self::class, 'register_style' ), 5 );
		add_action( 'wp_enqueue_scripts', array( self::class, 'enqueue_for_product' ) );
		add_action( 'woocommerce_after_add_to_cart_form', array( self::class, 'after_add_to_cart' ) );
		add_action( 'woocommerce_after_single_product_summary', array( self::class, 'after_summary' ), 5 );
		self::register_store_pages();
		// The directory may change in this request (a vendor renamed): read it again.
		add_action( 'shutdown', array( self::class, 'forget' ), 1 );
	}

	/**
	 * Hooks the button into the store page of every loaded marketplace.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function register_store_pages(): void {
		foreach ( Marketplaces::loaded() as $marketplace ) {
			try {
				$marketplace->register_store_button( array( self::class, 'store_page' ) );
			} catch ( Throwable $e ) {
				Core::report( $e );
			}
		}
	}

	/**
	 * Registers the stylesheet.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function register_style(): void {
		if ( ! wp_style_is( self::STYLE, 'registered' ) ) {
			wp_register_style( self::STYLE, WPWA_PLUGIN_URL . 'assets/css/chat-button.css', array(), WPWA_PLUGIN_VERSION );
		}
	}

	/**
	 * Puts the stylesheet in the head of product pages that show the button.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function enqueue_for_product(): void {
		if ( Config::get( 'enabled' ) && 'none' !== Config::get( 'product_position' ) && function_exists( 'is_product' ) && is_product() ) {
			wp_enqueue_style( self::STYLE );
		}
	}

	/**
	 * Registers the `wpwa/chat-button` block (server-rendered).
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function register_block(): void {
		self::register_style();
		register_block_type(
			WPWA_PLUGIN_DIR . 'blocks/chat-button',
			array( 'render_callback' => array( self::class, 'render_block' ) )
		);
	}

	/**
	 * `woocommerce_after_add_to_cart_form`.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function after_add_to_cart(): void {
		if ( 'after_add_to_cart' === Config::get( 'product_position' ) ) {
			self::print_for_current_product();
		}
	}

	/**
	 * `woocommerce_after_single_product_summary`.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function after_summary(): void {
		if ( 'after_summary' === Config::get( 'product_position' ) ) {
			self::print_for_current_product();
		}
	}

	/**
	 * Prints the button of the product being shown.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	private static function print_for_current_product(): void {
		global $product;
		if ( ! Config::get( 'enabled' ) || ! is_object( $product ) || ! method_exists( $product, 'get_id' ) ) {
			return;
		}
		echo self::for_product( (int) $product->get_id(), true ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- markup() escapes.
	}

	/**
	 * The store page's button (the marketplace's hook passes the vendor).
	 *
	 * @since 0.7.0
	 *
	 * @param int  $vendor_id Vendor user ID.
	 * @param bool $with_qr   Whether to add the desktop QR code.
	 * @return void
	 */
	public static function store_page( int $vendor_id, bool $with_qr = true ): void {
		if ( ! Config::get( 'enabled' ) || ! Config::get( 'store_page' ) ) {
			return;
		}
		echo self::for_vendor( $vendor_id, '', $with_qr, 'store' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- markup() escapes.
	}

	/**
	 * The button of a product ('' when it has none).
	 *
	 * @since 0.7.0
	 *
	 * @param int  $product_id Product ID.
	 * @param bool $qr         Whether to add the desktop QR code.
	 * @return string HTML.
	 */
	public static function for_product( int $product_id, bool $qr ): string {
		$product = function_exists( 'wc_get_product' ) ? wc_get_product( $product_id ) : null;
		if ( ! $product ) {
			return '';
		}
		return self::for_vendor( Vendors::product_vendor( $product_id ), wp_strip_all_tags( (string) $product->get_name() ), $qr, 'product' );
	}

	/**
	 * The button of a vendor ('' when the buttons are off, the vendor opted
	 * out, is not in the directory or there is no number to write to).
	 *
	 * @since 0.7.0
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param string $product   The product's name ('' for the store).
	 * @param bool   $qr        Whether to add the desktop QR code.
	 * @param string $context   product, store, shortcode or block (a CSS modifier).
	 * @return string HTML.
	 */
	public static function for_vendor( int $vendor_id, string $product, bool $qr, string $context ): string {
		try {
			$link = self::link( $vendor_id, $product );
			if ( null === $link ) {
				return '';
			}
			self::register_style();
			wp_enqueue_style( self::STYLE );
			return self::markup( $link, $qr, $context );
		} catch ( Throwable $e ) {
			Core::report( $e );
			return '';
		}
	}

	/**
	 * The vendor's chat link, or null when no button shows for them: `url`,
	 * `text`, `code`, `number`, and `vendor_id`, `store_name`.
	 *
	 * @since 0.7.0
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param string $product   The product's name ('' for the store).
	 * @return array<string,mixed>|null
	 */
	public static function link( int $vendor_id, string $product ): ?array {
		if ( $vendor_id <= 0 || ! Config::get( 'enabled' ) || ! Core::available() ) {
			return null;
		}
		$entry = self::directory()[ $vendor_id ] ?? null;
		if ( null === $entry || Preferences::get( $vendor_id )['hide_chat_button'] ) {
			return null;
		}
		$number = self::number( $vendor_id );
		if ( '' === $number ) {
			return null;
		}
		$link = Core::chat_link(
			$number,
			Config::message(),
			'' !== $product ? $product : __( 'your shop', 'wpwa' ),
			$entry['store_name'],
			$entry['code']
		);
		if ( is_wp_error( $link ) ) {
			Core::report( $link->get_error_message() );
			return null;
		}
		return $link + array(
			'vendor_id'  => $vendor_id,
			'store_name' => $entry['store_name'],
		);
	}

	/**
	 * The number a vendor's customers write to: under model 2 the vendor's
	 * own (their connection's display number), else the marketplace's; in
	 * sandbox mode without one, the sandbox's.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return string Digits, or ''.
	 */
	public static function number( int $vendor_id ): string {
		$number = (string) Config::get( 'number' );
		if ( 'per_vendor' === Settings::get( 'integration_model' ) ) {
			$connection = CloudConnections::get( CloudConnections::assigned( $vendor_id ) );
			$number     = (string) ( $connection['display_number'] ?? '' );
		}
		if ( '' === $number && Settings::get( 'sandbox_mode' ) ) {
			$number = self::SANDBOX_NUMBER;
		}

		/**
		 * Filters the WhatsApp number a vendor's chat button writes to.
		 *
		 * @since 0.7.0
		 *
		 * @param string $number    Digits with country code, or '' for no button.
		 * @param int    $vendor_id Vendor user ID.
		 */
		return (string) apply_filters( 'wpwa_chat_button_number', $number, $vendor_id );
	}

	/**
	 * The directory by vendor ID (one read of the core's store per request).
	 *
	 * @since 0.7.0
	 *
	 * @return array<int,array{vendor_id:int,code:string,store_name:string}>
	 */
	private static function directory(): array {
		if ( null === self::$directory ) {
			self::$directory = array();
			foreach ( Directory::entries() as $entry ) {
				self::$directory[ (int) $entry['vendor_id'] ] = array(
					'vendor_id'  => (int) $entry['vendor_id'],
					'code'       => (string) $entry['code'],
					'store_name' => (string) $entry['store_name'],
				);
			}
		}
		return self::$directory;
	}

	/**
	 * Forgets the directory read in this request.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function forget(): void {
		self::$directory = null;
	}

	/**
	 * The button's HTML: a real link (opens WhatsApp in a new tab; on a phone,
	 * the app) and, for desktops, a QR code of the same link.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $link    From link().
	 * @param bool                $qr      Whether to add the QR code.
	 * @param string              $context A CSS modifier.
	 * @return string
	 */
	public static function markup( array $link, bool $qr, string $context ): string {
		$label = str_replace( '{store}', (string) $link['store_name'], Config::label() );
		$html  = sprintf(
			'<div class="wpwa-chat-button wpwa-chat-button--%1$s" data-vendor="%2$d" data-code="%3$s"><a class="wpwa-chat-button__link" href="%4$s" target="_blank" rel="noopener noreferrer"><svg class="wpwa-chat-button__icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="M12 2a10 10 0 0 0-8.6 15.1L2 22l5-1.3A10 10 0 1 0 12 2zm0 18.2a8.2 8.2 0 0 1-4.2-1.2l-.3-.2-3 .8.8-2.9-.2-.3A8.2 8.2 0 1 1 12 20.2zm4.5-6.1c-.2-.1-1.5-.7-1.7-.8s-.4-.1-.6.1-.7.8-.8 1-.3.2-.5.1a6.7 6.7 0 0 1-3.3-2.9c-.2-.4.3-.4.7-1.3.1-.2 0-.3 0-.4l-.8-1.8c-.2-.5-.4-.4-.6-.4h-.5a1 1 0 0 0-.7.3 3 3 0 0 0-.9 2.2 5.2 5.2 0 0 0 1.1 2.8 11.9 11.9 0 0 0 4.6 4c1.7.7 2.4.8 3.2.7a2.8 2.8 0 0 0 1.8-1.3 2.3 2.3 0 0 0 .2-1.3c-.1-.1-.3-.2-.5-.3z"/></svg><span class="wpwa-chat-button__label">%5$s</span><span class="screen-reader-text">%6$s</span></a>',
			esc_attr( sanitize_html_class( $context ) ),
			(int) $link['vendor_id'],
			esc_attr( (string) $link['code'] ),
			esc_url( (string) $link['url'], array( 'https' ) ),
			esc_html( $label ),
			esc_html__( '(opens WhatsApp in a new tab)', 'wpwa' )
		);
		if ( $qr ) {
			$svg = Core::qr_svg( (string) $link['url'] );
			if ( ! is_wp_error( $svg ) ) {
				$html .= sprintf(
					'<figure class="wpwa-chat-button__qr"><img src="%1$s" width="132" height="132" alt="%2$s" /><figcaption>%3$s</figcaption></figure>',
					esc_attr( 'data:image/svg+xml;base64,' . base64_encode( (string) $svg ) ), // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- a data URI of the core's SVG.
					/* translators: %s: store name. */
					esc_attr( sprintf( __( 'QR code: scan it with your phone to chat with %s on WhatsApp', 'wpwa' ), (string) $link['store_name'] ) ),
					esc_html__( 'On your computer? Scan this code with your phone.', 'wpwa' )
				);
			}
		}
		return $html . '</div>';
	}

	/**
	 * `[wpwa_chat_button product="123" vendor="7" qr="yes"]`: the button of a
	 * product (its vendor's), else of a vendor (their store), else of the
	 * product being shown.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,string>|string $atts Attributes.
	 * @return string
	 */
	public static function shortcode( $atts ): string {
		$atts = shortcode_atts(
			array(
				'product' => '',
				'vendor'  => '',
				'qr'      => 'yes',
			),
			is_array( $atts ) ? $atts : array(),
			self::TAG
		);
		return self::render( absint( $atts['product'] ), absint( $atts['vendor'] ), 'no' !== strtolower( (string) $atts['qr'] ), 'shortcode' );
	}

	/**
	 * The block's server-side render.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $attributes productId, vendorId, showQr.
	 * @return string
	 */
	public static function render_block( $attributes ): string {
		$attributes = is_array( $attributes ) ? $attributes : array();
		$html       = self::render( absint( $attributes['productId'] ?? 0 ), absint( $attributes['vendorId'] ?? 0 ), ! isset( $attributes['showQr'] ) || (bool) $attributes['showQr'], 'block' );
		if ( '' === $html && defined( 'REST_REQUEST' ) && REST_REQUEST ) {
			// The editor's preview says why nothing shows instead of an empty box.
			return '<p>' . esc_html__( 'No chat button here: choose a product or vendor whose button is on, or place the block on a product page.', 'wpwa' ) . '</p>';
		}
		return $html;
	}

	/**
	 * The button for a product, else a vendor, else the product being shown.
	 *
	 * @since 0.7.0
	 *
	 * @param int    $product_id Product ID or 0.
	 * @param int    $vendor_id  Vendor user ID or 0.
	 * @param bool   $qr         Whether to add the QR code.
	 * @param string $context    shortcode or block.
	 * @return string
	 */
	private static function render( int $product_id, int $vendor_id, bool $qr, string $context ): string {
		if ( 0 === $product_id && 0 === $vendor_id && 'product' === get_post_type() ) {
			$product_id = (int) get_the_ID();
		}
		if ( $product_id > 0 ) {
			$product = function_exists( 'wc_get_product' ) ? wc_get_product( $product_id ) : null;
			return $product ? self::for_vendor( Vendors::product_vendor( $product_id ), wp_strip_all_tags( (string) $product->get_name() ), $qr, $context ) : '';
		}
		return $vendor_id > 0 ? self::for_vendor( $vendor_id, '', $qr, $context ) : '';
	}
}
