<?php
/**
 * The "WhatsApp" admin menu and its Settings page.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Admin;

use Throwable;
use Wpwa\Plugin\CloudConnections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\DataDir;
use Wpwa\Plugin\Products\Readers;
use Wpwa\Plugin\Rules;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Vendors;
use function Wpwa\Plugin\esc_rule_attributes;

defined( 'ABSPATH' ) || exit;

/**
 * Top-level "WhatsApp" menu with a Settings page built on the Settings API,
 * a read-only System status box, and a Settings link on the Plugins screen.
 *
 * @since 0.1.0
 */
final class SettingsPage {

	/**
	 * Page slug.
	 *
	 * @since 0.1.0
	 */
	public const SLUG = 'wpwa-settings';

	/**
	 * Hook suffix of the page, once registered.
	 *
	 * @var string
	 */
	private static string $hook_suffix = '';

	/**
	 * Hooks.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'admin_menu', array( self::class, 'add_menu' ) );
		add_action( 'admin_init', array( self::class, 'register_settings' ) );
		add_action( 'admin_enqueue_scripts', array( self::class, 'enqueue' ) );
		add_filter( 'option_page_capability_' . Settings::GROUP, array( self::class, 'capability' ) );
		add_filter( 'plugin_action_links_' . WPWA_PLUGIN_BASENAME, array( self::class, 'action_links' ) );
		add_action( 'update_option_' . Settings::OPTION, array( self::class, 'log_changes' ), 10, 2 );
		add_filter( 'pre_update_option_' . Settings::OPTION, array( self::class, 'apply_access' ), 10, 1 );
	}

	/**
	 * Capability needed to save the settings.
	 *
	 * @since 0.1.0
	 *
	 * @return string
	 */
	public static function capability(): string {
		return Vendors::MANAGE_CAP;
	}

	/**
	 * Registers the menu and the page.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function add_menu(): void {
		add_menu_page(
			__( 'WhatsApp', 'wpwa' ),
			__( 'WhatsApp', 'wpwa' ),
			Vendors::MANAGE_CAP,
			self::SLUG,
			array( self::class, 'render' ),
			'dashicons-whatsapp',
			56
		);
		self::$hook_suffix = (string) add_submenu_page(
			self::SLUG,
			__( 'WhatsApp settings', 'wpwa' ),
			__( 'Settings', 'wpwa' ),
			Vendors::MANAGE_CAP,
			self::SLUG,
			array( self::class, 'render' )
		);
	}

	/**
	 * Admin stylesheet, on this page only.
	 *
	 * @since 0.1.0
	 *
	 * @param string $hook_suffix Current admin page.
	 * @return void
	 */
	public static function enqueue( $hook_suffix ): void {
		if ( '' === self::$hook_suffix || $hook_suffix !== self::$hook_suffix ) {
			return;
		}
		self::enqueue_style();
	}

	/**
	 * The admin stylesheet of every wpwa admin page.
	 *
	 * @since 0.6.0
	 *
	 * @return void
	 */
	public static function enqueue_style(): void {
		wp_enqueue_style( 'wpwa-admin', WPWA_PLUGIN_URL . 'assets/css/admin.css', array(), WPWA_PLUGIN_VERSION );
	}

	/**
	 * Adds a page under the WhatsApp menu for users with `manage_wpwa`, with the
	 * admin stylesheet.
	 *
	 * @since 0.6.0
	 *
	 * @param string   $page_title Page title.
	 * @param string   $menu_title Menu label.
	 * @param string   $slug       Page slug.
	 * @param callable $render     Renders the page.
	 * @return void
	 */
	public static function add_subpage( string $page_title, string $menu_title, string $slug, callable $render ): void {
		$hook = add_submenu_page( self::SLUG, $page_title, $menu_title, Vendors::MANAGE_CAP, $slug, $render );
		if ( $hook ) {
			add_action( 'admin_print_styles-' . $hook, array( self::class, 'enqueue_style' ) );
		}
	}

