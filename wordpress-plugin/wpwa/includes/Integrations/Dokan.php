<?php
/**
 * Dokan integration.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Integrations;

defined( 'ABSPATH' ) || exit;

/**
 * The WhatsApp tab in Dokan's vendor dashboard, the way Dokan documents a new
 * dashboard page: a menu entry on `dokan_get_dashboard_nav`, a query var on
 * `dokan_query_var_filter` (Dokan makes it a rewrite endpoint of its
 * dashboard page), and the page on `dokan_load_custom_template`, wrapped in
 * Dokan's dashboard markup so `dokan_dashboard_content_before` prints its
 * side navigation.
 *
 * Dokan 4's React layout ("latest" vendor layout) builds its sidebar from the
 * same `dokan_get_dashboard_nav` list (with `icon_name`, a Lucide icon) and
 * renders the page's shortcode content, so the tab shows in both layouts. The
 * entry carries no `react_route`: that would send it to the React-only
 * `/dashboard/new/#…` app, which has no extension point for PHP-rendered
 * pages; without one Dokan keeps the classic URL and template.
 *
 * Vendors are users with Dokan's seller capability (`dokan_is_user_seller`)
 * who do not manage the shop: Dokan gives administrators and shop managers
 * the seller capability too.
 *
 * @since 0.7.0
 */
final class Dokan extends Marketplace {

