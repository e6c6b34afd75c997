<?php
/**
 * Tests of the dashboard shortcode's attribute sanitizer.
 *
 * @package Wpwa\Plugin\Tests
 */

use PHPUnit\Framework\TestCase;
use Wpwa\Plugin\Frontend\Shortcode;

/**
 * Shortcode::sanitize_atts(), on WordPress's shortcode_atts() and sanitizers.
 */
final class ShortcodeTest extends TestCase {

	/**
	 * Defaults apply when the shortcode has no attributes.
	 *
	 * @return void
	 */
	public function test_defaults(): void {
		$this->assertSame(
			array(
				'title'        => 'WhatsApp Dashboard',
				'show_logs'    => true,
				'custom_class' => array(),
			),
			Shortcode::sanitize_atts( array() )
		);
	}

	/**
	 * Markup in the title stays visible text; whitespace is collapsed.
	 *
	 * @return void
	 */
	public function test_title_is_plain_text(): void {
		$atts = Shortcode::sanitize_atts( array( 'title' => "  My <script>alert(1)</script>\n shop &amp; co " ) );
		$this->assertSame( 'My &lt;script&gt;alert(1)&lt;/script&gt; shop &amp; co', $atts['title'] );
	}

	/**
	 * Only yes, true, 1 and on (any case) show the log.
	 *
	 * @return void
	 */
	public function test_show_logs_switch(): void {
		foreach ( array( 'yes', 'TRUE', ' 1 ', 'On' ) as $on ) {
			$this->assertTrue( Shortcode::sanitize_atts( array( 'show_logs' => $on ) )['show_logs'], $on );
		}
		foreach ( array( 'no', '0', 'off', '', 'yess' ) as $off ) {
			$this->assertFalse( Shortcode::sanitize_atts( array( 'show_logs' => $off ) )['show_logs'], $off );
		}
	}

	/**
	 * Classes are sanitized one by one, duplicates and empties dropped.
	 *
	 * @return void
	 */
	public function test_custom_classes(): void {
		$this->assertSame(
			array( 'wide', 'dark-mode', 'xyz' ),
			Shortcode::sanitize_atts( array( 'custom_class' => " wide dark-mode\twide \"><  x\"y'z" ) )['custom_class']
		);
	}

	/**
	 * Unknown attributes are dropped, and WordPress's shortcode_atts filter for the tag runs.
	 *
	 * @return void
	 */
	public function test_runs_the_shortcode_atts_filter(): void {
		$filter = static function ( array $out ): array {
			$out['title'] = 'From a filter';
			return $out;
		};
		add_filter( 'shortcode_atts_' . Shortcode::TAG, $filter );
		try {
			$atts = Shortcode::sanitize_atts( array( 'unknown' => 'x' ) );
		} finally {
			remove_filter( 'shortcode_atts_' . Shortcode::TAG, $filter );
		}
		$this->assertSame( array( 'title', 'show_logs', 'custom_class' ), array_keys( $atts ) );
		$this->assertSame( 'From a filter', $atts['title'] );
	}
}