	/**
	 * Settings link on the Plugins screen.
	 *
	 * @since 0.1.0
	 *
	 * @param mixed $links Action links.
	 * @return array<int|string,string>
	 */
	public static function action_links( $links ): array {
		$links = is_array( $links ) ? $links : array();
		if ( current_user_can( Vendors::MANAGE_CAP ) ) {
			array_unshift(
				$links,
				sprintf(
					'<a href="%s">%s</a>',
					esc_url( admin_url( 'admin.php?page=' . self::SLUG ) ),
					esc_html__( 'Settings', 'wpwa' )
				)
			);
		}
		return $links;
	}

	/**
	 * Registers the setting, its sections and fields.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function register_settings(): void {
		register_setting(
			Settings::GROUP,
			Settings::OPTION,
			array(
				'type'              => 'object',
				'description'       => __( 'WhatsApp integration settings.', 'wpwa' ),
				'sanitize_callback' => array( Settings::class, 'sanitize' ),
				'default'           => Settings::defaults(),
				'show_in_rest'      => false,
			)
		);

		add_settings_section(
			'wpwa_integration',
			__( 'Integration model', 'wpwa' ),
			static function () {
				echo '<p>' . esc_html__( 'How the marketplace connects to the WhatsApp Business Platform.', 'wpwa' ) . '</p>';
			},
			self::SLUG
		);
		add_settings_field(
			'wpwa_integration_model',
			__( 'Model', 'wpwa' ),
			array( self::class, 'field_model' ),
			self::SLUG,
			'wpwa_integration'
		);

		add_settings_field(
			'wpwa_central_cloud_connection',
			__( 'Central Cloud API connection', 'wpwa' ),
			array( self::class, 'field_central_connection' ),
			self::SLUG,
			'wpwa_integration',
			array( 'label_for' => 'wpwa_central_cloud_connection' )
		);

		add_settings_section(
			'wpwa_sandbox',
			__( 'Sandbox', 'wpwa' ),
			static function () {
				echo '<p>' . esc_html__( 'Like a payment gateway\'s test mode: with sandbox mode on, every WhatsApp call goes to the local wpwa sandbox, which simulates sessions, QR codes, catalogs and messages. Nothing reaches WhatsApp.', 'wpwa' ) . '</p>';
			},
			self::SLUG
		);
		add_settings_field(
			'wpwa_sandbox_mode',
			__( 'Sandbox mode', 'wpwa' ),
			array( self::class, 'field_sandbox_mode' ),
			self::SLUG,
			'wpwa_sandbox',
			array( 'label_for' => 'wpwa_sandbox_mode' )
		);
		add_settings_field(
			'wpwa_sandbox_url',
			__( 'Sandbox URL', 'wpwa' ),
			array( self::class, 'field_sandbox_url' ),
			self::SLUG,
			'wpwa_sandbox',
			array( 'label_for' => 'wpwa_sandbox_url' )
		);

		add_settings_section(
			'wpwa_console',
			__( 'Access and activity log', 'wpwa' ),
			'__return_false',
			self::SLUG
		);
		add_settings_field(
			'wpwa_shop_manager_access',
			__( 'Shop managers', 'wpwa' ),
			array( self::class, 'field_shop_manager_access' ),
			self::SLUG,
			'wpwa_console',
			array( 'label_for' => 'wpwa_shop_manager_access' )
		);
		add_settings_field(
			'wpwa_log_retention_days',
			__( 'Keep activity log', 'wpwa' ),
			array( self::class, 'field_log_retention_days' ),
			self::SLUG,
			'wpwa_console',
			array( 'label_for' => 'wpwa_log_retention_days' )
		);

		add_settings_section(
			'wpwa_data',
			__( 'Data', 'wpwa' ),
			'__return_false',
			self::SLUG
		);
		add_settings_field(
			'wpwa_delete_data_on_uninstall',
			__( 'On uninstall', 'wpwa' ),
			array( self::class, 'field_delete_data' ),
			self::SLUG,
			'wpwa_data',
			array( 'label_for' => 'wpwa_delete_data_on_uninstall' )
		);
	}

	/**
	 * Field: integration model.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function field_model(): void {
		$value   = Settings::get( 'integration_model' );
		$choices = array(
			'central'    => array(
				__( 'Central account', 'wpwa' ),
				__( 'One WhatsApp Business account for the whole marketplace; each vendor links their own WhatsApp session.', 'wpwa' ),
			),
			'per_vendor' => array(
				__( 'Account per vendor', 'wpwa' ),
				__( 'Each vendor has their own WhatsApp Business API account, connected through the marketplace and assigned by you.', 'wpwa' ),
			),
		);
		echo '<fieldset><legend class="screen-reader-text">' . esc_html__( 'Integration model', 'wpwa' ) . '</legend>';
		foreach ( $choices as $key => $choice ) {
			printf(
				'<label class="wpwa-choice"><input type="radio" name="%1$s[integration_model]" value="%2$s" %3$s /> <strong>%4$s</strong><span class="description">%5$s</span></label>',
				esc_attr( Settings::OPTION ),
				esc_attr( $key ),
				checked( $value, $key, false ),
				esc_html( $choice[0] ),
				esc_html( $choice[1] )
			);
		}
		echo '</fieldset>';
	}

	/**
	 * Field: the Cloud API connection of the central model.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function field_central_connection(): void {
		$current = (string) Settings::get( 'central_cloud_connection' );
		printf( '<select id="wpwa_central_cloud_connection" name="%s[central_cloud_connection]">', esc_attr( Settings::OPTION ) );
		printf( '<option value="">%s</option>', esc_html__( '— the catalog ID and access token of the Catalog section —', 'wpwa' ) );
		foreach ( CloudConnections::all() as $id => $conn ) {
			printf( '<option value="%1$s"%2$s>%3$s</option>', esc_attr( $id ), selected( $current, $id, false ), esc_html( $conn['label'] . ' (' . $id . ')' ) );
		}
		echo '</select>';
		printf( '<p class="description">%s</p>', esc_html__( 'Central account model: every vendor\'s catalog syncs through this connection (define it under "WhatsApp Business Cloud API connections" below, where it can be tested).', 'wpwa' ) );
	}

	/**
	 * Field: sandbox mode.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function field_sandbox_mode(): void {
		printf(
			'<label><input type="checkbox" id="wpwa_sandbox_mode" name="%1$s[sandbox_mode]" value="1" %2$s /> %3$s</label><p class="description">%4$s</p>',
			esc_attr( Settings::OPTION ),
			checked( (bool) Settings::get( 'sandbox_mode' ), true, false ),
			esc_html__( 'Use the local sandbox instead of the real WhatsApp services', 'wpwa' ),
			esc_html__( 'Recommended until your WhatsApp Business account is set up. Turn it off only when the live connection is configured.', 'wpwa' )
		);
	}

	/**
	 * Field: sandbox URL.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function field_sandbox_url(): void {
		printf(
			'<input type="url" class="regular-text code" id="wpwa_sandbox_url" name="%1$s[sandbox_url]" value="%2$s" placeholder="%3$s" inputmode="url" spellcheck="false" /><p class="description">%4$s</p>',
			esc_attr( Settings::OPTION ),
			esc_attr( (string) Settings::get( 'sandbox_url' ) ),
			esc_attr( Settings::DEFAULT_SANDBOX_URL ),
			esc_html__( 'Address of the wpwa-sandbox server. It must run on this machine: an http:// URL on 127.0.0.1, ::1 or localhost.', 'wpwa' )
		);
	}

	/**
	 * Field: give shop managers the manage_wpwa capability.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function field_shop_manager_access(): void {
		$role = get_role( 'shop_manager' );
		printf(
			'<label><input type="checkbox" id="wpwa_shop_manager_access" name="%1$s[shop_manager_access]" value="1" %2$s %3$s /> %4$s</label><p class="description">%5$s</p>',
			esc_attr( Settings::OPTION ),
			checked( null !== $role && $role->has_cap( Vendors::MANAGE_CAP ), true, false ),
			disabled( null === $role, true, false ),
			esc_html__( 'Let shop managers use this console', 'wpwa' ),
			null === $role
				? esc_html__( 'There is no Shop manager role on this site (it comes with WooCommerce).', 'wpwa' )
				/* translators: %s: capability name. */
				: sprintf( esc_html__( 'Grants the %s capability to the Shop manager role. Administrators always have it; any role or user can be given it with a role editor.', 'wpwa' ), '<code>' . esc_html( Vendors::MANAGE_CAP ) . '</code>' )
		);
	}

	/**
	 * Field: activity log retention.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function field_log_retention_days(): void {
		printf(
			'<input type="number" class="small-text" id="wpwa_log_retention_days" name="%1$s[log_retention_days]" value="%2$d"%3$s step="1" /> %4$s<p class="description">%5$s</p>',
			esc_attr( Settings::OPTION ),
			(int) Settings::get( 'log_retention_days' ),
			esc_rule_attributes( Settings::RULES_GROUP, 'log_retention_days' ),
			esc_html__( 'days', 'wpwa' ),
			esc_html__( 'Older activity log entries are deleted once a day.', 'wpwa' )
		);
	}

	/**
	 * Field: delete data on uninstall.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function field_delete_data(): void {
		printf(
			'<label><input type="checkbox" id="wpwa_delete_data_on_uninstall" name="%1$s[delete_data_on_uninstall]" value="1" %2$s /> %3$s</label><p class="description">%4$s</p>',
			esc_attr( Settings::OPTION ),
			checked( (bool) Settings::get( 'delete_data_on_uninstall' ), true, false ),
			esc_html__( 'Delete all WhatsApp data when the plugin is deleted', 'wpwa' ),
			esc_html__( 'Removes the store (sessions, sync history, messages, activity log), the vendor dashboard page and vendor assignments. Settings and the administrator capability are always removed.', 'wpwa' )
		);
	}

	/**
	 * Renders the page.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function render(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		$sandbox = (bool) Settings::get( 'sandbox_mode' );
		?>
		<div class="wrap wpwa-settings">
			<h1 class="wpwa-settings__title">
				<?php esc_html_e( 'WhatsApp settings', 'wpwa' ); ?>
				<?php if ( $sandbox ) : ?>
					<span class="wpwa-tag wpwa-tag--sandbox"><?php esc_html_e( 'Sandbox mode', 'wpwa' ); ?></span>
				<?php else : ?>
					<span class="wpwa-tag wpwa-tag--live"><?php esc_html_e( 'Live mode', 'wpwa' ); ?></span>
				<?php endif; ?>
			</h1>
			<?php
			settings_errors();
			GatewaySettings::flash();
			?>
			<div class="wpwa-settings__layout">
				<div class="wpwa-settings__main">
					<form action="<?php echo esc_url( admin_url( 'options.php' ) ); ?>" method="post">
						<?php
						settings_fields( Settings::GROUP );
						do_settings_sections( self::SLUG );
						submit_button( __( 'Save settings', 'wpwa' ) );
						?>
					</form>
					<?php
					/**
					 * Fires below the settings form of the WhatsApp settings page
					 * (the gateway connections box hooks here).
					 *
					 * @since 0.2.0
					 */
					do_action( 'wpwa_settings_page_after_form' );
					?>
				</div>
				<aside class="wpwa-settings__side">
					<?php self::render_status(); ?>
				</aside>
			</div>
		</div>
		<?php
	}

	/**
	 * The read-only System status box.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	private static function render_status(): void {
		?>
		<div class="wpwa-card wpwa-status-box">
			<h2><?php esc_html_e( 'System status', 'wpwa' ); ?></h2>
			<?php
			if ( ! Core::available() ) {
				echo '<p class="wpwa-status-line wpwa-status-line--bad"><strong>' . esc_html__( 'PHP extension not loaded', 'wpwa' ) . '</strong></p>';
				echo '<p>' . esc_html__( 'Vendor dashboards show "temporarily unavailable" and the REST API answers 503 until the extension is installed:', 'wpwa' ) . '</p>';
				Notices::install_steps();
				echo '</div>';
				return;
			}

			$rows = array();
			try {
				$info = Core::info();
				if ( is_wp_error( $info ) ) {
					echo '<p class="wpwa-status-line wpwa-status-line--bad">' . esc_html( $info->get_error_message() ) . '</p>';
					$info = array();
				}
				$rows = array(
					__( 'Extension version', 'wpwa' ) => (string) ( $info['version'] ?? '' ),
					__( 'Build', 'wpwa' )             => (string) ( $info['build'] ?? '' ),
					__( 'PHP API', 'wpwa' )           => (string) ( $info['php_api'] ?? '' ),
					__( 'Store', 'wpwa' )             => (string) ( $info['store_path'] ?? $info['store_location'] ?? __( 'not opened', 'wpwa' ) ),
					__( 'Schema version', 'wpwa' )    => (string) (int) ( $info['schema_version'] ?? 0 ),
					__( 'Plugin version', 'wpwa' )    => WPWA_PLUGIN_VERSION,
					__( 'Product reader', 'wpwa' )    => Readers::get()->name(),
				);
				if ( ! empty( $info['store_error'] ) ) {
					echo '<p class="wpwa-status-line wpwa-status-line--bad">' . esc_html( (string) $info['store_error'] ) . '</p>';
				}
			} catch ( Throwable $e ) {
				Core::report( $e );
				echo '<p class="wpwa-status-line wpwa-status-line--bad">' . esc_html__( 'The extension could not report its status.', 'wpwa' ) . '</p>';
			}
			?>
			<table class="wpwa-status-table">
				<tbody>
				<?php foreach ( $rows as $label => $value ) : ?>
					<tr>
						<th scope="row"><?php echo esc_html( $label ); ?></th>
						<td><code><?php echo esc_html( '' !== $value ? $value : '—' ); ?></code></td>
					</tr>
				<?php endforeach; ?>
				</tbody>
			</table>
			<?php
			if ( DataDir::is_inside_web_root() ) {
				echo '<p class="wpwa-status-line wpwa-status-line--warn">';
				printf(
					/* translators: 1: directory path, 2: constant name, 3: nginx rule. */
					esc_html__( 'The data directory %1$s is inside the web root. Apache and IIS are blocked by the files wpwa wrote there; on nginx add %3$s, or better, define %2$s in wp-config.php to a directory outside the web root.', 'wpwa' ),
					'<code>' . esc_html( DataDir::path() ) . '</code>',
					'<code>WPWA_DATA_DIR</code>',
					'<code>location ~ /wpwa-data/ { deny all; }</code>'
				);
				echo '</p>';
			}
			self::render_sandbox_status();
			self::render_page_status();
			?>
		</div>
		<?php
	}

	/**
	 * Sandbox reachability (only in sandbox mode).
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	private static function render_sandbox_status(): void {
		if ( ! Settings::get( 'sandbox_mode' ) ) {
			return;
		}
		$reach = SiteHealth::reachability();
		$url   = $reach['target'];
		if ( $reach['ok'] ) {
			echo '<p class="wpwa-status-line wpwa-status-line--good">';
			printf(
				/* translators: 1: sandbox URL, 2: what the sandbox answered. */
				esc_html__( 'Sandbox at %1$s: %2$s.', 'wpwa' ),
				'<code>' . esc_html( $url ) . '</code>',
				esc_html( $reach['text'] )
			);
			echo '</p>';
		} elseif ( Settings::is_loopback_url( $url ) ) {
			echo '<p class="wpwa-status-line wpwa-status-line--warn">';
			printf(
				/* translators: 1: sandbox URL, 2: command. */
				esc_html__( 'The sandbox does not answer at %1$s. Start it with %2$s.', 'wpwa' ),
				'<code>' . esc_html( $url ) . '</code>',
				'<code>' . esc_html( 'wpwa-sandbox --listen ' . (string) wp_parse_url( $url, PHP_URL_HOST ) . ':' . (string) ( wp_parse_url( $url, PHP_URL_PORT ) ? wp_parse_url( $url, PHP_URL_PORT ) : 80 ) ) . '</code>'
			);
			echo '</p>';
		}
	}

	/**
	 * Where vendors find their dashboard.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	private static function render_page_status(): void {
		$page_id = (int) get_option( Settings::PAGE_OPTION );
		if ( $page_id > 0 && 'publish' === get_post_status( $page_id ) ) {
			echo '<p class="wpwa-status-line">';
			printf(
				/* translators: %s: link to the page. */
				esc_html__( 'Vendor dashboard page: %s', 'wpwa' ),
				'<a href="' . esc_url( (string) get_permalink( $page_id ) ) . '">' . esc_html( get_the_title( $page_id ) ) . '</a>'
			);
			echo '</p>';
		} else {
			echo '<p class="wpwa-status-line wpwa-status-line--warn">' . esc_html__( 'No published page holds the [wpwa_vendor_dashboard] shortcode. Create one (or deactivate and reactivate the plugin to create "WhatsApp Management").', 'wpwa' ) . '</p>';
		}
	}

	/**
	 * Gives or takes manage_wpwa from the Shop manager role, as the setting
	 * says, on every save (even when the stored value does not change, so the
	 * role and the setting cannot drift apart).
	 *
	 * @since 0.5.0
	 *
	 * @param mixed $new_value Value about to be stored.
	 * @return mixed The value, unchanged.
	 */
	public static function apply_access( $new_value ) {
		$role = get_role( 'shop_manager' );
		if ( null !== $role && is_array( $new_value ) ) {
			if ( ! empty( $new_value['shop_manager_access'] ) ) {
				$role->add_cap( Vendors::MANAGE_CAP );
			} else {
				$role->remove_cap( Vendors::MANAGE_CAP );
			}
		}
		return $new_value;
	}

	/**
	 * Records settings changes in the activity log, values of secret-looking
	 * keys redacted.
	 *
	 * @since 0.1.0
	 *
	 * @param mixed $old_value Previous value.
	 * @param mixed $new_value New value.
	 * @return void
	 */
	public static function log_changes( $old_value, $new_value ): void {
		$old_value = is_array( $old_value ) ? $old_value : array();
		$new_value = is_array( $new_value ) ? $new_value : array();

		$changes = array();
		foreach ( array_unique( array_merge( array_keys( $old_value ), array_keys( $new_value ) ) ) as $key ) {
			$before = $old_value[ $key ] ?? null;
			$after  = $new_value[ $key ] ?? null;
			if ( $before === $after ) {
				continue;
			}
			$secret          = (bool) preg_match( '/secret|token|password|pass|key|credential/i', (string) $key );
			$changes[ $key ] = array(
				'from' => $secret ? '[redacted]' : $before,
				'to'   => $secret ? '[redacted]' : $after,
			);
		}
		if ( ! $changes ) {
			return;
		}

		Core::event(
			0,
			'notice',
			'settings',
			'settings_changed',
			array( 'fields' => array_keys( $changes ) ),
			array(
				'user_id' => get_current_user_id(),
				'changes' => $changes,
			)
		);
	}
}
