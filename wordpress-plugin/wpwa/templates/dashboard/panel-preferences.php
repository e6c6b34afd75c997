<?php
/**
 * Dashboard panel: the vendor's messaging preferences.
 *
 * Override by copying to yourtheme/wpwa/dashboard/panel-preferences.php. Keep
 * the field names (the REST route reads them), the form's class and the
 * data-wpwa-* attributes (the panel's script fills them). Checkboxes are
 * labelled with label[for], never wrapped in their label: WCFM's dashboard
 * script unwraps every checkbox from a wrapping label (and span).
 *
 * @package Wpwa\Plugin
 * @since   0.5.0
 * @since   0.7.0 Sent to the REST route wpwa/v1/preferences; problems shown next to their fields.
 *
 * @var array<string,mixed> $view {
 *     @type string   $title            Panel title.
 *     @type string   $heading_id       ID of the panel heading.
 *     @type array    $prefs            notify_email, notify_whatsapp, whatsapp_number, acknowledge, hide_chat_button,
 *                                      acknowledgement, use_hours, hours (7 × open, close, closed), away, away_message.
 *     @type string[] $days             Weekday names, Monday first.
 *     @type string   $action_url       The REST route the form is sent to.
 *     @type bool     $saved            Whether the last submission (without JavaScript) was saved.
 *     @type string[] $errors           What was wrong with it, every problem.
 *     @type array    $field_errors     The same problems by field: whatsapp_number, acknowledgement,
 *                                      away_message, hours (each a list of messages).
 *     @type int[]    $invalid_days     Days (0 = Monday) whose times were wrong.
 *     @type bool     $auto_replies_on  Whether the marketplace sends automatic replies.
 *     @type bool     $whatsapp_offered Whether WhatsApp notifications are available.
 *     @type string   $timezone         The site's time zone.
 * }
 */

defined( 'ABSPATH' ) || exit;

$wpwa_p = $view['prefs'];
$wpwa_i = $view['heading_id'];

/**
 * Prints the slot of a field's problems (the panel's script fills it too).
 *
 * @param array  $view  Panel data.
 * @param string $field Field name.
 * @return void
 */
$wpwa_field_errors = static function ( array $view, string $field ): void {
	$wpwa_messages = $view['field_errors'][ $field ] ?? array();
	printf(
		'<div class="wpwa-field-error" id="%1$s" data-wpwa-errors-for="%2$s"%3$s>',
		esc_attr( $view['heading_id'] . '-error-' . $field ),
		esc_attr( $field ),
		$wpwa_messages ? '' : ' hidden'
	);
	foreach ( $wpwa_messages as $wpwa_message ) {
		echo '<p>' . esc_html( $wpwa_message ) . '</p>';
	}
	echo '</div>';
};

/**
 * Attributes marking a field as wrong, pointing at its problems.
 *
 * @param array  $view  Panel data.
 * @param string $field Field name.
 * @return string Escaped attributes.
 */
