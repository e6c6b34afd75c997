<?php
/**
 * Turns an installed WordPress (install.php) into a WooCommerce marketplace,
 * the way a site owner does it. Two stages, each its own process, so that
 * every step after an activation runs with the plugin loaded by WordPress:
 *
 *   php store.php activate     activates WooCommerce: its activation hook runs
 *                              WC_Install::install() (tables, roles, pages)
 *   php store.php configure    what the owner does next in wp-admin: the
 *                              first-load tasks of a new store (HPOS on),
 *                              coming-soon mode off, no tracking, no
 *                              marketplace suggestions, setup wizard done,
 *                              currency and country, the global product
 *                              attributes; then activates the
 *                              marketplace in WPWA_MARKETPLACE (default wcfm)
 *                              and deactivates the other three
 *
 * Idempotent. Environment: WPWA_DOCROOT, WPWA_SITE_URL, WPWA_MARKETPLACE.
 */

require __DIR__ . '/cli-bootstrap.php';
require $wpwa_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once __DIR__ . '/marketplaces/loader.php';
require_once __DIR__ . '/products.php';

const WPWA_STORE_WOOCOMMERCE = 'woocommerce/woocommerce.php';

function wpwa_store_fail( string $message ): void {
	fwrite( STDERR, "store: $message\n" );
	exit( 1 );
}

$stage = $argv[1] ?? '';

if ( 'activate' === $stage ) {
	if ( ! is_plugin_active( WPWA_STORE_WOOCOMMERCE ) ) {
		$result = activate_plugin( WPWA_STORE_WOOCOMMERCE );
		if ( is_wp_error( $result ) ) {
			wpwa_store_fail( 'activating WooCommerce: ' . $result->get_error_message() );
		}
	}
	fwrite( STDERR, 'WooCommerce ' . get_option( 'woocommerce_version' ) . " active\n" );
	exit( 0 );
}

if ( 'configure' !== $stage ) {
	wpwa_store_fail( "usage: store.php activate|configure (got '$stage')" );
}
if ( ! class_exists( 'WooCommerce' ) || ! did_action( 'woocommerce_init' ) ) {
	wpwa_store_fail( 'WooCommerce is not loaded (run store.php activate first)' );
}

// What WooCommerce does on the first wp-admin load after a fresh install
// (admin_init): for a new store with no orders this turns HPOS on.
WC_Install::newly_installed();

// Orders in WooCommerce's own tables, as in every new store since 8.2. Should
// the first-load task have declined (it does when an active plugin has not
// declared HPOS compatibility), the owner's switch in Settings → Advanced →
// Features, which is this call.
$hpos = wc_get_container()->get( Automattic\WooCommerce\Internal\DataStores\Orders\CustomOrdersTableController::class );
if ( ! $hpos->custom_orders_table_usage_is_enabled() ) {
	wc_get_container()->get( Automattic\WooCommerce\Internal\Features\FeaturesController::class )->change_feature_enable( 'custom_order_tables', true );
}
if ( ! $hpos->custom_orders_table_usage_is_enabled() ) {
	wpwa_store_fail( 'High-Performance Order Storage could not be turned on' );
}

// The options behind the settings screens a site owner would change.
$options = array(
	// Settings → Site visibility: live, not "coming soon".
	'woocommerce_coming_soon'                  => 'no',
	'woocommerce_store_pages_only'             => 'no',
	// Settings → Advanced → WooCommerce.com: no usage tracking, no suggestions.
	'woocommerce_allow_tracking'               => 'no',
	'woocommerce_show_marketplace_suggestions' => 'no',
	// Settings → General.
	'woocommerce_store_address'                => '1 Market Street',
	'woocommerce_store_city'                   => 'San Francisco',
	'woocommerce_store_postcode'               => '94105',
	'woocommerce_default_country'              => 'US:CA',
	'woocommerce_currency'                     => 'USD',
	'woocommerce_price_num_decimals'           => '2',
	// The setup task list, dismissed.
	'woocommerce_task_list_hidden'             => 'yes',
	'woocommerce_task_list_welcome_modal_dismissed' => 'yes',
);
foreach ( $options as $name => $value ) {
	update_option( $name, $value );
}
// The onboarding wizard ("core profiler"), skipped as its Skip link does.
$profile              = (array) get_option( 'woocommerce_onboarding_profile', array() );
$profile['skipped']   = true;
$profile['completed'] = true;
update_option( 'woocommerce_onboarding_profile', $profile );
delete_transient( '_wc_activation_redirect' );
// Products → Attributes: the global attributes the sample products use.
wpwa_products_create_attributes();

$name = getenv( 'WPWA_MARKETPLACE' ) ?: 'wcfm';
try {
	wpwa_marketplace_activate( $name );
} catch ( Throwable $e ) {
	wpwa_store_fail( $e->getMessage() );
}
flush_rewrite_rules( false );
fwrite( STDERR, sprintf( "store: WooCommerce %s, HPOS on, marketplace %s (%s)\n", WC()->version, $name, implode( ', ', wpwa_marketplace( $name )['plugins'] ) ) );
