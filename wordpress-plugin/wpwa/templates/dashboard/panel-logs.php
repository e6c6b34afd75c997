<?php
/**
 * Dashboard panel: the vendor's activity log.
 *
 * Override by copying to yourtheme/wpwa/dashboard/panel-logs.php.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 *
 * @var array<string,mixed> $view {
 *     @type string $title      Panel title.
 *     @type string $heading_id ID of the panel heading.
 *     @type array  $entries    Entries: id, level, kind, message, created_at (unix).
 *     @type int    $total      Total entries of the vendor.
 *     @type string $error      Error message when the log could not be read.
 * }
 */

defined( 'ABSPATH' ) || exit;

$wpwa_datetime_format = get_option( 'date_format' ) . ' ' . get_option( 'time_format' );
$wpwa_level_labels    = array(
	'debug'   => __( 'Debug', 'wpwa' ),
	'info'    => __( 'Info', 'wpwa' ),
	'notice'  => __( 'Notice', 'wpwa' ),
	'warning' => __( 'Warning', 'wpwa' ),
	'error'   => __( 'Error', 'wpwa' ),
);
?>
<section class="wpwa-panel wpwa-panel--logs" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>" data-wpwa-panel="logs">
	<h3 id="<?php echo esc_attr( $view['heading_id'] ); ?>" class="wpwa-panel__title"><?php echo esc_html( $view['title'] ); ?></h3>
	<div class="wpwa-panel__body">
		<?php if ( '' !== $view['error'] ) : ?>
			<p class="wpwa-notice wpwa-notice--error"><?php echo esc_html( $view['error'] ); ?></p>
		<?php elseif ( empty( $view['entries'] ) ) : ?>
			<p class="wpwa-empty"><?php esc_html_e( 'No activity yet. Connection changes, product syncs and access to your WhatsApp data will be listed here.', 'wpwa' ); ?></p>
		<?php else : ?>
			<ol class="wpwa-log">
				<?php foreach ( $view['entries'] as $wpwa_entry ) : ?>
					<?php
					$wpwa_level = isset( $wpwa_level_labels[ $wpwa_entry['level'] ] ) ? $wpwa_entry['level'] : 'info';
					$wpwa_time  = (int) $wpwa_entry['created_at'];
					?>
					<li class="wpwa-log__entry wpwa-log__entry--<?php echo esc_attr( $wpwa_level ); ?>">
						<span class="wpwa-level wpwa-level--<?php echo esc_attr( $wpwa_level ); ?>"><?php echo esc_html( $wpwa_level_labels[ $wpwa_level ] ); ?></span>
						<span class="wpwa-log__message"><?php echo esc_html( $wpwa_entry['message'] ); ?></span>
						<?php if ( '' !== $wpwa_entry['kind'] ) : ?>
							<span class="wpwa-log__kind"><?php echo esc_html( $wpwa_entry['kind'] ); ?></span>
						<?php endif; ?>
						<?php if ( $wpwa_time > 0 ) : ?>
							<time class="wpwa-log__time" datetime="<?php echo esc_attr( gmdate( 'c', $wpwa_time ) ); ?>" title="<?php echo esc_attr( wp_date( $wpwa_datetime_format, $wpwa_time ) ); ?>">
								<?php
								echo esc_html(
									sprintf(
										/* translators: %s: human-readable time difference, e.g. "5 mins". */
										__( '%s ago', 'wpwa' ),
										human_time_diff( $wpwa_time, time() )
									)
								);
								?>
							</time>
						<?php endif; ?>
					</li>
				<?php endforeach; ?>
			</ol>
			<?php if ( $view['total'] > count( $view['entries'] ) ) : ?>
				<p class="wpwa-muted">
					<?php
					echo esc_html(
						sprintf(
							/* translators: 1: number of entries shown, 2: total number of entries. */
							__( 'Showing the latest %1$s of %2$s entries.', 'wpwa' ),
							number_format_i18n( count( $view['entries'] ) ),
							number_format_i18n( $view['total'] )
						)
					);
					?>
				</p>
			<?php endif; ?>
		<?php endif; ?>
	</div>
</section>
