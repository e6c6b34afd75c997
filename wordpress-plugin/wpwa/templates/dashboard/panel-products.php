<?php
/**
 * Dashboard panel: products.
 *
 * Override by copying to yourtheme/wpwa/dashboard/panel-products.php.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 *
 * @var array $view {
 *     @type string $title      Panel title.
 *     @type string $heading_id ID of the panel heading.
 *     @type int    $published  Number of published products of the vendor.
 *     @type string $manage_url Where the vendor manages products (may be empty).
 * }
 */

defined( 'ABSPATH' ) || exit;
?>
<section class="wpwa-panel wpwa-panel--products" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>" data-wpwa-panel="products">
	<h3 id="<?php echo esc_attr( $view['heading_id'] ); ?>" class="wpwa-panel__title"><?php echo esc_html( $view['title'] ); ?></h3>
	<div class="wpwa-panel__body">
		<p class="wpwa-stat">
			<span class="wpwa-stat__value wpwa-product-count" data-count="<?php echo esc_attr( (string) $view['published'] ); ?>"><?php echo esc_html( number_format_i18n( $view['published'] ) ); ?></span>
			<span class="wpwa-stat__label"><?php echo esc_html( _n( 'published product', 'published products', $view['published'], 'wpwa' ) ); ?></span>
		</p>
		<p class="wpwa-muted">
			<?php
			if ( 0 === $view['published'] ) {
				esc_html_e( 'You have no published products yet. Products you publish in your store can be shared in your WhatsApp catalog.', 'wpwa' );
			} else {
				esc_html_e( 'These are the products from your store that can be shared in your WhatsApp catalog.', 'wpwa' );
			}
			?>
		</p>
		<?php if ( '' !== $view['manage_url'] ) : ?>
			<p><a class="wpwa-link" href="<?php echo esc_url( $view['manage_url'] ); ?>"><?php esc_html_e( 'Manage your products', 'wpwa' ); ?></a></p>
		<?php endif; ?>
	</div>
</section>
