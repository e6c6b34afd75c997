<?php
/**
 * Dashboard panel: WhatsApp updates of the vendor's orders, and the vendor's own
 * template per order event.
 *
 * Override by copying to yourtheme/wpwa/dashboard/panel-order-updates.php. Keep
 * the field names (the REST route wpwa/v1/order-updates reads them).
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 *
 * @var array<string,mixed> $view {
 *     @type string $title      Panel title.
 *     @type string $heading_id ID of the panel heading.
 *     @type array  $updates    The vendor's latest updates (order_id, event, template, state, delivery, statuses…).
 *     @type string $error      Why the updates could not be read, if so.
 *     @type array  $mapping    The vendor's own event => name, language, params.
 *     @type string $action_url The REST route the form is sent to.
 *     @type string $result     `saved` or `error` after a form post without JavaScript.
 * }
 */

use Wpwa\Plugin\Admin\OrderUpdatesSettings;
use Wpwa\Plugin\Orders\Config;
use Wpwa\Plugin\Orders\UpdatesBox;

defined( 'ABSPATH' ) || exit;
?>
<section class="wpwa-panel wpwa-panel--order-updates" id="wpwa-order-updates" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>" data-wpwa-panel="order_updates">
	<h3 id="<?php echo esc_attr( $view['heading_id'] ); ?>" class="wpwa-panel__title"><?php echo esc_html( $view['title'] ); ?></h3>
	<?php if ( 'saved' === $view['result'] ) : ?>
		<div class="wpwa-notice wpwa-notice--success" role="status"><p><?php esc_html_e( 'Your order update templates were saved.', 'wpwa' ); ?></p></div>
	<?php elseif ( 'error' === $view['result'] ) : ?>
		<div class="wpwa-notice wpwa-notice--error" role="status"><p><?php esc_html_e( 'Your order update templates were not saved: check the template names (lower-case letters, digits, _), languages (like en_US) and parameters.', 'wpwa' ); ?></p></div>
	<?php endif; ?>
	<?php if ( '' !== $view['error'] ) : ?>
		<p><?php echo esc_html( $view['error'] ); ?></p>
	<?php elseif ( array() === $view['updates'] ) : ?>
		<p class="wpwa-order-updates__empty"><?php esc_html_e( 'No WhatsApp update was sent for your orders yet. Customers who opt in at checkout get one when their order changes.', 'wpwa' ); ?></p>
	<?php else : ?>
		<?php UpdatesBox::table( $view['updates'], true ); ?>
	<?php endif; ?>
	<form method="post" action="<?php echo esc_url( $view['action_url'] ); ?>" class="wpwa-order-updates__mapping">
		<p><?php esc_html_e( 'Your own templates (approved in your WhatsApp account) replace the marketplace\'s for your orders; leave a name empty to keep the marketplace\'s.', 'wpwa' ); ?></p>
		<?php
		wp_nonce_field( 'wp_rest', '_wpnonce', true );
		OrderUpdatesSettings::mapping_table( 'mapping', $view['mapping'] );
		?>
		<p><button type="submit" class="button"><?php esc_html_e( 'Save templates', 'wpwa' ); ?></button></p>
	</form>
</section>
