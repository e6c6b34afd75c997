<?php
/**
 * The words for what the core reports as codes: catalog problems, sync issues,
 * session reasons and activity-log events.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * One place that turns a code plus its parameters into a sentence in the
 * reader's language (text domain `wpwa`). The core stores and returns codes
 * (e.g. `{"code":"image_too_large","bytes":7340032,"max":3145728}`), never
 * sentences, so the admin's real limits appear in the words and a vendor reads
 * them in their language. Entries stored before 0.7.0 carry a sentence only:
 * it is shown as stored.
 *
 * @since 0.7.0
 */
final class Texts {

	/**
	 * A size in bytes as people read it: "3 MB", "4.5 MB" (localized digits).
	 *
	 * @since 0.7.0
	 *
	 * @param int $bytes Size in bytes.
	 * @return string
	 */
	public static function size( int $bytes ): string {
		// Whole megabytes read "3 MB", others "4.5 MB"; below a megabyte, whole units.
		$decimals = $bytes < MB_IN_BYTES || 0 === $bytes % MB_IN_BYTES ? 0 : 1;
		return (string) size_format( $bytes, $decimals );
	}

	/**
	 * What the vendor should do about a catalog problem.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed>|string $problem A problem from the core (`code` and its
	 *                                            parameters), or a sentence stored before codes.
	 * @return string
	 */
	public static function problem( $problem ): string {
		if ( ! is_array( $problem ) ) {
			return (string) $problem;
		}
		$code = (string) ( $problem['code'] ?? '' );
		$text = self::param_text( $problem );
		switch ( $code ) {
			case 'missing_title':
				$words = __( 'Add a product title.', 'wpwa' );
				break;
			case 'missing_price':
				$words = __( 'Set a price above zero.', 'wpwa' );
				break;
			case 'missing_description':
				$words = __( 'Write a description: WhatsApp shows it to customers.', 'wpwa' );
				break;
			case 'missing_image':
				$words = sprintf(
					/* translators: %s: the largest image size accepted, e.g. "5 MB". */
					__( 'Add a product image (JPG or PNG, at most %s).', 'wpwa' ),
					self::size( (int) ( $problem['max'] ?? 0 ) )
				);
				break;
			case 'image_format':
				$words = sprintf(
					/* translators: %s: the image type found, e.g. "image/gif". */
					__( 'Use a JPG or PNG image; this one is %s.', 'wpwa' ),
					$text( 'found' )
				);
				break;
			case 'image_too_large':
				$words = sprintf(
					/* translators: 1: the image's size, e.g. "4 MB", 2: the largest size accepted, e.g. "3 MB". */
					__( 'Use a smaller image: this one is %1$s, the limit is %2$s.', 'wpwa' ),
					self::size( (int) ( $problem['bytes'] ?? 0 ) ),
					self::size( (int) ( $problem['max'] ?? 0 ) )
				);
				break;
			case 'retailer_id_too_long':
				$words = sprintf(
					/* translators: 1: the most characters a SKU may have, 2: the SKU's length. */
					__( 'Shorten the SKU to %1$s characters or fewer (it has %2$s).', 'wpwa' ),
					number_format_i18n( (int) ( $problem['max'] ?? 0 ) ),
					number_format_i18n( (int) ( $problem['length'] ?? 0 ) )
				);
				break;
			case 'stock_unmapped':
				$words = sprintf(
					/* translators: %s: the stock status found. */
					__( 'Set the stock status to In stock, Out of stock or On backorder (it is "%s").', 'wpwa' ),
					$text( 'found' )
				);
				break;
			case 'duplicate_sku':
				$words = __( 'Another of your products has the same SKU; give each product its own SKU.', 'wpwa' );
				break;
			case 'rejected':
				$words = '' === $text( 'reason' )
					? __( 'Rejected by WhatsApp.', 'wpwa' )
					: sprintf(
						/* translators: %s: WhatsApp's own reason, as it gave it (usually in English). */
						__( 'WhatsApp refused this product: %s', 'wpwa' ),
						$text( 'reason' )
					);
				break;
			case 'stored':
				$words = $text( 'message' );
				break;
			default:
				$words = sprintf(
					/* translators: %s: a problem code. */
					__( 'This product cannot be listed yet (%s).', 'wpwa' ),
					$code
				);
		}

		/**
		 * Filters the words shown for a catalog problem.
		 *
		 * @since 0.7.0
		 *
		 * @param string              $words   The sentence.
		 * @param array<string,mixed> $problem The problem's code and parameters.
		 */
		return (string) apply_filters( 'wpwa_catalog_problem_text', $words, $problem );
	}

