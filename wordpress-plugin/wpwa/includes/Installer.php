<?php
/**
 * Activation, deactivation and version upgrades.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin;

use Throwable;
use WP_Site;

defined( 'ABSPATH' ) || exit;

/**
 * Sets the site up on activation (capability, dashboard page, data
 * directory, default settings) and tidies up on deactivation.
 *
 * @since 0.1.0
 */
final class Installer {

	/**
	 * Option holding the installed plugin version.
	 *
	 * @since 0.1.0
	 */
	public const VERSION_OPTION = 'wpwa_version';

	/**
	 * Option asking for a one-time rewrite flush on the next `init`.
	 *
	 * @since 0.1.0
	 */
	public const FLUSH_OPTION = 'wpwa_flush_rewrite_rules';

	/**
	 * Scheduled hooks the plugin may own (cleared on deactivation).
	 *
	 * @since 0.1.0
	 */
	public const CRON_HOOKS = array(
		Catalog\Scheduler::SLICE_HOOK,
		Catalog\Scheduler::VENDOR_HOOK,
		Catalog\Scheduler::WEEKLY_HOOK,
		Logs::PURGE_HOOK,
		Messages\Templates::REFRESH_HOOK,
	);

	/**
	 * Activation hook.
	 *
	 * @since 0.1.0
	 *
	 * @param bool $network_wide Whether the plugin is being network-activated.
	 * @return void
	 */
	public static function activate( $network_wide = false ): void {
		try {
			if ( is_multisite() && $network_wide ) {
				foreach ( get_sites(
					array(
						'fields' => 'ids',
						'number' => 0,
					)
				) as $site_id ) {
					switch_to_blog( (int) $site_id );
					self::activate_site();
					restore_current_blog();
				}
				return;
			}
			self::activate_site();
		} catch ( Throwable $e ) {
			// Activation must never white-screen; the admin notices explain what is missing.
			Core::report( $e );
		}
	}

	/**
	 * Sets up a site created after a network-wide activation.
	 *
	 * @since 0.1.0
	 *
	 * @param WP_Site $site New site.
	 * @return void
	 */
	public static function on_new_site( $site ): void {
		if ( ! $site instanceof WP_Site || ! function_exists( 'is_plugin_active_for_network' ) ) {
			return;
		}
		if ( ! is_plugin_active_for_network( WPWA_PLUGIN_BASENAME ) ) {
			return;
		}
		switch_to_blog( (int) $site->blog_id );
		try {
			self::activate_site();
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
		restore_current_blog();
	}

	/**
	 * Activation of the current site.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	private static function activate_site(): void {
		$admin = get_role( 'administrator' );
		if ( $admin && ! $admin->has_cap( Vendors::MANAGE_CAP ) ) {
			$admin->add_cap( Vendors::MANAGE_CAP );
		}

		// Store defaults once, so later saves go through update_option only.
		add_option( Settings::OPTION, Settings::defaults() );
		Messages\Config::verify_token();

		$page_id = self::ensure_dashboard_page();

		$dir = DataDir::ensure();
		if ( is_wp_error( $dir ) ) {
			Core::report( $dir->get_error_message() );
		}

		update_option( self::FLUSH_OPTION, 1 );
		// The next request (with the plugin's hooks loaded) lists every vendor anew.
		Messages\Directory::invalidate();
		$previous = (string) get_option( self::VERSION_OPTION, '' );
		update_option( self::VERSION_OPTION, WPWA_PLUGIN_VERSION );

		if ( Core::available() ) {
			Core::event(
				0,
				'info',
				'system',
				'plugin_activated',
				array( 'version' => WPWA_PLUGIN_VERSION ),
				array(
					'previous_version' => '' !== $previous ? $previous : null,
					'vendor_page_id'   => $page_id,
					'data_dir'         => is_wp_error( $dir ) ? null : $dir,
				)
			);
		}

		/**
		 * Fires after wpwa set up a site on activation.
		 *
		 * @since 0.1.0
		 *
		 * @param int $page_id ID of the vendor dashboard page (0 if none could be created).
		 */
		do_action( 'wpwa_activated', $page_id );
	}

