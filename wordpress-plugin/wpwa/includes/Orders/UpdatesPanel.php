<?php
/**
 * The vendor dashboard's "Order updates" panel.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Orders;

use Wpwa\Plugin\Core;
use Wpwa\Plugin\Rest\OrderUpdatesController;
use Wpwa\Plugin\Rest\Controller;
use Wpwa\Plugin\Templates;

defined( 'ABSPATH' ) || exit;

/**
 * Adds the panel (filter `wpwa_vendor_dashboard_panels`): the WhatsApp updates
 * of the vendor's own orders with their delivery statuses, and the vendor's
 * own template per event, which overrides the marketplace's for their orders.
 *
 * @since 0.7.0
 */
final class UpdatesPanel {

	/**
	 * Hooks.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_filter( 'wpwa_vendor_dashboard_panels', array( self::class, 'add' ), 20, 2 );
	}

	/**
	 * Adds the panel after the messages panel.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,array<string,mixed>> $panels    Panels.
	 * @param int                               $vendor_id Vendor user ID.
	 * @return array<string,array<string,mixed>>
	 */
	public static function add( $panels, $vendor_id = 0 ): array {
		$panels = is_array( $panels ) ? $panels : array();
		$panel  = array(
			'order_updates' => array(
				'title'    => __( 'Order updates', 'wpwa' ),
				'callback' => array( self::class, 'render' ),
			),
		);
		$at     = array_search( 'messages', array_keys( $panels ), true );
		return false === $at ? $panels + $panel : array_slice( $panels, 0, $at + 1, true ) + $panel + array_slice( $panels, $at + 1, null, true );
	}

	/**
	 * Echoes the panel.
	 *
	 * @since 0.7.0
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param array<string,mixed> $panel     Panel definition.
	 * @return void
	 */
	public static function render( int $vendor_id, array $panel ): void {
		echo Templates::render( 'dashboard/panel-order-updates.php', self::data( $vendor_id, (string) ( $panel['title'] ?? '' ) ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the template escapes.
	}

	/**
	 * The panel's data.
	 *
	 * @since 0.7.0
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param string $title     Panel title.
	 * @return array<string,mixed>
	 */
	public static function data( int $vendor_id, string $title ): array {
		$updates = Core::order_updates_vendor( $vendor_id, 20 );
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only chooses which notice to show.
		$result = isset( $_GET[ OrderUpdatesController::RESULT_ARG ] ) ? sanitize_key( wp_unslash( $_GET[ OrderUpdatesController::RESULT_ARG ] ) ) : '';
		return array(
			'title'      => $title,
			'heading_id' => 'wpwa-panel-order-updates',
			'vendor_id'  => $vendor_id,
			'updates'    => is_array( $updates ) ? $updates : array(),
			'error'      => is_wp_error( $updates ) ? $updates->get_error_message() : '',
			'mapping'    => Config::vendor_mapping( $vendor_id ),
			'action_url' => rest_url( Controller::NAMESPACE . OrderUpdatesController::ROUTE ),
			'result'     => $result,
		);
	}
}
