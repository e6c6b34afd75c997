<?php
/**
 * The WhatsApp → Templates admin page.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Admin;

use Wpwa\Plugin\Core;
use Wpwa\Plugin\Messages\Templates;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * The account's message templates as the core keeps them: name, language,
 * category, status, parameters, where the site uses them, and a flag where
 * WhatsApp changed a category or status since an administrator last looked.
 * "Refresh now" and "Acknowledge" are admin-post actions (nonce, manage_wpwa).
 * A changed category of a used template is also an admin notice and a Site
 * Health item.
 *
 * @since 0.7.0
 */
final class TemplatesPage {

	/**
	 * Page slug.
	 *
	 * @since 0.7.0
	 */
	public const SLUG = 'wpwa-templates';

	/**
	 * Action of "Refresh now".
	 *
	 * @since 0.7.0
	 */
	public const REFRESH_ACTION = 'wpwa_templates_refresh_now';

	/**
	 * Action of "Acknowledge" (one template's flag).
	 *
	 * @since 0.7.0
	 */
	public const ACKNOWLEDGE_ACTION = 'wpwa_template_acknowledge';

	/**
	 * Hooks.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'admin_menu', array( self::class, 'add_menu' ), 30 );
		add_action( 'admin_post_' . self::REFRESH_ACTION, array( self::class, 'handle_refresh' ) );
		add_action( 'admin_post_' . self::ACKNOWLEDGE_ACTION, array( self::class, 'handle_acknowledge' ) );
		add_action( 'admin_notices', array( self::class, 'changed_category_notice' ) );
		add_filter( 'site_status_tests', array( self::class, 'site_health_tests' ), 20 );
	}

	/**
	 * Registers the submenu page.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function add_menu(): void {
		SettingsPage::add_subpage(
			__( 'WhatsApp message templates', 'wpwa' ),
			__( 'Templates', 'wpwa' ),
			self::SLUG,
			array( self::class, 'render' )
		);
	}

	/**
	 * URL of the page.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,int|string> $args Query arguments.
	 * @return string
	 */
	public static function url( array $args = array() ): string {
		return add_query_arg( array( 'page' => self::SLUG ) + $args, admin_url( 'admin.php' ) );
	}

