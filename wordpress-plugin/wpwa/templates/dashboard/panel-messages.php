<?php
/**
 * Dashboard panel: customer messages routed to the vendor.
 *
 * Override by copying to yourtheme/wpwa/dashboard/panel-messages.php.
 *
 * @package Wpwa\Plugin
 * @since   0.4.0
 *
 * @var array<string,mixed> $view {
 *     @type string $title         Panel title.
 *     @type string $heading_id    ID of the panel heading.
 *     @type string $code          The vendor's code (customers write #CODE to reach them).
 *     @type array  $conversations Conversations, newest first: id, customer (+digits),
 *                                 customer_name, product (retailer ID), product_title,
 *                                 last_text (what the customer last wrote; since 0.7.0
 *                                 not the vendor's automatic reply), last_message_at
 *                                 (unix, when the customer wrote), unread, reply_url;
 *                                 since 0.7.0 items (the vendor's part of an order:
 *                                 name, quantity, price, line) and failure (null, or
 *                                 reason in words and at, unix: the last message sent
 *                                 to the customer did not arrive); since 0.15.0
 *                                 app_reply (null, or text and at, unix: the vendor's
 *                                 answer from their WhatsApp Business app, when it is
 *                                 the latest word); since 0.15.0 username (the
 *                                 customer's WhatsApp username or '') and label (the
 *                                 name to show); customer and reply_url are '' when
 *                                 WhatsApp has not shared the customer's number, and
 *                                 reply_action the REST route that answers them then.
 *     @type string $reply_outcome What became of an answer sent without JavaScript, or ''
 *                                 (since 0.15.0).
 *     @type string $error         Error message when the conversations could not be read.
 *     @type array|null $metrics   Response figures of the last 30 days: rate ("92%" or ""),
 *                                 time ("2 hours" or ""), turns, pending. Since 0.5.0.
 *     @type array|null $usage     This calendar month (UTC), worded: allowance ("12 of 1,000
 *                                 messages"), cost and cap (amounts with their currency; cap ''
 *                                 when there is none), used_up, resets (date), categories
 *                                 (label, messages, cost). Since 0.15.0.
 * }
 */

defined( 'ABSPATH' ) || exit;

