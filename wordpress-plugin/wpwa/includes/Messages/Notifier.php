<?php
/**
 * Tells vendors about customer messages routed to them.
 *
 * @package Wpwa\Plugin
 * @since   0.4.0
 */

namespace Wpwa\Plugin\Messages;

use Throwable;
use Wpwa\Plugin\Catalog\Config as CatalogConfig;
use Wpwa\Plugin\Connections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Products\Names;
use Wpwa\Plugin\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * After a webhook is stored, once the answer has gone back to Meta: tells
 * each vendor who received a message (e-mail, WhatsApp, the
 * `wpwa_customer_message_routed` action), sends the vendor's automatic reply,
 * and asks customers no rule could place which shop they mean.
 *
 * @since 0.4.0
 */
final class Notifier {

	/**
	 * Characters of the message shown in notifications.
	 *
	 * @since 0.4.0
	 */
	public const PREVIEW_CHARS = 200;

	/**
	 * Runs the follow-up of a webhook after the response is sent, so that
	 * Meta gets its 200 at once and slow mail or API calls cannot make it retry.
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,mixed> $report The core's ingest report: stored, menus…
	 * @return void
	 */
	public static function after_response( array $report ): void {
		$stored   = array_filter( (array) ( $report['stored'] ?? array() ), 'is_array' );
		$menus    = array_filter( (array) ( $report['menus'] ?? array() ), 'is_string' );
		$failures = array_filter( (array) ( $report['failures'] ?? array() ), 'is_array' );
		if ( empty( $stored ) && empty( $menus ) && empty( $failures ) ) {
			return;
		}
		add_action(
			'shutdown',
			static function () use ( $stored, $menus, $failures ): void {
				if ( function_exists( 'fastcgi_finish_request' ) ) {
					fastcgi_finish_request();
				}
				self::routed( $stored );
				self::ask_for_shop( $menus );
				self::failed( $failures );
			},
			0
		);
	}

	/**
	 * Notifies the vendors of stored messages and sends their automatic replies.
	 *
	 * @since 0.4.0
	 * @since 0.5.0 WhatsApp notification and automatic replies.
	 *
	 * @param array<int,array<string,mixed>> $stored Rows from the core: wamid, vendor_id, conversation_id, rule,
	 *                                              conversation (the summary, since 0.7.0).
	 * @return void
	 */
	public static function routed( array $stored ): void {
		$replied = array();
		foreach ( $stored as $row ) {
			if ( ! is_array( $row ) ) {
				continue;
			}
			$vendor_id = (int) ( $row['vendor_id'] ?? 0 );
			if ( $vendor_id <= 0 ) {
				continue;
			}
			try {
				// The core's report carries the conversation as stored: no second call.
				$conversation = is_array( $row['conversation'] ?? null ) ? $row['conversation'] : array();
				$prefs        = Preferences::get( $vendor_id );
				if ( $prefs['notify_email'] ) {
					self::email( $vendor_id, $conversation );
				}
				if ( $prefs['notify_whatsapp'] && '' !== $prefs['whatsapp_number'] ) {
					self::whatsapp( $vendor_id, $prefs['whatsapp_number'], $conversation );
				}
				$customer = (string) ( $conversation['customer'] ?? '' );
				if ( '' !== $customer && ! isset( $replied[ $vendor_id . ':' . $customer ] ) ) {
					$replied[ $vendor_id . ':' . $customer ] = true;
					self::auto_reply( $vendor_id, $customer, $prefs );
				}

				/**
				 * Fires after a customer message was stored for a vendor, once the
				 * webhook's answer has been sent.
				 *
				 * @since 0.4.0
				 *
				 * @param array<string,mixed>      $row          The stored row: wamid, vendor_id, conversation_id, rule.
				 * @param array<string,mixed>|null $conversation The vendor's conversation summary (customer,
				 *                                               customer_name, product, last_text…), if found.
				 */
				do_action( 'wpwa_customer_message_routed', $row, $conversation ? $conversation : null );
			} catch ( Throwable $e ) {
				Core::report( $e );
			}
		}
	}

	/**
	 * Sends the vendor's automatic reply, if the marketplace allows them and
	 * one applies now; a failure is logged for the vendor.
	 *
	 * @since 0.5.0
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param string              $customer  Customer's number (digits).
	 * @param array<string,mixed> $prefs     The vendor's preferences.
	 * @return void
	 */
	private static function auto_reply( int $vendor_id, string $customer, array $prefs ): void {
		$replies = Preferences::for_core( $prefs );
		if ( ! Config::get( 'auto_replies' ) || ( null === $replies['acknowledgement'] && null === $replies['away_message'] ) ) {
			return;
		}
		$connection = Connections::cloud( $vendor_id, Connections::MESSAGES );
		$result     = is_wp_error( $connection ) ? $connection : Core::message_auto_reply(
			$vendor_id,
			$customer,
			$replies,
			Preferences::local_time(),
			CatalogConfig::store_name( $vendor_id ),
			$connection,
			Config::limits( $vendor_id )
		);
		if ( is_wp_error( $result ) ) {
			Core::event(
				$vendor_id,
				'warning',
				'message',
				'auto_reply_failed',
				array(),
				array( 'error' => $result->get_error_message() )
			);
		}
	}

