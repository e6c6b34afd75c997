<?php
/**
 * Dashboard panel: WhatsApp connection.
 *
 * Override by copying to yourtheme/wpwa/dashboard/panel-connection.php.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 *
 * @var array $view {
 *     @type string      $title      Panel title.
 *     @type string      $heading_id ID of the panel heading.
 *     @type string      $state      Session state (or "unknown").
 *     @type string      $label      Human label of the state.
 *     @type string      $guidance   What the vendor should do.
 *     @type string      $tone       neutral|progress|good|warning|error.
 *     @type string|null $phone      Linked phone number.
 *     @type int|null    $since      Unix time the session connected.
 *     @type int|null    $updated_at Unix time of the last status change.
 *     @type string      $error      Error message when the status could not be read.
 * }
 */

defined( 'ABSPATH' ) || exit;

$wpwa_datetime_format = get_option( 'date_format' ) . ' ' . get_option( 'time_format' );
?>
<section class="wpwa-panel wpwa-panel--connection" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>" data-wpwa-panel="connection">
	<h3 id="<?php echo esc_attr( $view['heading_id'] ); ?>" class="wpwa-panel__title"><?php echo esc_html( $view['title'] ); ?></h3>
	<div class="wpwa-panel__body" aria-live="polite">
		<p class="wpwa-status">
			<span class="wpwa-status-badge wpwa-status-badge--<?php echo esc_attr( $view['tone'] ); ?>" data-state="<?php echo esc_attr( $view['state'] ); ?>"><?php echo esc_html( $view['label'] ); ?></span>
		</p>
		<p class="wpwa-status-guidance"><?php echo esc_html( $view['guidance'] ); ?></p>
		<dl class="wpwa-facts wpwa-status-details"<?php echo ( null === $view['phone'] && null === $view['since'] ) ? ' hidden' : ''; ?>>
			<div class="wpwa-facts__row" data-wpwa-field="phone"<?php echo null === $view['phone'] ? ' hidden' : ''; ?>>
				<dt><?php esc_html_e( 'Linked number', 'wpwa' ); ?></dt>
				<dd class="wpwa-status-phone"><?php echo esc_html( (string) $view['phone'] ); ?></dd>
			</div>
			<div class="wpwa-facts__row" data-wpwa-field="since"<?php echo null === $view['since'] ? ' hidden' : ''; ?>>
				<dt><?php esc_html_e( 'Connected since', 'wpwa' ); ?></dt>
				<dd class="wpwa-status-since">
					<?php if ( null !== $view['since'] ) : ?>
						<time datetime="<?php echo esc_attr( gmdate( 'c', $view['since'] ) ); ?>"><?php echo esc_html( wp_date( $wpwa_datetime_format, $view['since'] ) ); ?></time>
					<?php endif; ?>
				</dd>
			</div>
		</dl>
		<?php if ( '' !== $view['error'] ) : ?>
			<p class="wpwa-notice wpwa-notice--error"><?php echo esc_html( $view['error'] ); ?></p>
		<?php endif; ?>
		<p class="wpwa-status-checked wpwa-muted" data-wpwa-field="checked"></p>
	</div>
</section>
