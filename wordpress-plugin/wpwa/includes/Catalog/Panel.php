<?php
/**
 * The Products panel of the vendor dashboard: data and assets.
 *
 * @package Wpwa\Plugin
 * @since   0.3.0
 */

namespace Wpwa\Plugin\Catalog;

use Throwable;
use Wpwa\Plugin\Core;

defined( 'ABSPATH' ) || exit;

/**
 * Gives `templates/dashboard/panel-products.php` its catalog data and loads
 * `assets/js/products.js` / `assets/css/products.css` where the panel renders.
 *
 * @since 0.3.0
 */
final class Panel {

	/**
	 * Script and style handle.
	 *
	 * @since 0.3.0
	 */
	public const HANDLE = 'wpwa-products';

	/**
	 * Hooks.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'wpwa_vendor_dashboard_before_products', array( self::class, 'enqueue' ) );
	}

	/**
	 * Catalog data of the panel.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array{catalog:array<string,mixed>|null,catalog_error:string}
	 */
	public static function data( int $vendor_id ): array {
		try {
			$overview = Sync::overview( $vendor_id );
		} catch ( Throwable $e ) {
			Core::report( $e );
			$overview = null;
		}
		if ( ! is_array( $overview ) ) {
			return array(
				'catalog'       => null,
				'catalog_error' => is_wp_error( $overview ) ? $overview->get_error_message() : __( 'Your catalog could not be checked right now.', 'wpwa' ),
			);
		}
		return array(
			'catalog'       => $overview,
			'catalog_error' => '',
		);
	}

	/**
	 * Loads the panel's script and stylesheet.
	 *
	 * @since 0.3.0
	 *
	 * @param int $vendor_id Vendor whose dashboard renders.
	 * @return void
	 */
	public static function enqueue( $vendor_id ): void {
		wp_enqueue_style( self::HANDLE, WPWA_PLUGIN_URL . 'assets/css/products.css', array(), WPWA_PLUGIN_VERSION );
		wp_enqueue_script(
			self::HANDLE,
			WPWA_PLUGIN_URL . 'assets/js/products.js',
			array(),
			WPWA_PLUGIN_VERSION,
			array(
				'in_footer' => true,
				'strategy'  => 'defer',
			)
		);
		if ( wp_scripts()->get_data( self::HANDLE, 'data' ) ) {
			return;
		}
		wp_localize_script(
			self::HANDLE,
			'wpwaProducts',
			array(
				'restUrl'  => esc_url_raw( rest_url( 'wpwa/v1/' ) ),
				'nonce'    => wp_create_nonce( 'wp_rest' ),
				'vendorId' => (int) $vendor_id,
				/**
				 * Filters how often (ms) the Products panel asks for progress while a sync runs.
				 *
				 * @since 0.3.0
				 *
				 * @param int $ms        Interval (at least 500).
				 * @param int $vendor_id Vendor user ID.
				 */
				'pollMs'   => max( 500, (int) apply_filters( 'wpwa_sync_poll_interval', 1000, (int) $vendor_id ) ),
				'i18n'     => array(
					'sync'          => __( 'Sync Products', 'wpwa' ),
					'syncing'       => __( 'Syncing…', 'wpwa' ),
					'starting'      => __( 'Checking your products…', 'wpwa' ),
					/* translators: 1: items answered, 2: items to send. */
					'progress'      => __( '%1$d of %2$d changes sent', 'wpwa' ),
					/* translators: %d: seconds. */
					'waiting'       => __( 'WhatsApp asked us to slow down; continuing in %d s…', 'wpwa' ),
					/* translators: 1: synced, 2: removed, 3: products needing attention. */
					'summary'       => __( '%1$d synced, %2$d removed, %3$d need attention', 'wpwa' ),
					/* translators: %d: products needing attention. */
					'upToDate'      => __( 'Your WhatsApp catalog was already up to date; %d need attention', 'wpwa' ),
					'failed'        => __( 'The sync stopped:', 'wpwa' ),
					'error'         => __( 'The sync could not be started:', 'wpwa' ),
					'sessionEnded'  => __( 'Your login session has ended. Reload the page to continue.', 'wpwa' ),
					/* translators: 1: date and time, 2: result. */
					'lastSync'      => __( 'Last sync: %1$s — %2$s', 'wpwa' ),
					/* translators: 1: synced, 2: removed, 3: rejected. */
					'lastResult'    => __( '%1$d synced, %2$d removed, %3$d rejected', 'wpwa' ),
					'edit'          => __( 'Edit product', 'wpwa' ),
					'rejected'      => __( 'Rejected by WhatsApp', 'wpwa' ),
					'invalid'       => __( 'Needs changes', 'wpwa' ),
					'noAttention'   => __( 'All your published products are ready for WhatsApp.', 'wpwa' ),
					/* translators: %s: retailer ID (SKU). */
					'sku'           => __( 'SKU %s', 'wpwa' ),
				),
			)
		);
	}
}