	/**
	 * Menu key and query var (rewrite endpoint) of the tab.
	 *
	 * @since 0.7.0
	 */
	public const ENDPOINT = 'whatsapp';

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function id(): string {
		return 'dokan';
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function is_loaded(): bool {
		return function_exists( 'dokan' ) && function_exists( 'dokan_is_user_seller' );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function register_dashboard(): void {
		add_filter( 'dokan_get_dashboard_nav', array( $this, 'add_menu' ), 20 );
		add_filter( 'dokan_query_var_filter', array( $this, 'add_query_var' ), 20 );
		add_action( 'dokan_load_custom_template', array( $this, 'load_view' ), 20 );
		add_action( 'wp_enqueue_scripts', array( $this, 'load_assets' ), 20 );
	}

	/**
	 * Adds the WhatsApp entry to Dokan's dashboard navigation.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $menus Menu entries keyed by slug.
	 * @return array<string,array<string,mixed>>
	 */
	public function add_menu( $menus ): array {
		$menus = is_array( $menus ) ? $menus : array();
		if ( ! $this->is_vendor( get_current_user_id() ) ) {
			return $menus;
		}
		$menus[ self::ENDPOINT ] = array(
			'title'     => __( 'WhatsApp', 'wpwa' ),
			// Classic layout: Font Awesome 5, bundled with Dokan.
			'icon'      => '<i class="fab fa-whatsapp"></i>',
			// React layout: a Lucide icon name.
			'icon_name' => 'MessageCircle',
			'url'       => $this->dashboard_page_url(),
			'pos'       => 65,
		);
		return $menus;
	}

	/**
	 * Registers the tab's query var (a rewrite endpoint of the dashboard page).
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $vars Query var names.
	 * @return string[]
	 */
	public function add_query_var( $vars ): array {
		$vars   = is_array( $vars ) ? $vars : array();
		$vars[] = self::ENDPOINT;
		return array_values( array_unique( $vars ) );
	}

	/**
	 * Whether the current request is the WhatsApp tab.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed>|null $query_vars Query vars (default: the main query's).
	 * @return bool
	 */
	private function on_tab( ?array $query_vars = null ): bool {
		if ( null === $query_vars ) {
			global $wp;
			$query_vars = isset( $wp ) && is_array( $wp->query_vars ) ? $wp->query_vars : array();
		}
		return isset( $query_vars[ self::ENDPOINT ] ) && function_exists( 'dokan_is_seller_dashboard' ) && dokan_is_seller_dashboard();
	}

	/**
	 * Renders the tab inside Dokan's dashboard markup.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $query_vars Query vars of the dashboard page.
	 * @return void
	 */
	public function load_view( $query_vars ): void {
		if ( ! is_array( $query_vars ) || ! isset( $query_vars[ self::ENDPOINT ] ) ) {
			return;
		}
		$html = $this->dashboard_html();
		// phpcs:disable WordPress.NamingConventions.PrefixAllGlobals.NonPrefixedHooknameFound -- Dokan's own template hooks.
		do_action( 'dokan_dashboard_wrap_start' );
		?>
		<div class="dokan-dashboard-wrap">
			<?php do_action( 'dokan_dashboard_content_before' ); ?>
			<div class="dokan-dashboard-content dokan-wpwa-whatsapp-content">
				<?php do_action( 'dokan_dashboard_content_inside_before' ); ?>
				<article class="dokan-wpwa-whatsapp-area">
					<?php echo $html; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the templates. ?>
				</article>
				<?php do_action( 'dokan_dashboard_content_inside_after' ); ?>
			</div>
			<?php do_action( 'dokan_dashboard_content_after' ); ?>
		</div>
		<?php
		do_action( 'dokan_dashboard_wrap_end' );
		// phpcs:enable
	}

	/**
	 * Loads the dashboard assets on the tab (in the head, so the stylesheet
	 * is there before the content).
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
	 * The tab inside Dokan's dashboard, before the common filter.
	 *
	 * @since 0.7.0
	 *
	 * @return string
	 */
	private function dashboard_page_url(): string {
		return function_exists( 'dokan_get_navigation_url' ) ? (string) dokan_get_navigation_url( self::ENDPOINT ) : '';
	}

	/**
	 * {@inheritDoc}
	 *
	 * Dokan's store page: `dokan_store_profile_frame_after` (the store's user
	 * data and store info), under the store's profile frame.
	 *
	 * @since 0.7.0
	 *
	 * @param callable $render Prints the button of a vendor.
	 */
	public function register_store_button( callable $render ): void {
		add_action(
			'dokan_store_profile_frame_after',
			static function ( $store_user ) use ( $render ): void {
				$vendor_id = is_object( $store_user ) && isset( $store_user->ID ) ? (int) $store_user->ID : 0;
				if ( $vendor_id > 0 ) {
					$render( $vendor_id );
				}
			},
			20
		);
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function tab_url(): string {
		return $this->filtered_url( $this->dashboard_page_url() );
	}

	/**
	 * {@inheritDoc}
	 *
	 * Store owners only: staff (`vendor_staff`) and users who manage the shop
	 * (Dokan makes administrators and shop managers sellers) are not vendors.
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 */
	public function is_vendor( int $user_id ): bool {
		return $user_id > 0
			&& function_exists( 'dokan_is_user_seller' )
			&& dokan_is_user_seller( $user_id, true )
			&& ! user_can( $user_id, 'manage_woocommerce' );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function vendor_roles(): array {
		return array( 'seller' );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 */
	protected function raw_store_name( int $user_id ): string {
		if ( ! function_exists( 'dokan' ) ) {
			return '';
		}
		$vendor = dokan()->vendor->get( $user_id );
		return is_object( $vendor ) && method_exists( $vendor, 'get_shop_name' ) ? (string) $vendor->get_shop_name() : '';
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 */
	public function store_url( int $user_id ): string {
		return function_exists( 'dokan_get_store_url' ) ? (string) dokan_get_store_url( $user_id ) : '';
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $product_id Product ID.
	 */
	public function product_vendor( int $product_id ): int {
		return function_exists( 'dokan_get_vendor_by_product' ) ? (int) dokan_get_vendor_by_product( $product_id, true ) : 0;
	}

	/**
	 * {@inheritDoc}
	 *
	 * Dokan's checkout splits an order of several vendors into sub-orders
	 * (`dokan()->order->maybe_split_orders()`, also what its REST API calls)
	 * and records orders in its own table (`dokan_sync_insert_order()`); a
	 * one-vendor order stays whole, marked with its vendor.
	 *
	 * @since 0.7.0
	 *
	 * @param \WC_Order $order The order.
	 */
	public function place_order( \WC_Order $order ): array {
		// Dokan's container answers `order` through __get (isset() says false).
		$manager = function_exists( 'dokan' ) ? dokan()->order : null;
		if ( ! is_object( $manager ) || ! method_exists( $manager, 'maybe_split_orders' ) ) {
			return $this->vendors_of_items( $order );
		}
		$manager->maybe_split_orders( $order->get_id() );
		$order    = wc_get_order( $order->get_id() );
		$children = $order ? $manager->get_child_orders( $order ) : array();
		$parts    = array();
		foreach ( (array) $children as $child ) {
			if ( $child instanceof \WC_Order ) {
				$parts[ (int) $child->get_meta( '_dokan_vendor_id' ) ] = $child->get_id();
			}
		}
		if ( ! $parts && $order instanceof \WC_Order ) {
			if ( function_exists( 'dokan_sync_insert_order' ) ) {
				dokan_sync_insert_order( $order->get_id() );
			}
			$parts = $this->vendors_of_items( $order );
		}
		return $parts;
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $order_id Order ID.
	 */
	public function vendor_order_url( int $order_id ): string {
		if ( ! function_exists( 'dokan_get_navigation_url' ) ) {
			return '';
		}
		return wp_nonce_url( add_query_arg( array( 'order_id' => $order_id ), dokan_get_navigation_url( 'orders' ) ), 'dokan_view_order' );
	}
}
