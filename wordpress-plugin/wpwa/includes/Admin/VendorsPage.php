<?php
/**
 * The WhatsApp → Vendors admin page.
 *
 * @package Wpwa\Plugin
 * @since   0.2.0
 */

namespace Wpwa\Plugin\Admin;

use Wpwa\Plugin\Catalog\Sync;
use Wpwa\Plugin\CloudConnections;
use Wpwa\Plugin\Gateways;
use Wpwa\Plugin\Sessions;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * Lists every vendor with their WhatsApp session (state, phone, since) and,
 * under model 2, their gateway connection; row action "Disconnect" and
 * connection assignment, both behind manage_wpwa and nonces.
 *
 * @since 0.2.0
 */
final class VendorsPage {

	/**
	 * Page slug.
	 *
	 * @since 0.2.0
	 */
	public const SLUG = 'wpwa-vendors';

	/**
	 * Actions handled by admin-post.php.
	 *
	 * @since 0.2.0
	 */
	public const DISCONNECT_ACTION = 'wpwa_vendor_disconnect';
	public const ASSIGN_ACTION     = 'wpwa_vendor_assign';
	public const SYNC_ACTION       = 'wpwa_vendor_sync';

	/**
	 * Hooks.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'admin_menu', array( self::class, 'add_menu' ), 20 );
		add_action( 'admin_post_' . self::DISCONNECT_ACTION, array( self::class, 'handle_disconnect' ) );
		add_action( 'admin_post_' . self::ASSIGN_ACTION, array( self::class, 'handle_assign' ) );
		add_action( 'admin_post_' . self::SYNC_ACTION, array( self::class, 'handle_sync' ) );
	}

	/**
	 * Registers the submenu page.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function add_menu(): void {
		SettingsPage::add_subpage(
			__( 'WhatsApp vendors', 'wpwa' ),
			__( 'Vendors', 'wpwa' ),
			self::SLUG,
			array( self::class, 'render' )
		);
	}

	/**
	 * Renders the page.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function render(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		$table = new VendorsTable();
		$table->prepare_items();
		?>
		<div class="wrap wpwa-vendors">
			<h1><?php esc_html_e( 'WhatsApp vendors', 'wpwa' ); ?></h1>
			<?php GatewaySettings::flash(); ?>
			<p><?php esc_html_e( 'Every vendor\'s WhatsApp connection, catalog sync and customer messaging at a glance. Session states refresh when vendors open their dashboard or the gateway reports a change; response figures cover the last 30 days.', 'wpwa' ); ?></p>
			<form method="get" class="wpwa-vendors-search">
				<input type="hidden" name="page" value="<?php echo esc_attr( self::SLUG ); ?>" />
				<?php $table->search_box( __( 'Search vendors', 'wpwa' ), 'wpwa-vendor' ); ?>
			</form>
			<?php if ( 'per_vendor' === Settings::get( 'integration_model' ) ) : ?>
				<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
					<input type="hidden" name="action" value="<?php echo esc_attr( self::ASSIGN_ACTION ); ?>" />
					<?php wp_nonce_field( self::ASSIGN_ACTION, 'wpwa_assign_nonce' ); ?>
					<?php $table->display(); ?>
					<?php submit_button( __( 'Save connection assignments', 'wpwa' ), 'primary', 'submit', false ); ?>
				</form>
			<?php else : ?>
				<?php $table->display(); ?>
			<?php endif; ?>
		</div>
		<?php
	}

	/**
	 * URL of a row action (Disconnect, Sync catalog), with its per-vendor nonce.
	 *
	 * @since 0.5.0
	 *
	 * @param string $action    One of the *_ACTION constants.
	 * @param int    $vendor_id Vendor user ID.
	 * @return string
	 */
	public static function action_url( string $action, int $vendor_id ): string {
		return wp_nonce_url(
			add_query_arg(
				array(
					'action' => $action,
					'vendor' => $vendor_id,
				),
				admin_url( 'admin-post.php' )
			),
			$action . ':' . $vendor_id
		);
	}

