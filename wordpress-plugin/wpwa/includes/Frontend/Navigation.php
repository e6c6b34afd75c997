<?php
/**
 * Keeps the vendors-only dashboard page out of the site's navigation.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Frontend;

use WP_Post;
use Wpwa\Plugin\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * The "WhatsApp Management" page is for vendors only; customers who find it in
 * the menu meet a login form or a "not a vendor" notice. WordPress lists every
 * published page in the menus it builds by itself: the Page List block (the
 * Navigation block's fallback in block themes such as Twenty Twenty-Five),
 * wp_list_pages() and wp_page_menu() (the fallback of classic menus). The page
 * is left out of those; it stays reachable by its URL, by the marketplace
 * dashboards' tabs, and in any menu an administrator builds by hand.
 *
 * @since 0.7.0
 */
final class Navigation {

	/**
	 * Hooks.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_filter( 'wp_list_pages_excludes', array( self::class, 'exclude_from_page_lists' ) );
		add_filter( 'register_block_type_args', array( self::class, 'wrap_page_list_block' ), 10, 2 );
	}

	/**
	 * The dashboard page to keep out of navigation, 0 for none.
	 *
	 * @since 0.7.0
	 *
	 * @return int
	 */
	public static function hidden_page_id(): int {
		$page_id = (int) get_option( Settings::PAGE_OPTION, 0 );
		/**
		 * Filters whether the vendor dashboard page is listed in the menus
		 * WordPress builds from the site's pages (Page List block,
		 * wp_list_pages(), wp_page_menu()). Default false: vendors reach it
		 * through their marketplace dashboard or its URL.
		 *
		 * @since 0.7.0
		 *
		 * @param bool $listed  Whether to list the page.
		 * @param int  $page_id ID of the dashboard page.
		 */
		$listed = (bool) apply_filters( 'wpwa_dashboard_page_in_navigation', false, $page_id );
		return $page_id > 0 && ! $listed ? $page_id : 0;
	}

	/**
	 * `wp_list_pages_excludes`: wp_list_pages() and wp_page_menu().
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $excludes Page IDs to leave out.
	 * @return array<int,int|string>
	 */
	public static function exclude_from_page_lists( $excludes ): array {
		$excludes = is_array( $excludes ) ? $excludes : array();
		$page_id  = self::hidden_page_id();
		if ( $page_id > 0 ) {
			$excludes[] = $page_id;
		}
		return $excludes;
	}

	/**
	 * `register_block_type_args`: the Page List block reads every page with
	 * get_pages() and has no exclusion of its own, so its renderer runs with
	 * the dashboard page filtered out of that one call. Wrapping the renderer
	 * (rather than hooking block rendering) also covers the Page List inside
	 * the Navigation block, which renders its inner blocks itself.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed  $args       Block type arguments.
	 * @param string $block_name Block type name.
	 * @return mixed
	 */
	public static function wrap_page_list_block( $args, $block_name ) {
		if ( 'core/page-list' !== $block_name || ! is_array( $args ) || empty( $args['render_callback'] ) || ! is_callable( $args['render_callback'] ) ) {
			return $args;
		}
		$render                  = $args['render_callback'];
		$args['render_callback'] = static function ( ...$params ) use ( $render ) {
			add_filter( 'get_pages', array( self::class, 'without_hidden_page' ) );
			try {
				return call_user_func_array( $render, $params );
			} finally {
				remove_filter( 'get_pages', array( self::class, 'without_hidden_page' ) );
			}
		};
		return $args;
	}

	/**
	 * `get_pages`, while a Page List block renders: the pages without the
	 * dashboard page.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $pages Pages.
	 * @return mixed
	 */
	public static function without_hidden_page( $pages ) {
		$page_id = self::hidden_page_id();
		if ( $page_id <= 0 || ! is_array( $pages ) ) {
			return $pages;
		}
		return array_values(
			array_filter(
				$pages,
				static function ( $page ) use ( $page_id ): bool {
					return ! ( $page instanceof WP_Post && (int) $page->ID === $page_id );
				}
			)
		);
	}
}