	/**
	 * Why a catalog sync stopped or waits.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed>|string|null $issue The issue from the core (`code` and its
	 *                                               parameters), a sentence stored before codes, or null.
	 * @return string '' for none.
	 */
	public static function sync_issue( $issue ): string {
		if ( null === $issue || '' === $issue ) {
			return '';
		}
		if ( ! is_array( $issue ) ) {
			return (string) $issue;
		}
		$text = self::param_text( $issue );
		switch ( (string) ( $issue['code'] ?? '' ) ) {
			case 'token_invalid':
				/* translators: %s: what the WhatsApp API said. */
				return sprintf( __( 'The WhatsApp API refused the access token (%s); an administrator must enter a new one.', 'wpwa' ), $text( 'detail' ) );
			case 'rate_limited':
				/* translators: %s: the WhatsApp API's error code. */
				return sprintf( __( 'WhatsApp is limiting how fast this account may send (code %s); the sync resumes by itself after a pause.', 'wpwa' ), $text( 'api_code' ) );
			case 'api_unavailable':
				/* translators: %s: what the WhatsApp API said. */
				return sprintf( __( 'The WhatsApp API failed temporarily: %s', 'wpwa' ), $text( 'detail' ) );
			case 'api_unreachable':
				/* translators: %s: what the connection reported. */
				return sprintf( __( 'The WhatsApp API cannot be reached (%s).', 'wpwa' ), $text( 'detail' ) );
			case 'api_refused':
				/* translators: 1: the WhatsApp API's error code, 2: what it said. */
				return sprintf( __( 'The WhatsApp API refused the request (code %1$s): %2$s', 'wpwa' ), $text( 'api_code' ), $text( 'detail' ) );
			case 'bad_configuration':
				/* translators: %s: what is wrong. */
				return sprintf( __( 'The WhatsApp API connection is not set up correctly: %s', 'wpwa' ), $text( 'detail' ) );
			case 'stored':
				return $text( 'message' );
			default:
				/* translators: %s: an error code. */
				return sprintf( __( 'The sync could not go on (%s).', 'wpwa' ), (string) ( $issue['code'] ?? '' ) );
		}
	}

	/**
	 * What happened, for one activity-log entry: its code worded with its
	 * params, or the message stored with it (entries from before 0.7.0, and
	 * codes this version does not know).
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $entry An entry from the core (`code`, `params`, `message`).
	 * @return string
	 */
	public static function log_message( array $entry ): string {
		$code   = isset( $entry['code'] ) && is_string( $entry['code'] ) ? $entry['code'] : '';
		$params = isset( $entry['params'] ) && is_array( $entry['params'] ) ? $entry['params'] : array();
		$stored = (string) ( $entry['message'] ?? '' );
		$words  = '' === $code ? null : self::event( $code, $params );

		/**
		 * Filters the words shown for an activity-log entry.
		 *
		 * @since 0.7.0
		 *
		 * @param string              $words  The sentence (the stored message when the code is not worded).
		 * @param string              $code   The event code ('' for entries without one).
		 * @param array<string,mixed> $params The event's parameters.
		 */
		return (string) apply_filters( 'wpwa_log_message_text', null === $words ? $stored : $words, $code, $params );
	}

	/**
	 * Why a WhatsApp template could not be sent, from the Cloud API's error code
	 * the core gives (the same whether the core refused before any call or the
	 * API did).
	 *
	 * @since 0.7.0
	 *
	 * @param int $api_code 132001, 132015, 132016, 132000 or another 132xxx.
	 * @return string
	 */
	public static function template_refusal( int $api_code ): string {
		switch ( $api_code ) {
			case 132001:
				return __( 'This WhatsApp template does not exist in this language on the WhatsApp Business account, or it is not approved yet. Check it under WhatsApp → Templates.', 'wpwa' );
			case 132015:
				return __( 'WhatsApp paused this template for low quality; it cannot be sent until WhatsApp resumes it.', 'wpwa' );
			case 132016:
				return __( 'WhatsApp disabled this template for low quality; choose another template.', 'wpwa' );
			case 132000:
			case 132012:
				return __( 'The values sent do not match the placeholders of this WhatsApp template.', 'wpwa' );
			case 131050:
				return __( 'This is a marketing template and the customer has not agreed to marketing messages on WhatsApp (or has stopped them).', 'wpwa' );
			default:
				return __( 'WhatsApp refused this template.', 'wpwa' );
		}
	}

