<?php
/**
 * MultiVendorX 5 integration.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Integrations;

use Throwable;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * The WhatsApp tab in MultiVendorX 5's React store dashboard.
 *
 * MultiVendorX builds the dashboard's menu from its `dashboard-menu` REST
 * route, whose entries come from `dashboard_other_endpoints` (applied on
 * every request, also when the admin saved a custom menu order) and whose
 * pages the React app looks up with the `multivendorx_dashboard_routes`
 * JavaScript filter (`@wordpress/hooks`: entries `{tab, element, component}`).
 * The entry here is the `whatsapp` tab; a small script (assets/js/multivendorx.js)
 * registers its component, which moves the wpwa dashboard, rendered by PHP
 * into a hidden holder at the end of the page, into the tab (and back when
 * the vendor opens another tab, so its live status keeps running).
 *
 * MultiVendorX empties the style queue on its dashboard page down to its own
 * list, `multivendorx_dashboard_style_queue`; wpwa's stylesheets join it.
 *
 * Stores are their own entities (a user may own several): the vendor's store
 * is the one MultiVendorX has active for them (`multivendorx_active_store`
 * user meta, as its dashboard uses) when they own it, else the first store
 * they own; products carry the store in `multivendorx_store_id`, and a
 * store's vendor is its primary owner (`StoreUtil::get_primary_owner`).
 *
 * @since 0.7.0
 */
final class MultiVendorX extends Marketplace {

	/**
	 * Tab key (the React route `/whatsapp`).
	 *
	 * @since 0.7.0
	 */
	public const TAB = 'whatsapp';

	/**
	 * Handle of the script registering the tab's component.
	 *
	 * @since 0.7.0
	 */
	public const SCRIPT = 'wpwa-multivendorx';

	/**
	 * ID of the hidden element holding the rendered dashboard.
	 *
	 * @since 0.7.0
	 */
	public const HOLDER_ID = 'wpwa-multivendorx-holder';

	/**
	 * The dashboard rendered for this page, printed in the footer.
	 *
	 * @var string|null
	 */
	private ?string $html = null;

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function id(): string {
		return 'multivendorx';
	}

