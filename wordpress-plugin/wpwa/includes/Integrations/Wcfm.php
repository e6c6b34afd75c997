<?php
/**
 * WCFM Marketplace integration: a "WhatsApp" tab in the vendor dashboard.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Integrations;

use Throwable;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Frontend\Assets;
use Wpwa\Plugin\Frontend\Dashboard;
use Wpwa\Plugin\Frontend\Shortcode;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * Adds the WhatsApp tab to WCFM's vendor menu (`wcfm_menus`), registers its
 * endpoint (`wcfm_query_vars`), renders the dashboard inside WCFM
 * (`wcfm_load_views`) and loads the assets there. Every callback is harmless
 * when WCFM is not installed.
 *
 * @since 0.1.0
 */
final class Wcfm {

	/**
	 * Menu key and query var of the tab.
	 *
	 * @since 0.1.0
	 */
	public const ENDPOINT = 'wcfm-whatsapp';

	/**
	 * Hooks.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function init(): void {
		// Registered regardless of WCFM, so the entry can be inspected with
		// apply_filters( 'wcfm_menus', array() ).
		add_filter( 'wcfm_menus', array( self::class, 'add_menu' ), 20 );
		add_filter( 'wcfm_query_vars', array( self::class, 'add_query_var' ), 20 );
		add_filter( 'wcfm_endpoint_title', array( self::class, 'endpoint_title' ), 20, 2 );
		add_filter( 'wcfm_endpoints_slug', array( self::class, 'add_endpoint_slug' ), 20 );
		add_action( 'init', array( self::class, 'register_endpoint' ), 20 );
		add_action( 'wcfm_load_views', array( self::class, 'load_view' ), 20 );
		add_action( 'wcfm_load_scripts', array( self::class, 'load_assets' ), 20 );
		add_action( 'wcfm_load_styles', array( self::class, 'load_assets' ), 20 );
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
	public static function add_menu( $menus ): array {
		$menus = is_array( $menus ) ? $menus : array();
		try {
			$menus[ self::ENDPOINT ] = array(
				'label'    => __( 'WhatsApp', 'wpwa' ),
				'url'      => self::url(),
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
	public static function add_query_var( $vars ): array {
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
	public static function add_endpoint_slug( $slugs ): array {
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
	public static function register_endpoint(): void {
		global $WCFM_Query; // phpcs:ignore WordPress.NamingConventions.ValidVariableName.VariableNotSnakeCase -- WCFM's global.
		if ( ! is_object( $WCFM_Query ) ) { // phpcs:ignore WordPress.NamingConventions.ValidVariableName.VariableNotSnakeCase
			return;
		}
		try {
			if ( method_exists( $WCFM_Query, 'init_query_vars' ) ) { // phpcs:ignore WordPress.NamingConventions.ValidVariableName.VariableNotSnakeCase
				$WCFM_Query->init_query_vars(); // phpcs:ignore WordPress.NamingConventions.ValidVariableName.VariableNotSnakeCase
			}
			if ( method_exists( $WCFM_Query, 'add_endpoints' ) ) { // phpcs:ignore WordPress.NamingConventions.ValidVariableName.VariableNotSnakeCase
				$WCFM_Query->add_endpoints(); // phpcs:ignore WordPress.NamingConventions.ValidVariableName.VariableNotSnakeCase
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
	public static function endpoint_title( $title, $endpoint = '' ) {
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
	public static function load_view( $endpoint = '' ): void {
		if ( self::ENDPOINT !== $endpoint ) {
			return;
		}
		try {
			$atts = Shortcode::sanitize_atts( array( 'custom_class' => 'wpwa-vendor-dashboard--wcfm' ) );
			$html = Dashboard::render( get_current_user_id(), $atts, 100 );
		} catch ( Throwable $e ) {
			Core::report( $e );
			$html = Dashboard::unavailable_markup( array() );
		}
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
	public static function load_assets( $endpoint = '' ): void {
		if ( self::ENDPOINT !== $endpoint ) {
			return;
		}
		Assets::enqueue_style();
		$user_id = get_current_user_id();
		if ( $user_id > 0 && Core::available() && Vendors::is_vendor( $user_id ) ) {
			Assets::enqueue_dashboard( $user_id );
		}
	}

	/**
	 * URL of the WhatsApp tab: inside WCFM when WCFM is active, else the
	 * dashboard page, else the home page.
	 *
	 * @since 0.1.0
	 *
	 * @return string
	 */
	public static function url(): string {
		$url = '';
		if ( function_exists( 'wcfm_get_endpoint_url' ) && function_exists( 'get_wcfm_page' ) ) {
			$url = (string) wcfm_get_endpoint_url( self::ENDPOINT, '', get_wcfm_page() );
		}
		if ( '' === $url ) {
			$page_id = (int) get_option( Settings::PAGE_OPTION );
			if ( $page_id > 0 && 'publish' === get_post_status( $page_id ) ) {
				$url = (string) get_permalink( $page_id );
			}
		}
		if ( '' === $url ) {
			$url = home_url( '/' );
		}

		/**
		 * Filters the URL of the vendor's WhatsApp dashboard (the WCFM tab link).
		 *
		 * @since 0.1.0
		 *
		 * @param string $url URL.
		 */
		return (string) apply_filters( 'wpwa_vendor_dashboard_url', $url );
	}
}