	/**
	 * The words of one activity-log event, or null for a code not worded here.
	 *
	 * @param string              $code   Event code.
	 * @param array<string,mixed> $params Its parameters.
	 * @return string|null
	 */
	private static function event( string $code, array $params ): ?string {
		$text = self::param_text( $params );
		$int  = static fn( string $key ): int => (int) ( $params[ $key ] ?? 0 );
		switch ( $code ) {
			// Sessions.
			case 'session_changed':
				$state  = SessionStates::describe( $text( 'to' ) )['label'];
				$reason = SessionStates::reason_message( '' === $text( 'reason' ) ? null : $text( 'reason' ), $text( 'phone' ) );
				return '' === $reason
					/* translators: %s: the session state, e.g. "Connected". */
					? sprintf( __( 'WhatsApp session: %s.', 'wpwa' ), $state )
					/* translators: 1: the session state, e.g. "Session expired", 2: why, with what to do. */
					: sprintf( __( 'WhatsApp session: %1$s. %2$s', 'wpwa' ), $state, $reason );
			case 'session_start_limited':
				/* translators: %s: minutes to wait. */
				return sprintf( __( 'Connection attempt refused: too many attempts in the last hour. Try again in %s minutes.', 'wpwa' ), number_format_i18n( (int) ceil( $int( 'retry_after' ) / 60 ) ) );
			case 'session_connect_failed':
				return __( 'Connecting WhatsApp failed.', 'wpwa' );
			case 'session_connecting':
				return __( 'WhatsApp connection started: waiting for the QR code to be scanned.', 'wpwa' );
			case 'session_disconnected':
				return __( 'WhatsApp disconnected.', 'wpwa' );
			case 'session_connected':
				return __( 'WhatsApp connected.', 'wpwa' );
			// Catalog sync.
			case 'sync_started':
				if ( isset( $params['unread'] ) ) {
					return sprintf(
						/* translators: 1: number of changes, 2: products read, 3: products not read. */
						_n( 'Catalog sync started: %1$s change to send; %2$s product(s) read, %3$s unchanged since the last sync.', 'Catalog sync started: %1$s changes to send; %2$s product(s) read, %3$s unchanged since the last sync.', $int( 'total' ), 'wpwa' ),
						number_format_i18n( $int( 'total' ) ),
						number_format_i18n( $int( 'read' ) ),
						number_format_i18n( $int( 'unread' ) )
					);
				}
				if ( isset( $params['changed'] ) ) {
					return sprintf(
						/* translators: 1: number of changes, 2: number of products read. */
						_n( 'Catalog sync started: %1$s change to send, from the %2$s product(s) changed since the last sync.', 'Catalog sync started: %1$s changes to send, from the %2$s product(s) changed since the last sync.', $int( 'total' ), 'wpwa' ),
						number_format_i18n( $int( 'total' ) ),
						number_format_i18n( $int( 'changed' ) )
					);
				}
				/* translators: %s: number of changes. */
				return sprintf( _n( 'Catalog sync started: %s change to send.', 'Catalog sync started: %s changes to send.', $int( 'total' ), 'wpwa' ), number_format_i18n( $int( 'total' ) ) );
			case 'sync_finished':
				return self::sync_summary( $params );
			case 'sync_stopped':
				/* translators: %s: why. */
				return sprintf( __( 'Catalog sync stopped: %s', 'wpwa' ), self::sync_issue( isset( $params['issue'] ) && is_array( $params['issue'] ) ? $params['issue'] : null ) );
			case 'sync_token_refused':
				/* translators: %s: why. */
				return sprintf( __( 'Catalog sync stopped: %s', 'wpwa' ), self::sync_issue( array( 'code' => 'token_invalid' ) + $params ) );
			case 'sync_paused':
				return __( 'Catalog sync paused by a rate limit; it resumes by itself.', 'wpwa' );
			case 'sync_product_not_vendors':
				/* translators: 1: product ID, 2: the vendor who owns it. */
				return sprintf( __( 'Product %1$s was skipped: it belongs to vendor %2$s.', 'wpwa' ), $int( 'product_id' ), $int( 'owner_id' ) );
			case 'sync_sku_taken':
				/* translators: %s: SKU. */
				return sprintf( __( 'SKU %s is already listed by another vendor; give your product another SKU.', 'wpwa' ), $text( 'sku' ) );
			case 'sync_error':
				/* translators: %s: what went wrong. */
				return sprintf( __( 'A catalog sync step failed: %s', 'wpwa' ), $text( 'detail' ) );
			// Messages.
			case 'message_routed':
				return __( 'New customer message.', 'wpwa' );
			case 'message_unreadable':
				/* translators: %s: message type, e.g. "sticker". */
				return sprintf( __( 'A customer sent a %s message with no text to show.', 'wpwa' ), $text( 'message_type' ) );
			case 'auto_reply_sent':
				return 'away' === $text( 'auto_reply' )
					? __( 'Your away message was sent to a customer.', 'wpwa' )
					: __( 'Your automatic acknowledgement was sent to a customer.', 'wpwa' );
			case 'message_sent':
				/* translators: %s: message type, e.g. "text". */
				return sprintf( __( 'A %s message was sent to a customer.', 'wpwa' ), $text( 'message_type' ) );
			case 'auto_reply_failed':
				return __( 'Your automatic reply to a customer could not be sent.', 'wpwa' );
			case 'notify_whatsapp_failed':
				return __( 'You could not be told about a customer message on WhatsApp.', 'wpwa' );
			case 'menu_failed':
				return __( 'A customer could not be asked which shop their message is for.', 'wpwa' );
			case 'delivery_failed':
				/* translators: 1: customer name or number, 2: why, in a sentence. */
				return sprintf( __( 'Your message to %1$s was not delivered. %2$s', 'wpwa' ), $text( 'customer' ), Messages\Panel::failure_text( '' === $text( 'failure' ) ? 'unknown' : $text( 'failure' ) ) );
			// Templates.
			case 'templates_refreshed':
				/* translators: %s: number of templates. */
				return sprintf( _n( 'WhatsApp templates refreshed: %s template.', 'WhatsApp templates refreshed: %s templates.', $int( 'count' ), 'wpwa' ), number_format_i18n( $int( 'count' ) ) );
			case 'template_category_changed':
				/* translators: 1: template name, 2: language code, 3: previous category, 4: new category. */
				return sprintf( __( 'WhatsApp changed the category of template %1$s (%2$s) from %3$s to %4$s.', 'wpwa' ), $text( 'template' ), $text( 'language' ), $text( 'from' ), $text( 'to' ) );
			case 'template_status_changed':
				/* translators: 1: template name, 2: language code, 3: previous status, 4: new status. */
				return sprintf( __( 'WhatsApp changed the status of template %1$s (%2$s) from %3$s to %4$s.', 'wpwa' ), $text( 'template' ), $text( 'language' ), $text( 'from' ), $text( 'to' ) );
			// WhatsApp carts and the orders they became.
			case 'cart_received':
				return __( 'A customer sent a cart on WhatsApp.', 'wpwa' );
			case 'cart_line_problem':
				return self::cart_problem(
					array(
						'code'        => $text( 'problem' ),
						'retailer_id' => $text( 'retailer_id' ),
						'requested'   => $int( 'requested' ),
						'kept'        => $int( 'kept' ),
					)
				);
			case 'cart_ordered':
				/* translators: %d: order number. */
				return sprintf( __( 'A WhatsApp cart became order #%d.', 'wpwa' ), $int( 'order_id' ) );
			case 'cart_part_ordered':
				/* translators: %d: order number. */
				return sprintf( __( 'A customer ordered your products with a WhatsApp cart: order #%d.', 'wpwa' ), $int( 'order_id' ) );
			case 'cart_refused':
				/* translators: %s: why, in a sentence. */
				return sprintf( __( 'A WhatsApp cart made no order. %s', 'wpwa' ), self::cart_refusal( $text( 'refusal' ) ) );
			case 'cart_claim_failed':
			case 'cart_order_failed':
				return __( 'A WhatsApp cart could not be turned into an order.', 'wpwa' );
			case 'cart_reply_sent':
				return __( 'A customer\'s WhatsApp cart was answered on WhatsApp.', 'wpwa' );
			case 'cart_reply_failed':
				return __( 'The answer to a customer\'s WhatsApp cart could not be sent.', 'wpwa' );
			// Coexistence: the WhatsApp Business account of a connection.
			case 'business_account_offboarded':
				/* translators: 1: connection name(s), 2: WhatsApp Business account ID. */
				return sprintf( __( 'WhatsApp suspended messaging for connection "%1$s" (account %2$s): the number was registered again, e.g. the WhatsApp Business app was reinstalled or moved to another phone. The owner must accept the reconnect prompt in the app.', 'wpwa' ), self::connection_name( $text( 'connection' ) ), $text( 'waba_id' ) );
			case 'business_account_disconnected':
				return sprintf(
					/* translators: 1: connection name(s), 2: WhatsApp Business account ID, 3: why, in a sentence. */
					__( 'WhatsApp disconnected connection "%1$s" (account %2$s) from the marketplace. %3$s', 'wpwa' ),
					self::connection_name( $text( 'connection' ) ),
					$text( 'waba_id' ),
					self::business_account_reason( $text( 'reason' ) )
				);
			case 'business_account_connected':
				/* translators: 1: connection name(s), 2: WhatsApp Business account ID. */
				return sprintf( __( 'Connection "%1$s" (account %2$s) is reconnected: WhatsApp messages flow again.', 'wpwa' ), self::connection_name( $text( 'connection' ) ), $text( 'waba_id' ) );
			case 'cloud_webhook_unreadable':
				return __( 'A signed WhatsApp Cloud API webhook could not be read and was refused.', 'wpwa' );
			case 'webhook_queue_retry':
				return __( 'A queued WhatsApp webhook could not be processed because the store failed; it is tried again shortly.', 'wpwa' );
			case 'webhook_queue_dead':
				return __( 'A queued WhatsApp webhook could not be processed and was set aside.', 'wpwa' );
			case 'webhook_queue_failed':
				return __( 'Draining the WhatsApp webhook queue failed; it is tried again shortly.', 'wpwa' );
			// Access, settings and the site.
			case 'token_issued':
				return __( 'Access token issued for reading your WhatsApp status (valid 15 minutes).', 'wpwa' );
			case 'cloud_connection_tested':
				return ! empty( $params['ok'] )
					/* translators: %s: connection ID. */
					? sprintf( __( 'Cloud API connection "%s" tested: passed.', 'wpwa' ), $text( 'id' ) )
					/* translators: %s: connection ID. */
					: sprintf( __( 'Cloud API connection "%s" tested: failed.', 'wpwa' ), $text( 'id' ) );
			case 'cloud_connection_saved':
				/* translators: %s: connection ID. */
				return sprintf( __( 'Cloud API connection "%s" saved.', 'wpwa' ), $text( 'id' ) );
			case 'cloud_connection_deleted':
				/* translators: %s: connection ID. */
				return sprintf( __( 'Cloud API connection "%s" deleted.', 'wpwa' ), $text( 'id' ) );
			case 'gateway_connection_saved':
				/* translators: %s: connection ID. */
				return sprintf( __( 'Gateway connection "%s" saved.', 'wpwa' ), $text( 'id' ) );
			case 'gateway_connection_deleted':
				/* translators: %s: connection ID. */
				return sprintf( __( 'Gateway connection "%s" deleted.', 'wpwa' ), $text( 'id' ) );
			case 'store_moved':
				/* translators: 1: number of tables, 2: number of rows. */
				return sprintf( __( 'Store moved to the WordPress database: %1$s tables, %2$s rows, every count and content hash equal.', 'wpwa' ), number_format_i18n( $int( 'tables' ) ), number_format_i18n( $int( 'rows' ) ) );
			case 'store_leftovers_removed':
				/* translators: %s: number of tables. */
				return sprintf( __( 'Removed %s leftover wpwa tables from the WordPress database (the site runs on its SQLite file).', 'wpwa' ), number_format_i18n( $int( 'tables' ) ) );
			case 'store_move_failed':
				return __( 'Moving the store to the WordPress database failed; the site stays on the SQLite file.', 'wpwa' ) . ' ' . StoreMove::error_message( $text( 'error' ) );
			case 'settings_changed':
				/* translators: %s: the settings changed, comma-separated. */
				return sprintf( __( 'Settings changed: %s.', 'wpwa' ), implode( ', ', array_map( 'strval', (array) ( $params['fields'] ?? array() ) ) ) );
			case 'plugin_activated':
				/* translators: %s: version. */
				return sprintf( __( 'Plugin activated (version %s).', 'wpwa' ), $text( 'version' ) );
			case 'plugin_deactivated':
				return __( 'Plugin deactivated.', 'wpwa' );
			case 'log_purged':
				/* translators: 1: number of entries, 2: number of days. */
				return sprintf( _n( 'Activity log: %1$s entry older than %2$s days deleted.', 'Activity log: %1$s entries older than %2$s days deleted.', $int( 'deleted' ), 'wpwa' ), number_format_i18n( $int( 'deleted' ) ), number_format_i18n( $int( 'days' ) ) );
			case 'privacy_erased':
				/* translators: 1: a count of conversations, such as 3 conversations; 2: a count of messages, such as 12 messages. */
				return sprintf( __( 'A customer\'s WhatsApp data was erased on request: %1$s, %2$s.', 'wpwa' ), Privacy::conversations( $int( 'conversations' ) ), Privacy::messages( $int( 'messages' ) ) );
			case 'privacy_cleanup':
				/* translators: 1: a count of conversations, such as 3 conversations; 2: a count of messages, such as 12 messages; 3: number of days. */
				return sprintf( __( 'Daily clean-up: %1$s (%2$s) with no message in %3$d days deleted.', 'wpwa' ), Privacy::conversations( $int( 'conversations' ) ), Privacy::messages( $int( 'messages' ) ), $int( 'days' ) );
			// Consent and order updates.
			case 'consent_granted':
				return isset( $params['confirmed'] ) && ! $params['confirmed']
					? __( 'A customer opted in to WhatsApp order updates; the confirmation could not be sent.', 'wpwa' )
					: ( 'marketing' === $text( 'purpose' ) ? __( 'A customer opted in to WhatsApp marketing messages.', 'wpwa' ) : __( 'A customer opted in to WhatsApp order updates.', 'wpwa' ) );
			case 'consent_withdrawn':
				return isset( $params['confirmed'] ) && ! $params['confirmed']
					? __( 'A customer opted out of WhatsApp messages; the confirmation could not be sent.', 'wpwa' )
					: __( 'A customer opted out of WhatsApp messages.', 'wpwa' );
			case 'consent_no_number':
				/* translators: %s: order number. */
				return sprintf( __( 'Order %s: the customer opted in to WhatsApp updates, but their phone number has no country code, so no update can reach them.', 'wpwa' ), $int( 'order_id' ) );
			case 'order_update_no_number':
				/* translators: %s: order number. */
				return sprintf( __( 'Order %s: no WhatsApp update sent, the billing phone is not a WhatsApp number with a country code.', 'wpwa' ), $int( 'order_id' ) );
			case 'order_update_failed':
				/* translators: 1: order number, 2: order event, e.g. "Shipped". */
				return sprintf( __( 'Order %1$s: the WhatsApp update "%2$s" could not be prepared.', 'wpwa' ), $int( 'order_id' ), Orders\Config::event_label( $text( 'event' ) ) );
			case 'store_migrated':
				/* translators: %s: schema version. */
				return sprintf( __( 'Store schema migrated to version %s.', 'wpwa' ), $int( 'schema_version' ) );
			default:
				return null;
		}
	}

