<?php
/**
 * Vendor dashboard rendering (shared by the shortcode and the WCFM tab).
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Frontend;

use Throwable;
use Wpwa\Plugin\BusinessAccounts;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Catalog\Checks;
use Wpwa\Plugin\Sessions;
use Wpwa\Plugin\SessionStates;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Templates;
use Wpwa\Plugin\Texts;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * Builds the data of each panel and renders the templates.
 *
 * @since 0.1.0
 */
final class Dashboard {

	/**
	 * Number of log entries shown in the activity panel.
	 *
	 * @since 0.1.0
	 */
	public const LOG_LIMIT = 20;

	/**
	 * Renders the dashboard for a user.
	 *
	 * @since 0.1.0
	 *
	 * @param int                                                   $user_id  Current user ID (0 for guests).
	 * @param array{title:string,show_logs:bool,custom_class:string[]} $atts  Sanitized attributes.
	 * @param int                                                   $instance Instance number on the page.
	 * @return string
	 */
	public static function render( int $user_id, array $atts, int $instance = 1 ): string {
		$base = array(
			'title'      => (string) $atts['title'],
			'classes'    => array_merge( array( 'wpwa-vendor-dashboard' ), (array) $atts['custom_class'] ),
			'instance'   => $instance,
			'heading_id' => 'wpwa-dashboard-title-' . $instance,
			'is_sandbox' => (bool) Settings::get( 'sandbox_mode' ),
		);

		if ( $user_id <= 0 ) {
			Assets::enqueue_style();
			$base['classes'][] = 'wpwa-vendor-dashboard--guest';

			// The first form keeps WordPress's default IDs (themes and password
			// managers know them); further instances on the page get unique IDs.
			$suffix             = 1 === $instance ? '' : '-' . $instance;
			$base['login_form'] = wp_login_form(
				array(
					'echo'           => false,
					'form_id'        => 'loginform' . $suffix,
					'id_username'    => 'user_login' . $suffix,
					'id_password'    => 'user_pass' . $suffix,
					'id_remember'    => 'rememberme' . $suffix,
					'id_submit'      => 'wp-submit' . $suffix,
					'remember'       => true,
					'value_remember' => false,
				)
			);
			return Templates::render( 'dashboard/login.php', $base );
		}

		if ( ! Vendors::is_vendor( $user_id ) ) {
			Assets::enqueue_style();
			$user                 = get_userdata( $user_id );
			$base['classes'][]    = 'wpwa-vendor-dashboard--not-vendor';
			$base['display_name'] = $user ? (string) $user->display_name : '';
			$base['settings_url'] = Vendors::can_manage( $user_id ) ? admin_url( 'admin.php?page=wpwa-settings' ) : '';
			return Templates::render( 'dashboard/not-vendor.php', $base );
		}

		if ( ! Core::available() ) {
			Assets::enqueue_style();
			return self::unavailable_markup( $base );
		}

		Assets::enqueue_dashboard( $user_id );

		$base['vendor_id'] = $user_id;
		$base['panels']    = self::panels( $user_id, $atts );

		ob_start();
		/**
		 * Fires at the top of the vendor dashboard, after its title.
		 *
		 * @since 0.1.0
		 *
		 * @param int $vendor_id Vendor user ID.
		 */
		do_action( 'wpwa_vendor_dashboard_before', $user_id );
		$base['before_html'] = (string) ob_get_clean();
		// Coexistence: what happened to the WhatsApp Business account of the
		// vendor's own connection, and what to do (model 2). Ahead of the hook's
		// output, so dashboard.php overrides show it too.
		$base['before_html'] = self::business_account_notice( $user_id ) . $base['before_html'];

		$base['panels_html'] = '';
		foreach ( $base['panels'] as $id => $panel ) {
			$base['panels_html'] .= self::render_panel( $id, $panel, $user_id, $instance );
		}

		ob_start();
		/**
		 * Fires at the bottom of the vendor dashboard, after the last panel.
		 *
		 * @since 0.1.0
		 *
		 * @param int $vendor_id Vendor user ID.
		 */
		do_action( 'wpwa_vendor_dashboard_after', $user_id );
		$base['after_html'] = (string) ob_get_clean();

		return Templates::render( 'dashboard/dashboard.php', $base );
	}

