<?php
/**
 * WC Vendors Marketplace integration.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Integrations;

defined( 'ABSPATH' ) || exit;

/**
 * The WhatsApp tab in WC Vendors' vendor dashboard (free plugin 2.5.2+): a
 * page on `wcv_dashboard_urls` (WC Vendors adds its menu item and the
 * rewrite rule `<dashboard>/whatsapp` → `object=whatsapp`), rendered on
 * `wcvendors_dashboard_custom_page`, which WC Vendors fires inside its
 * dashboard (navigation, notices, page heading) for an object that is no post
 * type of its own. Vendors, shop names, shop pages and product owners come
 * from `WCV_Vendors`.
 *
 * @since 0.7.0
 */
final class WcVendors extends Marketplace {

	/**
	 * Page slug (the `object` query var) of the tab.
	 *
	 * @since 0.7.0
	 */
	public const PAGE = 'whatsapp';

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function id(): string {
		return 'wcvendors';
	}

	/**
	 * {@inheritDoc}
	 *
	 * WC Vendors' main class (its bootstrap, with `WCV_Vendors`, loads on
	 * `setup_theme`).
	 *
	 * @since 0.7.0
	 */
	public function is_loaded(): bool {
		return class_exists( 'WC_Vendors', false );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function register_dashboard(): void {
		add_filter( 'wcv_dashboard_urls', array( $this, 'add_page' ), 20 );
		add_action( 'wcvendors_dashboard_custom_page', array( $this, 'load_view' ), 20 );
		add_action( 'wp_enqueue_scripts', array( $this, 'load_assets' ), 20 );
	}

	/**
	 * Adds the WhatsApp page to WC Vendors' dashboard pages.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $pages Pages keyed by slug.
	 * @return array<string,array<string,mixed>>
	 */
	public function add_page( $pages ): array {
		$pages               = is_array( $pages ) ? $pages : array();
		$pages[ self::PAGE ] = array(
			'slug'    => self::PAGE,
			'id'      => self::PAGE,
			'label'   => __( 'WhatsApp', 'wpwa' ),
			'actions' => array(),
			// An icon of WC Vendors' sprite (assets/svg/wcv-icons.svg).
			'icon'    => 'wcv-icon-dashboard-default',
		);
		return $pages;
	}

	/**
	 * Whether the current request is the WhatsApp page of the dashboard.
	 *
	 * @since 0.7.0
	 *
	 * @return bool
	 */
	private function on_tab(): bool {
		return self::PAGE === get_query_var( 'object' ) && is_page( $this->dashboard_page_id() );
	}

	/**
	 * Renders the page.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $page Dashboard object (page slug) being shown.
	 * @return void
	 */
	public function load_view( $page = '' ): void {
		if ( self::PAGE !== $page ) {
			return;
		}
		printf(
			'<div class="wcv-wpwa-whatsapp">%s</div>',
			$this->dashboard_html() // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the templates.
		);
	}

	/**
	 * Loads the dashboard assets on the page.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public function load_assets(): void {
		if ( $this->on_tab() ) {
			$this->enqueue_assets();
		}
	}

	/**
	 * WC Vendors' dashboard page (the option may hold one ID or a list).
	 *
	 * @since 0.7.0
	 *
	 * @return int
	 */
	private function dashboard_page_id(): int {
		$ids = (array) get_option( 'wcvendors_vendor_dashboard_page_id', array() );
		return (int) reset( $ids );
	}

	/**
	 * {@inheritDoc}
	 *
	 * WC Vendors' store page is WooCommerce's product archive for the vendor
	 * (`WCV_Vendors::is_vendor_page()`); its own header hooks fire only when
	 * shop headers are on, so the button follows the shop description on
	 * `woocommerce_before_main_content` (WC Vendors prints its header at 20
	 * and the description at 30).
	 *
	 * @since 0.7.0
	 *
	 * @param callable $render Prints the button of a vendor.
	 */
	public function register_store_button( callable $render ): void {
		add_action(
			'woocommerce_before_main_content',
			static function () use ( $render ): void {
				if ( ! class_exists( 'WCV_Vendors' ) || ! \WCV_Vendors::is_vendor_page() ) {
					return;
				}
				$vendor_id = (int) \WCV_Vendors::get_vendor_id( urldecode( (string) get_query_var( 'vendor_shop' ) ) );
				if ( $vendor_id > 0 ) {
					$render( $vendor_id );
				}
			},
			35
		);
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function tab_url(): string {
		$url = '';
		if ( $this->dashboard_page_id() > 0 && class_exists( 'WCV_Vendor_Dashboard' ) ) {
			$url = (string) \WCV_Vendor_Dashboard::get_dashboard_page_url( self::PAGE );
		}
		return $this->filtered_url( $url );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 */
	public function is_vendor( int $user_id ): bool {
		return $user_id > 0 && class_exists( 'WCV_Vendors' ) && \WCV_Vendors::is_vendor( $user_id );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function vendor_roles(): array {
		return array( 'vendor' );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 */
	protected function raw_store_name( int $user_id ): string {
		return class_exists( 'WCV_Vendors' ) ? (string) \WCV_Vendors::get_vendor_shop_name( $user_id ) : '';
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 */
	public function store_url( int $user_id ): string {
		return class_exists( 'WCV_Vendors' ) ? (string) \WCV_Vendors::get_vendor_shop_page( $user_id ) : '';
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $product_id Product ID.
	 */
	public function product_vendor( int $product_id ): int {
		return class_exists( 'WCV_Vendors' ) ? max( 0, (int) \WCV_Vendors::get_vendor_from_product( $product_id ) ) : 0;
	}

	/**
	 * {@inheritDoc}
	 *
	 * WC Vendors keeps one order and reads each vendor's items from it (its
	 * commissions are recorded when the order is paid): nothing to make.
	 *
	 * @since 0.7.0
	 *
	 * @param \WC_Order $order The order.
	 */
	public function place_order( \WC_Order $order ): array {
		return $this->vendors_of_items( $order );
	}
}