	/**
	 * Tells the vendor on WhatsApp, through the marketplace number, with the
	 * template the administrator set (its body takes the customer and the
	 * message as {{1}} and {{2}}).
	 *
	 * @since 0.5.0
	 * @since 0.7.0 Public: orders from WhatsApp carts tell vendors the same way.
	 *
	 * @param int                 $vendor_id    Vendor user ID.
	 * @param string              $number       The vendor's WhatsApp number (digits).
	 * @param array<string,mixed> $conversation Conversation summary (may be empty).
	 * @return void
	 */
	public static function whatsapp( int $vendor_id, string $number, array $conversation ): void {
		$template = (string) Config::get( 'notify_template' );
		if ( '' === $template ) {
			return;
		}
		$connection = Connections::cloud( 0, Connections::MESSAGES );
		$message    = array(
			'type'       => 'template',
			'name'       => $template,
			'language'   => (string) Config::get( 'notify_language' ),
			'components' => array(
				array(
					'type'       => 'body',
					'parameters' => array(
						array(
							'type' => 'text',
							'text' => self::customer_label( $conversation ),
						),
						array(
							'type' => 'text',
							'text' => self::preview( $conversation ),
						),
					),
				),
			),
		);
		$result = is_wp_error( $connection ) ? $connection : Core::message_send( 0, $number, $message, $connection, Config::limits( 0 ) );
		if ( is_wp_error( $result ) ) {
			Core::event(
				$vendor_id,
				'warning',
				'message',
				'notify_whatsapp_failed',
				array(),
				array( 'error' => $result->get_error_message() )
			);
		}
	}

	/**
	 * Sends the vendor menu to customers no rule could place.
	 *
	 * @since 0.5.0
	 *
	 * @param array<int,string> $customers Customers' numbers (digits).
	 * @return void
	 */
	public static function ask_for_shop( array $customers ): void {
		if ( empty( $customers ) ) {
			return;
		}
		$connection = Connections::cloud( 0, Connections::MESSAGES );
		foreach ( array_unique( $customers ) as $customer ) {
			$result = is_wp_error( $connection ) ? $connection : Core::message_vendor_menu(
				$customer,
				null,
				Config::menu_intro(),
				__( 'Choose a shop', 'wpwa' ),
				$connection,
				Config::limits( 0 )
			);
			if ( is_wp_error( $result ) ) {
				Core::event(
					0,
					'warning',
					'message',
					'menu_failed',
					array(),
					array( 'error' => $result->get_error_message() )
				);
			}
		}
	}

	/**
	 * The customer's name, else their number.
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,mixed> $conversation Conversation summary.
	 * @return string
	 */
	private static function customer_label( array $conversation ): string {
		return Customer::label( $conversation );
	}