	/**
	 * {@inheritDoc}
	 *
	 * MultiVendorX 5's main function and store entity (the 4.x files in its
	 * tree are not loaded).
	 *
	 * @since 0.7.0
	 */
	public function is_loaded(): bool {
		return function_exists( 'MultiVendorX' ) && class_exists( '\MultiVendorX\Store\StoreUtil' );
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function register_dashboard(): void {
		add_filter( 'dashboard_other_endpoints', array( $this, 'add_endpoint' ), 20 );
		add_action( 'wp_enqueue_scripts', array( $this, 'prepare' ), 20 );
		add_filter( 'multivendorx_dashboard_style_queue', array( $this, 'keep_styles' ), 20 );
		add_action( 'wp_footer', array( $this, 'print_holder' ), 5 );
	}

	/**
	 * Adds the WhatsApp tab to the store dashboard's menu.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $endpoints Endpoints keyed by tab.
	 * @return array<string,array<string,mixed>>
	 */
	public function add_endpoint( $endpoints ): array {
		$endpoints = is_array( $endpoints ) ? $endpoints : array();
		if ( ! $this->is_vendor( get_current_user_id() ) ) {
			return $endpoints;
		}
		$endpoints[ self::TAB ] = array(
			'name'     => __( 'WhatsApp', 'wpwa' ),
			// MultiVendorX's icon font, printed as "adminfont-<icon>".
			'icon'     => 'customer-service',
			'slug'     => self::TAB,
			'submenu'  => array(),
			'filename' => self::TAB,
		);
		return $endpoints;
	}

	/**
	 * Whether the current page is MultiVendorX's store dashboard.
	 *
	 * @since 0.7.0
	 *
	 * @return bool
	 */
	private function on_dashboard(): bool {
		$page_id = $this->dashboard_page_id();
		return $page_id > 0 && is_page( $page_id ) && is_user_logged_in();
	}

	/**
	 * `wp_enqueue_scripts`: on the store dashboard, renders the wpwa dashboard
	 * (which enqueues its assets) and the script that shows it in the tab.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public function prepare(): void {
		if ( ! $this->on_dashboard() || ! $this->is_vendor( get_current_user_id() ) ) {
			return;
		}
		try {
			$this->enqueue_assets();
			$this->html = $this->dashboard_html();
			wp_enqueue_script(
				self::SCRIPT,
				WPWA_PLUGIN_URL . 'assets/js/multivendorx.js',
				array( 'wp-element', 'wp-hooks' ),
				WPWA_PLUGIN_VERSION,
				array( 'in_footer' => true )
			);
			wp_localize_script(
				self::SCRIPT,
				'wpwaMultiVendorX',
				array(
					'holderId' => self::HOLDER_ID,
					'tab'      => self::TAB,
				)
			);
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
	}

	/**
	 * Keeps wpwa's stylesheets in the dashboard's style queue.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $queue Style handles MultiVendorX keeps.
	 * @return string[]
	 */
	public function keep_styles( $queue ): array {
		global $wp_styles;
		$queue = is_array( $queue ) ? $queue : array();
		if ( null === $this->html || ! $wp_styles instanceof \WP_Styles ) {
			return $queue;
		}
		foreach ( $wp_styles->queue as $handle ) {
			if ( 0 === strpos( (string) $handle, 'wpwa-' ) ) {
				$queue[] = $handle;
			}
		}
		return array_values( array_unique( $queue ) );
	}

	/**
	 * `wp_footer`: the rendered dashboard in a hidden holder, before the
	 * footer scripts run.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public function print_holder(): void {
		if ( null === $this->html ) {
			return;
		}
		printf(
			'<div id="%1$s" hidden>%2$s</div>',
			esc_attr( self::HOLDER_ID ),
			$this->html // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the templates.
		);
	}

	/**
	 * The store dashboard page's ID.
	 *
	 * @since 0.7.0
	 *
	 * @return int
	 */
	private function dashboard_page_id(): int {
		if ( ! function_exists( 'MultiVendorX' ) ) {
			return 0;
		}
		// MultiVendorX's container answers unknown names with a WP_Error (and
		// has no __isset, so `??` cannot be used on it).
		$setting = MultiVendorX()->setting;
		return is_object( $setting ) && ! is_wp_error( $setting ) ? (int) $setting->get_setting( 'store_dashboard_page' ) : 0;
	}

	/**
	 * {@inheritDoc}
	 *
	 * MultiVendorX 5's store page, the button of the store's primary owner
	 * after the store's banner: with a classic theme on
	 * `multivendorx_after_store_banner` (the store's ID); with a block theme
	 * MultiVendorX renders the page from blocks (templates/store/store-wrapper.php)
	 * and passes them through wp_kses_post(), so the button follows the
	 * `multivendorx/store-banner` block, without the QR code (kses drops its
	 * `data:` image).
	 *
	 * @since 0.7.0
	 *
	 * @param callable $render Prints the button of a vendor.
	 */
	public function register_store_button( callable $render ): void {
		add_action(
			'multivendorx_after_store_banner',
			static function ( $store_id ) use ( $render ): void {
				$vendor_id = (int) $store_id > 0 ? (int) \MultiVendorX\Store\StoreUtil::get_primary_owner( (int) $store_id ) : 0;
				if ( $vendor_id > 0 ) {
					$render( $vendor_id );
				}
			},
			20
		);
		add_filter(
			'render_block_multivendorx/store-banner',
			function ( $content ) use ( $render ) {
				$vendor_id = $this->store_page_owner();
				if ( $vendor_id <= 0 ) {
					return $content;
				}
				ob_start();
				$render( $vendor_id, false );
				return $content . ob_get_clean();
			},
			20
		);
	}

	/**
	 * The primary owner of the store whose page is shown (0 elsewhere).
	 *
	 * @since 0.7.0
	 *
	 * @return int
	 */
	private function store_page_owner(): int {
		$slug = (string) get_query_var( (string) MultiVendorX()->setting->get_setting( 'store_url', 'store' ) );
		if ( '' === $slug ) {
			return 0;
		}
		$store = \MultiVendorX\Store\Store::get_store( $slug, 'slug' );
		return $store instanceof \MultiVendorX\Store\Store && $store->get_id() > 0 ? (int) \MultiVendorX\Store\StoreUtil::get_primary_owner( (int) $store->get_id() ) : 0;
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function tab_url(): string {
		$page_id = $this->dashboard_page_id();
		$url     = $page_id > 0 ? (string) get_permalink( $page_id ) : '';
		// The React app routes /<dashboard page>/<tab> (pretty permalinks only,
		// which MultiVendorX needs).
		return $this->filtered_url( '' !== $url ? trailingslashit( $url ) . self::TAB : '' );
	}

	/**
	 * The store the vendor works in: MultiVendorX's active store for them
	 * when they are its primary owner, else the first active store they own;
	 * 0 when they own none.
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 * @return int
	 */
	public function store_id( int $user_id ): int {
		if ( $user_id <= 0 || ! $this->is_loaded() ) {
			return 0;
		}
		$owned  = $this->owned_stores( $user_id );
		$active = (int) get_user_meta( $user_id, \MultiVendorX\Utill::USER_SETTINGS_KEYS['active_store'], true );
		return in_array( $active, $owned, true ) ? $active : (int) ( $owned[0] ?? 0 );
	}

	/**
	 * The stores the vendor is primary owner of.
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 * @return int[]
	 */
	private function owned_stores( int $user_id ): array {
		$ids = array();
		foreach ( (array) \MultiVendorX\Store\Store::get_store( $user_id, 'user' ) as $row ) {
			$candidate = (int) ( $row['id'] ?? 0 );
			if ( $candidate > 0 && (int) \MultiVendorX\Store\StoreUtil::get_primary_owner( $candidate ) === $user_id ) {
				$ids[] = $candidate;
			}
		}
		return array_values( array_unique( $ids ) );
	}

	/**
	 * {@inheritDoc}
	 *
	 * A `store_owner` who owns a store.
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 */
	public function is_vendor( int $user_id ): bool {
		$user = $user_id > 0 ? get_userdata( $user_id ) : false;
		return $user && in_array( 'store_owner', (array) $user->roles, true ) && $this->store_id( $user_id ) > 0;
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 */
	public function vendor_roles(): array {
		return array( 'store_owner' );
	}

	/**
	 * The store entity, or null.
	 *
	 * @since 0.7.0
	 *
	 * @param int $store_id Store ID.
	 * @return \MultiVendorX\Store\Store|null
	 */
	private function store( int $store_id ): ?\MultiVendorX\Store\Store {
		if ( $store_id <= 0 ) {
			return null;
		}
		$store = \MultiVendorX\Store\Store::get_store( $store_id );
		return $store instanceof \MultiVendorX\Store\Store ? $store : null;
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 */
	protected function raw_store_name( int $user_id ): string {
		$store = $this->store( $this->store_id( $user_id ) );
		return $store ? (string) $store->get( \MultiVendorX\Utill::STORE_SETTINGS_KEYS['name'] ) : '';
	}

	/**
	 * {@inheritDoc}
	 *
	 * @since 0.7.0
	 *
	 * @param int $user_id User ID.
	 */
	public function store_url( int $user_id ): string {
		$store_id = $this->store_id( $user_id );
		if ( $store_id <= 0 ) {
			return '';
		}
		$store = MultiVendorX()->store;
		$util  = is_object( $store ) && ! is_wp_error( $store ) ? $store->storeutil : null;
		return is_object( $util ) && ! is_wp_error( $util ) ? (string) $util->get_store_url( $store_id ) : '';
	}

	/**
	 * {@inheritDoc}
	 *
	 * The primary owner of the product's store.
	 *
	 * @since 0.7.0
	 *
	 * @param int $product_id Product ID.
	 */
	public function product_vendor( int $product_id ): int {
		$store_id = (int) get_post_meta( $product_id, \MultiVendorX\Utill::POST_META_SETTINGS['store_id'], true );
		return $store_id > 0 ? (int) \MultiVendorX\Store\StoreUtil::get_primary_owner( $store_id ) : 0;
	}

	/**
	 * {@inheritDoc}
	 *
	 * Products whose store is one the vendor owns.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 */
	public function product_scope( int $vendor_id ): array {
		return array(
			'meta_key'    => \MultiVendorX\Utill::POST_META_SETTINGS['store_id'], // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key -- MultiVendorX's mapping.
			'meta_values' => $this->owned_stores( $vendor_id ),
		);
	}

	/**
	 * {@inheritDoc}
	 *
	 * MultiVendorX makes one sub-order per store of the order's items
	 * (`MultiVendorX()->order->create_store_orders()`, what its checkout hook
	 * calls) and marks the order as having them.
	 *
	 * @since 0.7.0
	 *
	 * @param \WC_Order $order The order.
	 */
	public function place_order( \WC_Order $order ): array {
		// MultiVendorX's container answers `order` through __get (isset() says false).
		$manager = $this->is_loaded() ? MultiVendorX()->order : null;
		if ( ! is_object( $manager ) || ! method_exists( $manager, 'create_store_orders' ) ) {
			return $this->vendors_of_items( $order );
		}
		$existing = (array) $manager->get_suborders( $order->get_id() );
		if ( ! $existing ) {
			$manager->create_store_orders( $order );
			$order->update_meta_data( \MultiVendorX\Utill::ORDER_META_SETTINGS['has_sub_order'], true );
			$order->save();
			$existing = (array) $manager->get_suborders( $order->get_id() );
		}
		$parts = array();
		foreach ( $existing as $suborder ) {
			if ( $suborder instanceof \WC_Order ) {
				$store_id = (int) $suborder->get_meta( \MultiVendorX\Utill::POST_META_SETTINGS['store_id'] );
				$owner    = $store_id > 0 ? (int) \MultiVendorX\Store\StoreUtil::get_primary_owner( $store_id ) : 0;
				$parts[ $owner ] = $suborder->get_id();
			}
		}
		return $parts ? $parts : $this->vendors_of_items( $order );
	}
}
