<?php
/**
 * The Storage box of the WhatsApp settings page: where the store lives, and
 * the "Move to the WordPress database" action.
 *
 * @package Wpwa\Plugin
 * @since   0.14.0
 */

namespace Wpwa\Plugin\Admin;

use Wpwa\Plugin\Core;
use Wpwa\Plugin\StoreConfig;
use Wpwa\Plugin\StoreMove;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * Shows the store's engine, where that choice comes from, its location and
 * schema version; offers the move (a confirm step, then an admin-post action
 * with a nonce, for administrators only) and shows the last move's result
 * table (each table's rows on both sides and whether the content hashes match).
 *
 * @since 0.14.0
 */
final class StorageSettings {

	/**
	 * The admin-post action (and nonce action) of the move.
	 *
	 * @since 0.14.0
	 */
	public const MOVE_ACTION = 'wpwa_store_move';

	/**
	 * The admin-post action (and nonce action) that removes leftover tables.
	 *
	 * @since 0.15.0
	 */
	public const LEFTOVERS_ACTION = 'wpwa_store_remove_leftovers';

	/**
	 * The query argument of the confirm step.
	 *
	 * @since 0.14.0
	 */
	public const CONFIRM_ARG = 'wpwa_store_move';

	/**
	 * Hooks.
	 *
	 * @since 0.14.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'wpwa_settings_page_after_form', array( self::class, 'render' ), 20 );
		add_action( 'admin_post_' . self::MOVE_ACTION, array( self::class, 'handle_move' ) );
		add_action( 'admin_post_' . self::LEFTOVERS_ACTION, array( self::class, 'handle_remove_leftovers' ) );
	}

	/**
	 * The settings page's URL, at this box.
	 *
	 * @param array<string,string> $args Extra query arguments.
	 * @return string
	 */
	private static function url( array $args = array() ): string {
		return add_query_arg( $args, admin_url( 'admin.php?page=' . SettingsPage::SLUG ) ) . '#wpwa-storage';
	}

	/**
	 * Runs the move (admin-post), then goes back to the settings page, where
	 * the notice and the result table tell how it went.
	 *
	 * @since 0.14.0
	 *
	 * @return void
	 */
	public static function handle_move(): void {
		if ( ! current_user_can( StoreMove::capability() ) ) {
			wp_die( esc_html__( 'Sorry, only administrators can move the WhatsApp store.', 'wpwa' ), 403 );
		}
		check_admin_referer( self::MOVE_ACTION );
		$result = StoreMove::move();
		GatewaySettings::remember( $result['ok'] ? 'success' : 'error', (string) $result['message'] );
		wp_safe_redirect( self::url() );
		exit;
	}

	/**
	 * Removes the tables a move found in its way (admin-post), once the
	 * administrator ticked that their data may go.
	 *
	 * @since 0.15.0
	 *
	 * @return void
	 */
	public static function handle_remove_leftovers(): void {
		if ( ! current_user_can( StoreMove::capability() ) ) {
			wp_die( esc_html__( 'Sorry, only administrators can remove the WhatsApp store\'s tables.', 'wpwa' ), 403 );
		}
		check_admin_referer( self::LEFTOVERS_ACTION );
		if ( empty( $_POST['wpwa_leftovers_understood'] ) ) {
			GatewaySettings::remember( 'error', __( 'Nothing was removed: tick the box to confirm that the data in those tables is not needed.', 'wpwa' ) );
		} else {
			$result = StoreMove::remove_leftover_tables();
			GatewaySettings::remember( $result['ok'] ? 'success' : 'error', $result['message'] );
		}
		wp_safe_redirect( self::url() );
		exit;
	}

	/**
	 * The box.
	 *
	 * @since 0.14.0
	 *
	 * @return void
	 */
	public static function render(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			return;
		}
		$engine = StoreConfig::engine();
		$source = StoreConfig::source();
		$info   = Core::available() ? Core::info() : Core::unavailable_error();
		$facts  = array(
			'engine' => array( __( 'Engine', 'wpwa' ), StoreConfig::engine_label( $engine ), $engine ),
			'source' => array( __( 'Chosen by', 'wpwa' ), StoreConfig::source_label( $source ), $source ),
		);
		if ( is_array( $info ) ) {
			$facts['location'] = array( __( 'Location', 'wpwa' ), (string) ( $info['store_location'] ?? $info['store_path'] ?? '' ), '' );
			$facts['schema']   = array( __( 'Schema version', 'wpwa' ), (string) (int) ( $info['schema_version'] ?? 0 ), '' );
		}
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only chooses which step of the form to show.
		$confirm = isset( $_GET[ self::CONFIRM_ARG ] ) && 'confirm' === sanitize_key( wp_unslash( (string) $_GET[ self::CONFIRM_ARG ] ) );
		?>
		<div class="wpwa-card wpwa-storage" id="wpwa-storage">
			<h2><?php esc_html_e( 'Storage', 'wpwa' ); ?></h2>
			<p><?php esc_html_e( 'Where the WhatsApp integration keeps its own data: sessions, customer messages, catalog sync history, carts, consents and the activity log. Settings always stay in the WordPress options.', 'wpwa' ); ?></p>
			<table class="wpwa-status-table wpwa-storage__facts">
				<tbody>
				<?php foreach ( $facts as $key => $fact ) : ?>
					<tr data-wpwa-store="<?php echo esc_attr( $key ); ?>"<?php echo '' !== $fact[2] ? ' data-value="' . esc_attr( $fact[2] ) . '"' : ''; ?>>
						<th scope="row"><?php echo esc_html( $fact[0] ); ?></th>
						<td><?php echo 'location' === $key ? '<code>' . esc_html( '' !== $fact[1] ? $fact[1] : '—' ) . '</code>' : esc_html( $fact[1] ); ?></td>
					</tr>
				<?php endforeach; ?>
				</tbody>
			</table>
			<?php
			if ( is_wp_error( $info ) ) {
				echo '<p class="wpwa-status-line wpwa-status-line--bad">' . esc_html( $info->get_error_message() ) . '</p>';
			}
			self::render_action( $engine, $confirm );
			self::render_result();
			?>
		</div>
		<?php
	}

	/**
	 * The move button, its confirm step, or why there is none.
	 *
	 * @param string $engine  The engine in use.
	 * @param bool   $confirm Whether the confirm step was asked for.
	 * @return void
	 */
	private static function render_action( string $engine, bool $confirm ): void {
		if ( StoreConfig::engine_is_fixed() ) {
			echo '<p class="wpwa-status-line">';
			printf(
				/* translators: 1: constant and its value, 2: file name. */
				esc_html__( 'The engine is fixed by %1$s in %2$s, so there is nothing to move from here. To move an existing site, remove the constant, move with the button that then appears, and set the constant afterwards if you like.', 'wpwa' ),
				'<code>' . esc_html( "define( 'WPWA_STORE', '" . $engine . "' );" ) . '</code>',
				'<code>wp-config.php</code>'
			);
			echo '</p>';
			return;
		}
		if ( StoreConfig::WORDPRESS === $engine ) {
			echo '<p class="wpwa-status-line wpwa-status-line--good">' . esc_html__( 'The store is in the WordPress database: every web server of the site shares it. The SQLite file it was moved from is kept in the data directory as a backup; delete it when you no longer need it.', 'wpwa' ) . '</p>';
			return;
		}
		echo '<p>' . esc_html__( 'Running the site on several web servers? Move the store to the WordPress database, so that every server sees the same sessions, messages and syncs.', 'wpwa' ) . '</p>';
		if ( StoreMove::in_progress() ) {
			echo '<p class="wpwa-status-line wpwa-status-line--warn">' . esc_html( StoreMove::error_message( 'moving' ) ) . '</p>';
			return;
		}
		if ( ! current_user_can( StoreMove::capability() ) ) {
			echo '<p class="description">' . esc_html__( 'Only an administrator can move the store.', 'wpwa' ) . '</p>';
			return;
		}
		if ( ! Core::available() ) {
			echo '<p class="description">' . esc_html( StoreMove::error_message( 'extension_missing' ) ) . '</p>';
			return;
		}
		if ( ! $confirm ) {
			printf(
				'<p><a class="button" href="%1$s" id="wpwa-store-move-start">%2$s</a></p>',
				esc_url( self::url( array( self::CONFIRM_ARG => 'confirm' ) ) ),
				esc_html__( 'Move to the WordPress database…', 'wpwa' )
			);
			return;
		}
		?>
		<div class="wpwa-storage__confirm notice notice-warning inline">
			<p><strong><?php esc_html_e( 'Move the store to the WordPress database?', 'wpwa' ); ?></strong></p>
			<ul class="ul-disc">
				<li><?php esc_html_e( 'Every table of the SQLite file is copied into the WordPress database (tables with this site\'s prefix), then each table\'s row count and content hash are compared.', 'wpwa' ); ?></li>
				<li><?php esc_html_e( 'The site switches to the WordPress database only when every table matches. Otherwise the copy is removed again and the site stays on the SQLite file; nothing is lost either way, and the file is left as it is.', 'wpwa' ); ?></li>
				<li><?php esc_html_e( 'While it runs (a few seconds, longer for a large store), WhatsApp webhooks are answered "try again later" and are delivered again afterwards, and vendor dashboards are briefly unavailable.', 'wpwa' ); ?></li>
			</ul>
			<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>" class="wpwa-storage__form">
				<input type="hidden" name="action" value="<?php echo esc_attr( self::MOVE_ACTION ); ?>" />
				<?php wp_nonce_field( self::MOVE_ACTION ); ?>
				<p>
					<?php submit_button( __( 'Move now', 'wpwa' ), 'primary', 'wpwa-store-move', false ); ?>
					<a class="button-link" href="<?php echo esc_url( self::url() ); ?>"><?php esc_html_e( 'Cancel', 'wpwa' ); ?></a>
				</p>
			</form>
		</div>
		<?php
	}

	/**
	 * The form that removes the tables a move found in its way: a box to tick
	 * (their data is lost), then the button.
	 *
	 * @return void
	 */
	private static function render_leftovers_form(): void {
		?>
		<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>" class="wpwa-storage__leftovers" id="wpwa-store-leftovers">
			<input type="hidden" name="action" value="<?php echo esc_attr( self::LEFTOVERS_ACTION ); ?>" />
			<?php wp_nonce_field( self::LEFTOVERS_ACTION ); ?>
			<p>
				<label>
					<input type="checkbox" name="wpwa_leftovers_understood" value="1" required />
					<?php esc_html_e( 'The data in wpwa\'s tables in the WordPress database is not needed: remove those tables. The SQLite file the site runs on is not touched.', 'wpwa' ); ?>
				</label>
			</p>
			<p><?php submit_button( __( 'Remove the tables', 'wpwa' ), 'delete', 'wpwa-store-remove-leftovers', false ); ?></p>
		</form>
		<?php
	}

	/**
	 * The last move's outcome and its table.
	 *
	 * @return void
	 */
	private static function render_result(): void {
		$result = StoreMove::last_result();
		if ( null === $result ) {
			return;
		}
		$tables = (array) ( $result['tables'] ?? array() );
		echo '<h3>' . esc_html__( 'Last move', 'wpwa' ) . '</h3>';
		printf(
			'<p class="wpwa-status-line wpwa-status-line--%1$s wpwa-storage__outcome" data-ok="%2$s" data-error="%3$s">%4$s</p>',
			! empty( $result['ok'] ) ? 'good' : 'bad',
			! empty( $result['ok'] ) ? '1' : '0',
			esc_attr( (string) ( $result['error'] ?? '' ) ),
			esc_html(
				sprintf(
					/* translators: 1: date and time, 2: what happened. */
					__( '%1$s: %2$s', 'wpwa' ),
					wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), (int) ( $result['finished'] ?? 0 ) ),
					(string) $result['message']
				)
			)
		);
		if ( ! empty( $result['detail'] ) && current_user_can( StoreMove::capability() ) ) {
			printf( '<p class="description">%1$s <code>%2$s</code></p>', esc_html__( 'The database said:', 'wpwa' ), esc_html( (string) $result['detail'] ) );
		}
		if ( 'target_not_empty' === ( $result['error'] ?? '' ) && null === StoreMove::refusal() && current_user_can( StoreMove::capability() ) ) {
			self::render_leftovers_form();
		}
		if ( ! $tables ) {
			return;
		}
		?>
		<table class="widefat striped wpwa-storage__tables">
			<thead>
				<tr>
					<th scope="col"><?php esc_html_e( 'Table', 'wpwa' ); ?></th>
					<th scope="col" class="num"><?php esc_html_e( 'Rows in the SQLite file', 'wpwa' ); ?></th>
					<th scope="col" class="num"><?php esc_html_e( 'Rows in the WordPress database', 'wpwa' ); ?></th>
					<th scope="col"><?php esc_html_e( 'Content hash', 'wpwa' ); ?></th>
				</tr>
			</thead>
			<tbody>
			<?php foreach ( $tables as $table ) : ?>
				<?php
				$table = (array) $table;
				$same  = ! empty( $table['match'] );
				?>
				<tr data-table="<?php echo esc_attr( (string) $table['table'] ); ?>" data-source-rows="<?php echo (int) $table['source_rows']; ?>" data-target-rows="<?php echo (int) $table['target_rows']; ?>" data-source-hash="<?php echo esc_attr( (string) $table['source_hash'] ); ?>" data-target-hash="<?php echo esc_attr( (string) $table['target_hash'] ); ?>" data-match="<?php echo $same ? '1' : '0'; ?>">
					<td><code><?php echo esc_html( (string) $table['table'] ); ?></code></td>
					<td class="num"><?php echo esc_html( number_format_i18n( (int) $table['source_rows'] ) ); ?></td>
					<td class="num"><?php echo esc_html( number_format_i18n( (int) $table['target_rows'] ) ); ?></td>
					<td>
						<?php if ( $same ) : ?>
							<span class="wpwa-storage__hash wpwa-storage__hash--same"><?php esc_html_e( 'equal', 'wpwa' ); ?></span>
						<?php else : ?>
							<span class="wpwa-storage__hash wpwa-storage__hash--differ"><?php esc_html_e( 'different', 'wpwa' ); ?></span>
						<?php endif; ?>
						<code class="wpwa-storage__digest"><?php echo esc_html( (string) $table['source_hash'] ); ?></code>
					</td>
				</tr>
			<?php endforeach; ?>
			</tbody>
		</table>
		<?php
	}
}
