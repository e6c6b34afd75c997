<?php
/**
 * Admin notices.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Admin;

use Wpwa\Plugin\BusinessAccounts;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Texts;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * Tells administrators when the native extension is missing, and how to
 * install it; since 0.15.0, which WhatsApp Business accounts WhatsApp
 * offboarded or disconnected.
 *
 * @since 0.1.0
 */
final class Notices {

	/**
	 * Hooks.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'admin_notices', array( self::class, 'missing_extension' ) );
		add_action( 'network_admin_notices', array( self::class, 'missing_extension' ) );
		add_action( 'admin_notices', array( self::class, 'store_problem' ) );
		add_action( 'admin_notices', array( self::class, 'business_accounts' ) );
	}

	/**
	 * On wpwa's admin pages: each WhatsApp Business account that WhatsApp
	 * offboarded or disconnected (coexistence), naming its connection and the
	 * vendors concerned, with what happened and what to do.
	 *
	 * @since 0.15.0
	 *
	 * @return void
	 */
	public static function business_accounts(): void {
		if ( ! Core::available() || ! self::audience() || ! self::on_wpwa_screen() ) {
			return;
		}
		foreach ( BusinessAccounts::troubled() as $account ) {
			$state       = (string) ( $account['state'] ?? '' );
			$words       = Texts::business_account_admin( $state, (string) ( $account['reason'] ?? '' ) );
			$connections = (array) ( $account['connections'] ?? array() );
			$vendors     = array();
			foreach ( (array) ( $account['vendors'] ?? array() ) as $vendor_id ) {
				$user      = get_userdata( (int) $vendor_id );
				$vendors[] = $user ? (string) $user->display_name : '#' . (int) $vendor_id;
			}
			$headline = array() === $connections
				? sprintf(
					/* translators: %s: WhatsApp Business account ID. */
					__( 'WhatsApp Business account %s (no connection in WordPress uses it):', 'wpwa' ),
					(string) ( $account['waba_id'] ?? '' )
				)
				: sprintf(
					/* translators: 1: connection name(s), 2: WhatsApp Business account ID. */
					__( 'WhatsApp connection "%1$s" (account %2$s):', 'wpwa' ),
					implode( ', ', array_map( 'strval', $connections ) ),
					(string) ( $account['waba_id'] ?? '' )
				);
			$concerned = array() === $vendors
				? __( 'No vendor is assigned this connection.', 'wpwa' )
				: sprintf(
					/* translators: %s: vendor names, comma-separated. */
					__( 'Vendors concerned: %s.', 'wpwa' ),
					implode( ', ', $vendors )
				);
			printf(
				'<div class="notice %1$s wpwa-admin-notice wpwa-admin-notice--business-account" data-waba-id="%2$s" data-state="%3$s"><p><strong>%4$s</strong> %5$s</p><p>%6$s</p><p>%7$s</p></div>',
				esc_attr( 'disconnected' === $state ? 'notice-error' : 'notice-warning' ),
				esc_attr( (string) ( $account['waba_id'] ?? '' ) ),
				esc_attr( $state ),
				esc_html( $headline ),
				esc_html( $words['text'] ),
				esc_html( $words['todo'] ),
				esc_html( $concerned )
			);
		}
	}

	/**
	 * Whether the current admin screen is one of wpwa's pages.
	 *
	 * @return bool
	 */
	private static function on_wpwa_screen(): bool {
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		return $screen && false !== strpos( (string) $screen->id, 'wpwa-' );
	}

	/**
	 * Notice when the extension is loaded but its store cannot be used
	 * (data directory missing or not writable).
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function store_problem(): void {
		if ( ! Core::available() || ! self::audience() ) {
			return;
		}
		$problem = Core::store_problem();
		if ( null === $problem ) {
			return;
		}
		printf(
			'<div class="notice notice-error wpwa-admin-notice wpwa-admin-notice--store"><p><strong>%1$s</strong> %2$s</p></div>',
			esc_html__( 'WhatsApp Integration cannot open its data store.', 'wpwa' ),
			esc_html( $problem )
		);
	}

	/**
	 * Whether the current user should see operational notices.
	 *
	 * @since 0.1.0
	 *
	 * @return bool
	 */
	private static function audience(): bool {
		return current_user_can( 'activate_plugins' ) || current_user_can( Vendors::MANAGE_CAP );
	}