	/**
	 * Row action: starts a catalog sync for a vendor (its first slice runs now,
	 * the rest in the background).
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function handle_sync(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		$vendor_id = absint( $_GET['vendor'] ?? 0 ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- verified next, per vendor.
		check_admin_referer( self::SYNC_ACTION . ':' . $vendor_id );
		if ( ! Vendors::is_vendor( $vendor_id ) ) {
			self::back( 'error', __( 'No vendor exists with this ID.', 'wpwa' ) );
		}
		$result = Sync::start( $vendor_id, 'admin' );
		$name   = Vendors::store_name( $vendor_id );
		if ( is_wp_error( $result ) ) {
			/* translators: 1: vendor name, 2: error message. */
			self::back( 'error', sprintf( __( 'The catalog sync of %1$s could not start: %2$s', 'wpwa' ), $name, $result->get_error_message() ) );
		}
		$job = $result['job'];
		self::back(
			'success',
			'done' === $job['state']
				/* translators: 1: vendor name, 2: summary such as "Catalog sync finished: 3 synced, 0 removed, 0 rejected." */
				? sprintf( __( '%1$s: %2$s', 'wpwa' ), $name, Sync::summary_text( $job ) )
				/* translators: %s: vendor name. */
				: sprintf( __( 'Catalog sync of %s started; it continues in the background.', 'wpwa' ), $name )
		);
	}

	/**
	 * Row action: disconnects a vendor's session.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function handle_disconnect(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		$vendor_id = absint( $_GET['vendor'] ?? 0 ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- verified next, per vendor.
		check_admin_referer( self::DISCONNECT_ACTION . ':' . $vendor_id );
		if ( ! Vendors::is_vendor( $vendor_id ) ) {
			self::back( 'error', __( 'No vendor exists with this ID.', 'wpwa' ) );
		}
		$result = Sessions::disconnect( $vendor_id );
		if ( is_wp_error( $result ) ) {
			$public = Sessions::public_error( $result, true );
			$data   = (array) $public->get_error_data();
			self::back( 'error', $public->get_error_message() . ( isset( $data['detail'] ) ? ' (' . $data['detail'] . ')' : '' ) );
		}
		self::back(
			'success',
			sprintf(
				/* translators: %s: vendor name. */
				__( '%s was disconnected from WhatsApp.', 'wpwa' ),
				Vendors::store_name( $vendor_id )
			)
		);
	}

	/**
	 * Saves connection assignments (model 2).
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public static function handle_assign(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		check_admin_referer( self::ASSIGN_ACTION, 'wpwa_assign_nonce' );
		$assign = isset( $_POST['wpwa_assign'] ) && is_array( $_POST['wpwa_assign'] ) ? wp_unslash( $_POST['wpwa_assign'] ) : array(); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- sanitized per entry below.
		$cloud  = isset( $_POST['wpwa_assign_cloud'] ) && is_array( $_POST['wpwa_assign_cloud'] ) ? wp_unslash( $_POST['wpwa_assign_cloud'] ) : array(); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- sanitized per entry below.
		$bad    = 0;
		foreach ( array(
			array( $assign, array( Gateways::class, 'assign' ) ),
			array( $cloud, array( CloudConnections::class, 'assign' ) ),
		) as list( $entries, $assign_one ) ) {
			foreach ( $entries as $vendor_id => $connection ) {
				$vendor_id  = absint( $vendor_id );
				$connection = sanitize_key( (string) $connection );
				if ( ! $vendor_id || ! Vendors::is_vendor( $vendor_id ) || ! $assign_one( $vendor_id, $connection ) ) {
					++$bad;
				}
			}
		}
		if ( $bad ) {
			self::back( 'error', __( 'Some assignments were not saved: the vendor or the connection no longer exists.', 'wpwa' ) );
		}
		self::back( 'success', __( 'Connection assignments saved.', 'wpwa' ) );
	}

	/**
	 * Back to the page with a notice.
	 *
	 * @since 0.2.0
	 *
	 * @param string $type    success|error.
	 * @param string $message Message.
	 * @return never
	 */
	private static function back( string $type, string $message ) {
		set_transient( 'wpwa_admin_notice_' . get_current_user_id(), array( $type, $message ), 60 );
		$paged = absint( $_REQUEST['paged'] ?? 0 ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- navigation only.
		wp_safe_redirect( add_query_arg( array_filter( array( 'page' => self::SLUG, 'paged' => $paged ) ), admin_url( 'admin.php' ) ) );
		exit;
	}
}
