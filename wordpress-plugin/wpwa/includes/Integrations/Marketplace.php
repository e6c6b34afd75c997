<?php
/**
 * What every marketplace integration provides.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Integrations;

use Throwable;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Frontend\Assets;
use Wpwa\Plugin\Frontend\Dashboard;
use Wpwa\Plugin\Frontend\Shortcode;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * One marketplace plugin, seen through its own API: whether it is loaded, the
 * WhatsApp tab in its vendor dashboard (registered through its extension
 * points), and who its vendors are, what their stores are called and where
 * they live, and which vendor a product belongs to.
 *
 * A subclass only answers the marketplace-specific questions; rendering the
 * wpwa dashboard inside the marketplace's frame, loading the assets and
 * turning store names into plain text live here once.
 *
 * @since 0.7.0
 */
abstract class Marketplace {

	/**
	 * Stable identifier: `wcfm`, `dokan`, `multivendorx` or `wcvendors`.
	 *
	 * @since 0.7.0
	 *
	 * @return string
	 */
	abstract public function id(): string;

	/**
	 * Whether the marketplace plugin is loaded in this request. Called on
	 * `plugins_loaded`, so it may only test what the plugin's main file
	 * defines.
	 *
	 * @since 0.7.0
	 *
	 * @return bool
	 */
	abstract public function is_loaded(): bool;

	/**
	 * Registers the WhatsApp tab through the marketplace's own extension
	 * points. Called once, only when the plugin is loaded.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	abstract public function register_dashboard(): void;

	/**
	 * URL of the WhatsApp tab inside the marketplace's vendor dashboard, or
	 * '' when the marketplace has no dashboard page yet.
	 *
	 * @since 0.7.0
	 *
	 * @return string
	 */
	abstract public function tab_url(): string;

	/**
	 * Whether the user is a vendor of this marketplace (a store owner, not
	 * staff nor an administrator the marketplace also lets sell).
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 * @return bool
	 */
	abstract public function is_vendor( int $user_id ): bool;

	/**
	 * The roles whose members may be vendors of this marketplace.
	 *
	 * @since 0.7.0
	 *
	 * @return string[]
	 */
	abstract public function vendor_roles(): array;

	/**
	 * The vendor's store name as the marketplace returns it (may hold HTML
	 * entities or tags; store_name() makes it plain text).
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id Vendor user ID.
	 * @return string
	 */
	abstract protected function raw_store_name( int $user_id ): string;

	/**
	 * The vendor's public store page, or ''.
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id Vendor user ID.
	 * @return string
	 */
	abstract public function store_url( int $user_id ): string;

	/**
	 * The vendor a product (never a variation: callers pass the parent)
	 * belongs to by the marketplace's own mapping, or 0 when it names none.
	 *
	 * @since 0.7.0
	 *
	 * @param int $product_id Product ID.
	 * @return int
	 */
	abstract public function product_vendor( int $product_id ): int;

	/**
	 * Makes the marketplace's own records of an order made outside its
	 * checkout (a WhatsApp cart), the way its checkout does: sub-orders per
	 * vendor where the marketplace splits orders (Dokan, MultiVendorX), its
	 * vendor-order records where it keeps one order (WCFM), nothing where it
	 * reads the order's items as they are (WC Vendors). Returns the order
	 * that holds each vendor's part, by vendor user ID: a sub-order's ID, or
	 * the order's own.
	 *
	 * @since 0.7.0
	 *
	 * Each integration of this plugin implements it; the default (one order
	 * holding every vendor's items) keeps an integration written before 0.7.0
	 * working.
	 *
	 * @param \WC_Order $order The order, saved with its items and totals.
	 * @return array<int,int> Order ID by vendor user ID.
	 */
	public function place_order( \WC_Order $order ): array {
		return $this->vendors_of_items( $order );
	}

	/**
	 * The order's page in the marketplace's vendor dashboard, or '' where the
	 * marketplace has none.
	 *
	 * @since 0.7.0
	 *
	 * @param int $order_id Order or sub-order ID.
	 * @return string
	 */
	public function vendor_order_url( int $order_id ): string {
		return '';
	}