	/**
	 * The "extension missing" notice, on every admin screen, for admins only.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function missing_extension(): void {
		if ( Core::available() || ! self::audience() ) {
			return;
		}
		// The settings page shows the same instructions in its status box.
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		if ( $screen && false !== strpos( (string) $screen->id, 'wpwa-settings' ) ) {
			return;
		}
		?>
		<div class="notice notice-error wpwa-admin-notice wpwa-admin-notice--missing-extension">
			<p><strong><?php esc_html_e( 'WhatsApp Integration needs its PHP extension (wpwa.so).', 'wpwa' ); ?></strong>
			<?php esc_html_e( 'The plugin is active, but the native extension that does the work is not loaded in this PHP, so vendor dashboards show "temporarily unavailable" and the REST API answers 503.', 'wpwa' ); ?></p>
			<?php self::install_steps(); ?>
		</div>
		<?php
	}

	/**
	 * Step-by-step installation instructions for the extension.
	 *
	 * @since 0.1.0
	 *
	 * @return void
	 */
	public static function install_steps(): void {
		$php     = PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION;
		$ext_dir = (string) ini_get( 'extension_dir' );
		$ini     = '/etc/php/' . $php . '/mods-available/wpwa.ini';
		$sapi    = PHP_SAPI;
		$service = 'fpm-fcgi' === $sapi ? 'php' . $php . '-fpm' : ( 'apache2handler' === $sapi ? 'apache2' : 'php' . $php . '-fpm' );
		?>
		<ol class="wpwa-install-steps">
			<li>
				<?php esc_html_e( 'Build the extension from the plugin\'s source tree (needs Rust, php-dev and libclang-dev):', 'wpwa' ); ?>
				<code>cargo build --release --lib --no-default-features --features php</code>
				<?php
				/* translators: %s: file name. */
				printf( esc_html__( '(produces %s).', 'wpwa' ), '<code>target/release/libwpwa.so</code>' );
				?>
			</li>
			<li>
				<?php
				printf(
					/* translators: 1: target file path, 2: PHP extension directory. */
					esc_html__( 'Copy it to %1$s (this PHP\'s extension directory is %2$s).', 'wpwa' ),
					'<code>' . esc_html( rtrim( $ext_dir, '/' ) . '/wpwa.so' ) . '</code>',
					'<code>' . esc_html( '' !== $ext_dir ? $ext_dir : '?' ) . '</code>'
				);
				?>
			</li>
			<li>
				<?php
				printf(
					/* translators: 1: ini line, 2: ini file path, 3: command. */
					esc_html__( 'Enable it: put %1$s into %2$s and run %3$s (or add the line to your php.ini).', 'wpwa' ),
					'<code>extension=wpwa.so</code>',
					'<code>' . esc_html( $ini ) . '</code>',
					'<code>phpenmod wpwa</code>'
				);
				?>
			</li>
			<li>
				<?php
				printf(
					/* translators: %s: command. */
					esc_html__( 'Restart PHP so it loads the extension: %s', 'wpwa' ),
					'<code>' . esc_html( 'systemctl restart ' . $service ) . '</code>'
				);
				?>
			</li>
		</ol>
		<p class="description">
			<?php
			printf(
				/* translators: 1: PHP version, 2: server API name. */
				esc_html__( 'This site runs PHP %1$s (%2$s). The extension must be built for the same PHP version.', 'wpwa' ),
				esc_html( PHP_VERSION ),
				esc_html( $sapi )
			);
			?>
		</p>
		<?php
	}
}
