<?php
/**
 * Uninstall: runs when an administrator deletes the plugin.
 *
 * Always removes the plugin's options, the `manage_wpwa` capability and the
 * plugin's user meta. Removes the store (sessions, sync history, messages,
 * activity log), the vendor dashboard page and the `wpwa_vendor` capability
 * only when the administrator opted in with the "Delete all WhatsApp data"
 * setting (`delete_data_on_uninstall`). The store goes from whichever engine
 * holds it: the SQLite file and the `{prefix}wpwa_*` tables of the WordPress
 * database (left by a move or by `WPWA_STORE`). Without that opt-in, the
 * record of a completed move (`wpwa_store_engine`) stays too, so that a
 * reinstalled plugin finds its data in the database again.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

defined( 'ABSPATH' ) || exit;
defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/includes/autoload.php';

// WordPress includes this file from inside a function.
global $wpdb;

if ( ! function_exists( 'wpwa_uninstall_site' ) ) {
	/**
	 * Cleans up the current site.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	function wpwa_uninstall_site(): void {
		global $wpdb;

		$settings    = get_option( 'wpwa_settings', array() );
		$delete_data = is_array( $settings ) && ! empty( $settings['delete_data_on_uninstall'] );

		if ( $delete_data ) {
			$page_id = (int) get_option( 'wpwa_vendor_page_id', 0 );
			if ( $page_id > 0 && 'page' === get_post_type( $page_id ) ) {
				wp_delete_post( $page_id, true );
			}
		}

		foreach ( array( 'wpwa_settings', 'wpwa_catalog', 'wpwa_messages', \Wpwa\Plugin\Catalog\Scheduler::WEEKLY_SIGNATURE, 'wpwa_vendor_page_id', 'wpwa_version', 'wpwa_flush_rewrite_rules', 'wpwa_gateway_connections', 'wpwa_cloud_connections', 'wpwa_log_last_purge', \Wpwa\Plugin\Privacy::LAST_PURGE_OPTION, \Wpwa\Plugin\Messages\Directory::STATE_OPTION, \Wpwa\Plugin\Messages\Templates::STATE_OPTION ) as $option ) {
			delete_option( $option );
		}
		// Deactivation already cleared these; a network uninstall may reach sites that never ran it.
		foreach ( \Wpwa\Plugin\Installer::CRON_HOOKS as $hook ) {
			wp_unschedule_hook( $hook );
		}
		\Wpwa\Plugin\Messages\Templates::unschedule();

		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching -- one-off cleanup.
		$wpdb->query(
			$wpdb->prepare(
				"DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s",
				$wpdb->esc_like( '_transient_wpwa_' ) . '%',
				$wpdb->esc_like( '_transient_timeout_wpwa_' ) . '%'
			)
		);

		$caps = array( 'manage_wpwa' );
		if ( $delete_data ) {
			$caps[] = 'wpwa_vendor';
		}
		foreach ( wp_roles()->role_objects as $role ) {
			foreach ( $caps as $cap ) {
				if ( $role->has_cap( $cap ) ) {
					$role->remove_cap( $cap );
				}
			}
		}

		// Capabilities granted to single users live in user meta.
		$cap_key = $wpdb->get_blog_prefix() . 'capabilities';
		foreach ( $caps as $cap ) {
			$user_ids = get_users(
				array(
					'blog_id'        => get_current_blog_id(),
					'fields'         => 'ID',
					'capability__in' => array( $cap ),
					'number'         => -1,
				)
			);
			foreach ( $user_ids as $user_id ) {
				$user = new WP_User( (int) $user_id );
				$own  = get_user_meta( (int) $user_id, $cap_key, true );
				if ( is_array( $own ) && array_key_exists( $cap, $own ) ) {
					$user->remove_cap( $cap );
				}
			}
		}

		// The store is one for the whole installation (a file in WPWA_DATA_DIR
		// or beside ABSPATH, or tables with the network's base prefix), so on a
		// network any site that opted in removes it, from both engines.
		if ( $delete_data ) {
			\Wpwa\Plugin\DataDir::delete_all();
			$dropped = \Wpwa\Plugin\Core::store_drop_database_tables( \Wpwa\Plugin\StoreConfig::database_options() );
			if ( is_wp_error( $dropped ) ) {
				\Wpwa\Plugin\Core::report( 'uninstall: the wpwa tables of the WordPress database were not removed: ' . $dropped->get_error_message() );
			}
			delete_site_option( \Wpwa\Plugin\StoreConfig::ENGINE_OPTION );
		}

		wp_cache_flush();
	}
}

// The store's installation-wide state (network options on a multisite).
delete_site_option( \Wpwa\Plugin\StoreMove::FLAG_OPTION );
delete_site_option( \Wpwa\Plugin\StoreMove::RESULT_OPTION );

// User meta is network-wide: remove the plugin's keys once.
// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching -- one-off cleanup.
$wpdb->query(
	$wpdb->prepare(
		"DELETE FROM {$wpdb->usermeta} WHERE meta_key LIKE %s",
		$wpdb->esc_like( 'wpwa_' ) . '%'
	)
);

if ( is_multisite() ) {
	foreach ( get_sites(
		array(
			'fields' => 'ids',
			'number' => 0,
		)
	) as $wpwa_site_id ) {
		switch_to_blog( (int) $wpwa_site_id );
		wpwa_uninstall_site();
		restore_current_blog();
	}
} else {
	wpwa_uninstall_site();
}