	/**
	 * A connection's name in a sentence, or "unassigned" when no Cloud API
	 * connection has the account's WABA ID.
	 *
	 * @param string $names Connection name(s), comma-separated.
	 * @return string
	 */
	private static function connection_name( string $names ): string {
		return '' !== $names ? $names : __( 'not set up in WordPress', 'wpwa' );
	}

	/**
	 * Why WhatsApp disconnected a number (the `reason` of a PARTNER_REMOVED
	 * webhook), in a sentence; a general one when none or an unknown one was
	 * given.
	 *
	 * @since 0.15.0
	 *
	 * @param string $reason The reason code, e.g. PRIMARY_INACTIVITY.
	 * @return string
	 */
	public static function business_account_reason( string $reason ): string {
		switch ( $reason ) {
			case 'PRIMARY_INACTIVITY':
				return __( 'The WhatsApp Business app on the phone was not opened for about 14 days.', 'wpwa' );
			case 'COMPANION_INACTIVITY':
				return __( 'A device linked to the number was not used for about 30 days.', 'wpwa' );
			case 'CHANGE_NUMBER':
				return __( 'The phone number was changed in the WhatsApp Business app.', 'wpwa' );
			case 'USER_RE_REGISTERED':
				return __( 'The number was registered again in WhatsApp on a phone.', 'wpwa' );
			case 'BUSINESS_DOWNGRADE':
				return __( 'The number was moved from the WhatsApp Business app to the regular WhatsApp app.', 'wpwa' );
			case 'ACCOUNT_DISCONNECTED':
				return __( 'The number was disconnected from the marketplace in the WhatsApp Business app.', 'wpwa' );
			case '':
				return __( 'WhatsApp gave no reason.', 'wpwa' );
			default:
				/* translators: %s: WhatsApp's reason code, e.g. "SOME_REASON". */
				return sprintf( __( 'WhatsApp gave the reason %s.', 'wpwa' ), $reason );
		}
	}

