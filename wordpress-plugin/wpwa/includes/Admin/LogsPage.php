<?php
/**
 * The WhatsApp → Activity log admin page.
 *
 * @package Wpwa\Plugin
 * @since   0.5.0
 */

namespace Wpwa\Plugin\Admin;

use Wpwa\Plugin\Core;
use Wpwa\Plugin\Logs;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Texts;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * The log viewer: filters by vendor, level, kind and date range, pages of
 * 50, CSV export of everything the filters match (admin-post, nonce,
 * manage_wpwa). Entries older than the retention setting are purged daily.
 *
 * @since 0.5.0
 */
final class LogsPage {

	/**
	 * Page slug.
	 *
	 * @since 0.5.0
	 */
	public const SLUG = 'wpwa-logs';

	/**
	 * Action of the CSV export, handled by admin-post.php.
	 *
	 * @since 0.5.0
	 */
	public const EXPORT_ACTION = 'wpwa_logs_export';

	/**
	 * Request parameters that filter.
	 *
	 * @since 0.5.0
	 */
	public const PARAMS = array( 'vendor', 'level', 'kind', 'from', 'to' );

	/**
	 * Hooks.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'admin_menu', array( self::class, 'add_menu' ), 30 );
		add_action( 'admin_post_' . self::EXPORT_ACTION, array( self::class, 'handle_export' ) );
	}

	/**
	 * Registers the submenu page.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function add_menu(): void {
		SettingsPage::add_subpage(
			__( 'WhatsApp activity log', 'wpwa' ),
			__( 'Activity log', 'wpwa' ),
			self::SLUG,
			array( self::class, 'render' )
		);
	}

	/**
	 * URL of the page with filters.
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,int|string> $args Filter parameters.
	 * @return string
	 */
	public static function url( array $args = array() ): string {
		return add_query_arg( array( 'page' => self::SLUG ) + $args, admin_url( 'admin.php' ) );
	}

	/**
	 * The filter parameters of the current request, sanitized.
	 *
	 * @since 0.5.0
	 *
	 * @return array<string,string>
	 */
	private static function params(): array {
		$params = array();
		foreach ( self::PARAMS as $key ) {
			if ( isset( $_GET[ $key ] ) ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- read-only filters.
				$params[ $key ] = sanitize_text_field( wp_unslash( (string) $_GET[ $key ] ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
			}
		}
		return $params;
	}

	/**
	 * Renders the page.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function render(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		$params = self::params();
		$table  = new LogsTable( Logs::filter_from( $params ) );
		$table->prepare_items();
		$kinds = Core::log_kinds();
		$kinds = is_array( $kinds ) ? $kinds : array();
		$ids   = Vendors::all_ids();
		?>
		<div class="wrap wpwa-logs">
			<h1><?php esc_html_e( 'WhatsApp activity log', 'wpwa' ); ?></h1>
			<p>
				<?php
				printf(
					/* translators: %d: number of days. */
					esc_html__( 'Sessions, catalog syncs, messages and settings changes, newest first. Entries older than %d days are deleted daily (change this in WhatsApp → Settings).', 'wpwa' ),
					(int) Settings::get( 'log_retention_days' )
				);
				?>
			</p>
			<?php if ( '' !== $table->error ) : ?>
				<div class="notice notice-error"><p><?php echo esc_html( $table->error ); ?></p></div>
			<?php endif; ?>
			<form method="get" class="wpwa-log-filters" id="wpwa-log-filters">
				<input type="hidden" name="page" value="<?php echo esc_attr( self::SLUG ); ?>" />
				<label for="wpwa-log-vendor"><?php esc_html_e( 'Vendor', 'wpwa' ); ?></label>
				<?php if ( count( $ids ) <= 500 ) : ?>
					<select id="wpwa-log-vendor" name="vendor">
						<option value=""><?php esc_html_e( 'All', 'wpwa' ); ?></option>
						<?php foreach ( Vendors::store_names( $ids ) as $vendor_id => $store_name ) : ?>
							<option value="<?php echo esc_attr( (string) $vendor_id ); ?>" <?php selected( $params['vendor'] ?? '', (string) $vendor_id ); ?>><?php echo esc_html( $store_name . ' (#' . $vendor_id . ')' ); ?></option>
						<?php endforeach; ?>
					</select>
				<?php else : ?>
					<input type="number" min="1" id="wpwa-log-vendor" name="vendor" class="small-text" value="<?php echo esc_attr( $params['vendor'] ?? '' ); ?>" placeholder="<?php esc_attr_e( 'User ID', 'wpwa' ); ?>" />
				<?php endif; ?>
				<label for="wpwa-log-level"><?php esc_html_e( 'Level', 'wpwa' ); ?></label>
				<select id="wpwa-log-level" name="level">
					<option value=""><?php esc_html_e( 'All', 'wpwa' ); ?></option>
					<?php foreach ( Core::LEVELS as $level ) : ?>
						<option value="<?php echo esc_attr( $level ); ?>" <?php selected( $params['level'] ?? '', $level ); ?>><?php echo esc_html( $level ); ?></option>
					<?php endforeach; ?>
				</select>
				<label for="wpwa-log-kind"><?php esc_html_e( 'Kind', 'wpwa' ); ?></label>
				<select id="wpwa-log-kind" name="kind">
					<option value=""><?php esc_html_e( 'All', 'wpwa' ); ?></option>
					<?php foreach ( $kinds as $kind ) : ?>
						<option value="<?php echo esc_attr( $kind ); ?>" <?php selected( $params['kind'] ?? '', $kind ); ?>><?php echo esc_html( $kind ); ?></option>
					<?php endforeach; ?>
				</select>
				<label for="wpwa-log-from"><?php esc_html_e( 'From', 'wpwa' ); ?></label>
				<input type="date" id="wpwa-log-from" name="from" value="<?php echo esc_attr( $params['from'] ?? '' ); ?>" />
				<label for="wpwa-log-to"><?php esc_html_e( 'To', 'wpwa' ); ?></label>
				<input type="date" id="wpwa-log-to" name="to" value="<?php echo esc_attr( $params['to'] ?? '' ); ?>" />
				<?php submit_button( __( 'Filter', 'wpwa' ), 'secondary', 'filter', false, array( 'id' => 'wpwa-log-filter' ) ); ?>
				<a class="button" id="wpwa-log-export" href="<?php echo esc_url( self::export_url( $params ) ); ?>"><?php esc_html_e( 'Export CSV', 'wpwa' ); ?></a>
			</form>
			<?php $table->display(); ?>
		</div>
		<?php
	}

