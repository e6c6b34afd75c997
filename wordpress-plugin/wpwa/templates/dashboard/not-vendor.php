<?php
/**
 * Dashboard for logged-in users who are not vendors.
 *
 * Override by copying to yourtheme/wpwa/dashboard/not-vendor.php.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 *
 * @var array<string,mixed> $view {
 *     @type string   $title        Dashboard title.
 *     @type string[] $classes      CSS classes of the container.
 *     @type string   $heading_id   ID of the title element.
 *     @type string   $display_name Name of the current user.
 *     @type string   $settings_url Link to the plugin settings for administrators, else empty.
 * }
 */

defined( 'ABSPATH' ) || exit;
?>
<div class="<?php echo esc_attr( implode( ' ', $view['classes'] ) ); ?>" aria-labelledby="<?php echo esc_attr( $view['heading_id'] ); ?>" role="region">
	<header class="wpwa-vendor-dashboard__header">
		<h2 id="<?php echo esc_attr( $view['heading_id'] ); ?>" class="wpwa-vendor-dashboard__title"><?php echo esc_html( $view['title'] ); ?></h2>
	</header>
	<div class="wpwa-notice wpwa-notice--not-vendor" role="status">
		<p><strong><?php esc_html_e( 'This dashboard is for marketplace vendors.', 'wpwa' ); ?></strong></p>
		<p>
			<?php
			if ( '' !== $view['display_name'] ) {
				echo esc_html(
					sprintf(
						/* translators: %s: the user's display name. */
						__( 'You are logged in as %s, and this account is not registered as a vendor. If you sell on this marketplace, log in with your vendor account or contact the marketplace team.', 'wpwa' ),
						$view['display_name']
					)
				);
			} else {
				esc_html_e( 'Your account is not registered as a vendor. If you sell on this marketplace, log in with your vendor account or contact the marketplace team.', 'wpwa' );
			}
			?>
		</p>
		<?php if ( '' !== $view['settings_url'] ) : ?>
			<p>
				<?php esc_html_e( 'As an administrator you can configure the WhatsApp integration in the dashboard.', 'wpwa' ); ?>
				<a href="<?php echo esc_url( $view['settings_url'] ); ?>"><?php esc_html_e( 'Open WhatsApp settings', 'wpwa' ); ?></a>
			</p>
		<?php endif; ?>
	</div>
</div>
