<?php
/**
 * The [wpwa_vendor_dashboard] shortcode.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Frontend;

use Throwable;
use Wpwa\Plugin\Core;

defined( 'ABSPATH' ) || exit;

/**
 * Renders the vendor dashboard: the login form for guests, a clear message
 * for users who are not vendors, and the panels for vendors.
 *
 * @since 0.1.0
 */
final class Shortcode {

	/**
	 * Shortcode tag.
	 *
	 * @since 0.1.0
	 */
	public const TAG = 'wpwa_vendor_dashboard';

	/**
	 * Counter for unique element IDs when several dashboards render.
	 *
	 * @var int
	 */
	private static int $instance = 0;

	/**
	 * Hooks.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_shortcode( self::TAG, array( self::class, 'render' ) );
	}

	/**
	 * Shortcode callback. Never throws: any failure renders the "temporarily
	 * unavailable" notice and is reported to the PHP error log.
	 *
	 * @since 0.1.0
	 *
	 * @param array<string,string>|string $atts    Raw attributes (a string when none were given).
	 * @param string|null                 $content Enclosed content (unused).
	 * @param string                      $tag     Shortcode tag.
	 * @return string
	 */
	public static function render( $atts = array(), $content = null, $tag = '' ): string {
		unset( $content, $tag );
		try {
			$atts = self::sanitize_atts( is_array( $atts ) ? $atts : array() );
			return Dashboard::render( get_current_user_id(), $atts, ++self::$instance );
		} catch ( Throwable $e ) {
			Core::report( $e );
			Assets::enqueue_style();
			return Dashboard::unavailable_markup( array() );
		}
	}

	/**
	 * Applies defaults (through `shortcode_atts`, so the core filter
	 * `shortcode_atts_wpwa_vendor_dashboard` runs) and sanitizes every attribute.
	 *
	 * @since 0.1.0
	 *
	 * @param array<string,mixed> $raw Raw attributes.
	 * @return array{title:string,show_logs:bool,custom_class:string[]}
	 */
	public static function sanitize_atts( array $raw ): array {
		$atts = shortcode_atts(
			array(
				'title'        => '',
				'show_logs'    => 'yes',
				'custom_class' => '',
			),
			$raw,
			self::TAG
		);

		// The title is plain text. Markup in it is neutralised first, so that
		// sanitize_text_field() keeps it as visible text instead of silently
		// deleting it (with the text inside <script> elements); esc_html() on
		// output leaves the existing entities alone.
		$title = sanitize_text_field( htmlspecialchars( (string) $atts['title'], ENT_NOQUOTES | ENT_SUBSTITUTE, 'UTF-8', false ) );
		if ( '' === $title ) {
			$title = __( 'WhatsApp Dashboard', 'wpwa' );
		}

		$show_logs = strtolower( trim( (string) $atts['show_logs'] ) );
		$show_logs = in_array( $show_logs, array( 'yes', 'true', '1', 'on' ), true );

		$classes = array();
		foreach ( preg_split( '/\s+/', (string) $atts['custom_class'], -1, PREG_SPLIT_NO_EMPTY ) as $candidate ) {
			$class = sanitize_html_class( $candidate );
			if ( '' !== $class ) {
				$classes[ $class ] = $class;
			}
		}

		return array(
			'title'        => $title,
			'show_logs'    => $show_logs,
			'custom_class' => array_values( $classes ),
		);
	}
}