	/**
	 * Renders the page.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function render(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		$table = new TemplatesTable();
		$table->prepare_items();
		$state = Templates::state();
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- read-only result of a redirect.
		$refreshed = isset( $_GET['refreshed'] ) ? absint( $_GET['refreshed'] ) : null;
		$changed   = isset( $_GET['changed'] ) ? absint( $_GET['changed'] ) : 0;
		$failed    = ! empty( $_GET['refresh_failed'] );
		// phpcs:enable WordPress.Security.NonceVerification.Recommended
		?>
		<div class="wrap wpwa-templates">
			<h1><?php esc_html_e( 'WhatsApp message templates', 'wpwa' ); ?></h1>
			<p><?php esc_html_e( 'The message templates of the WhatsApp Business accounts the marketplace sends from, refreshed daily. Marketing templates are sent through the Marketing Messages API, the others as ordinary messages. WhatsApp may change a template\'s category or pause it after approval: such changes are flagged here until you acknowledge them.', 'wpwa' ); ?></p>
			<?php if ( null !== $refreshed ) : ?>
				<div class="notice notice-success is-dismissible" id="wpwa-templates-refreshed"><p>
					<?php
					printf(
						/* translators: 1: number of templates, 2: number of changes. */
						esc_html__( 'Templates refreshed: %1$s templates, %2$s changed.', 'wpwa' ),
						esc_html( number_format_i18n( $refreshed ) ),
						esc_html( number_format_i18n( $changed ) )
					);
					?>
				</p></div>
			<?php endif; ?>
			<?php if ( $failed || '' !== $table->error ) : ?>
				<div class="notice notice-error" id="wpwa-templates-error"><p><?php echo esc_html( '' !== $table->error ? $table->error : __( 'The templates of some accounts could not be refreshed; see the last refresh of each account below.', 'wpwa' ) ); ?></p></div>
			<?php endif; ?>
			<?php if ( array() === Templates::connections() ) : ?>
				<div class="notice notice-warning inline"><p><?php esc_html_e( 'No WhatsApp Business account ID is set: enter it in WhatsApp → Settings (Customer messages), or on a Cloud API connection.', 'wpwa' ); ?></p></div>
			<?php endif; ?>
			<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>" id="wpwa-templates-refresh-form">
				<input type="hidden" name="action" value="<?php echo esc_attr( self::REFRESH_ACTION ); ?>" />
				<?php wp_nonce_field( self::REFRESH_ACTION ); ?>
				<?php submit_button( __( 'Refresh now', 'wpwa' ), 'secondary', 'refresh', false, array( 'id' => 'wpwa-templates-refresh' ) ); ?>
				<?php foreach ( $state as $waba_id => $last ) : ?>
					<span class="wpwa-templates-last description<?php echo '' !== (string) ( $last['error'] ?? '' ) ? ' wpwa-templates-account-error' : ''; ?>" data-waba="<?php echo esc_attr( (string) $waba_id ); ?>">
						<?php
						printf(
							/* translators: 1: account ID, 2: date and time. */
							esc_html__( 'Account %1$s: last refreshed %2$s.', 'wpwa' ),
							esc_html( (string) $waba_id ),
							esc_html( wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), (int) ( $last['at'] ?? 0 ) ) )
						);
						if ( '' !== (string) ( $last['error'] ?? '' ) ) {
							echo ' ' . esc_html( (string) $last['error'] );
						}
						?>
					</span>
				<?php endforeach; ?>
			</form>
			<?php $table->display(); ?>
		</div>
		<?php
	}

	/**
	 * "Refresh now" (admin-post).
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function handle_refresh(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		check_admin_referer( self::REFRESH_ACTION );
		$count   = 0;
		$changed = 0;
		$failed  = false;
		foreach ( Templates::refresh_all() as $result ) {
			if ( is_wp_error( $result ) ) {
				$failed = true;
				continue;
			}
			$count   += (int) $result['count'];
			$changed += count( (array) $result['changes'] );
		}
		$args = array(
			'refreshed' => $count,
			'changed'   => $changed,
		);
		if ( $failed ) {
			$args['refresh_failed'] = 1;
		}
		wp_safe_redirect( self::url( $args ) );
		exit;
	}

	/**
	 * "Acknowledge" of one template's flag (admin-post).
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function handle_acknowledge(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the WhatsApp integration.', 'wpwa' ), 403 );
		}
		$waba_id  = isset( $_GET['waba_id'] ) ? sanitize_text_field( wp_unslash( (string) $_GET['waba_id'] ) ) : '';
		$name     = isset( $_GET['template'] ) ? sanitize_text_field( wp_unslash( (string) $_GET['template'] ) ) : '';
		$language = isset( $_GET['language'] ) ? sanitize_text_field( wp_unslash( (string) $_GET['language'] ) ) : '';
		check_admin_referer( self::ACKNOWLEDGE_ACTION . '|' . $waba_id . '|' . $name . '|' . $language );
		Core::template_acknowledge( $waba_id, $name, $language );
		wp_safe_redirect( self::url() );
		exit;
	}

	/**
	 * The URL that acknowledges one template's flag (nonce included).
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $template A template from the core.
	 * @return string
	 */
	public static function acknowledge_url( array $template ): string {
		$args = array(
			'action'   => self::ACKNOWLEDGE_ACTION,
			'waba_id'  => (string) $template['waba_id'],
			'template' => (string) $template['name'],
			'language' => (string) $template['language'],
		);
		return wp_nonce_url( add_query_arg( $args, admin_url( 'admin-post.php' ) ), self::ACKNOWLEDGE_ACTION . '|' . $args['waba_id'] . '|' . $args['template'] . '|' . $args['language'] );
	}

	/**
	 * Admin notice: a used template's category changed.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function changed_category_notice(): void {
		if ( ! current_user_can( Vendors::MANAGE_CAP ) || ! Core::available() ) {
			return;
		}
		$changed = Templates::changed_in_use();
		if ( array() === $changed ) {
			return;
		}
		$names = array_map( static fn( array $t ): string => sprintf( '%s (%s): %s → %s', $t['name'], $t['language'], $t['previous_category'], $t['category'] ), $changed );
		?>
		<div class="notice notice-warning" id="wpwa-template-category-notice">
			<p>
				<?php
				printf(
					/* translators: 1: list of templates with their category change, 2: link to the Templates page. */
					esc_html__( 'WhatsApp changed the category of templates the marketplace uses: %1$s. Marketing templates cost more and go only to customers who accepted marketing. %2$s', 'wpwa' ),
					esc_html( implode( ', ', $names ) ),
					'<a href="' . esc_url( self::url() ) . '">' . esc_html__( 'Review the templates', 'wpwa' ) . '</a>'
				);
				?>
			</p>
		</div>
		<?php
	}

	/**
	 * Adds the Site Health test of changed template categories.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $tests Tests.
	 * @return array<string,mixed>
	 */
	public static function site_health_tests( $tests ): array {
		$tests           = is_array( $tests ) ? $tests : array();
		$tests['direct'] = ( $tests['direct'] ?? array() ) + array(
			'wpwa_templates' => array(
				'label' => __( 'WhatsApp template categories', 'wpwa' ),
				'test'  => array( self::class, 'test_templates' ),
			),
		);
		return $tests;
	}

	/**
	 * Site Health test: no used template changed category unnoticed.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public static function test_templates(): array {
		$changed = Templates::changed_in_use();
		$good    = array() === $changed;
		$names   = implode( ', ', array_map( static fn( array $t ): string => $t['name'] . ' (' . $t['language'] . ')', $changed ) );
		return array(
			'label'       => $good
				? __( 'The WhatsApp templates in use kept their categories', 'wpwa' )
				/* translators: %s: template names. */
				: sprintf( __( 'WhatsApp changed the category of templates in use: %s', 'wpwa' ), $names ),
			'status'      => $good ? 'good' : 'recommended',
			'badge'       => array(
				'label' => __( 'WhatsApp', 'wpwa' ),
				'color' => $good ? 'green' : 'orange',
			),
			'description' => '<p>' . esc_html__( 'WhatsApp may move a template to another category after approving it; a marketing template costs more and may only go to customers who accepted marketing messages. Review the changes under WhatsApp → Templates.', 'wpwa' ) . '</p>',
			'test'        => 'wpwa_templates',
		);
	}
}