	/**
	 * What a vendor is told about the WhatsApp Business account of their
	 * connection: a title, what happened, and what to do.
	 *
	 * @since 0.15.0
	 *
	 * @param string $state  offboarded, disconnected or connected (just reconnected).
	 * @param string $reason The disconnection reason code, when WhatsApp gave one.
	 * @return array{title:string,text:string,todo:string}
	 */
	public static function business_account_vendor( string $state, string $reason = '' ): array {
		switch ( $state ) {
			case 'offboarded':
				return array(
					'title' => __( 'WhatsApp messaging through the marketplace is paused', 'wpwa' ),
					'text'  => __( 'Your WhatsApp Business number was registered again, for example because the WhatsApp Business app was reinstalled or moved to another phone. Until you reconnect, WhatsApp suspends the messages the marketplace sends and receives for you.', 'wpwa' ),
					'todo'  => __( 'Open the WhatsApp Business app on your phone and accept the prompt to reconnect. It usually takes a few minutes; messages then flow again by themselves.', 'wpwa' ),
				);
			case 'disconnected':
				return array(
					'title' => __( 'Your WhatsApp number is disconnected from the marketplace', 'wpwa' ),
					'text'  => trim( __( 'WhatsApp disconnected your number from the marketplace, so customers\' messages no longer reach you here.', 'wpwa' ) . ' ' . ( '' !== $reason ? self::business_account_reason( $reason ) : '' ) ),
					'todo'  => __( 'Ask the marketplace team to connect your number again.', 'wpwa' ),
				);
			default:
				return array(
					'title' => __( 'Your WhatsApp number is reconnected', 'wpwa' ),
					'text'  => __( 'Messages flow through the marketplace again.', 'wpwa' ),
					'todo'  => __( 'If you use WhatsApp on other devices (WhatsApp Web or a computer), link them again: in the app, go to Settings → Linked devices.', 'wpwa' ),
				);
		}
	}

