<?php
/**
 * WCFM (WC Frontend Manager + WCFM Marketplace) integration.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Integrations;

use Throwable;
use Wpwa\Plugin\Core;

defined( 'ABSPATH' ) || exit;

/**
 * Adds the WhatsApp tab to WCFM's vendor menu (`wcfm_menus`), registers its
 * endpoint (`wcfm_query_vars`), renders the dashboard inside WCFM
 * (`wcfm_load_views`) and loads the assets there (`wcfm_load_scripts`,
 * `wcfm_load_styles`). Vendors, store names, store URLs and product owners
 * come from WCFM's helpers (`wcfm_is_vendor`, `wcfm_get_vendor_store_name`,
 * `wcfmmp_get_store_url`, `wcfm_get_vendor_id_by_post`).
 *
 * @since 0.1.0
 * @since 0.7.0 A Marketplace integration.
 */
final class Wcfm extends Marketplace {

	/**
	 * Menu key and query var of the tab.
	 *
	 * @since 0.1.0
	 */
	public const ENDPOINT = 'wcfm-whatsapp';

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function id(): string {
		return 'wcfm';
	}

	/**
	 * {@inheritDoc}
	 *
	 * WC Frontend Manager's main class (its dashboard).
	 *
	 * @since 0.7.0
	 */
	public function is_loaded(): bool {
		return class_exists( 'WCFM', false );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function register_dashboard(): void {
		add_filter( 'wcfm_menus', array( $this, 'add_menu' ), 20 );
		add_filter( 'wcfm_query_vars', array( $this, 'add_query_var' ), 20 );
		add_filter( 'wcfm_endpoint_title', array( $this, 'endpoint_title' ), 20, 2 );
		add_filter( 'wcfm_endpoints_slug', array( $this, 'add_endpoint_slug' ), 20 );
		add_action( 'init', array( $this, 'register_endpoint' ), 20 );
		add_action( 'wcfm_load_views', array( $this, 'load_view' ), 20 );
		add_action( 'wcfm_load_scripts', array( $this, 'load_assets' ), 20 );
		add_action( 'wcfm_load_styles', array( $this, 'load_assets' ), 20 );
	}

	/**
	 * Endpoint slug inside the WCFM dashboard URL.
	 *
	 * @since 0.1.0
	 *
	 * @return string
	 */
	public static function slug(): string {
		// WCFM lets the admin rename endpoints (WCFM → Settings → Endpoints).
		$modified = get_option( 'wcfm_endpoints' );
		$default  = is_array( $modified ) && ! empty( $modified[ self::ENDPOINT ] ) ? (string) $modified[ self::ENDPOINT ] : 'whatsapp';

		/**
		 * Filters the URL slug of the WhatsApp tab inside the WCFM dashboard
		 * (…/store-manager/<slug>/). Flush permalinks after changing it.
		 *
		 * @since 0.1.0
		 *
		 * @param string $slug Default "whatsapp", or the slug set in WCFM's endpoint settings.
		 */
		$slug = sanitize_title( (string) apply_filters( 'wpwa_wcfm_endpoint_slug', $default ) );
		return '' !== $slug ? $slug : 'whatsapp';
	}

	/**
	 * Adds the WhatsApp entry to WCFM's menu.
	 *
	 * @since 0.1.0
	 *
	 * @param mixed $menus Menu entries keyed by endpoint.
	 * @return array<string,array<string,mixed>>
	 */
	public function add_menu( $menus ): array {
		$menus = is_array( $menus ) ? $menus : array();
		try {
			$menus[ self::ENDPOINT ] = array(
				'label'    => __( 'WhatsApp', 'wpwa' ),
				'url'      => $this->tab_url(),
				// WCFM prints the icon as "wcfmfa fa-<icon>" (Font Awesome solid).
				'icon'     => 'phone',
				'priority' => 65,
				'menu_for' => 'vendor',
			);
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
		return $menus;
	}

	/**
	 * Registers the tab's endpoint with WCFM (WCFM turns it into a rewrite
	 * endpoint of its dashboard page).
	 *
	 * @since 0.1.0
	 *
	 * @param mixed $vars Query vars, key => slug.
	 * @return array<string,string>
	 */
	public function add_query_var( $vars ): array {
		$vars                   = is_array( $vars ) ? $vars : array();
		$vars[ self::ENDPOINT ] = self::slug();
		return $vars;
	}

	/**
	 * Lists the endpoint in WCFM's endpoint settings, so the admin can rename it.
	 *
	 * @since 0.1.0
	 *
	 * @param mixed $slugs Endpoint key => default slug.
	 * @return array<string,string>
	 */
	public function add_endpoint_slug( $slugs ): array {
		$slugs                   = is_array( $slugs ) ? $slugs : array();
		$slugs[ self::ENDPOINT ] = 'whatsapp';
		return $slugs;
	}

	/**
	 * Makes WCFM re-read its query vars (now including ours) and add the
	 * rewrite endpoints, as WCFM's own modules do on `init`.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public function register_endpoint(): void {
		// WCFM's global, read by name (it is not snake_case).
		$wcfm_query = $GLOBALS['WCFM_Query'] ?? null;
		if ( ! is_object( $wcfm_query ) ) {
			return;
		}
		try {
			if ( method_exists( $wcfm_query, 'init_query_vars' ) ) {
				$wcfm_query->init_query_vars();
			}
			if ( method_exists( $wcfm_query, 'add_endpoints' ) ) {
				$wcfm_query->add_endpoints();
			}
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
	}

	/**
	 * Page title of the tab.
	 *
	 * @since 0.1.0
	 *
	 * @param mixed  $title    Title so far.
	 * @param string $endpoint Current WCFM endpoint.
	 * @return mixed
	 */
	public function endpoint_title( $title, $endpoint = '' ) {
		return self::ENDPOINT === $endpoint ? __( 'WhatsApp', 'wpwa' ) : $title;
	}

	/**
	 * Renders the dashboard when the WhatsApp tab is open.
	 *
	 * @since 0.1.0
	 *
	 * @param string $endpoint Current WCFM endpoint.
	 * @return void
	 */
	public function load_view( $endpoint = '' ): void {
		if ( self::ENDPOINT !== $endpoint ) {
			return;
		}
		$html = $this->dashboard_html();
		?>
		<div class="collapse wcfm-collapse" id="wcfm_wpwa_whatsapp">
			<div class="wcfm-page-headig">
				<span class="wcfmfa fa-phone" aria-hidden="true"></span>
				<span class="wcfm-page-heading-text"><?php esc_html_e( 'WhatsApp', 'wpwa' ); ?></span>
			</div>
			<div class="wcfm-collapse-content">
				<div class="wcfm-container">
					<div class="wcfm-content">
						<?php echo $html; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the templates. ?>
					</div>
				</div>
			</div>
		</div>
		<?php
	}

	/**
	 * Loads the dashboard assets on the WhatsApp tab.
	 *
	 * @since 0.1.0
	 *
	 * @param string $endpoint Current WCFM endpoint.
	 * @return void
	 */
	public function load_assets( $endpoint = '' ): void {
		if ( self::ENDPOINT === $endpoint ) {
			$this->enqueue_assets();
		}
	}

	/**
	 * {@inheritDoc}
	 *
	 * WCFM Marketplace's store page: `wcfmmp_after_store_header` (the store's
	 * user data and store info), under the banner and the store's header.
	 *
	 * @since 0.7.0
	 *
	 * @param callable $render Prints the button of a vendor.
	 */
	public function register_store_button( callable $render ): void {
		add_action(
			'wcfmmp_after_store_header',
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
		$url = '';
		if ( function_exists( 'wcfm_get_endpoint_url' ) && function_exists( 'get_wcfm_page' ) ) {
			$url = (string) wcfm_get_endpoint_url( self::ENDPOINT, '', get_wcfm_page() );
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
		return function_exists( 'wcfm_is_vendor' ) && wcfm_is_vendor( $user_id );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function vendor_roles(): array {
		return array( 'wcfm_vendor' );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 */
	protected function raw_store_name( int $user_id ): string {
		return function_exists( 'wcfm_get_vendor_store_name' ) ? (string) wcfm_get_vendor_store_name( $user_id ) : '';
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 */
	public function store_url( int $user_id ): string {
		return function_exists( 'wcfmmp_get_store_url' ) ? (string) wcfmmp_get_store_url( $user_id ) : '';
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $product_id Product ID.
	 */
	public function product_vendor( int $product_id ): int {
		return function_exists( 'wcfm_get_vendor_id_by_post' ) ? (int) wcfm_get_vendor_id_by_post( $product_id ) : 0;
	}

	/**
	 * {@inheritDoc}
	 *
	 * WCFM keeps one order and records each vendor's items in its own
	 * vendor-order table on `woocommerce_checkout_order_processed`; the same
	 * function records this order, so it shows in each vendor's WCFM orders.
	 *
	 * @since 0.7.0
	 *
	 * @param \WC_Order $order The order.
	 */
	public function place_order( \WC_Order $order ): array {
		global $WCFMmp; // phpcs:ignore WordPress.NamingConventions.ValidVariableName.VariableNotSnakeCase -- WCFM's global.
		if ( is_object( $WCFMmp ) && isset( $WCFMmp->wcfmmp_commission ) && method_exists( $WCFMmp->wcfmmp_commission, 'wcfmmp_checkout_order_processed' ) ) { // phpcs:ignore WordPress.NamingConventions.ValidVariableName.VariableNotSnakeCase
			$WCFMmp->wcfmmp_commission->wcfmmp_checkout_order_processed( $order->get_id(), array(), $order ); // phpcs:ignore WordPress.NamingConventions.ValidVariableName.VariableNotSnakeCase
		}
		return $this->vendors_of_items( $order );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $order_id Order ID.
	 */
	public function vendor_order_url( int $order_id ): string {
		return function_exists( 'get_wcfm_view_order_url' ) ? (string) get_wcfm_view_order_url( $order_id ) : '';
	}
}