	/**
	 * Makes sure a page holds the dashboard shortcode and that
	 * `wpwa_vendor_page_id` points at it. Creates "WhatsApp Management" only
	 * when no such page exists.
	 *
	 * @since 0.1.0
	 *
	 * @return int Page ID, 0 on failure.
	 */
	public static function ensure_dashboard_page(): int {
		global $wpdb;

		$current = (int) get_option( Settings::PAGE_OPTION, 0 );
		if ( $current > 0 ) {
			$post = get_post( $current );
			if ( $post && 'page' === $post->post_type && ! in_array( $post->post_status, array( 'trash', 'auto-draft', 'inherit' ), true ) ) {
				return $current;
			}
		}

		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching -- one-off lookup on activation.
		$existing = (int) $wpdb->get_var(
			$wpdb->prepare(
				"SELECT ID FROM {$wpdb->posts} WHERE post_type = 'page' AND post_status IN ('publish','private','draft','pending','future') AND post_content LIKE %s ORDER BY (post_status = 'publish') DESC, ID ASC LIMIT 1",
				'%' . $wpdb->esc_like( '[' . Frontend\Shortcode::TAG ) . '%'
			)
		);
		if ( $existing > 0 ) {
			update_option( Settings::PAGE_OPTION, $existing );
			return $existing;
		}

		// Menus set to "add new top-level pages" would list a vendors-only page.
		$auto_add = has_action( 'transition_post_status', '_wp_auto_add_pages_to_menu' );
		if ( false !== $auto_add ) {
			remove_action( 'transition_post_status', '_wp_auto_add_pages_to_menu', $auto_add );
		}
		$page_id = wp_insert_post(
			array(
				'post_title'     => __( 'WhatsApp Management', 'wpwa' ),
				'post_name'      => 'whatsapp-management',
				'post_content'   => '<!-- wp:shortcode -->[' . Frontend\Shortcode::TAG . ']<!-- /wp:shortcode -->',
				'post_status'    => 'publish',
				'post_type'      => 'page',
				'comment_status' => 'closed',
				'ping_status'    => 'closed',
			),
			true
		);
		if ( false !== $auto_add ) {
			add_action( 'transition_post_status', '_wp_auto_add_pages_to_menu', $auto_add, 3 );
		}
		if ( is_wp_error( $page_id ) ) {
			Core::report( 'Could not create the vendor dashboard page: ' . $page_id->get_error_message() );
			return 0;
		}

		update_option( Settings::PAGE_OPTION, (int) $page_id );
		return (int) $page_id;
	}

	/**
	 * Deactivation hook: clears scheduled events and drops the rewrite rules
	 * so they are rebuilt without the WCFM endpoint.
	 *
	 * @since 0.1.0
	 *
	 * @param bool $network_wide Whether the plugin is being network-deactivated.
	 * @return void
	 */
	public static function deactivate( $network_wide = false ): void {
		try {
			if ( is_multisite() && $network_wide ) {
				foreach ( get_sites(
					array(
						'fields' => 'ids',
						'number' => 0,
					)
				) as $site_id ) {
					switch_to_blog( (int) $site_id );
					self::deactivate_site();
					restore_current_blog();
				}
				return;
			}
			self::deactivate_site();
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
	}

	/**
	 * Deactivation of the current site.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	private static function deactivate_site(): void {
		// Vendors may change while the plugin's hooks are not loaded: rebuild on return.
		Messages\Directory::invalidate();
		// wp_unschedule_hook() also removes events scheduled with arguments (vendor, job).
		foreach ( self::CRON_HOOKS as $hook ) {
			wp_unschedule_hook( $hook );
		}
		if ( function_exists( 'as_unschedule_all_actions' ) ) {
			as_unschedule_all_actions( '', array(), 'wpwa' );
		}
		delete_option( self::FLUSH_OPTION );
		// Rebuilt on the next request, without this plugin's endpoint.
		delete_option( 'rewrite_rules' );

		if ( Core::available() ) {
			Core::event( 0, 'notice', 'system', 'plugin_deactivated' );
		}
	}

	/**
	 * Runs on `init` (late): one-time rewrite flush after activation, and
	 * upgrade steps when the code version changed without re-activation.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function maybe_upgrade(): void {
		if ( WPWA_PLUGIN_VERSION !== get_option( self::VERSION_OPTION ) ) {
			$admin = get_role( 'administrator' );
			if ( $admin && ! $admin->has_cap( Vendors::MANAGE_CAP ) ) {
				$admin->add_cap( Vendors::MANAGE_CAP );
			}
			add_option( Settings::OPTION, Settings::defaults() );
			Messages\Config::verify_token();
			update_option( self::VERSION_OPTION, WPWA_PLUGIN_VERSION );
			update_option( self::FLUSH_OPTION, 1 );
		}

		if ( get_option( self::FLUSH_OPTION ) ) {
			delete_option( self::FLUSH_OPTION );
			flush_rewrite_rules( false );
		}
	}
}