	/**
	 * What the admin is told about an account that is not connected: what
	 * happened and what to do (the connection and vendors are named beside it).
	 *
	 * @since 0.15.0
	 *
	 * @param string $state  offboarded or disconnected.
	 * @param string $reason The disconnection reason code, when WhatsApp gave one.
	 * @return array{text:string,todo:string}
	 */
	public static function business_account_admin( string $state, string $reason = '' ): array {
		if ( 'offboarded' === $state ) {
			return array(
				'text' => __( 'WhatsApp suspended messaging: the number was registered again (the WhatsApp Business app reinstalled or moved to another phone).', 'wpwa' ),
				'todo' => __( 'The number\'s owner must open the WhatsApp Business app and accept the prompt to reconnect; it usually takes minutes. The vendors concerned are told on their dashboard.', 'wpwa' ),
			);
		}
		return array(
			'text' => trim( __( 'WhatsApp disconnected the number from the marketplace.', 'wpwa' ) . ' ' . self::business_account_reason( $reason ) ),
			'todo' => __( 'Connect the number again through WhatsApp\'s signup for the WhatsApp Business app, then check the connection\'s IDs under WhatsApp → Settings.', 'wpwa' ),
		);
	}

	/**
	 * "Catalog sync finished: 24 synced, 1 removed, 2 rejected." for a job's
	 * counts.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $job `total`, `synced`, `deleted`, `rejected`.
	 * @return string
	 */
	public static function sync_summary( array $job ): string {
		if ( 0 === (int) ( $job['total'] ?? 0 ) ) {
			return __( 'Catalog sync finished: your WhatsApp catalog was already up to date.', 'wpwa' );
		}
		return sprintf(
			/* translators: 1: items synced, 2: items removed, 3: items rejected. */
			__( 'Catalog sync finished: %1$d synced, %2$d removed, %3$d rejected.', 'wpwa' ),
			(int) ( $job['synced'] ?? 0 ),
			(int) ( $job['deleted'] ?? 0 ),
			(int) ( $job['rejected'] ?? 0 )
		);
	}