$wpwa_invalid = static function ( array $view, string $field ): string {
	if ( empty( $view['field_errors'][ $field ] ) ) {
		return '';
	}
	return ' aria-invalid="true" aria-describedby="' . esc_attr( $view['heading_id'] . '-error-' . $field ) . '"';
};
?>
<section class="wpwa-panel wpwa-panel--preferences" id="wpwa-preferences" aria-labelledby="<?php echo esc_attr( $wpwa_i ); ?>" data-wpwa-panel="preferences">
	<h3 id="<?php echo esc_attr( $wpwa_i ); ?>" class="wpwa-panel__title"><?php echo esc_html( $view['title'] ); ?></h3>
	<div class="wpwa-panel__body">
		<div class="wpwa-preferences__outcome" data-wpwa-field="outcome" tabindex="-1">
			<?php if ( $view['saved'] ) : ?>
				<p class="wpwa-notice wpwa-notice--success" role="status"><?php esc_html_e( 'Your preferences were saved.', 'wpwa' ); ?></p>
			<?php endif; ?>
			<?php if ( ! empty( $view['errors'] ) ) : ?>
				<div class="wpwa-notice wpwa-notice--error" role="alert">
					<p><?php esc_html_e( 'Nothing was saved. Please correct the following:', 'wpwa' ); ?></p>
					<ul>
						<?php foreach ( $view['errors'] as $wpwa_error ) : ?>
							<li><?php echo esc_html( $wpwa_error ); ?></li>
						<?php endforeach; ?>
					</ul>
				</div>
			<?php endif; ?>
		</div>
		<form class="wpwa-preferences" method="post" action="<?php echo esc_url( $view['action_url'] ); ?>" novalidate>
			<?php
			// The REST API's own nonce; the referer field brings a browser without JavaScript back here.
			wp_nonce_field( 'wp_rest', '_wpnonce', true );
			?>

			<fieldset class="wpwa-fieldset">
				<legend><?php esc_html_e( 'Tell me about new customer messages', 'wpwa' ); ?></legend>
				<p class="wpwa-muted"><?php esc_html_e( 'New messages always appear under Customer messages above.', 'wpwa' ); ?></p>
				<div class="wpwa-check">
					<input type="checkbox" id="<?php echo esc_attr( $wpwa_i . '-notify-email' ); ?>" name="notify_email" value="1" <?php checked( $wpwa_p['notify_email'] ); ?> />
					<label for="<?php echo esc_attr( $wpwa_i . '-notify-email' ); ?>"><?php esc_html_e( 'By e-mail', 'wpwa' ); ?></label>
				</div>
				<?php if ( $view['whatsapp_offered'] ) : ?>
					<div class="wpwa-check">
						<input type="checkbox" id="<?php echo esc_attr( $wpwa_i . '-notify-whatsapp' ); ?>" name="notify_whatsapp" value="1" <?php checked( $wpwa_p['notify_whatsapp'] ); ?> />
						<label for="<?php echo esc_attr( $wpwa_i . '-notify-whatsapp' ); ?>"><?php esc_html_e( 'On WhatsApp, from the marketplace\'s number', 'wpwa' ); ?></label>
					</div>
					<label class="wpwa-field" for="<?php echo esc_attr( $wpwa_i . '-number' ); ?>"><?php esc_html_e( 'My WhatsApp number', 'wpwa' ); ?></label>
					<input type="tel" id="<?php echo esc_attr( $wpwa_i . '-number' ); ?>" name="whatsapp_number" value="<?php echo esc_attr( '' !== $wpwa_p['whatsapp_number'] && ctype_digit( (string) $wpwa_p['whatsapp_number'] ) ? '+' . $wpwa_p['whatsapp_number'] : (string) $wpwa_p['whatsapp_number'] ); ?>" placeholder="+1 555 010 0200" autocomplete="tel"<?php echo $wpwa_invalid( $view, 'whatsapp_number' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the closure. ?> />
					<?php $wpwa_field_errors( $view, 'whatsapp_number' ); ?>
				<?php else : ?>
					<input type="hidden" name="whatsapp_number" value="<?php echo esc_attr( (string) $wpwa_p['whatsapp_number'] ); ?>" />
				<?php endif; ?>
			</fieldset>

			<fieldset class="wpwa-fieldset">
				<legend><?php esc_html_e( 'Automatic replies', 'wpwa' ); ?></legend>
				<?php if ( ! $view['auto_replies_on'] ) : ?>
					<p class="wpwa-notice wpwa-notice--info"><?php esc_html_e( 'The marketplace has turned automatic replies off for now; your texts are kept for when they are back.', 'wpwa' ); ?></p>
				<?php endif; ?>
				<p class="wpwa-muted"><?php esc_html_e( 'A customer gets at most one automatic reply from you in 12 hours, and none while you are already talking to them. {vendor} is replaced by your store name.', 'wpwa' ); ?></p>
				<div class="wpwa-check">
					<input type="checkbox" id="<?php echo esc_attr( $wpwa_i . '-acknowledge' ); ?>" name="acknowledge" value="1" <?php checked( $wpwa_p['acknowledge'] ); ?> />
					<label for="<?php echo esc_attr( $wpwa_i . '-acknowledge' ); ?>"><?php esc_html_e( 'Acknowledge new messages automatically', 'wpwa' ); ?></label>
				</div>
				<label class="wpwa-field" for="<?php echo esc_attr( $wpwa_i . '-ack' ); ?>"><?php esc_html_e( 'Acknowledgement', 'wpwa' ); ?></label>
				<textarea id="<?php echo esc_attr( $wpwa_i . '-ack' ); ?>" name="acknowledgement" rows="2"<?php echo \Wpwa\Plugin\esc_rule_attributes( \Wpwa\Plugin\Messages\Preferences::RULES_GROUP, 'acknowledgement' ); ?><?php echo $wpwa_invalid( $view, 'acknowledgement' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the closure. ?>><?php echo esc_textarea( (string) $wpwa_p['acknowledgement'] ); ?></textarea>
				<?php $wpwa_field_errors( $view, 'acknowledgement' ); ?>
			</fieldset>

			<fieldset class="wpwa-fieldset">
				<legend><?php esc_html_e( 'Business hours', 'wpwa' ); ?></legend>
				<div class="wpwa-check">
					<input type="checkbox" id="<?php echo esc_attr( $wpwa_i . '-use-hours' ); ?>" name="use_hours" value="1" <?php checked( $wpwa_p['use_hours'] ); ?> />
					<label for="<?php echo esc_attr( $wpwa_i . '-use-hours' ); ?>"><?php esc_html_e( 'I keep business hours', 'wpwa' ); ?></label>
				</div>
				<p class="wpwa-muted">
					<?php
					/* translators: %s: time zone name, e.g. Europe/Berlin. */
					printf( esc_html__( 'Times are in the marketplace\'s time zone (%s). A closing time before the opening time runs past midnight.', 'wpwa' ), esc_html( $view['timezone'] ) );
					?>
				</p>
				<table class="wpwa-hours" aria-describedby="<?php echo esc_attr( $wpwa_i . '-error-hours' ); ?>">
					<thead>
						<tr>
							<th scope="col"><?php esc_html_e( 'Day', 'wpwa' ); ?></th>
							<th scope="col"><?php esc_html_e( 'Open', 'wpwa' ); ?></th>
							<th scope="col"><?php esc_html_e( 'Opens', 'wpwa' ); ?></th>
							<th scope="col"><?php esc_html_e( 'Closes', 'wpwa' ); ?></th>
						</tr>
					</thead>
					<tbody>
						<?php foreach ( $view['days'] as $wpwa_d => $wpwa_day ) : ?>
							<?php
							$wpwa_h            = $wpwa_p['hours'][ $wpwa_d ];
							$wpwa_wrong        = in_array( $wpwa_d, $view['invalid_days'], true );
							$wpwa_invalid_time = $wpwa_wrong ? ' aria-invalid="true"' : '';
							?>
							<tr data-wpwa-day="<?php echo (int) $wpwa_d; ?>"<?php echo $wpwa_wrong ? ' class="wpwa-hours__day--invalid"' : ''; ?>>
								<th scope="row"><?php echo esc_html( $wpwa_day ); ?></th>
								<td>
									<input type="checkbox" name="hours[<?php echo (int) $wpwa_d; ?>][open_day]" value="1" <?php checked( ! $wpwa_h['closed'] ); ?> aria-label="<?php echo esc_attr( sprintf( /* translators: %s: weekday. */ __( 'Open on %s', 'wpwa' ), $wpwa_day ) ); ?>" />
								</td>
								<td>
									<input type="time" name="hours[<?php echo (int) $wpwa_d; ?>][open]" value="<?php echo esc_attr( $wpwa_h['open'] ); ?>"<?php echo $wpwa_invalid_time; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- a fixed attribute. ?> aria-label="<?php echo esc_attr( sprintf( /* translators: %s: weekday. */ __( '%s opening time', 'wpwa' ), $wpwa_day ) ); ?>" />
								</td>
								<td>
									<input type="time" name="hours[<?php echo (int) $wpwa_d; ?>][close]" value="<?php echo esc_attr( '24:00' === $wpwa_h['close'] ? '23:59' : $wpwa_h['close'] ); ?>"<?php echo $wpwa_invalid_time; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- a fixed attribute. ?> aria-label="<?php echo esc_attr( sprintf( /* translators: %s: weekday. */ __( '%s closing time', 'wpwa' ), $wpwa_day ) ); ?>" />
								</td>
							</tr>
						<?php endforeach; ?>
					</tbody>
				</table>
				<?php $wpwa_field_errors( $view, 'hours' ); ?>
				<div class="wpwa-check">
					<input type="checkbox" id="<?php echo esc_attr( $wpwa_i . '-away' ); ?>" name="away" value="1" <?php checked( $wpwa_p['away'] ); ?> />
					<label for="<?php echo esc_attr( $wpwa_i . '-away' ); ?>"><?php esc_html_e( 'Outside these hours, answer with an away message', 'wpwa' ); ?></label>
				</div>
				<label class="wpwa-field" for="<?php echo esc_attr( $wpwa_i . '-away' ); ?>"><?php esc_html_e( 'Away message', 'wpwa' ); ?></label>
				<textarea id="<?php echo esc_attr( $wpwa_i . '-away' ); ?>" name="away_message" rows="2"<?php echo \Wpwa\Plugin\esc_rule_attributes( \Wpwa\Plugin\Messages\Preferences::RULES_GROUP, 'away_message' ); ?><?php echo $wpwa_invalid( $view, 'away_message' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the closure. ?>><?php echo esc_textarea( (string) $wpwa_p['away_message'] ); ?></textarea>
				<?php $wpwa_field_errors( $view, 'away_message' ); ?>
			</fieldset>

			<fieldset class="wpwa-fieldset">
				<legend><?php esc_html_e( 'Chat button', 'wpwa' ); ?></legend>
				<p class="wpwa-muted"><?php esc_html_e( 'Your product pages and store page show a "Chat on WhatsApp" button; the message it starts comes straight to you.', 'wpwa' ); ?></p>
				<div class="wpwa-check">
					<input type="checkbox" id="<?php echo esc_attr( $wpwa_i . '-hide-chat-button' ); ?>" name="hide_chat_button" value="1" <?php checked( $wpwa_p['hide_chat_button'] ); ?> />
					<label for="<?php echo esc_attr( $wpwa_i . '-hide-chat-button' ); ?>"><?php esc_html_e( 'Hide the chat button on my products and store page', 'wpwa' ); ?></label>
				</div>
			</fieldset>

			<p class="wpwa-preferences__actions"><button type="submit" class="wpwa-button wpwa-button--primary" data-wpwa-field="save"><?php esc_html_e( 'Save preferences', 'wpwa' ); ?></button></p>
		</form>
	</div>
</section>