$wpwa_datetime_format = get_option( 'date_format' ) . ' ' . get_option( 'time_format' );
?>
<section class="wpwa-panel wpwa-panel--messages" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>" data-wpwa-panel="messages">
	<h3 id="<?php echo esc_attr( $view['heading_id'] ); ?>" class="wpwa-panel__title"><?php echo esc_html( $view['title'] ); ?></h3>
	<div class="wpwa-panel__body">
		<?php if ( '' !== $view['code'] ) : ?>
			<p class="wpwa-muted">
				<?php
				printf(
					/* translators: %s: the vendor's code, e.g. #ACME. */
					esc_html__( 'Customers reach you by asking about one of your products, or by writing %s in their message to the marketplace\'s WhatsApp number.', 'wpwa' ),
					'<code>' . esc_html( '#' . $view['code'] ) . '</code>'
				);
				?>
			</p>
		<?php endif; ?>
		<?php if ( ! empty( $view['metrics'] ) && $view['metrics']['turns'] > 0 ) : ?>
			<dl class="wpwa-metrics wpwa-metrics--response">
				<div class="wpwa-metric wpwa-metric--rate">
					<dt><?php esc_html_e( 'Response rate', 'wpwa' ); ?></dt>
					<dd><?php echo esc_html( '' !== $view['metrics']['rate'] ? $view['metrics']['rate'] : '—' ); ?></dd>
				</div>
				<div class="wpwa-metric wpwa-metric--time">
					<dt><?php esc_html_e( 'Average response time', 'wpwa' ); ?></dt>
					<dd><?php echo esc_html( '' !== $view['metrics']['time'] ? $view['metrics']['time'] : '—' ); ?></dd>
				</div>
				<div class="wpwa-metric wpwa-metric--waiting">
					<dt><?php esc_html_e( 'Waiting for you', 'wpwa' ); ?></dt>
					<dd><?php echo esc_html( number_format_i18n( $view['metrics']['pending'] ) ); ?></dd>
				</div>
			</dl>
			<p class="wpwa-muted wpwa-metrics__note"><?php esc_html_e( 'Last 30 days. Answers count when you reply from your connected WhatsApp within 24 hours; automatic replies do not count.', 'wpwa' ); ?></p>
		<?php endif; ?>
		<?php if ( ! empty( $view['usage'] ) ) : ?>
			<div class="wpwa-usage<?php echo $view['usage']['used_up'] ? ' wpwa-usage--used-up' : ''; ?>">
				<h4 class="wpwa-usage__title"><?php esc_html_e( 'Your WhatsApp messages this month', 'wpwa' ); ?></h4>
				<dl class="wpwa-metrics wpwa-metrics--usage">
					<div class="wpwa-metric wpwa-metric--sent">
						<dt><?php esc_html_e( 'Sent', 'wpwa' ); ?></dt>
						<dd><?php echo esc_html( $view['usage']['allowance'] ); ?></dd>
					</div>
					<div class="wpwa-metric wpwa-metric--cost">
						<dt><?php esc_html_e( 'Estimated cost', 'wpwa' ); ?></dt>
						<dd>
							<?php
							echo esc_html(
								'' !== $view['usage']['cap']
									/* translators: 1: estimated cost this month, 2: monthly budget. */
									? sprintf( __( '%1$s of %2$s', 'wpwa' ), $view['usage']['cost'], $view['usage']['cap'] )
									: $view['usage']['cost']
							);
							?>
						</dd>
					</div>
				</dl>
				<?php if ( ! empty( $view['usage']['categories'] ) ) : ?>
					<ul class="wpwa-usage__categories">
						<?php foreach ( $view['usage']['categories'] as $wpwa_row ) : ?>
							<li>
								<?php
								echo esc_html(
									/* translators: 1: pricing category, 2: "3 messages", 3: their estimated cost. */
									sprintf( __( '%1$s: %2$s, %3$s', 'wpwa' ), $wpwa_row['label'], $wpwa_row['messages'], $wpwa_row['cost'] )
								);
								?>
							</li>
						<?php endforeach; ?>
					</ul>
				<?php endif; ?>
				<?php if ( $view['usage']['used_up'] && '' !== $view['usage']['resets'] ) : ?>
					<p class="wpwa-notice wpwa-notice--warning" role="status">
						<?php
						echo esc_html(
							sprintf(
								/* translators: 1: the monthly budget with its currency, 2: the date sends resume. */
								__( 'This month\'s WhatsApp budget of %1$s is used up; messages can be sent again on %2$s.', 'wpwa' ),
								$view['usage']['cap'],
								$view['usage']['resets']
							)
						);
						?>
					</p>
				<?php endif; ?>
				<p class="wpwa-muted wpwa-usage__note"><?php esc_html_e( 'Calendar month (UTC). Costs are estimates at the marketplace\'s prices; replies inside the 24-hour window are usually free.', 'wpwa' ); ?></p>
			</div>
		<?php endif; ?>
		<?php if ( '' !== ( $view['reply_outcome'] ?? '' ) ) : ?>
			<p class="wpwa-notice wpwa-reply__outcome" role="status"><?php echo esc_html( $view['reply_outcome'] ); ?></p>
		<?php endif; ?>
		<?php if ( '' !== $view['error'] ) : ?>
			<p class="wpwa-notice wpwa-notice--error"><?php echo esc_html( $view['error'] ); ?></p>
		<?php elseif ( empty( $view['conversations'] ) ) : ?>
			<p class="wpwa-empty"><?php esc_html_e( 'No customer messages yet. When a customer writes to the marketplace about you or your products, the conversation appears here.', 'wpwa' ); ?></p>
		<?php else : ?>
			<ul class="wpwa-conversations">
				<?php foreach ( $view['conversations'] as $wpwa_c ) : ?>
					<?php $wpwa_time = (int) $wpwa_c['last_message_at']; ?>
					<li class="wpwa-conversation<?php echo $wpwa_c['unread'] > 0 ? ' wpwa-conversation--unread' : ''; ?>" data-conversation-id="<?php echo esc_attr( (string) $wpwa_c['id'] ); ?>">
						<p class="wpwa-conversation__who" id="wpwa-conversation-<?php echo esc_attr( (string) $wpwa_c['id'] ); ?>">
							<strong class="wpwa-conversation__name"><?php echo esc_html( $wpwa_c['label'] ); ?></strong>
							<?php if ( '' !== $wpwa_c['username'] && $wpwa_c['username'] !== $wpwa_c['label'] ) : ?>
								<span class="wpwa-conversation__username"><?php echo esc_html( $wpwa_c['username'] ); ?></span>
							<?php endif; ?>
							<?php if ( '' !== $wpwa_c['customer'] ) : ?>
								<span class="wpwa-conversation__number"><?php echo esc_html( $wpwa_c['customer'] ); ?></span>
							<?php endif; ?>
							<?php if ( $wpwa_c['unread'] > 0 ) : ?>
								<span class="wpwa-tag wpwa-conversation__unread">
									<?php
									echo esc_html(
										sprintf(
											/* translators: %s: number of unread messages. */
											_n( '%s unread', '%s unread', $wpwa_c['unread'], 'wpwa' ),
											number_format_i18n( $wpwa_c['unread'] )
										)
									);
									?>
								</span>
							<?php endif; ?>
						</p>
						<?php if ( '' !== $wpwa_c['product'] && empty( $wpwa_c['items'] ) ) : ?>
							<p class="wpwa-conversation__product">
								<?php
								echo esc_html(
									'' !== $wpwa_c['product_title']
										/* translators: %s: product name. */
										? sprintf( __( 'About: %s', 'wpwa' ), $wpwa_c['product_title'] )
										: __( 'About a product no longer in your shop', 'wpwa' )
								);
								?>
							</p>
						<?php endif; ?>
						<p class="wpwa-conversation__text"><?php echo esc_html( '' !== $wpwa_c['last_text'] ? $wpwa_c['last_text'] : __( '(no text)', 'wpwa' ) ); ?></p>
						<?php if ( ! empty( $wpwa_c['items'] ) ) : ?>
							<p class="wpwa-conversation__items-title"><?php esc_html_e( 'Your items in this order:', 'wpwa' ); ?></p>
							<ul class="wpwa-conversation__items">
								<?php foreach ( $wpwa_c['items'] as $wpwa_item ) : ?>
									<li class="wpwa-conversation__item"><?php echo esc_html( $wpwa_item['line'] ); ?></li>
								<?php endforeach; ?>
							</ul>
						<?php endif; ?>
						<?php if ( ! empty( $wpwa_c['app_reply'] ) ) : ?>
							<p class="wpwa-conversation__app-reply">
								<span class="wpwa-conversation__app-reply-label"><?php esc_html_e( 'You answered from your WhatsApp app:', 'wpwa' ); ?></span>
								<?php echo esc_html( $wpwa_c['app_reply']['text'] ); ?>
								<?php if ( $wpwa_c['app_reply']['at'] > 0 ) : ?>
									<time datetime="<?php echo esc_attr( gmdate( 'c', $wpwa_c['app_reply']['at'] ) ); ?>"><?php echo esc_html( wp_date( $wpwa_datetime_format, $wpwa_c['app_reply']['at'] ) ); ?></time>
								<?php endif; ?>
							</p>
						<?php endif; ?>
						<?php if ( ! empty( $wpwa_c['failure'] ) ) : ?>
							<p class="wpwa-notice wpwa-notice--error wpwa-conversation__failure" role="status">
								<strong><?php esc_html_e( 'Your last message to this customer was not delivered.', 'wpwa' ); ?></strong>
								<?php echo esc_html( $wpwa_c['failure']['reason'] ); ?>
							</p>
						<?php endif; ?>
						<p class="wpwa-conversation__meta">
							<?php if ( $wpwa_time > 0 ) : ?>
								<time class="wpwa-conversation__time" datetime="<?php echo esc_attr( gmdate( 'c', $wpwa_time ) ); ?>" title="<?php echo esc_attr( wp_date( $wpwa_datetime_format, $wpwa_time ) ); ?>">
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
							<?php if ( '' !== $wpwa_c['reply_url'] ) : ?>
								<a class="wpwa-button wpwa-conversation__reply" href="<?php echo esc_url( $wpwa_c['reply_url'] ); ?>" target="_blank" rel="noopener noreferrer">
									<?php esc_html_e( 'Reply on WhatsApp', 'wpwa' ); ?>
									<span class="screen-reader-text"> <?php echo esc_html( '' !== $wpwa_c['customer_name'] ? $wpwa_c['customer_name'] : $wpwa_c['label'] ); ?></span>
								</a>
							<?php endif; ?>
						</p>
						<?php if ( '' === $wpwa_c['reply_url'] ) : ?>
							<form class="wpwa-reply" method="post" action="<?php echo esc_url( $wpwa_c['reply_action'] ); ?>">
								<input type="hidden" name="_wpnonce" value="<?php echo esc_attr( wp_create_nonce( 'wp_rest' ) ); ?>" />
								<?php wp_referer_field(); ?>
								<label class="wpwa-reply__label" for="wpwa-reply-<?php echo esc_attr( (string) $wpwa_c['id'] ); ?>">
									<?php
									/* translators: %s: the customer's name or WhatsApp username. */
									echo esc_html( sprintf( __( 'WhatsApp has not shared %s\'s number: answer here, from the marketplace\'s number', 'wpwa' ), $wpwa_c['label'] ) );
									?>
								</label>
								<textarea class="wpwa-reply__text" id="wpwa-reply-<?php echo esc_attr( (string) $wpwa_c['id'] ); ?>" name="text" rows="2"<?php echo \Wpwa\Plugin\Rules::attributes( 'reply', 'text' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by Rules::attributes(). ?> required></textarea>
								<button type="submit" class="wpwa-button wpwa-reply__send"><?php esc_html_e( 'Send answer', 'wpwa' ); ?></button>
							</form>
						<?php endif; ?>
					</li>
				<?php endforeach; ?>
			</ul>
		<?php endif; ?>
	</div>
</section>
