<?php
/**
 * Dashboard panel: WhatsApp connection.
 *
 * Override by copying to yourtheme/wpwa/dashboard/panel-connection.php. The
 * dashboard script finds its parts by their data-wpwa-field and
 * data-wpwa-action attributes: keep them in an override.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 * @since   0.2.0 QR code, countdown, connect/disconnect buttons, reasons.
 * @since   0.15.0 Linking by pairing code: the number form, the code and its countdown.
 *
 * @var array<string,mixed> $view {
 *     @type string      $title      Panel title.
 *     @type string      $heading_id ID of the panel heading.
 *     @type string      $state      Session state (or "unknown").
 *     @type string|null $reason     Why the session ended (expired, logged_out, failed).
 *     @type string      $reason_text What the vendor is told about the reason.
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
$wpwa_state           = (string) $view['state'];
$wpwa_connected       = 'connected' === $wpwa_state;
$wpwa_pending         = in_array( $wpwa_state, array( 'starting', 'waiting_for_scan' ), true );
$wpwa_ended           = in_array( $wpwa_state, array( 'expired', 'logged_out', 'failed' ), true );
$wpwa_since           = $wpwa_connected ? $view['since'] : null;
$wpwa_phone           = $wpwa_connected ? $view['phone'] : null;
$wpwa_reason_text     = (string) ( $view['reason_text'] ?? '' );
?>
<section class="wpwa-panel wpwa-panel--connection" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>" data-wpwa-panel="connection" data-state="<?php echo esc_attr( $wpwa_state ); ?>">
	<h3 id="<?php echo esc_attr( $view['heading_id'] ); ?>" class="wpwa-panel__title"><?php echo esc_html( $view['title'] ); ?></h3>
	<div class="wpwa-panel__body">
		<p class="wpwa-status" role="status" aria-live="polite" aria-atomic="true">
			<span class="wpwa-status-badge wpwa-status-badge--<?php echo esc_attr( $view['tone'] ); ?>" data-state="<?php echo esc_attr( $wpwa_state ); ?>"><?php echo esc_html( $view['label'] ); ?></span>
		</p>
		<p class="wpwa-status-guidance"<?php echo '' !== $wpwa_reason_text ? ' hidden' : ''; ?>><?php echo esc_html( $view['guidance'] ); ?></p>

		<div class="wpwa-notice wpwa-notice--warning wpwa-session-reason" data-wpwa-field="reason" role="alert"<?php echo '' === $wpwa_reason_text ? ' hidden' : ''; ?>><?php echo esc_html( $wpwa_reason_text ); ?></div>

		<div class="wpwa-qr" data-wpwa-field="qr" hidden>
			<div class="wpwa-qr__code" data-wpwa-field="qr-code" role="img" aria-label="<?php esc_attr_e( 'QR code to link your WhatsApp', 'wpwa' ); ?>"></div>
			<p class="wpwa-qr__countdown" data-wpwa-field="countdown"></p>
		</div>
		<p class="wpwa-qr__loading wpwa-muted" data-wpwa-field="qr-loading"<?php echo $wpwa_pending ? '' : ' hidden'; ?>><?php esc_html_e( 'Preparing your QR code…', 'wpwa' ); ?></p>

		<div class="wpwa-pairing" data-wpwa-field="pairing"<?php echo $wpwa_pending ? '' : ' hidden'; ?>>
			<details class="wpwa-pairing__choice" data-wpwa-field="pairing-choice">
				<summary><?php esc_html_e( 'Can\'t scan? Link with your phone number instead', 'wpwa' ); ?></summary>
				<form class="wpwa-pairing__form" data-wpwa-field="pairing-form" novalidate>
					<label for="<?php echo esc_attr( $view['heading_id'] ); ?>-pairing-phone"><?php esc_html_e( 'Your WhatsApp number, with country code', 'wpwa' ); ?></label>
					<input type="tel" id="<?php echo esc_attr( $view['heading_id'] ); ?>-pairing-phone" name="phone" autocomplete="tel" inputmode="tel" placeholder="+49 151 23456789" data-wpwa-field="pairing-phone" />
					<button type="submit" class="wpwa-button wpwa-button--secondary" data-wpwa-action="pairing-code"><?php esc_html_e( 'Get a pairing code', 'wpwa' ); ?></button>
				</form>
			</details>
			<div class="wpwa-pairing__result" data-wpwa-field="pairing-result" hidden>
				<p class="wpwa-pairing__code" data-wpwa-field="pairing-code" aria-label="<?php esc_attr_e( 'Pairing code', 'wpwa' ); ?>"></p>
				<ol class="wpwa-pairing__steps">
					<li><?php esc_html_e( 'Open WhatsApp on the phone with this number.', 'wpwa' ); ?></li>
					<li><?php esc_html_e( 'Go to Settings → Linked devices → Link a device.', 'wpwa' ); ?></li>
					<li><?php esc_html_e( 'Tap "Link with phone number instead" and enter the code above.', 'wpwa' ); ?></li>
				</ol>
				<p class="wpwa-pairing__countdown" data-wpwa-field="pairing-countdown" aria-live="polite"></p>
			</div>
		</div>

		<dl class="wpwa-facts wpwa-status-details"<?php echo ( null === $wpwa_phone && null === $wpwa_since ) ? ' hidden' : ''; ?>>
			<div class="wpwa-facts__row" data-wpwa-field="phone"<?php echo null === $wpwa_phone ? ' hidden' : ''; ?>>
				<dt><?php esc_html_e( 'Linked number', 'wpwa' ); ?></dt>
				<dd class="wpwa-status-phone"><?php echo esc_html( (string) $wpwa_phone ); ?></dd>
			</div>
			<div class="wpwa-facts__row" data-wpwa-field="since"<?php echo null === $wpwa_since ? ' hidden' : ''; ?>>
				<dt><?php esc_html_e( 'Connected since', 'wpwa' ); ?></dt>
				<dd class="wpwa-status-since">
					<?php if ( null !== $wpwa_since ) : ?>
						<time datetime="<?php echo esc_attr( gmdate( 'c', (int) $wpwa_since ) ); ?>"><?php echo esc_html( wp_date( $wpwa_datetime_format, (int) $wpwa_since ) ); ?></time>
					<?php endif; ?>
				</dd>
			</div>
			<div class="wpwa-facts__row" data-wpwa-field="duration" hidden>
				<dt><?php esc_html_e( 'Connected for', 'wpwa' ); ?></dt>
				<dd class="wpwa-status-duration"></dd>
			</div>
		</dl>

		<div class="wpwa-session-actions" data-wpwa-field="actions">
			<button type="button" class="wpwa-button wpwa-button--primary" data-wpwa-action="connect"<?php echo ( $wpwa_connected || $wpwa_pending || 'unknown' === $wpwa_state ) ? ' hidden' : ''; ?>><?php echo esc_html( $wpwa_ended ? __( 'Connect again', 'wpwa' ) : __( 'Connect WhatsApp', 'wpwa' ) ); ?></button>
			<button type="button" class="wpwa-button wpwa-button--secondary" data-wpwa-action="disconnect"<?php echo ( $wpwa_connected || $wpwa_pending ) ? '' : ' hidden'; ?>><?php echo esc_html( $wpwa_pending ? __( 'Cancel', 'wpwa' ) : __( 'Disconnect', 'wpwa' ) ); ?></button>
		</div>
		<div class="wpwa-confirm" data-wpwa-field="confirm" role="group" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>-confirm" hidden>
			<p id="<?php echo esc_attr( $view['heading_id'] ); ?>-confirm"><?php esc_html_e( 'Disconnect your WhatsApp number from the marketplace? Customers will not reach you on WhatsApp until you connect again.', 'wpwa' ); ?></p>
			<button type="button" class="wpwa-button wpwa-button--danger" data-wpwa-action="confirm-disconnect"><?php esc_html_e( 'Yes, disconnect', 'wpwa' ); ?></button>
			<button type="button" class="wpwa-button wpwa-button--secondary" data-wpwa-action="cancel-disconnect"><?php esc_html_e( 'Keep connected', 'wpwa' ); ?></button>
		</div>

		<div class="wpwa-notice wpwa-notice--error wpwa-session-error" data-wpwa-field="error" role="alert"<?php echo '' === $view['error'] ? ' hidden' : ''; ?>><?php echo esc_html( $view['error'] ); ?></div>
		<noscript><p class="wpwa-notice wpwa-notice--warning"><?php esc_html_e( 'Connecting WhatsApp needs JavaScript. Please enable it in your browser.', 'wpwa' ); ?></p></noscript>
		<p class="wpwa-status-checked wpwa-muted" data-wpwa-field="checked"></p>
	</div>
</section>
