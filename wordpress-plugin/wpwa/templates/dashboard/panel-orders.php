<?php
/**
 * Dashboard panel: the vendor's parts of orders customers made with WhatsApp carts.
 *
 * Override by copying to yourtheme/wpwa/dashboard/panel-orders.php.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 *
 * @var array<string,mixed> $view {
 *     @type string $title      Panel title.
 *     @type string $heading_id ID of the panel heading.
 *     @type array  $rows       Newest first: order_id, number, customer, items (name, quantity,
 *                              total), total (of the vendor's items), status, url (the order in
 *                              the marketplace's vendor dashboard, or ''), created.
 *     @type string $error      Error message when the orders could not be read.
 * }
 */

defined( 'ABSPATH' ) || exit;
?>
<section class="wpwa-panel wpwa-panel--orders" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>" data-wpwa-panel="orders">
	<h3 id="<?php echo esc_attr( $view['heading_id'] ); ?>" class="wpwa-panel__title"><?php echo esc_html( $view['title'] ); ?></h3>
	<div class="wpwa-panel__body">
		<?php if ( '' !== $view['error'] ) : ?>
			<p class="wpwa-notice wpwa-notice--error" role="alert"><?php echo esc_html( $view['error'] ); ?></p>
		<?php elseif ( empty( $view['rows'] ) ) : ?>
			<p class="wpwa-muted"><?php esc_html_e( 'No customer has ordered your products with a WhatsApp cart yet.', 'wpwa' ); ?></p>
		<?php else : ?>
			<table class="wpwa-table wpwa-orders">
				<thead>
					<tr>
						<th scope="col"><?php esc_html_e( 'Order', 'wpwa' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Customer', 'wpwa' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Your items', 'wpwa' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Total of your items', 'wpwa' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Status', 'wpwa' ); ?></th>
					</tr>
				</thead>
				<tbody>
					<?php foreach ( $view['rows'] as $wpwa_row ) : ?>
						<tr class="wpwa-order" data-wpwa-order="<?php echo esc_attr( (string) $wpwa_row['order_id'] ); ?>">
							<td class="wpwa-order__number">
								<?php if ( '' !== $wpwa_row['url'] ) : ?>
									<a href="<?php echo esc_url( $wpwa_row['url'] ); ?>"><?php echo esc_html( '#' . $wpwa_row['number'] ); ?></a>
								<?php else : ?>
									<?php echo esc_html( '#' . $wpwa_row['number'] ); ?>
								<?php endif; ?>
								<br><span class="wpwa-muted"><?php echo esc_html( $wpwa_row['created'] ); ?></span>
							</td>
							<td class="wpwa-order__customer"><?php echo esc_html( $wpwa_row['customer'] ); ?></td>
							<td class="wpwa-order__items">
								<ul>
									<?php foreach ( $wpwa_row['items'] as $wpwa_item ) : ?>
										<li><?php echo esc_html( $wpwa_item['quantity'] . ' × ' . $wpwa_item['name'] . ' — ' . $wpwa_item['total'] ); ?></li>
									<?php endforeach; ?>
								</ul>
							</td>
							<td class="wpwa-order__total"><?php echo esc_html( $wpwa_row['total'] ); ?></td>
							<td class="wpwa-order__status"><?php echo esc_html( $wpwa_row['status'] ); ?></td>
						</tr>
					<?php endforeach; ?>
				</tbody>
			</table>
		<?php endif; ?>
	</div>
</section>