	/**
	 * Each vendor of the order's items, with the order's own ID: where the
	 * order itself holds every vendor's part.
	 *
	 * @since 0.7.0
	 *
	 * @param \WC_Order $order The order.
	 * @return array<int,int> Order ID by vendor user ID.
	 */
	protected function vendors_of_items( \WC_Order $order ): array {
		$parts = array();
		foreach ( $order->get_items() as $item ) {
			if ( $item instanceof \WC_Order_Item_Product ) {
				$parts[ \Wpwa\Plugin\Vendors::product_vendor( $item->get_product_id() ) ] = $order->get_id();
			}
		}
		return $parts;
	}

	/**
	 * Hooks `$render` into the marketplace's public store page, where it prints
	 * the chat button of the store's vendor: `$render( int $vendor_id, bool
	 * $with_qr = true )` (without the QR code where the page's markup is
	 * filtered in a way that drops it). Called once, only when the plugin is
	 * loaded.
	 *
	 * @since 0.7.0
	 *
	 * Each integration of this plugin implements it; the default (no store
	 * page button) keeps an integration written before 0.7.0 working.
	 *
	 * @param callable $render Prints the button of a vendor.
	 * @return void
	 */
	public function register_store_button( callable $render ): void {
	}

	/**
	 * How to find the vendor's products: by author (most marketplaces), or by
	 * a product meta key holding one of some values (MultiVendorX's store).
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array{author?:int,meta_key?:string,meta_values?:int[]}
	 */
	public function product_scope( int $vendor_id ): array {
		return array( 'author' => $vendor_id );
	}

	/**
	 * The store name as plain text: tags removed, HTML entities decoded
	 * (WCFM returns `Bolt &amp; Co Gadgets`), whitespace trimmed.
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id Vendor user ID.
	 * @return string
	 */
	public function store_name( int $user_id ): string {
		return self::plain_text( $this->raw_store_name( $user_id ) );
	}

	/**
	 * Plain text of a marketplace string.
	 *
	 * @since 0.7.0
	 *
	 * @param string $text Text that may hold tags and HTML entities.
	 * @return string
	 */
	public static function plain_text( string $text ): string {
		return trim( html_entity_decode( wp_strip_all_tags( $text ), ENT_QUOTES | ENT_HTML5, 'UTF-8' ) );
	}

	/**
	 * The wpwa dashboard for the current user, for the marketplace's frame.
	 * Never throws: a failure shows the "temporarily unavailable" notice.
	 *
	 * @since 0.7.0
	 *
	 * @return string HTML, escaped by the templates.
	 */
	protected function dashboard_html(): string {
		try {
			$atts = Shortcode::sanitize_atts( array( 'custom_class' => 'wpwa-vendor-dashboard--' . $this->id() ) );
			return Dashboard::render( get_current_user_id(), $atts, 100 );
		} catch ( Throwable $e ) {
			Core::report( $e );
			return Dashboard::unavailable_markup( array() );
		}
	}

	/**
	 * Loads the dashboard assets on the tab (the stylesheet for everyone, the
	 * live-status script for a vendor when the extension is loaded).
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	protected function enqueue_assets(): void {
		Assets::enqueue_style();
		$user_id = get_current_user_id();
		if ( $user_id > 0 && Core::available() && Vendors::is_vendor( $user_id ) ) {
			Assets::enqueue_dashboard( $user_id );
		}
	}

	/**
	 * The tab's URL after the `wpwa_vendor_dashboard_url` filter; falls back
	 * to the wpwa dashboard page, then the home page.
	 *
	 * @since 0.7.0
	 *
	 * @param string $url URL inside the marketplace's dashboard, or ''.
	 * @return string
	 */
	protected function filtered_url( string $url ): string {
		if ( '' === $url ) {
			$page_id = (int) get_option( \Wpwa\Plugin\Settings::PAGE_OPTION );
			if ( $page_id > 0 && 'publish' === get_post_status( $page_id ) ) {
				$url = (string) get_permalink( $page_id );
			}
		}
		if ( '' === $url ) {
			$url = home_url( '/' );
		}

		/**
		 * Filters the URL of the vendor's WhatsApp dashboard (the tab inside
		 * the marketplace's vendor dashboard).
		 *
		 * @since 0.1.0
		 * @since 0.7.0 Also for Dokan, MultiVendorX and WC Vendors; the second argument.
		 *
		 * @param string $url         URL.
		 * @param string $marketplace Marketplace ID (wcfm, dokan, multivendorx, wcvendors).
		 */
		return (string) apply_filters( 'wpwa_vendor_dashboard_url', $url, $this->id() );
	}
}