	/**
	 * The start of what the customer last wrote, or a placeholder for messages
	 * without text.
	 *
	 * @since 0.5.0
	 * @since 0.7.0 The customer's message, not the vendor's automatic reply.
	 *
	 * @param array<string,mixed> $conversation Conversation summary.
	 * @return string
	 */
	private static function preview( array $conversation ): string {
		$text = trim( wp_strip_all_tags( Panel::message_text( (string) ( $conversation['customer_text'] ?? $conversation['last_text'] ?? '' ) ) ) );
		if ( mb_strlen( $text ) > self::PREVIEW_CHARS ) {
			$text = mb_substr( $text, 0, self::PREVIEW_CHARS ) . '…';
		}
		return '' !== $text ? $text : __( '(a message without text, such as a picture or an order)', 'wpwa' );
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
		$name = self::customer_label( $conversation );
		$text = self::preview( $conversation );
		$site = wp_specialchars_decode( (string) get_bloginfo( 'name' ), ENT_QUOTES );
		$link = self::dashboard_url();

		/* translators: 1: site name, 2: customer name or number. */
		$subject = sprintf( __( '[%1$s] New WhatsApp message from %2$s', 'wpwa' ), $site, $name );
		$lines   = array(
			/* translators: %s: customer name or number. */
			sprintf( __( '%s wrote to the marketplace on WhatsApp:', 'wpwa' ), $name ),
			'',
			'“' . $text . '”',
			'',
		);
		$items   = Panel::items( $vendor_id, (array) ( $conversation['items'] ?? array() ) );
		$product = (string) ( $conversation['product'] ?? '' );
		if ( $items ) {
			$lines[] = __( 'Your items in this order:', 'wpwa' );
			foreach ( $items as $item ) {
				$lines[] = '- ' . $item['line'];
			}
			$lines[] = '';
		} elseif ( '' !== $product ) {
			$title = Names::of( $vendor_id, (int) ( $conversation['product_id'] ?? 0 ), $product );
			if ( '' !== $title ) {
				/* translators: %s: product name. */
				$lines[] = sprintf( __( 'About: %s', 'wpwa' ), $title );
				$lines[] = '';
			}
		}
		$lines[] = __( 'Reply from your WhatsApp Business app. Your conversations are listed in your WhatsApp dashboard:', 'wpwa' );
		$lines[] = esc_url_raw( $link );
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
	 * Tells vendors that a message sent to one of their customers did not
	 * arrive: a line in their activity log, an e-mail when they take e-mails,
	 * and the `wpwa_message_delivery_failed` action. The panel marks the
	 * conversation from the core's own record.
	 *
	 * @since 0.7.0
	 *
	 * @param array<int,array<string,mixed>> $failures The core's failures: vendor_id, conversation_id, wamid, error_code, reason, at.
	 * @return void
	 */
	public static function failed( array $failures ): void {
		foreach ( $failures as $failure ) {
			$vendor_id = (int) ( $failure['vendor_id'] ?? 0 );
			if ( $vendor_id <= 0 ) {
				continue;
			}
			try {
				$conversation = Core::conversation( $vendor_id, (int) ( $failure['conversation_id'] ?? 0 ) );
				$conversation = is_array( $conversation ) ? $conversation : array();
				$code         = (string) ( $failure['reason'] ?? 'unknown' );
				$reason       = Panel::failure_text( $code );
				$customer     = self::customer_label( $conversation );
				Core::event(
					$vendor_id,
					'warning',
					'message',
					'delivery_failed',
					array(
						'customer' => $customer,
						'failure'  => $code,
					),
					array(
						'wamid'      => (string) ( $failure['wamid'] ?? '' ),
						'error_code' => isset( $failure['error_code'] ) ? (int) $failure['error_code'] : null,
					)
				);
				if ( Preferences::get( $vendor_id )['notify_email'] ) {
					self::failure_email( $vendor_id, $customer, $reason );
				}

				/**
				 * Fires when a message sent to a vendor's customer was reported as
				 * not delivered, after the vendor was told.
				 *
				 * @since 0.7.0
				 *
				 * @param array<string,mixed> $failure   vendor_id, conversation_id, wamid, error_code, reason (code), at.
				 * @param string              $reason    Why, in words.
				 * @param int                 $vendor_id Vendor user ID.
				 */
				do_action( 'wpwa_message_delivery_failed', $failure, $reason, $vendor_id );
			} catch ( Throwable $e ) {
				Core::report( $e );
			}
		}
	}

	/**
	 * E-mails a vendor that a message to a customer did not arrive.
	 *
	 * @since 0.7.0
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param string $customer  Customer name or number.
	 * @param string $reason    Why, in words.
	 * @return bool Whether the mail was handed to wp_mail().
	 */
	private static function failure_email( int $vendor_id, string $customer, string $reason ): bool {
		$user = get_userdata( $vendor_id );
		if ( ! $user || ! is_email( $user->user_email ) ) {
			return false;
		}
		$site = wp_specialchars_decode( (string) get_bloginfo( 'name' ), ENT_QUOTES );
		/* translators: 1: site name, 2: customer name or number. */
		$subject = sprintf( __( '[%1$s] Your WhatsApp message to %2$s was not delivered', 'wpwa' ), $site, $customer );
		$message = implode(
			"\n",
			array(
				/* translators: %s: customer name or number. */
				sprintf( __( 'WhatsApp could not deliver your last message to %s.', 'wpwa' ), $customer ),
				'',
				$reason,
				'',
				__( 'Your conversations are listed in your WhatsApp dashboard:', 'wpwa' ),
				esc_url_raw( self::dashboard_url() ),
			)
		);

		/**
		 * Filters the e-mail telling a vendor that a message did not arrive.
		 *
		 * @since 0.7.0
		 *
		 * @param array{to:string,subject:string,message:string} $mail      The e-mail (plain text).
		 * @param int                                             $vendor_id Vendor user ID.
		 */
		$mail = (array) apply_filters(
			'wpwa_delivery_failed_email',
			array(
				'to'      => $user->user_email,
				'subject' => $subject,
				'message' => $message,
			),
			$vendor_id
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