	/**
	 * The notice about the WhatsApp Business account of the vendor's own
	 * Cloud API connection, or '' when all is well. A failure shows no notice
	 * rather than no dashboard.
	 *
	 * @since 0.15.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return string
	 */
	private static function business_account_notice( int $vendor_id ): string {
		try {
			$notice = BusinessAccounts::vendor_notice( $vendor_id );
			return null === $notice ? '' : Templates::render( 'dashboard/notice-business-account.php', $notice );
		} catch ( Throwable $e ) {
			Core::report( $e );
			return '';
		}
	}

	/**
	 * The "temporarily unavailable" notice.
	 *
	 * @since 0.1.0
	 *
	 * @param array<string,mixed> $base Base view data (title, classes…), may be empty.
	 * @return string
	 */
	public static function unavailable_markup( array $base ): string {
		$base += array(
			'title'      => __( 'WhatsApp Dashboard', 'wpwa' ),
			'classes'    => array( 'wpwa-vendor-dashboard' ),
			'heading_id' => 'wpwa-dashboard-title-unavailable',
			'is_sandbox' => false,
		);
		$base['classes'][] = 'wpwa-vendor-dashboard--unavailable';

		$html = '';
		try {
			$html = Templates::render( 'dashboard/unavailable.php', $base );
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
		if ( '' === $html ) {
			$html = sprintf(
				'<div class="wpwa-vendor-dashboard wpwa-vendor-dashboard--unavailable"><div class="wpwa-notice wpwa-notice--unavailable" role="status"><p>%s</p></div></div>',
				esc_html__( 'The WhatsApp dashboard is temporarily unavailable. Please try again later.', 'wpwa' )
			);
		}
		return $html;
	}

	/**
	 * The panel list for a vendor.
	 *
	 * @since 0.1.0
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param array<string,mixed> $atts      Sanitized shortcode attributes.
	 * @return array<string,array{title:string,template?:string,callback?:callable}>
	 */
	private static function panels( int $vendor_id, array $atts ): array {
		$panels = array(
			'connection' => array(
				'title'    => __( 'WhatsApp connection', 'wpwa' ),
				'template' => 'dashboard/panel-connection.php',
			),
			'products'   => array(
				'title'    => __( 'Products', 'wpwa' ),
				'template' => 'dashboard/panel-products.php',
			),
			'messages'    => array(
				'title'    => __( 'Customer messages', 'wpwa' ),
				'template' => 'dashboard/panel-messages.php',
			),
			'preferences' => array(
				'title'    => __( 'Preferences', 'wpwa' ),
				'template' => 'dashboard/panel-preferences.php',
			),
		);
		if ( ! empty( $atts['show_logs'] ) ) {
			$panels['logs'] = array(
				'title'    => __( 'Activity log', 'wpwa' ),
				'template' => 'dashboard/panel-logs.php',
			);
		}

		/**
		 * Filters the panels of the vendor dashboard, in display order.
		 *
		 * Each entry is keyed by a panel ID (used in the
		 * `wpwa_vendor_dashboard_before_{$id}` / `…_after_{$id}` hooks) and holds
		 * a `title` and either a `template` (relative to the plugin's
		 * `templates/` folder, overridable from the theme's `wpwa/` folder) or a
		 * `callback` that echoes the panel: `callback( int $vendor_id, array $panel )`.
		 * Built-in IDs: `connection`, `products`, `messages`, `preferences`, and
		 * `logs` (only when the shortcode has `show_logs="yes"`).
		 *
		 * @since 0.1.0
		 * @since 0.4.0 The `messages` panel (customer messages).
		 * @since 0.5.0 The `preferences` panel.
		 *
		 * @param array<string,array> $panels    Panels keyed by ID.
		 * @param int                 $vendor_id Vendor user ID.
		 * @param array               $atts      Sanitized shortcode attributes.
		 */
		$filtered = apply_filters( 'wpwa_vendor_dashboard_panels', $panels, $vendor_id, $atts );
		if ( ! is_array( $filtered ) ) {
			return $panels;
		}

		$clean = array();
		foreach ( $filtered as $id => $panel ) {
			$id = sanitize_key( (string) $id );
			if ( '' === $id || ! is_array( $panel ) ) {
				continue;
			}
			$has_template = isset( $panel['template'] ) && is_string( $panel['template'] ) && '' !== $panel['template'];
			$has_callback = isset( $panel['callback'] ) && is_callable( $panel['callback'] );
			if ( ! $has_template && ! $has_callback ) {
				continue;
			}
			$panel['title'] = isset( $panel['title'] ) ? (string) $panel['title'] : '';
			$clean[ $id ]   = $panel;
		}
		return $clean;
	}

	/**
	 * Renders one panel with its before/after hooks. A failing panel is
	 * replaced by a short notice; the rest of the dashboard still renders.
	 *
	 * @since 0.1.0
	 *
	 * @param string              $id        Panel ID.
	 * @param array<string,mixed> $panel     Panel definition.
	 * @param int                 $vendor_id Vendor user ID.
	 * @param int                 $instance  Dashboard instance number.
	 * @return string
	 */
	private static function render_panel( string $id, array $panel, int $vendor_id, int $instance ): string {
		$level = ob_get_level();
		ob_start();
		try {
			/**
			 * Fires before a dashboard panel. The dynamic part is the panel ID:
			 * `wpwa_vendor_dashboard_before_connection`,
			 * `wpwa_vendor_dashboard_before_products`,
			 * `wpwa_vendor_dashboard_before_logs`, or a custom panel's ID.
			 *
			 * @since 0.1.0
			 *
			 * @param int $vendor_id Vendor user ID.
			 */
			do_action( "wpwa_vendor_dashboard_before_{$id}", $vendor_id );

			if ( isset( $panel['callback'] ) && is_callable( $panel['callback'] ) ) {
				call_user_func( $panel['callback'], $vendor_id, $panel );
			} else {
				// Templates escape their own output.
				echo Templates::render( (string) $panel['template'], self::panel_view( $id, $panel, $vendor_id, $instance ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
			}

			/**
			 * Fires after a dashboard panel. The dynamic part is the panel ID:
			 * `wpwa_vendor_dashboard_after_connection`,
			 * `wpwa_vendor_dashboard_after_products`,
			 * `wpwa_vendor_dashboard_after_logs`, or a custom panel's ID.
			 *
			 * @since 0.1.0
			 *
			 * @param int $vendor_id Vendor user ID.
			 */
			do_action( "wpwa_vendor_dashboard_after_{$id}", $vendor_id );

			return (string) ob_get_clean();
		} catch ( Throwable $e ) {
			while ( ob_get_level() > $level ) {
				ob_end_clean();
			}
			Core::report( $e );
			return sprintf(
				'<section class="wpwa-panel wpwa-panel--%1$s wpwa-panel--error"><div class="wpwa-notice wpwa-notice--error" role="status"><p>%2$s</p></div></section>',
				esc_attr( $id ),
				esc_html__( 'This section could not be loaded right now. Please reload the page in a moment.', 'wpwa' )
			);
		}
	}

	/**
	 * Data of a built-in panel.
	 *
	 * @since 0.1.0
	 *
	 * @param string              $id        Panel ID.
	 * @param array<string,mixed> $panel     Panel definition.
	 * @param int                 $vendor_id Vendor user ID.
	 * @param int                 $instance  Dashboard instance number.
	 * @return array<string,mixed>
	 */
	private static function panel_view( string $id, array $panel, int $vendor_id, int $instance ): array {
		$view = array(
			'id'         => $id,
			'title'      => (string) $panel['title'],
			'heading_id' => sprintf( 'wpwa-panel-%s-%d', $id, $instance ),
			'vendor_id'  => $vendor_id,
		);

		switch ( $id ) {
			case 'connection':
				return $view + self::connection_data( $vendor_id );
			case 'products':
				return $view + self::products_data( $vendor_id );
			case 'messages':
				return $view + \Wpwa\Plugin\Messages\Panel::data( $vendor_id );
			case 'preferences':
				return $view + \Wpwa\Plugin\Messages\PreferencesForm::data( $vendor_id );
			case 'logs':
				return $view + self::logs_data( $vendor_id );
			default:
				return $view;
		}
	}

	/**
	 * Session status, with wording.
	 *
	 * @since 0.1.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>
	 */
	public static function connection_data( int $vendor_id ): array {
		$status = Sessions::status( $vendor_id );
		if ( is_wp_error( $status ) ) {
			$wording = SessionStates::describe( '' );
			return array(
				'state'       => 'unknown',
				'reason'      => null,
				'reason_text' => '',
				'label'       => $wording['label'],
				'guidance'    => $wording['guidance'],
				'tone'        => $wording['tone'],
				'phone'       => null,
				'since'       => null,
				'updated_at'  => null,
				'error'       => $status->get_error_message(),
			);
		}

		$session = Sessions::present( $status );
		$wording = SessionStates::describe( $session['state'] );
		return array(
			'state'       => '' !== $session['state'] ? $session['state'] : 'unknown',
			'reason'      => $session['reason'],
			'reason_text' => SessionStates::reason_message( $session['reason'], $session['phone'] ),
			'label'       => $wording['label'],
			'guidance'    => $wording['guidance'],
			'tone'        => $wording['tone'],
			'phone'       => $session['phone'],
			'since'       => $session['since'],
			'updated_at'  => $session['updated_at'],
			'error'       => '',
		);
	}

	/**
	 * The vendor's published product count.
	 *
	 * @since 0.1.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>
	 */
	public static function products_data( int $vendor_id ): array {
		return array(
			'published'  => Checks::published_count( $vendor_id ),
			'manage_url' => self::products_url( $vendor_id ),
		) + \Wpwa\Plugin\Catalog\Panel::data( $vendor_id );
	}

	/**
	 * The vendor's recent activity.
	 *
	 * @since 0.1.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>
	 */
	public static function logs_data( int $vendor_id ): array {
		$result = Core::log_query(
			array(
				'vendor_id' => $vendor_id,
				'limit'     => self::LOG_LIMIT,
			)
		);
		if ( is_wp_error( $result ) || ! is_array( $result ) ) {
			return array(
				'entries' => array(),
				'total'   => 0,
				'error'   => __( 'The activity log could not be loaded right now.', 'wpwa' ),
			);
		}

		$entries = array();
		foreach ( (array) ( $result['entries'] ?? array() ) as $entry ) {
			if ( ! is_array( $entry ) ) {
				continue;
			}
			$entries[] = array(
				'id'         => (int) ( $entry['id'] ?? 0 ),
				'level'      => sanitize_key( (string) ( $entry['level'] ?? 'info' ) ),
				'kind'       => (string) ( $entry['kind'] ?? '' ),
				'message'    => Texts::log_message( $entry ),
				'created_at' => (int) ( $entry['created_at'] ?? 0 ),
			);
		}

		return array(
			'entries' => $entries,
			'total'   => (int) ( $result['total'] ?? count( $entries ) ),
			'error'   => '',
		);
	}

	/**
	 * Where the vendor manages products, if anywhere.
	 *
	 * @since 0.1.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return string URL or empty string.
	 */
	private static function products_url( int $vendor_id ): string {
		$url = '';
		if ( function_exists( 'get_wcfm_products_url' ) ) {
			$url = (string) get_wcfm_products_url();
		} elseif ( function_exists( 'dokan_get_navigation_url' ) ) {
			$url = (string) dokan_get_navigation_url( 'products' );
		} elseif ( user_can( $vendor_id, 'edit_products' ) ) {
			$url = admin_url( 'edit.php?post_type=product' );
		}

		/**
		 * Filters the link to where a vendor manages their products (empty hides it).
		 *
		 * @since 0.1.0
		 *
		 * @param string $url       URL or empty string.
		 * @param int    $vendor_id Vendor user ID.
		 */
		return (string) apply_filters( 'wpwa_vendor_products_url', $url, $vendor_id );
	}
}
