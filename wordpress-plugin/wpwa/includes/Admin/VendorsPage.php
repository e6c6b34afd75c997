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
use Wpwa\Plugin\Messages\Config as MessagesConfig;
use Wpwa\Plugin\Messages\Pricing;
use Wpwa\Plugin\Messages\VendorLimits;

use function Wpwa\Plugin\esc_rule_attributes;

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
	public const LIMITS_ACTION     = 'wpwa_vendor_limits';

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
		add_action( 'admin_post_' . self::LIMITS_ACTION, array( self::class, 'handle_limits' ) );
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
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- which form to show; saving checks its nonce.
		$limits_of = isset( $_GET['limits'] ) ? absint( $_GET['limits'] ) : 0;
		if ( $limits_of > 0 && Vendors::is_vendor( $limits_of ) ) {
			self::render_limits( $limits_of );
			return;
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
	 * The page where a vendor's own limits are set.
	 *
	 * @since 0.15.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return string
	 */
	public static function limits_url( int $vendor_id ): string {
		return add_query_arg(
			array(
				'page'   => self::SLUG,
				'limits' => $vendor_id,
			),
			admin_url( 'admin.php' )
		);
	}

	/**
	 * The form of a vendor's own monthly limits: blank fields follow the
	 * site's settings.
	 *
	 * @since 0.15.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return void
	 */
	private static function render_limits( int $vendor_id ): void {
		$allowance = VendorLimits::allowance( $vendor_id );
		$cap       = VendorLimits::cost_cap( $vendor_id );
		$currency  = Pricing::currency();
		?>
		<div class="wrap wpwa-vendor-limits">
			<h1>
				<?php
				/* translators: %s: the vendor's store name. */
				echo esc_html( sprintf( __( 'WhatsApp limits of %s', 'wpwa' ), Vendors::store_name( $vendor_id ) ) );
				?>
			</h1>
			<?php GatewaySettings::flash(); ?>
			<p><?php esc_html_e( 'Leave a field blank to follow the marketplace\'s setting. Months are calendar months (UTC); a send that would pass a limit is refused until the 1st, and free replies inside the 24-hour window always go.', 'wpwa' ); ?></p>
			<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
				<input type="hidden" name="action" value="<?php echo esc_attr( self::LIMITS_ACTION ); ?>" />
				<input type="hidden" name="vendor_id" value="<?php echo esc_attr( (string) $vendor_id ); ?>" />
				<?php wp_nonce_field( self::LIMITS_ACTION . '_' . $vendor_id, 'wpwa_limits_nonce' ); ?>
				<table class="form-table" role="presentation">
					<tr>
						<th scope="row"><label for="wpwa_vendor_allowance"><?php esc_html_e( 'Messages per month', 'wpwa' ); ?></label></th>
						<td>
							<input type="number" class="small-text" id="wpwa_vendor_allowance" name="allowance" value="<?php echo esc_attr( null === $allowance ? '' : (string) $allowance ); ?>"<?php echo esc_rule_attributes( MessagesConfig::RULES_GROUP, 'allowance' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by esc_rule_attributes(). ?> />
							<p class="description">
								<?php
								/* translators: %s: the site's monthly allowance. */
								echo esc_html( sprintf( __( 'The marketplace\'s setting: %s.', 'wpwa' ), number_format_i18n( (int) MessagesConfig::get( 'allowance' ) ) ) );
								?>
							</p>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="wpwa_vendor_cost_cap"><?php esc_html_e( 'Monthly cost cap', 'wpwa' ); ?></label></th>
						<td>
							<input type="number" class="small-text" id="wpwa_vendor_cost_cap" name="cost_cap" value="<?php echo esc_attr( null === $cap ? '' : Pricing::decimal( $cap ) ); ?>"<?php echo esc_rule_attributes( MessagesConfig::RULES_GROUP, 'cost_cap' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by esc_rule_attributes(). ?> /> <?php echo esc_html( $currency ); ?>
							<p class="description">
								<?php
								$site_cap = (int) MessagesConfig::get( 'cost_cap' );
								echo esc_html(
									$site_cap > 0
										/* translators: %s: the site's monthly cost cap with its currency. */
										? sprintf( __( 'The marketplace\'s setting: %s. 0 means no cap for this vendor.', 'wpwa' ), Pricing::format( $site_cap, $currency ) )
										: __( 'The marketplace sets no cap. 0 means no cap for this vendor.', 'wpwa' )
								);
								?>
							</p>
						</td>
					</tr>
				</table>
				<?php submit_button( __( 'Save limits', 'wpwa' ) ); ?>
			</form>
			<p><a href="<?php echo esc_url( add_query_arg( 'page', self::SLUG, admin_url( 'admin.php' ) ) ); ?>"><?php esc_html_e( '← All vendors', 'wpwa' ); ?></a></p>
		</div>
		<?php
	}

	/**
	 * Saves a vendor's own limits (administrators, per-vendor nonce).
	 *
	 * @since 0.15.0
	 *
	 * @return void
	 */
	public static function handle_limits(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		$vendor_id = isset( $_POST['vendor_id'] ) ? absint( $_POST['vendor_id'] ) : 0; // phpcs:ignore WordPress.Security.NonceVerification.Missing -- the nonce is per vendor, checked next.
		check_admin_referer( self::LIMITS_ACTION . '_' . $vendor_id, 'wpwa_limits_nonce' );
		if ( ! Vendors::is_vendor( $vendor_id ) ) {
			self::back( 'error', __( 'That vendor no longer exists.', 'wpwa' ) );
		}
		$input = array();
		foreach ( array( 'allowance', 'cost_cap' ) as $field ) {
			$input[ $field ] = isset( $_POST[ $field ] ) ? sanitize_text_field( wp_unslash( (string) $_POST[ $field ] ) ) : '';
		}
		$saved = VendorLimits::save( $vendor_id, $input );
		set_transient(
			'wpwa_admin_notice_' . get_current_user_id(),
			is_wp_error( $saved ) ? array( 'error', $saved->get_error_message() ) : array( 'success', __( 'The vendor\'s limits were saved.', 'wpwa' ) ),
			60
		);
		wp_safe_redirect( self::limits_url( $vendor_id ) );
		exit;
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
