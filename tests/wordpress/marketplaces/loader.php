<?php
/**
 * The marketplace seam of the test and demo sites: one file per marketplace
 * plugin, tests/wordpress/marketplaces/<name>.php, name in
 * WPWA_MARKETPLACE_NAMES (wcfm | dokan | multivendorx | wcvendors). Each file
 * `return`s an array describing how that marketplace is switched on and how it
 * makes vendors, so seed.php, marketplace-cli.php and the demo stay the same
 * for all four:
 *
 *   'label'          => string
 *       The marketplace's name for people ("WCFM Marketplace").
 *   'plugins'        => string[]
 *       Plugin files to activate, in order, as WordPress names them
 *       ('wc-frontend-manager/wc_frontend_manager.php'). WooCommerce is not
 *       listed: it is always active first. The pinned versions live in
 *       scripts/lib/plugins.sh, the only place that names versions.
 *   'setup'          => callable(): void
 *       After activation: what a site owner finishes by hand or in the
 *       plugin's setup wizard (wizard-done flags, activation-redirect
 *       transients removed, options, the pages the plugin needs). Idempotent:
 *       runs on every seed.
 *   'create_vendor'  => callable( string $login, string $password, string $email, string $store_name ): int
 *       A vendor exactly as that marketplace's own registration makes one
 *       (role, store profile meta, approval/enabled flags), returning the user
 *       ID. Idempotent: an existing login is updated (password, e-mail, store
 *       name) and keeps its ID. The store name is stored as given (it may hold
 *       `&`).
 *   'assign_product' => callable( int $product_id, int $vendor_id ): void
 *       How the marketplace ties a product to a vendor (post_author for most;
 *       MultiVendorX 5: its store entity and `multivendorx_store_id`). Also
 *       used to move a product from one vendor to another.
 *   'dashboard_url'  => callable(): string
 *       Absolute URL of the vendor dashboard's base page.
 *
 * When each part runs: wpwa_marketplace_activate() activates 'plugins' in a
 * process where WooCommerce is already loaded (as clicking Activate in
 * wp-admin does); 'setup', 'create_vendor', 'assign_product' and
 * 'dashboard_url' are called only in a LATER process, where the marketplace's
 * plugins were loaded by WordPress the normal way (plugins_loaded, init done).
 * Product data itself always goes through WooCommerce's CRUD API; a
 * marketplace file only adds the marketplace's own tie.
 *
 * Test and demo only; never shipped.
 */

const WPWA_MARKETPLACE_NAMES = array( 'wcfm', 'dokan', 'multivendorx', 'wcvendors' );

/**
 * The description of one marketplace, checked against the interface above.
 *
 * @param string $name One of WPWA_MARKETPLACE_NAMES.
 * @return array<string,mixed>
 */
function wpwa_marketplace( string $name ): array {
	static $loaded = array();
	if ( isset( $loaded[ $name ] ) ) {
		return $loaded[ $name ];
	}
	if ( ! in_array( $name, WPWA_MARKETPLACE_NAMES, true ) ) {
		throw new InvalidArgumentException( "unknown marketplace '$name' (one of: " . implode( ', ', WPWA_MARKETPLACE_NAMES ) . ')' );
	}
	$file = __DIR__ . "/$name.php";
	if ( ! is_file( $file ) ) {
		throw new RuntimeException( "marketplace '$name' has no description yet ($file)" );
	}
	$def = require $file;
	if ( ! is_array( $def ) ) {
		throw new RuntimeException( "$file must return an array" );
	}
	foreach ( array( 'label' => 'is_string', 'plugins' => 'is_array', 'setup' => 'is_callable', 'create_vendor' => 'is_callable', 'assign_product' => 'is_callable', 'dashboard_url' => 'is_callable' ) as $key => $check ) {
		if ( ! isset( $def[ $key ] ) || ! $check( $def[ $key ] ) ) {
			throw new RuntimeException( "$file: '$key' is missing or not $check" );
		}
	}
	$loaded[ $name ] = $def;
	return $def;
}

/**
 * The marketplace whose plugins are all active on this site, if any.
 *
 * @return string|null
 */
function wpwa_marketplace_active(): ?string {
	foreach ( WPWA_MARKETPLACE_NAMES as $name ) {
		if ( is_file( __DIR__ . "/$name.php" ) && ! array_diff( wpwa_marketplace( $name )['plugins'], (array) get_option( 'active_plugins', array() ) ) ) {
			return $name;
		}
	}
	return null;
}

/**
 * The plugin files of every marketplace but $name (to deactivate them).
 *
 * @param string $name Marketplace to keep.
 * @return string[]
 */
function wpwa_marketplace_other_plugins( string $name ): array {
	$keep   = wpwa_marketplace( $name )['plugins'];
	$others = array();
	foreach ( WPWA_MARKETPLACE_NAMES as $other ) {
		if ( $other !== $name && is_file( __DIR__ . "/$other.php" ) ) {
			$others = array_merge( $others, wpwa_marketplace( $other )['plugins'] );
		}
	}
	return array_values( array_diff( array_unique( $others ), $keep ) );
}

/**
 * Switches the site to marketplace $name: deactivates the other marketplaces'
 * plugins (their deactivation hooks run, as from the Plugins screen), then
 * activates $name's in order. Needs wp-admin/includes/plugin.php and
 * WooCommerce loaded in this process.
 *
 * @param string $name Marketplace.
 * @return void
 */
function wpwa_marketplace_activate( string $name ): void {
	$def    = wpwa_marketplace( $name );
	$active = array_values( array_intersect( wpwa_marketplace_other_plugins( $name ), (array) get_option( 'active_plugins', array() ) ) );
	if ( $active ) {
		deactivate_plugins( $active );
	}
	foreach ( $def['plugins'] as $plugin ) {
		if ( is_plugin_active( $plugin ) ) {
			continue;
		}
		$result = activate_plugin( $plugin );
		if ( is_wp_error( $result ) ) {
			throw new RuntimeException( "activating $plugin: " . $result->get_error_message() );
		}
	}
}
