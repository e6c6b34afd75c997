<?php
/**
 * The "Session gateway" settings and the model 2 gateway connections.
 *
 * @package Wpwa\Plugin
 * @since   0.2.0
 */

namespace Wpwa\Plugin\Admin;

use Wpwa\Plugin\Core;
use Wpwa\Plugin\Gateways;
use Wpwa\Plugin\Rules;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Vendors;
use function Wpwa\Plugin\esc_rule_attributes;

defined( 'ABSPATH' ) || exit;

/**
 * Adds to the WhatsApp settings page: the central gateway (URL, sealed API
 * key, session limits) with a "Test connection" button, and the additional
 * gateway connections of integration model 2 (their own form, handled on
 * admin-post.php with a nonce and the manage_wpwa capability).
 *
 * @since 0.2.0
 */
final class GatewaySettings {

	/**
	 * Actions handled by admin-post.php.
	 *
	 * @since 0.2.0
	 */
	public const SAVE_ACTION   = 'wpwa_save_connection';
	public const DELETE_ACTION = 'wpwa_delete_connection';

	/**
	 * Hooks.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'admin_init', array( self::class, 'register_fields' ), 20 );
		add_action( 'admin_enqueue_scripts', array( self::class, 'enqueue' ) );
		add_action( 'admin_post_' . self::SAVE_ACTION, array( self::class, 'handle_save' ) );
		add_action( 'admin_post_' . self::DELETE_ACTION, array( self::class, 'handle_delete' ) );
		add_action( 'wpwa_settings_page_after_form', array( self::class, 'render_connections' ) );
	}

	/**
	 * The settings section and fields.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function register_fields(): void {
		add_settings_section(
			'wpwa_gateway',
			__( 'Session gateway', 'wpwa' ),
			array( self::class, 'section_intro' ),
			SettingsPage::SLUG
		);
		$fields = array(
			'gateway_url'          => __( 'Gateway URL', 'wpwa' ),
			'gateway_api_key'      => __( 'Gateway API key', 'wpwa' ),
			'max_starts_per_hour'  => __( 'Connection attempts per hour', 'wpwa' ),
			'qr_first_seconds'     => __( 'First QR code lifetime', 'wpwa' ),
			'qr_next_seconds'      => __( 'Next QR codes lifetime', 'wpwa' ),
			'pairing_code_seconds' => __( 'Pairing code lifetime', 'wpwa' ),
			'offline_expiry_days'  => __( 'Offline expiry', 'wpwa' ),
		);
		foreach ( $fields as $key => $label ) {
			add_settings_field(
				'wpwa_' . $key,
				$label,
				array( self::class, 'field_' . $key ),
				SettingsPage::SLUG,
				'wpwa_gateway',
				array( 'label_for' => 'wpwa_' . $key )
			);
		}
	}

	/**
	 * Section introduction.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function section_intro(): void {
		echo '<p>' . esc_html__( 'Vendors link their own WhatsApp by scanning a QR code; the session gateway (a WAHA-compatible server) holds those linked sessions. Under the central model every vendor uses this gateway.', 'wpwa' ) . '</p>';
		printf(
			'<p class="description">%s <code>%s</code></p>',
			esc_html__( 'The gateway calls this site back at:', 'wpwa' ),
			esc_html( Gateways::webhook_url( Gateways::CENTRAL ) )
		);
	}

	/**
	 * Field: gateway URL.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function field_gateway_url(): void {
		$sandbox = (bool) Settings::get( 'sandbox_mode' );
		printf(
			'<input type="url" class="regular-text code" id="wpwa_gateway_url" name="%1$s[gateway_url]" value="%2$s" placeholder="https://waha.example.com" inputmode="url" spellcheck="false" />',
			esc_attr( Settings::OPTION ),
			esc_attr( (string) Settings::get( 'gateway_url' ) )
		);
		if ( $sandbox ) {
			printf(
				'<p class="description">%s</p>',
				sprintf(
					/* translators: %s: sandbox URL. */
					esc_html__( 'Sandbox mode is on: the sandbox at %s is used instead of this URL.', 'wpwa' ),
					'<code>' . esc_html( (string) Settings::get( 'sandbox_url' ) ) . '</code>'
				)
			);
		}
		printf(
			'<p><button type="button" class="button" id="wpwa-test-gateway" data-connection="central">%1$s</button> <span class="wpwa-test-result" id="wpwa-test-gateway-result" role="status" aria-live="polite"></span></p>',
			esc_html__( 'Test connection', 'wpwa' )
		);
	}

	/**
	 * Field: API key (sealed; the saved key is never printed, only its mask).
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function field_gateway_api_key(): void {
		Settings::gateway_key()->render(
			'wpwa_gateway_api_key',
			Settings::OPTION . '[gateway_api_key]',
			Settings::OPTION . '[gateway_api_key_clear]',
			(string) Settings::get( 'gateway_api_key' ),
			array(
				'saved'  => __( 'Saved key:', 'wpwa' ),
				'remove' => __( 'Remove the saved key', 'wpwa' ),
				'none'   => __( 'The X-Api-Key of your gateway. Stored encrypted; never shown again. In sandbox mode the sandbox\'s default key is used when none is saved.', 'wpwa' ),
			)
		);
	}

	/**
	 * A numeric policy field.
	 *
	 * @since 0.2.0
	 *
	 * @param string $key  Setting key.
	 * @param string $unit Unit shown after the field.
	 * @param string $help Description.
	 * @return void
	 */
	private static function number_field( string $key, string $unit, string $help ): void {
		printf(
			'<input type="number" class="small-text" id="wpwa_%1$s" name="%2$s[%1$s]" value="%3$d"%4$s step="1" /> %5$s<p class="description">%6$s</p>',
			esc_attr( $key ),
			esc_attr( Settings::OPTION ),
			(int) Settings::get( $key ),
			esc_rule_attributes( Settings::RULES_GROUP, $key ),
			esc_html( $unit ),
			esc_html( $help )
		);
	}

	/**
	 * Field: max starts per hour.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function field_max_starts_per_hour(): void {
		self::number_field( 'max_starts_per_hour', __( 'per vendor', 'wpwa' ), __( 'How many times a vendor may start connecting (new QR code) per hour. Default 5.', 'wpwa' ) );
	}

	/**
	 * Field: first QR lifetime.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function field_qr_first_seconds(): void {
		self::number_field( 'qr_first_seconds', __( 'seconds', 'wpwa' ), __( 'How long the gateway shows the first QR code. Match your gateway (WhatsApp: about 60).', 'wpwa' ) );
	}

	/**
	 * Field: later QR lifetime.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function field_qr_next_seconds(): void {
		self::number_field( 'qr_next_seconds', __( 'seconds', 'wpwa' ), __( 'How long each following QR code lives. Match your gateway (WhatsApp: about 20).', 'wpwa' ) );
	}

	/**
	 * Field: pairing code lifetime.
	 *
	 * @since 0.15.0
	 *
	 * @return void
	 */
	public static function field_pairing_code_seconds(): void {
		self::number_field( 'pairing_code_seconds', __( 'seconds', 'wpwa' ), __( 'How long a vendor may take to type a pairing code on their phone before it expires and they must ask for a new one. Default 180.', 'wpwa' ) );
	}

	/**
	 * Field: offline expiry.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function field_offline_expiry_days(): void {
		self::number_field( 'offline_expiry_days', __( 'days', 'wpwa' ), __( 'A linked session is treated as expired after this long without the phone online (WhatsApp: 14).', 'wpwa' ) );
	}

	/**
	 * The admin script of the "Test connection" buttons (settings page only).
	 *
	 * @since 0.2.0
	 *
	 * @param string $hook_suffix Current admin page.
	 * @return void
	 */
	public static function enqueue( $hook_suffix ): void {
		if ( 'toplevel_page_' . SettingsPage::SLUG !== $hook_suffix ) {
			return;
		}
		wp_enqueue_script( 'wpwa-admin-gateway', WPWA_PLUGIN_URL . 'assets/js/admin-gateway.js', array(), WPWA_PLUGIN_VERSION, true );
		wp_localize_script(
			'wpwa-admin-gateway',
			'wpwaGatewayAdmin',
			array(
				'url'   => esc_url_raw( rest_url( 'wpwa/v1/gateway/test' ) ),
				'nonce' => wp_create_nonce( 'wp_rest' ),
				'i18n'  => array(
					'testing' => __( 'Testing…', 'wpwa' ),
					/* translators: 1: gateway URL, 2: number of sessions, 3: milliseconds. */
					'ok'      => __( 'Connected to %1$s: API key accepted, %2$s sessions on the gateway, answered in %3$s ms.', 'wpwa' ),
					/* translators: %s: error message. */
					'failed'  => __( 'Test failed: %s', 'wpwa' ),
					'network' => __( 'Test failed: this site did not answer. Reload the page and try again.', 'wpwa' ),
				),
			)
		);
	}

	/**
	 * The model 2 connections box, below the settings form.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function render_connections(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			return;
		}
		$connections = Gateways::extra();
		$per_vendor  = 'per_vendor' === Settings::get( 'integration_model' );
		?>
		<div class="wpwa-card wpwa-connections" id="wpwa-connections">
			<h2><?php esc_html_e( 'Gateway connections per vendor', 'wpwa' ); ?></h2>
			<p><?php esc_html_e( 'Integration model "Account per vendor": define a gateway connection for a vendor here, then assign it on the WhatsApp → Vendors page. Vendors without an assigned connection are told to contact you.', 'wpwa' ); ?></p>
			<?php if ( ! $per_vendor ) : ?>
				<p class="description"><?php esc_html_e( 'The central model is selected: these connections are not used until you switch to "Account per vendor".', 'wpwa' ); ?></p>
			<?php endif; ?>
			<?php if ( $connections ) : ?>
				<table class="widefat striped">
					<thead><tr>
						<th scope="col"><?php esc_html_e( 'ID', 'wpwa' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Label', 'wpwa' ); ?></th>
						<th scope="col"><?php esc_html_e( 'URL', 'wpwa' ); ?></th>
						<th scope="col"><?php esc_html_e( 'API key', 'wpwa' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Actions', 'wpwa' ); ?></th>
					</tr></thead>
					<tbody>
					<?php foreach ( $connections as $id => $conn ) : ?>
						<tr>
							<td><code><?php echo esc_html( $id ); ?></code></td>
							<td><?php echo esc_html( $conn['label'] ); ?></td>
							<td><code><?php echo esc_html( $conn['url'] ); ?></code></td>
							<td><code><?php echo esc_html( Gateways::masked_key( $conn['api_key'] ) ); ?></code></td>
							<td>
								<button type="button" class="button button-small wpwa-test-connection" data-connection="<?php echo esc_attr( $id ); ?>"><?php esc_html_e( 'Test', 'wpwa' ); ?></button>
								<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>" class="wpwa-inline-form">
									<input type="hidden" name="action" value="<?php echo esc_attr( self::DELETE_ACTION ); ?>" />
									<input type="hidden" name="connection" value="<?php echo esc_attr( $id ); ?>" />
									<?php wp_nonce_field( self::DELETE_ACTION . ':' . $id ); ?>
									<button type="submit" class="button button-small button-link-delete"><?php esc_html_e( 'Delete', 'wpwa' ); ?></button>
								</form>
								<span class="wpwa-test-result" role="status" aria-live="polite"></span>
							</td>
						</tr>
					<?php endforeach; ?>
					</tbody>
				</table>
			<?php endif; ?>
			<h3><?php esc_html_e( 'Add or update a connection', 'wpwa' ); ?></h3>
			<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
				<input type="hidden" name="action" value="<?php echo esc_attr( self::SAVE_ACTION ); ?>" />
				<?php wp_nonce_field( self::SAVE_ACTION ); ?>
				<table class="form-table" role="presentation">
					<tr>
						<th scope="row"><label for="wpwa_conn_id"><?php esc_html_e( 'ID', 'wpwa' ); ?></label></th>
						<td><input type="text" id="wpwa_conn_id" name="connection" class="regular-text code"<?php echo esc_rule_attributes( Gateways::RULES_GROUP, 'id' ); ?> required /><p class="description"><?php esc_html_e( 'Lowercase letters, digits, "-" and "_". Reuse an existing ID to update it (a blank key keeps the saved one).', 'wpwa' ); ?></p></td>
					</tr>
					<tr>
						<th scope="row"><label for="wpwa_conn_label"><?php esc_html_e( 'Label', 'wpwa' ); ?></label></th>
						<td><input type="text" id="wpwa_conn_label" name="label" class="regular-text" /></td>
					</tr>
					<tr>
						<th scope="row"><label for="wpwa_conn_url"><?php esc_html_e( 'Gateway URL', 'wpwa' ); ?></label></th>
						<td><input type="url" id="wpwa_conn_url" name="url" class="regular-text code" placeholder="https://waha.example.com" required /></td>
					</tr>
					<tr>
						<th scope="row"><label for="wpwa_conn_key"><?php esc_html_e( 'API key', 'wpwa' ); ?></label></th>
						<td><input type="password" id="wpwa_conn_key" name="api_key" class="regular-text code" autocomplete="new-password"<?php echo esc_rule_attributes( Gateways::RULES_GROUP, 'api_key' ); ?> /></td>
					</tr>
				</table>
				<?php submit_button( __( 'Save connection', 'wpwa' ), 'secondary' ); ?>
			</form>
		</div>
		<?php
	}

	/**
	 * Saves a connection (admin-post).
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function handle_save(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		check_admin_referer( self::SAVE_ACTION );
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- verified above.
		$id    = sanitize_key( wp_unslash( (string) ( $_POST['connection'] ?? '' ) ) );
		$label = sanitize_text_field( wp_unslash( (string) ( $_POST['label'] ?? '' ) ) );
		$url   = trim( sanitize_text_field( wp_unslash( (string) ( $_POST['url'] ?? '' ) ) ) );
		$key   = trim( (string) wp_unslash( $_POST['api_key'] ?? '' ) ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- a credential, sealed as is.
		// phpcs:enable
		$result = Gateways::save( $id, $label, $url, $key );
		if ( is_wp_error( $result ) ) {
			self::redirect( 'error', $result->get_error_message() );
		}
		Core::event( 0, 'notice', 'settings', 'gateway_connection_saved', array( 'id' => $id ), array( 'user_id' => get_current_user_id() ) );
		self::redirect( 'success', __( 'Connection saved.', 'wpwa' ) );
	}

	/**
	 * Deletes a connection (admin-post).
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function handle_delete(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		$id = sanitize_key( wp_unslash( (string) ( $_POST['connection'] ?? '' ) ) ); // phpcs:ignore WordPress.Security.NonceVerification.Missing -- verified next, per connection.
		check_admin_referer( self::DELETE_ACTION . ':' . $id );
		Gateways::delete( $id );
		Core::event( 0, 'notice', 'settings', 'gateway_connection_deleted', array( 'id' => $id ), array( 'user_id' => get_current_user_id() ) );
		self::redirect( 'success', __( 'Connection deleted. Vendors assigned to it need another connection.', 'wpwa' ) );
	}

	/**
	 * Back to the settings page with a notice.
	 *
	 * @since 0.2.0
	 *
	 * @param string $type    success|error.
	 * @param string $message Message.
	 * @return never
	 */
	private static function redirect( string $type, string $message ) {
		self::remember( $type, $message );
		wp_safe_redirect( admin_url( 'admin.php?page=' . SettingsPage::SLUG . '#wpwa-connections' ) );
		exit;
	}

	/**
	 * Keeps a notice for the current user's next view of the settings page
	 * (shown by flash()).
	 *
	 * @since 0.14.0
	 *
	 * @param string $type    success|error.
	 * @param string $message Message.
	 * @return void
	 */
	public static function remember( string $type, string $message ): void {
		set_transient( 'wpwa_admin_notice_' . get_current_user_id(), array( $type, $message ), MINUTE_IN_SECONDS );
	}

	/**
	 * Prints and forgets the notice left by a redirect.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function flash(): void {
		$key    = 'wpwa_admin_notice_' . get_current_user_id();
		$notice = get_transient( $key );
		if ( ! is_array( $notice ) || 2 !== count( $notice ) ) {
			return;
		}
		delete_transient( $key );
		printf(
			'<div class="notice notice-%1$s is-dismissible"><p>%2$s</p></div>',
			'error' === $notice[0] ? 'error' : 'success',
			esc_html( (string) $notice[1] )
		);
	}
}
