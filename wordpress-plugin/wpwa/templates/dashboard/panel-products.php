<?php
/**
 * Dashboard panel: products and WhatsApp catalog sync.
 *
 * Override by copying to yourtheme/wpwa/dashboard/panel-products.php. The
 * script (assets/js/products.js) finds its elements by their data-wpwa-*
 * attributes: keep them when overriding.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 * @since   0.3.0 Catalog counts, products needing attention, Sync Products with progress and summary.
 *
 * @var array<string,mixed> $view {
 *     @type string     $title         Panel title.
 *     @type string     $heading_id    ID of the panel heading.
 *     @type int        $published     Number of published products of the vendor.
 *     @type string     $manage_url    Where the vendor manages products (may be empty).
 *     @type array|null $catalog       Counts, attention list, last sync (see Catalog\Sync::overview()).
 *     @type string     $catalog_error Why the catalog could not be checked ('' when it was).
 * }
 */

defined( 'ABSPATH' ) || exit;

$wpwa_catalog   = is_array( $view['catalog'] ?? null ) ? $view['catalog'] : null;
$wpwa_counts    = $wpwa_catalog ? $wpwa_catalog['counts'] : array();
$wpwa_attention = $wpwa_catalog ? $wpwa_catalog['attention'] : array();
$wpwa_last      = $wpwa_catalog ? $wpwa_catalog['last_sync'] : null;
$wpwa_ready     = $wpwa_catalog && ! empty( $wpwa_catalog['configured'] );
$wpwa_prefix    = $view['heading_id'];
$wpwa_stats     = array(
	'ready'           => __( 'Ready', 'wpwa' ),
	'needs_attention' => __( 'Need attention', 'wpwa' ),
	'synced'          => __( 'In your WhatsApp catalog', 'wpwa' ),
	'rejected'        => __( 'Rejected by WhatsApp', 'wpwa' ),
);
$wpwa_running   = $wpwa_last && 'running' === $wpwa_last['state'];
?>
<section class="wpwa-panel wpwa-panel--products" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>" data-wpwa-panel="products" data-wpwa-products<?php echo $wpwa_running ? ' data-wpwa-running="1"' : ''; ?>>
	<h3 id="<?php echo esc_attr( $view['heading_id'] ); ?>" class="wpwa-panel__title"><?php echo esc_html( $view['title'] ); ?></h3>
	<div class="wpwa-panel__body">
		<p class="wpwa-stat">
			<span class="wpwa-stat__value wpwa-product-count" data-count="<?php echo esc_attr( (string) $view['published'] ); ?>"><?php echo esc_html( number_format_i18n( $view['published'] ) ); ?></span>
			<span class="wpwa-stat__label"><?php echo esc_html( _n( 'published product', 'published products', $view['published'], 'wpwa' ) ); ?></span>
		</p>

		<?php if ( null === $wpwa_catalog ) : ?>
			<div class="wpwa-notice wpwa-notice--error" role="status"><p><?php echo esc_html( (string) $view['catalog_error'] ); ?></p></div>
		<?php else : ?>
			<dl class="wpwa-catalog-counts">
				<?php foreach ( $wpwa_stats as $wpwa_key => $wpwa_label ) : ?>
					<div class="wpwa-catalog-counts__item wpwa-catalog-counts__item--<?php echo esc_attr( str_replace( '_', '-', $wpwa_key ) ); ?>">
						<dt><?php echo esc_html( $wpwa_label ); ?></dt>
						<dd data-wpwa-count="<?php echo esc_attr( $wpwa_key ); ?>"><?php echo esc_html( number_format_i18n( (int) ( $wpwa_counts[ $wpwa_key ] ?? 0 ) ) ); ?></dd>
					</div>
				<?php endforeach; ?>
			</dl>

			<?php if ( ! $wpwa_ready ) : ?>
				<div class="wpwa-notice wpwa-notice--warning" role="status"><p><?php esc_html_e( 'Syncing to WhatsApp is not available yet: the marketplace has not connected its WhatsApp catalog.', 'wpwa' ); ?></p></div>
			<?php endif; ?>

			<div class="wpwa-sync">
				<p>
					<button type="button" class="wpwa-button wpwa-button--primary wpwa-sync__button" data-wpwa-sync <?php disabled( ! $wpwa_ready || $wpwa_running ); ?>><?php esc_html_e( 'Sync Products', 'wpwa' ); ?></button>
				</p>
				<div class="wpwa-sync__progress" data-wpwa-sync-progress <?php echo $wpwa_running ? '' : 'hidden'; ?>>
					<span id="<?php echo esc_attr( $wpwa_prefix . '-progress-label' ); ?>" class="wpwa-sync__progress-label"><?php esc_html_e( 'Syncing…', 'wpwa' ); ?></span>
					<progress class="wpwa-sync__bar" max="100" <?php echo $wpwa_running ? 'value="' . esc_attr( (string) $wpwa_last['percent'] ) . '"' : ''; ?> aria-labelledby="<?php echo esc_attr( $wpwa_prefix . '-progress-label' ); ?>" aria-describedby="<?php echo esc_attr( $wpwa_prefix . '-progress-text' ); ?>" data-wpwa-sync-bar></progress>
					<span id="<?php echo esc_attr( $wpwa_prefix . '-progress-text' ); ?>" class="wpwa-sync__progress-text" data-wpwa-sync-text></span>
				</div>
				<p class="wpwa-sync__summary" role="status" aria-live="polite" data-wpwa-sync-summary></p>
				<p class="wpwa-sync__last wpwa-muted" data-wpwa-sync-last>
					<?php
					if ( $wpwa_last && 'running' !== $wpwa_last['state'] ) {
						$wpwa_when   = (int) ( $wpwa_last['finished_at'] ?? $wpwa_last['created_at'] );
						$wpwa_result = 'failed' === $wpwa_last['state']
							? __( 'stopped:', 'wpwa' ) . ' ' . (string) $wpwa_last['error']
							: sprintf(
								/* translators: 1: synced, 2: removed, 3: rejected. */
								__( '%1$d synced, %2$d removed, %3$d rejected', 'wpwa' ),
								(int) $wpwa_last['synced'],
								(int) $wpwa_last['deleted'],
								(int) $wpwa_last['rejected']
							);
						printf(
							/* translators: 1: date and time, 2: result. */
							esc_html__( 'Last sync: %1$s — %2$s', 'wpwa' ),
							'<time datetime="' . esc_attr( gmdate( 'c', $wpwa_when ) ) . '">' . esc_html( wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $wpwa_when ) ) . '</time>',
							esc_html( $wpwa_result )
						);
					} elseif ( ! $wpwa_last ) {
						esc_html_e( 'Your products have not been synced to WhatsApp yet.', 'wpwa' );
					}
					?>
				</p>
			</div>

			<div class="wpwa-attention" data-wpwa-attention>
				<h4 class="wpwa-attention__title"><?php esc_html_e( 'Products that need your attention', 'wpwa' ); ?></h4>
				<p class="wpwa-muted" data-wpwa-attention-empty <?php echo $wpwa_attention ? 'hidden' : ''; ?>><?php esc_html_e( 'All your published products are ready for WhatsApp.', 'wpwa' ); ?></p>
				<ul class="wpwa-attention__list" data-wpwa-attention-list>
					<?php foreach ( $wpwa_attention as $wpwa_item ) : ?>
						<li class="wpwa-attention__item wpwa-attention__item--<?php echo esc_attr( $wpwa_item['state'] ); ?>" data-product-id="<?php echo esc_attr( (string) $wpwa_item['product_id'] ); ?>">
							<strong class="wpwa-attention__name"><?php echo esc_html( $wpwa_item['title'] ); ?></strong>
							<span class="wpwa-attention__sku"><?php echo esc_html( sprintf( /* translators: %s: retailer ID (SKU). */ __( 'SKU %s', 'wpwa' ), $wpwa_item['retailer_id'] ) ); ?></span>
							<span class="wpwa-tag wpwa-attention__state"><?php echo 'rejected' === $wpwa_item['state'] ? esc_html__( 'Rejected by WhatsApp', 'wpwa' ) : esc_html__( 'Needs changes', 'wpwa' ); ?></span>
							<ul class="wpwa-attention__problems">
								<?php foreach ( $wpwa_item['problems'] as $wpwa_problem ) : ?>
									<li><?php echo esc_html( $wpwa_problem ); ?></li>
								<?php endforeach; ?>
							</ul>
							<?php if ( '' !== $wpwa_item['edit_url'] ) : ?>
								<a class="wpwa-link wpwa-attention__edit" href="<?php echo esc_url( $wpwa_item['edit_url'] ); ?>"><?php esc_html_e( 'Edit product', 'wpwa' ); ?><span class="screen-reader-text"> <?php echo esc_html( $wpwa_item['title'] ); ?></span></a>
							<?php endif; ?>
						</li>
					<?php endforeach; ?>
				</ul>
			</div>
		<?php endif; ?>

		<?php if ( '' !== $view['manage_url'] ) : ?>
			<p><a class="wpwa-link" href="<?php echo esc_url( $view['manage_url'] ); ?>"><?php esc_html_e( 'Manage your products', 'wpwa' ); ?></a></p>
		<?php endif; ?>
	</div>
</section>