	/**
	 * URL of the CSV export of the given filters (nonce included).
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,string> $params Filter parameters.
	 * @return string
	 */
	public static function export_url( array $params ): string {
		return wp_nonce_url(
			add_query_arg( array( 'action' => self::EXPORT_ACTION ) + array_filter( $params, static fn( $value ): bool => '' !== (string) $value ), admin_url( 'admin-post.php' ) ),
			self::EXPORT_ACTION
		);
	}

	/**
	 * Sends the CSV export (admin-post).
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function handle_export(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		check_admin_referer( self::EXPORT_ACTION );
		$csv = Core::log_export_csv( Logs::filter_from( self::params() ) );
		if ( is_wp_error( $csv ) ) {
			wp_die( esc_html( $csv->get_error_message() ), 500 );
		}
		$csv = self::worded_csv( (string) $csv );
		nocache_headers();
		header( 'Content-Type: text/csv; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="wpwa-activity-log-' . gmdate( 'Ymd-His' ) . '.csv"' );
		header( 'X-Content-Type-Options: nosniff' );
		echo $csv; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- a CSV download, not HTML.
		exit;
	}

	/**
	 * The core's CSV with its `message` column worded from each row's `code`
	 * and `params` in the reader's language (rows without a code keep their
	 * stored message). The other columns are kept as the core wrote them.
	 *
	 * @since 0.7.0
	 *
	 * @param string $csv CSV from the core: id, time, vendor_id, level, kind, message, context, code, params.
	 * @return string
	 */
	public static function worded_csv( string $csv ): string {
		$in = new \SplTempFileObject();
		$in->fwrite( $csv );
		$in->rewind();
		$in->setFlags( \SplFileObject::READ_CSV | \SplFileObject::SKIP_EMPTY | \SplFileObject::READ_AHEAD );
		$in->setCsvControl( ',', '"', '' );
		// Cells written as the core writes them: quoted only when they must be.
		$cell    = static fn( $value ): string => preg_match( '/[,"\r\n]/', (string) $value ) ? '"' . str_replace( '"', '""', (string) $value ) . '"' : (string) $value;
		$worded  = '';
		$columns = null;
		foreach ( $in as $row ) {
			if ( ! is_array( $row ) || array( null ) === $row ) {
				continue;
			}
			if ( null === $columns ) {
				$columns = array_flip( $row );
				if ( ! isset( $columns['message'], $columns['code'], $columns['params'] ) ) {
					return $csv;
				}
			} elseif ( '' !== (string) ( $row[ $columns['code'] ] ?? '' ) ) {
				$params  = json_decode( (string) ( $row[ $columns['params'] ] ?? '' ), true );
				$message = Texts::log_message(
					array(
						'code'    => (string) $row[ $columns['code'] ],
						'params'  => is_array( $params ) ? $params : array(),
						'message' => (string) $row[ $columns['message'] ],
					)
				);
				// As the core does: a cell a spreadsheet would run as a formula is quoted with '.
				$row[ $columns['message'] ] = preg_match( '/^[=+\-@\t\r]/', $message ) ? "'" . $message : $message;
			}
			$worded .= implode( ',', array_map( $cell, $row ) ) . "\r\n";
		}
		return $worded;
	}
}