	/**
	 * A reader of one parameter as text ('' when absent or not a scalar).
	 *
	 * @param array<string,mixed> $params Parameters.
	 * @return callable(string):string
	 */
	private static function param_text( array $params ): callable {
		return static fn( string $key ): string => isset( $params[ $key ] ) && is_scalar( $params[ $key ] ) ? (string) $params[ $key ] : '';
	}

	/**
	 * What happened to one line of a WhatsApp cart, in words for the customer
	 * and the order notes, from the core's problem code.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $problem code, retailer_id, name, requested, kept, old_price, new_price, currency.
	 * @return string
	 */
	public static function cart_problem( array $problem ): string {
		$name = trim( (string) ( $problem['name'] ?? '' ) );
		$name = '' !== $name ? $name : (string) ( $problem['retailer_id'] ?? '' );
		$args = array( 'currency' => (string) ( $problem['currency'] ?? '' ) );
		switch ( (string) ( $problem['code'] ?? '' ) ) {
			case 'gone':
				/* translators: %s: product name or catalog id. */
				return sprintf( __( '%s is no longer available and was left out.', 'wpwa' ), $name );
			case 'out_of_stock':
				/* translators: %s: product name. */
				return sprintf( __( '%s is out of stock and was left out.', 'wpwa' ), $name );
			case 'not_enough_stock':
				/* translators: 1: product name, 2: quantity asked for, 3: quantity ordered. */
				return sprintf( __( '%1$s: you asked for %2$d, only %3$d are in stock, so %3$d are in your order.', 'wpwa' ), $name, (int) ( $problem['requested'] ?? 0 ), (int) ( $problem['kept'] ?? 0 ) );
			case 'price_changed':
				return sprintf(
					/* translators: 1: product name, 2: old price, 3: new price. */
					__( '%1$s now costs %3$s (the catalog showed %2$s).', 'wpwa' ),
					$name,
					wp_strip_all_tags( wc_price( (float) ( $problem['old_price'] ?? 0 ), $args ) ),
					wp_strip_all_tags( wc_price( (float) ( $problem['new_price'] ?? 0 ), $args ) )
				);
			case 'bad_quantity':
				/* translators: %s: product name. */
				return sprintf( __( '%s had no quantity and was left out.', 'wpwa' ), $name );
			default:
				/* translators: %s: product name. */
				return sprintf( __( '%s could not be ordered.', 'wpwa' ), $name );
		}
	}

