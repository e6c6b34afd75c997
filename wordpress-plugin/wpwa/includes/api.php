<?php
/**
 * The plugin's public functions for scripts and other plugins (global
 * namespace, `wpwa_` prefix).
 *
 * @package Wpwa\Plugin
 * @since   0.14.0
 */

defined( 'ABSPATH' ) || exit;

if ( ! function_exists( 'wpwa_move_store_to_wordpress_database' ) ) {
	/**
	 * Moves wpwa's store from its SQLite file into the WordPress database:
	 * every table copied, row counts and content hashes compared, and the site
	 * switched only when all match. A failed copy leaves the site on SQLite
	 * with nothing lost. The same as the "Move to the WordPress database"
	 * button of WhatsApp → Settings, without its capability check: call it
	 * from trusted code, e.g. with WP-CLI: `wp wpwa store move`.
	 *
	 * @since 0.14.0
	 *
	 * @return array<string,mixed> `ok`, `error` (a code or null), `message`
	 *                             (in words), `detail`, `tables` (each with
	 *                             `table`, `source_rows`, `target_rows`,
	 *                             `source_hash`, `target_hash`, `match`),
	 *                             `engine`, `started`, `finished`, `user_id`.
	 */
	function wpwa_move_store_to_wordpress_database(): array {
		return \Wpwa\Plugin\StoreMove::move();
	}
}

if ( ! function_exists( 'wpwa_remove_leftover_store_tables' ) ) {
	/**
	 * Removes wpwa's tables from the WordPress database while the site runs on
	 * its SQLite file (what a killed move, or a time on WPWA_STORE 'wordpress',
	 * left behind, and a new move refuses to copy over). The same as the
	 * *Remove the tables* button of WhatsApp → Settings → Storage, without its
	 * capability check. Refused while the site uses those tables.
	 *
	 * @since 0.15.0
	 *
	 * @return array{ok:bool,removed:int,message:string}
	 */
	function wpwa_remove_leftover_store_tables(): array {
		return \Wpwa\Plugin\StoreMove::remove_leftover_tables();
	}
}

if ( defined( 'WP_CLI' ) && WP_CLI && class_exists( 'WP_CLI' ) ) {
	/**
	 * `wp wpwa store move`: wpwa_move_store_to_wordpress_database(), with each
	 * table's rows and hashes as a table; exits non-zero when the site stayed
	 * on SQLite.
	 *
	 * @since 0.14.0
	 */
	WP_CLI::add_command(
		'wpwa store move',
		static function (): void {
			$result = wpwa_move_store_to_wordpress_database();
			if ( $result['tables'] ) {
				WP_CLI\Utils\format_items( 'table', $result['tables'], array( 'table', 'source_rows', 'target_rows', 'source_hash', 'target_hash', 'match' ) );
			}
			if ( ! empty( $result['detail'] ) ) {
				WP_CLI::log( (string) $result['detail'] );
			}
			if ( $result['ok'] ) {
				WP_CLI::success( (string) $result['message'] );
				return;
			}
			WP_CLI::error( (string) $result['message'] );
		}
	);

	/**
	 * `wp wpwa store remove-leftovers --yes`: wpwa_remove_leftover_store_tables();
	 * asks first unless `--yes` is given.
	 *
	 * @since 0.15.0
	 */
	WP_CLI::add_command(
		'wpwa store remove-leftovers',
		static function ( array $args, array $assoc_args ): void {
			WP_CLI::confirm( 'Remove wpwa\'s tables from the WordPress database? Their data is lost; the SQLite file is not touched.', $assoc_args );
			$result = wpwa_remove_leftover_store_tables();
			if ( $result['ok'] ) {
				WP_CLI::success( $result['message'] );
				return;
			}
			WP_CLI::error( $result['message'] );
		}
	);
}
