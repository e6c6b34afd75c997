<?php
/**
 * Dashboard for guests: explanation and login form.
 *
 * Override by copying to yourtheme/wpwa/dashboard/login.php.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 *
 * @var array<string,mixed> $view {
 *     @type string   $title      Dashboard title.
 *     @type string[] $classes    CSS classes of the container.
 *     @type string   $heading_id ID of the title element.
 *     @type string   $login_form Markup of wp_login_form() (built by WordPress).
 * }
 */

defined( 'ABSPATH' ) || exit;
?>
<div class="<?php echo esc_attr( implode( ' ', $view['classes'] ) ); ?>" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>" role="region">
	<header class="wpwa-vendor-dashboard__header">
		<h2 id="<?php echo esc_attr( $view['heading_id'] ); ?>" class="wpwa-vendor-dashboard__title"><?php echo esc_html( $view['title'] ); ?></h2>
	</header>
	<div class="wpwa-notice wpwa-notice--login">
		<p><?php esc_html_e( 'Log in with your vendor account to manage your WhatsApp connection, see your products and review recent activity.', 'wpwa' ); ?></p>
	</div>
	<div class="wpwa-login">
		<?php
		// Markup built by wp_login_form(), which escapes its own attributes.
		echo $view['login_form']; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		?>
	</div>
</div>