	/**
	 * Why a WhatsApp cart made no order, from the core's refusal code.
	 *
	 * @since 0.7.0
	 *
	 * @param string $code unknown_products, nothing_left, order_failed.
	 * @return string
	 */
	public static function cart_refusal( string $code ): string {
		switch ( $code ) {
			case 'unknown_products':
				return __( 'None of the products in the cart is sold here any more.', 'wpwa' );
			case 'nothing_left':
				return __( 'None of the products in the cart can be ordered now.', 'wpwa' );
			default:
				return __( 'The order could not be made; the shop has been told.', 'wpwa' );
		}
	}

	/**
	 * The WhatsApp answer to a customer's cart, line by line: the order and
	 * its pay link, then what changed; or why no order was made.
	 *
	 * @since 0.7.0
	 *
	 * @param \WC_Order|null                  $order    The order, or null when none was made.
	 * @param array<int,array<string,mixed>> $problems The plan's problems.
	 * @param string                         $refusal  The refusal code when no order was made.
	 * @return string[]
	 */
	public static function cart_reply( ?\WC_Order $order, array $problems, string $refusal ): array {
		$lines = array();
		if ( $order ) {
			$lines[] = sprintf(
				/* translators: 1: order number, 2: order total. */
				__( 'Thank you! Your order #%1$s is ready, total %2$s.', 'wpwa' ),
				$order->get_order_number(),
				wp_strip_all_tags( wc_price( (float) $order->get_total(), array( 'currency' => $order->get_currency() ) ) )
			);
			/* translators: %s: the pay link. */
			$lines[] = sprintf( __( 'Pay here: %s', 'wpwa' ), $order->get_checkout_payment_url() );
		} else {
			$lines[] = __( 'Sorry, we could not make an order from your cart.', 'wpwa' );
			$lines[] = self::cart_refusal( $refusal );
		}
		if ( $problems ) {
			$lines[] = '';
			$lines[] = $order ? __( 'Some items changed:', 'wpwa' ) : __( 'What we found:', 'wpwa' );
			foreach ( $problems as $problem ) {
				$lines[] = '- ' . self::cart_problem( (array) $problem );
			}
		}
		return $lines;
	}

	/**
	 * "Order #123: 2 items, 45.00 €" for a vendor's part of a WhatsApp order.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $part Orders\Panel::part(): number, items, total.
	 * @return string
	 */
	public static function order_part_summary( array $part ): string {
		$count = 0;
		foreach ( (array) ( $part['items'] ?? array() ) as $item ) {
			$count += (int) ( $item['quantity'] ?? 0 );
		}
		return sprintf(
			/* translators: 1: order number, 2: number of items, 3: total of the vendor's items. */
			_n( 'WhatsApp order #%1$s: %2$d item of yours, %3$s.', 'WhatsApp order #%1$s: %2$d items of yours, %3$s.', $count, 'wpwa' ),
			(string) ( $part['number'] ?? '' ),
			$count,
			(string) ( $part['total'] ?? '' )
		);
	}
}
