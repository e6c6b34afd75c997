<?php
/**
 * Location and creation of the plugin's private data directory.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin;

use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Resolves where the extension's SQLite store lives and makes sure the
 * directory exists with tight permissions.
 *
 * Order: the `WPWA_DATA_DIR` constant; else `dirname( ABSPATH ) . '/wpwa-data'`
 * (outside the web root in a standard install); else, when that parent is not
 * writable, `WP_CONTENT_DIR . '/wpwa-data'` guarded by deny files.
 *
 * @since 0.1.0
 */
final class DataDir {

	/**
	 * File name of the SQLite store inside the data directory.
	 *
	 * @since 0.1.0
	 */
	public const STORE_FILE = 'wpwa.sqlite';

	/**
	 * Absolute path of the data directory, without a trailing slash.
	 *
	 * @since 0.1.0
	 *
	 * @return string
	 */
	public static function path(): string {
		if ( defined( 'WPWA_DATA_DIR' ) && is_string( WPWA_DATA_DIR ) && '' !== trim( WPWA_DATA_DIR ) ) {
			return untrailingslashit( wp_normalize_path( WPWA_DATA_DIR ) );
		}

		$parent  = dirname( untrailingslashit( ABSPATH ) );
		$outside = wp_normalize_path( $parent ) . '/wpwa-data';
		if ( is_dir( $outside ) || wp_is_writable( $parent ) ) {
			return $outside;
		}

		return untrailingslashit( wp_normalize_path( WP_CONTENT_DIR ) ) . '/wpwa-data';
	}

	/**
	 * Absolute path of the SQLite store file.
	 *
	 * @since 0.1.0
	 *
	 * @return string
	 */
	public static function store_path(): string {
		return self::path() . '/' . self::STORE_FILE;
	}

	/**
	 * Whether the data directory is inside the WordPress directory tree, which
	 * is usually served over HTTP.
	 *
	 * @since 0.1.0
	 *
	 * @return bool
	 */
	public static function is_inside_web_root(): bool {
		$dir  = trailingslashit( self::path() );
		$root = trailingslashit( wp_normalize_path( ABSPATH ) );
		if ( 0 === strpos( $dir, $root ) ) {
			return true;
		}
		$content = trailingslashit( wp_normalize_path( WP_CONTENT_DIR ) );
		return 0 === strpos( $dir, $content );
	}

	/**
	 * Creates the data directory when missing (mode 0700) and drops the
	 * deny-all files when it sits inside the web root.
	 *
	 * @since 0.1.0
	 *
	 * @return string|WP_Error The directory path, or an error when it cannot be used.
	 */
	public static function ensure() {
		$dir = self::path();

		if ( ! is_dir( $dir ) ) {
			if ( ! wp_mkdir_p( $dir ) ) {
				return new WP_Error(
					'wpwa_data_dir_unwritable',
					sprintf(
						/* translators: %s: directory path. */
						__( 'The data directory %s could not be created. Create it and make it writable by the web server, or define WPWA_DATA_DIR in wp-config.php.', 'wpwa' ),
						$dir
					),
					array( 'status' => 500 )
				);
			}
			// wp_mkdir_p() copies the parent's permissions; the store is private.
			chmod( $dir, 0700 ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_chmod
		}

		if ( ! wp_is_writable( $dir ) ) {
			return new WP_Error(
				'wpwa_data_dir_unwritable',
				sprintf(
					/* translators: %s: directory path. */
					__( 'The data directory %s is not writable by the web server.', 'wpwa' ),
					$dir
				),
				array( 'status' => 500 )
			);
		}

		if ( self::is_inside_web_root() ) {
			self::write_deny_files( $dir );
		}

		return $dir;
	}

	/**
	 * Writes index.php, .htaccess and web.config files that refuse HTTP access.
	 *
	 * Nginx ignores these files; the admin's System status box tells nginx users
	 * how to block the directory.
	 *
	 * @since 0.1.0
	 *
	 * @param string $dir Directory path.
	 * @return void
	 */
	private static function write_deny_files( string $dir ): void {
		$files = array(
			'index.php'  => "<?php\n// Silence is golden.\n",
			'.htaccess'  => "# Written by wpwa: the activity store must never be served.\n<IfModule mod_authz_core.c>\n\tRequire all denied\n</IfModule>\n<IfModule !mod_authz_core.c>\n\tOrder allow,deny\n\tDeny from all\n</IfModule>\n",
			'web.config' => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n\t<system.webServer>\n\t\t<authorization>\n\t\t\t<deny users=\"*\" />\n\t\t</authorization>\n\t</system.webServer>\n</configuration>\n",
		);

		foreach ( $files as $name => $contents ) {
			$file = $dir . '/' . $name;
			if ( ! file_exists( $file ) ) {
				// phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents
				file_put_contents( $file, $contents );
			}
		}
	}

	/**
	 * Removes the store (and its WAL/SHM side files), the deny files and the
	 * directory when it is left empty. Used by uninstall, only when the admin
	 * opted in to deleting data.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function delete_all(): void {
		$dir = self::path();
		if ( ! is_dir( $dir ) ) {
			return;
		}

		$files = array(
			self::STORE_FILE,
			self::STORE_FILE . '-wal',
			self::STORE_FILE . '-shm',
			self::STORE_FILE . '-journal',
			'index.php',
			'.htaccess',
			'web.config',
		);
		foreach ( $files as $name ) {
			$file = $dir . '/' . $name;
			if ( is_file( $file ) ) {
				wp_delete_file( $file );
			}
		}

		$left = scandir( $dir );
		// The directory may have been created by the server admin in a parent
		// PHP cannot write to; then it simply stays (empty).
		if ( is_array( $left ) && array() === array_diff( $left, array( '.', '..' ) ) && wp_is_writable( dirname( $dir ) ) ) {
			rmdir( $dir ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_rmdir
		}
	}
}
