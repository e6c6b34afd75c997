<?php
/**
 * Template loading with theme overrides.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * Finds and renders templates. A theme overrides `templates/<name>` of the
 * plugin by shipping `wpwa/<name>` (child theme first, then parent theme).
 *
 * @since 0.1.0
 */
final class Templates {

	/**
	 * Absolute path of the template to use.
	 *
	 * @since 0.1.0
	 *
	 * @param string $name Relative template name, e.g. `dashboard/dashboard.php`.
	 * @return string Empty string when the name is invalid or nothing is found.
	 */
	public static function locate( string $name ): string {
		$name = ltrim( str_replace( '\\', '/', $name ), '/' );
		if ( '' === $name || ! preg_match( '#^[a-z0-9_\-/]+\.php$#', $name ) || false !== strpos( $name, '..' ) ) {
			return '';
		}

		$template = locate_template( array( 'wpwa/' . $name ) );
		if ( ! $template ) {
			$template = WPWA_PLUGIN_DIR . 'templates/' . $name;
		}

		/**
		 * Filters the template file wpwa renders.
		 *
		 * @since 0.1.0
		 *
		 * @param string $template Absolute path of the template found.
		 * @param string $name     Relative template name, e.g. `dashboard/panel-connection.php`.
		 */
		$template = (string) apply_filters( 'wpwa_locate_template', $template, $name );

		return is_readable( $template ) ? $template : '';
	}

	/**
	 * Renders a template to a string. The template sees one variable, `$view`.
	 *
	 * @since 0.1.0
	 *
	 * @param string              $name Relative template name.
	 * @param array<string,mixed> $view Data for the template.
	 * @return string
	 * @throws \Throwable What the template throws, once its partial output is discarded.
	 */
	public static function render( string $name, array $view = array() ): string {
		$file = self::locate( $name );
		if ( '' === $file ) {
			return '';
		}

		$level = ob_get_level();
		ob_start();
		try {
			( static function ( string $wpwa_template_file, array $view ): void {
				include $wpwa_template_file;
			} )( $file, $view );
		} catch ( \Throwable $e ) {
			while ( ob_get_level() > $level ) {
				ob_end_clean();
			}
			throw $e;
		}
		return (string) ob_get_clean();
	}
}
