<?php
/**
 * Vendor dashboard container.
 *
 * Override by copying to yourtheme/wpwa/dashboard/dashboard.php.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 *
 * @var array<string,mixed> $view {
 *     @type string   $title       Dashboard title (sanitized).
 *     @type string[] $classes     CSS classes of the container (sanitized).
 *     @type string   $heading_id  ID of the title element.
 *     @type int      $vendor_id   Vendor user ID.
 *     @type bool     $is_sandbox  Whether sandbox mode is on.
 *     @type string   $before_html Output of the wpwa_vendor_dashboard_before hook.
 *     @type string   $panels_html Rendered panels (each escaped by its template).
 *     @type string   $after_html  Output of the wpwa_vendor_dashboard_after hook.
 * }
 */

defined( 'ABSPATH' ) || exit;
?>
<div class="<?php echo esc_attr( implode( ' ', $view['classes'] ) ); ?>" data-wpwa-dashboard data-vendor-id="<?php echo esc_attr( (string) $view['vendor_id'] ); ?>" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>" role="region">
	<header class="wpwa-vendor-dashboard__header">
		<h2 id="<?php echo esc_attr( $view['heading_id'] ); ?>" class="wpwa-vendor-dashboard__title"><?php echo esc_html( $view['title'] ); ?></h2>
		<?php if ( ! empty( $view['is_sandbox'] ) ) : ?>
			<span class="wpwa-tag wpwa-tag--sandbox" title="<?php esc_attr_e( 'The marketplace is in sandbox mode: connections and messages are simulated, nothing reaches WhatsApp.', 'wpwa' ); ?>"><?php esc_html_e( 'Sandbox mode', 'wpwa' ); ?></span>
		<?php endif; ?>
	</header>
	<?php
	// Hook output and panel templates are escaped where they are produced.
	echo $view['before_html']; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
	?>
	<div class="wpwa-vendor-dashboard__panels">
		<?php echo $view['panels_html']; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped ?>
	</div>
	<?php echo $view['after_html']; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped ?>
</div>
