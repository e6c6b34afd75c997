<?php
/**
 * The "Cloud API connections" box of the settings page.
 *
 * @package Wpwa\Plugin
 * @since   0.5.0
 */

namespace Wpwa\Plugin\Admin;

use Wpwa\Plugin\CloudConnections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Rules;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Vendors;
use function Wpwa\Plugin\esc_rule_attributes;

defined( 'ABSPATH' ) || exit;

/**
 * Lists the Cloud API connections (secrets masked) with Test, Edit and
 * Delete, and a form to add or update one. Saving and deleting go through
 * admin-post.php with a nonce and manage_wpwa; Test calls
 * `wpwa/v1/admin/connections/{id}/test` with the REST nonce.
 *
 * @since 0.5.0
 */
final class CloudConnectionsBox {

	/**
	 * Actions handled by admin-post.php.
	 *
	 * @since 0.5.0
	 */
	public const SAVE_ACTION   = 'wpwa_save_cloud_connection';
	public const DELETE_ACTION = 'wpwa_delete_cloud_connection';

	/**
	 * Hooks.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'admin_enqueue_scripts', array( self::class, 'enqueue' ) );
		add_action( 'admin_post_' . self::SAVE_ACTION, array( self::class, 'handle_save' ) );
		add_action( 'admin_post_' . self::DELETE_ACTION, array( self::class, 'handle_delete' ) );
		add_action( 'wpwa_settings_page_after_form', array( self::class, 'render' ), 5 );
	}

	/**
	 * The script of the Test buttons (settings page only).
	 *
	 * @since 0.5.0
	 *
	 * @param string $hook_suffix Current admin page.
	 * @return void
	 */
	public static function enqueue( $hook_suffix ): void {
		if ( 'toplevel_page_' . SettingsPage::SLUG !== $hook_suffix ) {
			return;
		}
		wp_enqueue_script( 'wpwa-admin-connections', WPWA_PLUGIN_URL . 'assets/js/admin-connections.js', array(), WPWA_PLUGIN_VERSION, true );
		wp_localize_script(
			'wpwa-admin-connections',
			'wpwaConnectionsAdmin',
			array(
				'url'   => esc_url_raw( rest_url( 'wpwa/v1/admin/connections/' ) ),
				'nonce' => wp_create_nonce( 'wp_rest' ),
				'i18n'  => array(
					'testing'          => __( 'Testing…', 'wpwa' ),
					'phone_number'     => __( 'Phone number', 'wpwa' ),
					'business_account' => __( 'Business account', 'wpwa' ),
					'catalog'          => __( 'Catalog', 'wpwa' ),
					'ok'               => __( 'works', 'wpwa' ),
					'bad'              => __( 'failed', 'wpwa' ),
					/* translators: %s: error message. */
					'failed'           => __( 'Test failed: %s', 'wpwa' ),
					'network'          => __( 'Test failed: this site did not answer. Reload the page and try again.', 'wpwa' ),
				),
			)
		);
	}

