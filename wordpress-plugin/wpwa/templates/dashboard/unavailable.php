<?php
/**
 * Dashboard when the WhatsApp integration cannot run (extension missing or failing).
 *
 * Override by copying to yourtheme/wpwa/dashboard/unavailable.php.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 *
 * @var array<string,mixed> $view {
 *     @type string   $title      Dashboard title.
 *     @type string[] $classes    CSS classes of the container.
 *     @type string   $heading_id ID of the title element.
 * }
 */

defined( 'ABSPATH' ) || exit;
?>
<div class="<?php echo esc_attr( implode( ' ', $view['classes'] ) ); ?>" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>" role="region">
	<header class="wpwa-vendor-dashboard__header">
		<h2 id="<?php echo esc_attr( $view['heading_id'] ); ?>" class="wpwa-vendor-dashboard__title"><?php echo esc_html( $view['title'] ); ?></h2>
	</header>
	<div class="wpwa-notice wpwa-notice--unavailable" role="status">
		<p><strong><?php esc_html_e( 'The WhatsApp dashboard is temporarily unavailable.', 'wpwa' ); ?></strong></p>
		<p><?php esc_html_e( 'Your store and products are not affected. Please check back in a little while.', 'wpwa' ); ?></p>
	</div>
</div>
