<?php
/**
 * The "Customer messages" panel of the vendor dashboard: data.
 *
 * @package Wpwa\Plugin
 * @since   0.4.0
 */

namespace Wpwa\Plugin\Messages;

use Throwable;
use Wpwa\Plugin\Core;

defined( 'ABSPATH' ) || exit;

/**
 * Gives `templates/dashboard/panel-messages.php` the vendor's conversations.
 *
 * @since 0.4.0
 */
final class Panel {

	/**
	 * Conversations shown.
	 *
	 * @since 0.4.0
	 */
	public const LIMIT = 50;

	/**
	 * The vendor's conversations, ready to show. The vendor ID comes from the
	 * logged-in user (the dashboard), never from the request.
	 *
	 * @since 0.4.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array{conversations:array<int,array<string,mixed>>,code:string,error:string,metrics:array<string,mixed>|null}
	 */
	public static function data( int $vendor_id ): array {
		$data = array(
			'conversations' => array(),
			'code'          => Config::vendor_code( $vendor_id ),
			'error'         => '',
			'metrics'       => self::metrics( $vendor_id ),
		);
		try {
			$list = Core::conversations( $vendor_id, self::LIMIT );
		} catch ( Throwable $e ) {
			Core::report( $e );
			$list = null;
		}
		if ( ! is_array( $list ) ) {
			$data['error'] = __( 'Your customer messages could not be loaded right now.', 'wpwa' );
			return $data;
		}
		foreach ( $list as $row ) {
			if ( ! is_array( $row ) ) {
				continue;
			}
			$digits  = preg_replace( '/\D/', '', (string) ( $row['customer'] ?? '' ) );
			$product = (string) ( $row['product'] ?? '' );

			$data['conversations'][] = array(
				'id'              => (int) ( $row['id'] ?? 0 ),
				'customer'        => '' !== $digits ? '+' . $digits : '',
				'customer_name'   => (string) ( $row['customer_name'] ?? '' ),
				'product'         => $product,
				'product_title'   => '' !== $product ? self::product_title( $product ) : '',
				'last_text'       => (string) ( $row['last_text'] ?? '' ),
				'last_message_at' => (int) ( $row['last_message_at'] ?? 0 ),
				'unread'          => (int) ( $row['unread'] ?? 0 ),
				'reply_url'       => '' !== $digits ? 'https://wa.me/' . $digits : '',
			);
		}
		return $data;
	}

	/**
	 * Days the response figures cover.
	 *
	 * @since 0.5.0
	 */
	public const METRICS_DAYS = 30;

	/**
	 * The vendor's response figures over the last METRICS_DAYS days, worded:
	 * `rate` ("92%" or ""), `time` ("2 hours" or ""), `turns`, `pending`; null
	 * when they cannot be read.
	 *
	 * @since 0.5.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array<string,mixed>|null
	 */
	public static function metrics( int $vendor_id ): ?array {
		$raw = Core::response_metrics( $vendor_id, time() - self::METRICS_DAYS * DAY_IN_SECONDS );
		if ( ! is_array( $raw ) ) {
			return null;
		}
		$rate    = $raw['response_rate'] ?? null;
		$seconds = $raw['average_response_seconds'] ?? null;
		return array(
			'rate'    => is_numeric( $rate ) ? number_format_i18n( 100 * (float) $rate ) . '%' : '',
			'time'    => is_numeric( $seconds ) ? ( (int) $seconds < MINUTE_IN_SECONDS ? __( 'under a minute', 'wpwa' ) : human_time_diff( 0, (int) $seconds ) ) : '',
			'turns'   => (int) ( $raw['turns'] ?? 0 ),
			'pending' => (int) ( $raw['pending'] ?? 0 ),
		);
	}

	/**
	 * The title of the product with this retailer ID (its SKU), if any.
	 *
	 * @since 0.4.0
	 *
	 * @param string $retailer_id Retailer ID.
	 * @return string
	 */
	private static function product_title( string $retailer_id ): string {
		$ids = get_posts(
			array(
				'post_type'        => array( 'product', 'product_variation' ),
				'post_status'      => array( 'publish', 'private' ),
				'posts_per_page'   => 1,
				'fields'           => 'ids',
				'no_found_rows'    => true,
				'suppress_filters' => true,
				// phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_query -- one indexed lookup per conversation shown.
				'meta_query'       => array(
					array(
						'key'   => '_sku',
						'value' => $retailer_id,
					),
				),
			)
		);
		if ( empty( $ids ) && ctype_digit( $retailer_id ) && 'product' === get_post_type( (int) $retailer_id ) ) {
			$ids = array( (int) $retailer_id );
		}
		return empty( $ids ) ? '' : wp_strip_all_tags( get_the_title( (int) $ids[0] ) );
	}
}