	/**
	 * The box.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function render(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			return;
		}
		$connections = CloudConnections::all();
		$edit_id     = isset( $_GET['wpwa_edit_cloud'] ) ? sanitize_key( wp_unslash( (string) $_GET['wpwa_edit_cloud'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- pre-fills a form only.
		$editing     = $connections[ $edit_id ] ?? null;
		$secrets     = array(
			'access_token' => __( 'Access token', 'wpwa' ),
			'app_secret'   => __( 'App secret', 'wpwa' ),
			'verify_token' => __( 'Webhook verify token', 'wpwa' ),
		);
		$ids         = array(
			'phone_number_id' => __( 'Phone number ID', 'wpwa' ),
			'waba_id'         => __( 'WhatsApp Business account ID', 'wpwa' ),
			'catalog_id'      => __( 'Catalog ID', 'wpwa' ),
		);
		?>
		<div class="wpwa-card wpwa-connections" id="wpwa-cloud-connections">
			<h2><?php esc_html_e( 'WhatsApp Business Cloud API connections', 'wpwa' ); ?></h2>
			<p><?php esc_html_e( 'Integration model "Account per vendor": each connection is one WhatsApp Business number with its catalog. Assign connections to vendors on the WhatsApp → Vendors page; a vendor without one is told to contact you. Secrets are stored encrypted and shown masked; leave a secret blank to keep the saved one.', 'wpwa' ); ?></p>
			<?php if ( 'per_vendor' !== Settings::get( 'integration_model' ) ) : ?>
				<p class="description"><?php esc_html_e( 'The central model is selected: these connections are not used until you switch to "Account per vendor". Switching keeps vendors\' sessions and synced catalogs.', 'wpwa' ); ?></p>
			<?php endif; ?>
			<?php if ( $connections ) : ?>
				<table class="widefat striped wpwa-cloud-connections">
					<thead><tr>
						<th scope="col"><?php esc_html_e( 'Connection', 'wpwa' ); ?></th>
						<th scope="col"><?php esc_html_e( 'IDs', 'wpwa' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Secrets', 'wpwa' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Actions', 'wpwa' ); ?></th>
					</tr></thead>
					<tbody>
					<?php foreach ( $connections as $id => $conn ) : ?>
						<tr data-connection="<?php echo esc_attr( $id ); ?>">
							<td><strong><?php echo esc_html( $conn['label'] ); ?></strong><br /><code><?php echo esc_html( $id ); ?></code></td>
							<td>
								<?php foreach ( $ids as $key => $label ) : ?>
									<?php echo esc_html( $label ); ?>: <code><?php echo esc_html( '' !== $conn[ $key ] ? $conn[ $key ] : '—' ); ?></code><br />
								<?php endforeach; ?>
							</td>
							<td>
								<?php foreach ( $secrets as $key => $label ) : ?>
									<?php $mask = CloudConnections::masked( $conn, $key ); ?>
									<?php echo esc_html( $label ); ?>: <code class="wpwa-secret-mask" data-secret="<?php echo esc_attr( $key ); ?>"><?php echo esc_html( '' !== $mask ? $mask : __( 'not set', 'wpwa' ) ); ?></code><br />
								<?php endforeach; ?>
							</td>
							<td>
								<button type="button" class="button button-small wpwa-test-cloud" data-connection="<?php echo esc_attr( $id ); ?>"><?php esc_html_e( 'Test connection', 'wpwa' ); ?></button>
								<a class="button button-small" href="<?php echo esc_url( add_query_arg( array( 'page' => SettingsPage::SLUG, 'wpwa_edit_cloud' => $id ), admin_url( 'admin.php' ) ) . '#wpwa-cloud-connections' ); ?>"><?php esc_html_e( 'Edit', 'wpwa' ); ?></a>
								<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>" class="wpwa-inline-form">
									<input type="hidden" name="action" value="<?php echo esc_attr( self::DELETE_ACTION ); ?>" />
									<input type="hidden" name="connection" value="<?php echo esc_attr( $id ); ?>" />
									<?php wp_nonce_field( self::DELETE_ACTION . ':' . $id ); ?>
									<button type="submit" class="button button-small button-link-delete"><?php esc_html_e( 'Delete', 'wpwa' ); ?></button>
								</form>
								<div class="wpwa-test-result" role="status" aria-live="polite"></div>
							</td>
						</tr>
					<?php endforeach; ?>
					</tbody>
				</table>
			<?php endif; ?>
			<h3><?php echo esc_html( $editing ? __( 'Edit connection', 'wpwa' ) : __( 'Add a connection', 'wpwa' ) ); ?></h3>
			<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>" id="wpwa-cloud-connection-form">
				<input type="hidden" name="action" value="<?php echo esc_attr( self::SAVE_ACTION ); ?>" />
				<?php wp_nonce_field( self::SAVE_ACTION ); ?>
				<table class="form-table" role="presentation">
					<tr>
						<th scope="row"><label for="wpwa_cloud_id"><?php esc_html_e( 'ID', 'wpwa' ); ?></label></th>
						<td><input type="text" id="wpwa_cloud_id" name="connection" class="regular-text code"<?php echo esc_rule_attributes( CloudConnections::RULES_GROUP, 'id' ); ?> required value="<?php echo esc_attr( $editing ? $edit_id : '' ); ?>" <?php echo $editing ? 'readonly' : ''; ?> /></td>
					</tr>
					<tr>
						<th scope="row"><label for="wpwa_cloud_label"><?php esc_html_e( 'Label', 'wpwa' ); ?></label></th>
						<td><input type="text" id="wpwa_cloud_label" name="label" class="regular-text"<?php echo esc_rule_attributes( CloudConnections::RULES_GROUP, 'label' ); ?> value="<?php echo esc_attr( $editing ? $editing['label'] : '' ); ?>" /></td>
					</tr>
					<?php foreach ( $ids as $key => $label ) : ?>
						<tr>
							<th scope="row"><label for="wpwa_cloud_<?php echo esc_attr( $key ); ?>"><?php echo esc_html( $label ); ?></label></th>
							<td><input type="text" inputmode="numeric"<?php echo esc_rule_attributes( CloudConnections::RULES_GROUP, $key ); ?> id="wpwa_cloud_<?php echo esc_attr( $key ); ?>" name="<?php echo esc_attr( $key ); ?>" class="regular-text code" value="<?php echo esc_attr( $editing ? $editing[ $key ] : '' ); ?>" <?php echo 'phone_number_id' === $key ? 'required' : ''; ?> /></td>
						</tr>
					<?php endforeach; ?>
					<tr>
						<th scope="row"><label for="wpwa_cloud_display_number"><?php esc_html_e( 'WhatsApp number', 'wpwa' ); ?></label></th>
						<td><input type="tel"<?php echo esc_rule_attributes( CloudConnections::RULES_GROUP, 'display_number' ); ?> id="wpwa_cloud_display_number" name="display_number" class="regular-text code" placeholder="+1 555 010 0001" value="<?php echo esc_attr( $editing && '' !== $editing['display_number'] ? '+' . $editing['display_number'] : '' ); ?>" /><p class="description"><?php esc_html_e( 'The number itself, with its country code: the chat buttons of the vendors using this connection write to it.', 'wpwa' ); ?></p></td>
					</tr>
					<?php foreach ( $secrets as $key => $label ) : ?>
						<?php $mask = $editing ? CloudConnections::masked( $editing, $key ) : ''; ?>
						<tr>
							<th scope="row"><label for="wpwa_cloud_<?php echo esc_attr( $key ); ?>"><?php echo esc_html( $label ); ?></label></th>
							<td>
								<?php echo CloudConnections::credential( $key )->input( 'wpwa_cloud_' . $key, $key, $editing ? (string) $editing[ $key ] : '' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in SealedCredential::input(). ?>
								<?php if ( '' !== $mask ) : ?>
									<p class="description"><?php esc_html_e( 'Saved:', 'wpwa' ); ?> <code><?php echo esc_html( $mask ); ?></code>. <?php esc_html_e( 'Leave blank to keep it; type a new value to replace it.', 'wpwa' ); ?></p>
								<?php endif; ?>
							</td>
						</tr>
					<?php endforeach; ?>
				</table>
				<?php submit_button( __( 'Save connection', 'wpwa' ), 'secondary', 'submit', false, array( 'id' => 'wpwa-cloud-save' ) ); ?>
			</form>
		</div>
		<?php
	}

	/**
	 * Saves a connection (admin-post).
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function handle_save(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		check_admin_referer( self::SAVE_ACTION );
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- verified above.
		$id     = sanitize_key( wp_unslash( (string) ( $_POST['connection'] ?? '' ) ) );
		$fields = array( 'label' => sanitize_text_field( wp_unslash( (string) ( $_POST['label'] ?? '' ) ) ) );
		foreach ( array_merge( CloudConnections::IDS, array( 'display_number' ) ) as $key ) {
			$fields[ $key ] = sanitize_text_field( wp_unslash( (string) ( $_POST[ $key ] ?? '' ) ) );
		}
		foreach ( array_keys( CloudConnections::SECRETS ) as $key ) {
			$fields[ $key ] = (string) wp_unslash( $_POST[ $key ] ?? '' ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- a credential, sealed as is.
		}
		// phpcs:enable
		$result = CloudConnections::save( $id, $fields );
		if ( is_wp_error( $result ) ) {
			self::redirect( 'error', $result->get_error_message() );
		}
		Core::event(
			0,
			'notice',
			'settings',
			'cloud_connection_saved',
			array( 'id' => $id ),
			array(
				'user_id'         => get_current_user_id(),
				'replaced'        => array_keys( array_filter( array_intersect_key( $fields, CloudConnections::SECRETS ), static fn( $v ) => '' !== trim( $v ) ) ),
			)
		);
		self::redirect( 'success', __( 'Connection saved.', 'wpwa' ) );
	}

	/**
	 * Deletes a connection (admin-post).
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function handle_delete(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		$id = sanitize_key( wp_unslash( (string) ( $_POST['connection'] ?? '' ) ) ); // phpcs:ignore WordPress.Security.NonceVerification.Missing -- verified next, per connection.
		check_admin_referer( self::DELETE_ACTION . ':' . $id );
		CloudConnections::delete( $id );
		/* translators: %s: connection ID. */
		Core::event( 0, 'notice', 'settings', 'cloud_connection_deleted', array( 'id' => $id ), array( 'user_id' => get_current_user_id() ) );
		self::redirect( 'success', __( 'Connection deleted. Vendors assigned to it need another connection.', 'wpwa' ) );
	}

	/**
	 * Back to the box with a notice.
	 *
	 * @since 0.5.0
	 *
	 * @param string $type    success|error.
	 * @param string $message Message.
	 * @return never
	 */
	private static function redirect( string $type, string $message ) {
		set_transient( 'wpwa_admin_notice_' . get_current_user_id(), array( $type, $message ), 60 );
		wp_safe_redirect( admin_url( 'admin.php?page=' . SettingsPage::SLUG . '#wpwa-cloud-connections' ) );
		exit;
	}
}
