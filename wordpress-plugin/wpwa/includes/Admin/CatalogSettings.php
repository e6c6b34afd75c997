<?php
/**
 * The "Catalog" section of the settings page.
 *
 * @package Wpwa\Plugin
 * @since   0.3.0
 */

namespace Wpwa\Plugin\Admin;

use Wpwa\Plugin\Catalog\Config;
use Wpwa\Plugin\Catalog\Scheduler;
use Wpwa\Plugin\Rules;
use Wpwa\Plugin\Settings;
use function Wpwa\Plugin\esc_rule_attributes;

defined( 'ABSPATH' ) || exit;

/**
 * Registers the `wpwa_catalog` option in the settings page's group and its
 * fields: Cloud API catalog connection (catalog ID, sealed access token,
 * Graph version), batch size, image size limit, weekly schedule and currency.
 *
 * @since 0.3.0
 */
final class CatalogSettings {

	/**
	 * Hooks.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'admin_init', array( self::class, 'register' ), 30 );
		add_action( 'update_option_' . Config::OPTION, array( self::class, 'changed' ), 10, 0 );
		add_action( 'add_option_' . Config::OPTION, array( self::class, 'changed' ), 10, 0 );
	}

	/**
	 * Settings changed: the weekly event follows.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function changed(): void {
		delete_option( Scheduler::WEEKLY_SIGNATURE );
		Scheduler::ensure_weekly();
	}

	/**
	 * The setting, section and fields.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function register(): void {
		register_setting(
			Settings::GROUP,
			Config::OPTION,
			array(
				'type'              => 'object',
				'description'       => __( 'WhatsApp catalog sync settings.', 'wpwa' ),
				'sanitize_callback' => array( Config::class, 'sanitize' ),
				'default'           => Config::defaults(),
				'show_in_rest'      => false,
			)
		);
		add_settings_section(
			'wpwa_catalog',
			__( 'Catalog', 'wpwa' ),
			array( self::class, 'intro' ),
			SettingsPage::SLUG
		);
		$fields = array(
			'catalog_id'    => __( 'Catalog ID', 'wpwa' ),
			'access_token'  => __( 'Access token', 'wpwa' ),
			'graph_version' => __( 'Graph API version', 'wpwa' ),
			'batch_size'    => __( 'Batch size', 'wpwa' ),
			'image_max_mb'  => __( 'Image size limit', 'wpwa' ),
			'schedule'      => __( 'Scheduled sync', 'wpwa' ),
			'change_delay'  => __( 'Sync after a product change', 'wpwa' ),
			'currency'      => __( 'Currency', 'wpwa' ),
		);
		foreach ( $fields as $key => $label ) {
			add_settings_field(
				'wpwa_catalog_' . $key,
				$label,
				array( self::class, 'field_' . $key ),
				SettingsPage::SLUG,
				'wpwa_catalog',
				'schedule' === $key ? array() : array( 'label_for' => 'wpwa_catalog_' . $key )
			);
		}
	}

	/**
	 * Section introduction.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function intro(): void {
		echo '<p>' . esc_html__( 'Vendors sync their published products to the marketplace\'s WhatsApp catalog through the WhatsApp Business Cloud API. Only changed products are sent, in batches, resuming where they stopped.', 'wpwa' ) . '</p>';
		if ( Settings::get( 'sandbox_mode' ) ) {
			printf(
				'<p class="description">%s</p>',
				sprintf(
					/* translators: 1: sandbox URL, 2: catalog ID. */
					esc_html__( 'Sandbox mode is on: products go to the sandbox at %1$s with its own access token, into catalog %2$s unless you enter another catalog ID.', 'wpwa' ),
					'<code>' . esc_html( (string) Settings::get( 'sandbox_url' ) ) . '</code>',
					'<code>' . esc_html( '' !== (string) Config::get( 'catalog_id' ) ? (string) Config::get( 'catalog_id' ) : Config::SANDBOX_CATALOG_ID ) . '</code>'
				)
			);
		}
	}

	/**
	 * Name attribute of a field.
	 *
	 * @since 0.3.0
	 *
	 * @param string $key Key.
	 * @return string
	 */
	private static function name( string $key ): string {
		return Config::OPTION . '[' . $key . ']';
	}

	/**
	 * Field: catalog ID.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function field_catalog_id(): void {
		printf(
			'<input type="text" class="regular-text code" id="wpwa_catalog_catalog_id" name="%1$s" value="%2$s" inputmode="numeric"%3$s spellcheck="false" /><p class="description">%4$s</p>',
			esc_attr( self::name( 'catalog_id' ) ),
			esc_attr( (string) Config::get( 'catalog_id' ) ),
			esc_rule_attributes( Config::RULES_GROUP, 'catalog_id' ),
			esc_html__( 'The numeric ID of the catalog in Meta Commerce Manager that is connected to your WhatsApp Business account.', 'wpwa' )
		);
	}

	/**
	 * Field: access token (sealed, shown masked).
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function field_access_token(): void {
		Config::token()->render(
			'wpwa_catalog_access_token',
			self::name( 'access_token' ),
			self::name( 'access_token_clear' ),
			(string) Config::get( 'access_token' ),
			array(
				'saved'  => __( 'Saved token:', 'wpwa' ),
				'remove' => __( 'Remove the saved token', 'wpwa' ),
				'none'   => __( 'A system user access token with the catalog_management permission. Stored encrypted; never shown again. Not needed in sandbox mode.', 'wpwa' ),
			)
		);
	}

	/**
	 * Field: Graph version.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function field_graph_version(): void {
		printf(
			'<input type="text" class="small-text code" id="wpwa_catalog_graph_version" name="%1$s" value="%2$s"%3$s spellcheck="false" />',
			esc_attr( self::name( 'graph_version' ) ),
			esc_attr( (string) Config::get( 'graph_version' ) ),
			esc_rule_attributes( Config::RULES_GROUP, 'graph_version' )
		);
	}

	/**
	 * Field: batch size.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function field_batch_size(): void {
		printf(
			'<input type="number" class="small-text" id="wpwa_catalog_batch_size" name="%1$s" value="%2$d"%3$s step="1" /> %4$s<p class="description">%5$s</p>',
			esc_attr( self::name( 'batch_size' ) ),
			(int) Config::get( 'batch_size' ),
			esc_rule_attributes( Config::RULES_GROUP, 'batch_size' ),
			esc_html__( 'products per request', 'wpwa' ),
			esc_html__( 'The most WhatsApp takes per request is the default. Lower it if WhatsApp often answers with rate limits.', 'wpwa' )
		);
	}

	/**
	 * Field: image size limit.
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function field_image_max_mb(): void {
		printf(
			'<input type="number" class="small-text" id="wpwa_catalog_image_max_mb" name="%1$s" value="%2$d"%3$s step="1" /> %4$s<p class="description">%5$s</p>',
			esc_attr( self::name( 'image_max_mb' ) ),
			(int) Config::get( 'image_max_mb' ),
			esc_rule_attributes( Config::RULES_GROUP, 'image_max_mb' ),
			esc_html__( 'MB', 'wpwa' ),
			esc_html__( 'Products whose main image is larger are listed as needing attention. WhatsApp accepts JPG and PNG images up to 5 MB (the default).', 'wpwa' )
		);
	}

	/**
	 * Field: schedule (weekly on a day at an hour, or off).
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function field_schedule(): void {
		global $wp_locale;
		$s = Config::all();
		echo '<fieldset><legend class="screen-reader-text">' . esc_html__( 'Scheduled sync', 'wpwa' ) . '</legend>';
		printf(
			'<label for="wpwa_catalog_schedule" class="screen-reader-text">%1$s</label><select id="wpwa_catalog_schedule" name="%2$s"><option value="weekly" %3$s>%4$s</option><option value="off" %5$s>%6$s</option></select> ',
			esc_html__( 'Frequency', 'wpwa' ),
			esc_attr( self::name( 'schedule' ) ),
			selected( $s['schedule'], 'weekly', false ),
			esc_html__( 'Every week', 'wpwa' ),
			selected( $s['schedule'], 'off', false ),
			esc_html__( 'Off (vendors sync by hand and after changes)', 'wpwa' )
		);
		printf( '<label for="wpwa_catalog_schedule_day">%s</label> ', esc_html__( 'on', 'wpwa' ) );
		printf( '<select id="wpwa_catalog_schedule_day" name="%s">', esc_attr( self::name( 'schedule_day' ) ) );
		$days = Rules::field( Config::RULES_GROUP, 'schedule_day' );
		for ( $d = (int) ( $days['min'] ?? 0 ); null !== $days && $d <= (int) $days['max']; $d++ ) {
			printf( '<option value="%1$d" %2$s>%3$s</option>', (int) $d, selected( $s['schedule_day'], $d, false ), esc_html( $wp_locale ? $wp_locale->get_weekday( $d ) : (string) $d ) );
		}
		echo '</select> ';
		printf( '<label for="wpwa_catalog_schedule_hour">%s</label> ', esc_html__( 'at', 'wpwa' ) );
		printf( '<select id="wpwa_catalog_schedule_hour" name="%s">', esc_attr( self::name( 'schedule_hour' ) ) );
		$hours = Rules::field( Config::RULES_GROUP, 'schedule_hour' );
		for ( $h = (int) ( $hours['min'] ?? 0 ); null !== $hours && $h <= (int) $hours['max']; $h++ ) {
			printf( '<option value="%1$d" %2$s>%3$s</option>', (int) $h, selected( $s['schedule_hour'], $h, false ), esc_html( sprintf( '%02d:00', $h ) ) );
		}
		echo '</select></fieldset>';
		$next = Scheduler::next_weekly();
		printf(
			'<p class="description">%1$s %2$s</p>',
			esc_html__( 'Pick an off-peak hour (site time zone). Every vendor\'s catalog is synced then, and after they change a product (see below).', 'wpwa' ),
			null === $next ? '' : esc_html(
				sprintf(
					/* translators: %s: date and time. */
					__( 'Next run: %s.', 'wpwa' ),
					wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $next )
				)
			)
		);
	}

	/**
	 * Field: minutes between a product change and its vendor's sync.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function field_change_delay(): void {
		printf(
			'<input type="number" class="small-text" id="wpwa_catalog_change_delay" name="%1$s" value="%2$d"%3$s step="1" /> %4$s<p class="description">%5$s</p>',
			esc_attr( self::name( 'change_delay' ) ),
			(int) Config::get( 'change_delay' ),
			esc_rule_attributes( Config::RULES_GROUP, 'change_delay' ),
			esc_html__( 'minutes', 'wpwa' ),
			esc_html__( 'A vendor\'s catalog syncs this long after their last product change (in the dashboard, WooCommerce\'s REST API or an import), so that a burst of edits is sent once. 0 syncs at the next run of the background queue. Default 5.', 'wpwa' )
		);
	}

	/**
	 * Field: currency (WooCommerce's when it is active).
	 *
	 * @since 0.3.0
	 *
	 * @return void
	 */
	public static function field_currency(): void {
		if ( function_exists( 'get_woocommerce_currency' ) ) {
			printf(
				'<p id="wpwa_catalog_currency"><code>%1$s</code> — %2$s</p>',
				esc_html( Config::currency() ),
				esc_html__( 'the store currency set in WooCommerce.', 'wpwa' )
			);
			return;
		}
		printf(
			'<input type="text" class="small-text code" id="wpwa_catalog_currency" name="%1$s" value="%2$s"%3$s spellcheck="false" /><p class="description">%4$s</p>',
			esc_attr( self::name( 'currency' ) ),
			esc_attr( (string) Config::get( 'currency' ) ),
			esc_rule_attributes( Config::RULES_GROUP, 'currency' ),
			esc_html__( 'Three-letter ISO 4217 code of your prices, e.g. USD. Used while WooCommerce is not active; otherwise WooCommerce\'s currency applies.', 'wpwa' )
		);
	}
}
