<?php
/**
 * Dashboard notice: the state of the WhatsApp Business account of the vendor's
 * own Cloud API connection (coexistence), when it is not simply connected.
 *
 * Override by copying to yourtheme/wpwa/dashboard/notice-business-account.php.
 *
 * @package Wpwa\Plugin
 * @since   0.15.0
 *
 * @var array<string,mixed> $view {
 *     @type string $state      offboarded, disconnected, or connected (just reconnected).
 *     @type string $tone       warning|error|success.
 *     @type string $title      What happened, in a headline.
 *     @type string $text       What happened, in a sentence or two.
 *     @type string $todo       What to do.
 *     @type int    $changed_at Unix time the state changed.
 * }
 */

defined( 'ABSPATH' ) || exit;

$wpwa_datetime_format = get_option( 'date_format' ) . ' ' . get_option( 'time_format' );
$wpwa_changed_at      = (int) $view['changed_at'];
?>
<div class="wpwa-notice wpwa-notice--<?php echo esc_attr( (string) $view['tone'] ); ?> wpwa-account-notice" data-wpwa-field="business-account" data-state="<?php echo esc_attr( (string) $view['state'] ); ?>" role="<?php echo esc_attr( 'connected' === $view['state'] ? 'status' : 'alert' ); ?>">
	<p class="wpwa-account-notice__title"><strong><?php echo esc_html( (string) $view['title'] ); ?></strong></p>
	<p class="wpwa-account-notice__text"><?php echo esc_html( (string) $view['text'] ); ?></p>
	<p class="wpwa-account-notice__todo"><?php echo esc_html( (string) $view['todo'] ); ?></p>
	<?php if ( $wpwa_changed_at > 0 ) : ?>
		<p class="wpwa-account-notice__since wpwa-muted">
			<?php
			printf(
				/* translators: %s: date and time. */
				esc_html__( 'Since %s', 'wpwa' ),
				'<time datetime="' . esc_attr( gmdate( 'c', $wpwa_changed_at ) ) . '">' . esc_html( wp_date( $wpwa_datetime_format, $wpwa_changed_at ) ) . '</time>'
			);
			?>
		</p>
	<?php endif; ?>
</div>
