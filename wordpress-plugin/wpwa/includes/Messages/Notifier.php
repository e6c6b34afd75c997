<?php
/**
 * Tells vendors about customer messages routed to them.
 *
 * @package Wpwa\Plugin
 * @since   0.4.0
 */

namespace Wpwa\Plugin\Messages;

use Throwable;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * After a webhook is stored: an e-mail to each vendor who received a message
 * (unless they turned it off), and the `wpwa_customer_message_routed` action.
 *
 * @since 0.4.0
 */
final class Notifier {

	/**
	 * Characters of the message shown in the e-mail.
	 *
	 * @since 0.4.0
	 */
	public const PREVIEW_CHARS = 200;

	/**
	 * Notifies the vendors of stored messages.
	 *
	 * @since 0.4.0
	 *
	 * @param array<int,array<string,mixed>> $stored Rows from the core: wamid, vendor_id, conversation_id, rule.
	 * @return void
	 */
	public static function routed( array $stored ): void {
		$summaries = array();
		foreach ( $stored as $row ) {
			if ( ! is_array( $row ) ) {
				continue;
			}
			$vendor_id = (int) ( $row['vendor_id'] ?? 0 );
			if ( $vendor_id <= 0 ) {
				continue;
			}
			try {
				if ( ! isset( $summaries[ $vendor_id ] ) ) {
					$list                    = Core::conversations( $vendor_id, 200 );
					$summaries[ $vendor_id ] = is_array( $list ) ? $list : array();
				}
				$conversation = null;
				foreach ( $summaries[ $vendor_id ] as $summary ) {
					if ( (int) ( $summary['id'] ?? 0 ) === (int) ( $row['conversation_id'] ?? -1 ) ) {
						$conversation = $summary;
						break;
					}
				}
				if ( Config::notify_by_email( $vendor_id ) ) {
					self::email( $vendor_id, is_array( $conversation ) ? $conversation : array() );
				}

				/**
				 * Fires after a customer message was stored for a vendor.
				 *
				 * @since 0.4.0
				 *
				 * @param array<string,mixed>      $row          The stored row: wamid, vendor_id, conversation_id, rule.
				 * @param array<string,mixed>|null $conversation The vendor's conversation summary (customer,
				 *                                               customer_name, product, last_text…), if found.
				 */
				do_action( 'wpwa_customer_message_routed', $row, $conversation );
			} catch ( Throwable $e ) {
				Core::report( $e );
			}
		}
	}

	/**
	 * E-mails a vendor about a new customer message.
	 *
	 * @since 0.4.0
	 *
	 * @param int                 $vendor_id    Vendor user ID.
	 * @param array<string,mixed> $conversation Conversation summary (may be empty).
	 * @return bool Whether the mail was handed to wp_mail().
	 */
	public static function email( int $vendor_id, array $conversation ): bool {
		$user = get_userdata( $vendor_id );
		if ( ! $user || ! is_email( $user->user_email ) ) {
			return false;
		}
		$name = trim( wp_strip_all_tags( (string) ( $conversation['customer_name'] ?? '' ) ) );
		if ( '' === $name ) {
			$name = '+' . preg_replace( '/\D/', '', (string) ( $conversation['customer'] ?? '' ) );
		}
		$text = trim( wp_strip_all_tags( (string) ( $conversation['last_text'] ?? '' ) ) );
		if ( mb_strlen( $text ) > self::PREVIEW_CHARS ) {
			$text = mb_substr( $text, 0, self::PREVIEW_CHARS ) . '…';
		}
		$site = wp_specialchars_decode( (string) get_bloginfo( 'name' ), ENT_QUOTES );
		$link = self::dashboard_url();

		/* translators: 1: site name, 2: customer name or number. */
		$subject = sprintf( __( '[%1$s] New WhatsApp message from %2$s', 'wpwa' ), $site, $name );
		$lines   = array(
			/* translators: %s: customer name or number. */
			sprintf( __( '%s wrote to the marketplace on WhatsApp:', 'wpwa' ), $name ),
			'',
			'' !== $text ? '“' . $text . '”' : __( '(a message without text, such as a picture or an order)', 'wpwa' ),
			'',
			__( 'Reply from your WhatsApp Business app. Your conversations are listed in your WhatsApp dashboard:', 'wpwa' ),
			esc_url_raw( $link ),
		);
		$message = implode( "\n", $lines );

		/**
		 * Filters the e-mail sent to a vendor about a customer message.
		 *
		 * @since 0.4.0
		 *
		 * @param array{to:string,subject:string,message:string} $mail         The e-mail (plain text).
		 * @param int                                             $vendor_id    Vendor user ID.
		 * @param array<string,mixed>                             $conversation Conversation summary.
		 */
		$mail = (array) apply_filters(
			'wpwa_customer_message_email',
			array(
				'to'      => $user->user_email,
				'subject' => $subject,
				'message' => $message,
			),
			$vendor_id,
			$conversation
		);
		if ( empty( $mail['to'] ) ) {
			return false;
		}
		return (bool) wp_mail( (string) $mail['to'], (string) $mail['subject'], (string) $mail['message'] );
	}

	/**
	 * The vendor dashboard's address.
	 *
	 * @since 0.4.0
	 *
	 * @return string
	 */
	private static function dashboard_url(): string {
		$page_id = (int) get_option( Settings::PAGE_OPTION, 0 );
		$url     = $page_id > 0 ? get_permalink( $page_id ) : '';
		return is_string( $url ) && '' !== $url ? $url : home_url( '/' );
	}
}
