<?php
/**
 * The single gateway into the native wpwa extension.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin;

use Throwable;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Wraps every call into the extension: checks it is loaded, opens the store
 * lazily, and turns `Wpwa\Exception` subclasses (and any other throwable)
 * into `WP_Error` objects with an error code and an HTTP status.
 *
 * Nothing outside this class names a `Wpwa\` function.
 *
 * @since 0.1.0
 */
final class Core {

	/**
	 * Code of the extension's ValidationException for a free-form message
	 * outside the 24-hour window (WhatsApp's error code for it).
	 *
	 * @since 0.15.0
	 */
	public const OUTSIDE_WINDOW = 131047;

	/**
	 * Log levels the core accepts.
	 *
	 * @since 0.1.0
	 */
	public const LEVELS = array( 'debug', 'info', 'notice', 'warning', 'error' );

	/**
	 * Whether `Wpwa\store_open()` succeeded in this request.
	 *
	 * @var bool
	 */
	private static bool $store_ready = false;

	/**
	 * Why the store could not be opened in this request (for administrators).
	 *
	 * @var string|null
	 */
	private static ?string $store_problem = null;

	/**
	 * Whether the store problem was written to the PHP error log already.
	 *
	 * @var bool
	 */
	private static bool $store_reported = false;

	/**
	 * Calls made into the extension in this request (benchmarks count round trips).
	 *
	 * @var int
	 */
	private static int $calls = 0;

	/**
	 * Credentials opened in this request, by context and sealed value.
	 *
	 * @var array<string,string>
	 */
	private static array $opened = array();

	/**
	 * Cached availability check.
	 *
	 * @var bool|null
	 */
	private static ?bool $available = null;

	/**
	 * Whether the extension is loaded and exposes its API.
	 *
	 * @since 0.1.0
	 *
	 * @return bool
	 */
	public static function available(): bool {
		if ( null === self::$available ) {
			self::$available = extension_loaded( 'wpwa' ) && function_exists( 'Wpwa\\version' );
		}
		return self::$available;
	}

	/**
	 * The error returned by every call when the extension is missing.
	 *
	 * @since 0.1.0
	 *
	 * @return WP_Error
	 */
	public static function unavailable_error(): WP_Error {
		return new WP_Error(
			'wpwa_extension_missing',
			__( 'WhatsApp integration is temporarily unavailable: the wpwa PHP extension is not loaded on this server.', 'wpwa' ),
			array( 'status' => 503 )
		);
	}

	/**
	 * Extension version string.
	 *
	 * @since 0.1.0
	 *
	 * @return string|WP_Error
	 */
	public static function version() {
		return self::call( static fn() => \Wpwa\version(), false );
	}

	/**
	 * Build and store information: version, build, php_api, store_path, schema_version.
	 *
	 * Opens the store first so the path and schema version are reported.
	 *
	 * @since 0.1.0
	 *
	 * @return array<string,mixed>|WP_Error
	 */
	public static function info() {
		$store = self::ensure_store();
		$info  = self::call( static fn() => \Wpwa\info(), false );
		if ( is_array( $info ) && is_wp_error( $store ) ) {
			$info['store_error'] = (string) ( self::$store_problem ?? $store->get_error_message() );
		}
		return $info;
	}

	/**
	 * Session state of a vendor.
	 *
	 * @since 0.1.0
	 *
	 * @param int                    $vendor_id Vendor user ID.
	 * @param array<string,int>|null $policy    Session policy (since 0.2.0).
	 * @return array<string,mixed>|WP_Error
	 */
	public static function session_status( int $vendor_id, ?array $policy = null ) {
		return self::call( static fn() => \Wpwa\session_status( $vendor_id, $policy ) );
	}

	/**
	 * Starts linking a vendor's phone (a live session is returned unchanged).
	 *
	 * @since 0.2.0
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param array<string,mixed> $gateway   url, api_key, webhook_url, webhook_key, name_prefix.
	 * @param array<string,int>   $policy    Session policy.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function session_connect( int $vendor_id, array $gateway, ?array $policy = null ) {
		return self::call( static fn() => \Wpwa\session_connect( $vendor_id, $gateway, $policy ) );
	}

	/**
	 * Asks the gateway for a pairing code that links `$phone` without a scan.
	 *
	 * @since 0.15.0
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param string              $phone     The number as the vendor typed it.
	 * @param array<string,mixed> $gateway   Gateway connection.
	 * @param array<string,int>   $policy    Session policy.
	 * @return array<string,mixed>|WP_Error `wpwa_pairing_refused` with `refusal`
	 *                                      (bad_phone, not_waiting, phone_in_use).
	 */
	public static function session_pairing_code( int $vendor_id, string $phone, array $gateway, ?array $policy = null ) {
		return self::call( static fn() => \Wpwa\session_pairing_code( $vendor_id, $phone, $gateway, $policy ) );
	}

	/**
	 * Asks the gateway where the vendor's live session is.
	 *
	 * @since 0.2.0
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param array<string,mixed> $gateway   Gateway connection.
	 * @param array<string,int>   $policy    Session policy.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function session_refresh( int $vendor_id, array $gateway, ?array $policy = null ) {
		return self::call( static fn() => \Wpwa\session_refresh( $vendor_id, $gateway, $policy ) );
	}

	/**
	 * Unlinks the vendor's phone and stops the gateway session.
	 *
	 * @since 0.2.0
	 *
	 * @param int                 $vendor_id Vendor user ID.
	 * @param array<string,mixed> $gateway   Gateway connection.
	 * @param array<string,int>   $policy    Session policy.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function session_disconnect( int $vendor_id, array $gateway, ?array $policy = null ) {
		return self::call( static fn() => \Wpwa\session_disconnect( $vendor_id, $gateway, $policy ) );
	}

	/**
	 * Verifies and applies a signed gateway webhook.
	 *
	 * @since 0.2.0
	 *
	 * @param string      $body      Raw request body.
	 * @param string|null $signature X-Webhook-Hmac header.
	 * @param string      $key       HMAC key of the connection.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function session_webhook( string $body, ?string $signature, string $key ) {
		return self::call( static fn() => \Wpwa\session_webhook( $body, $signature, $key ) );
	}

	/**
	 * A vendor's recent session events, newest first.
	 *
	 * @since 0.2.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $limit     1–500.
	 * @return array<int,array<string,mixed>>|WP_Error
	 */
	public static function session_history( int $vendor_id, int $limit = 20 ) {
		return self::call( static fn() => \Wpwa\session_history( $vendor_id, $limit ) );
	}

	/**
	 * Answers the Cloud API webhook handshake: the challenge, or null (403).
	 *
	 * @since 0.4.0
	 *
	 * @param string $mode      hub.mode.
	 * @param string $token     hub.verify_token.
	 * @param string $challenge hub.challenge.
	 * @param string $expected  The verify token from the settings.
	 * @return string|null|WP_Error
	 */
	public static function cloud_handshake( string $mode, string $token, string $challenge, string $expected ) {
		return self::call( static fn() => \Wpwa\cloud_handshake( $mode, $token, $challenge, $expected ), false );
	}

	/**
	 * Verifies, deduplicates, routes and stores a Cloud API webhook.
	 *
	 * @since 0.4.0
	 * @since 0.7.0 `$vendors` may be null: the directory the core keeps, read once the
	 *              signature holds. Each stored row carries its `conversation` summary.
	 *
	 * @param string                              $body       Raw request body.
	 * @param string|null                         $signature  X-Hub-Signature-256 header.
	 * @param string                              $app_secret App secret.
	 * @param array<int,array<string,mixed>>|null $vendors    vendor_id, code (chosen, or ''), store_name; null: the stored directory.
	 * @param array<string,mixed>                 $routing    window_seconds, fallback.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function cloud_webhook( string $body, ?string $signature, string $app_secret, ?array $vendors, array $routing ) {
		return self::call( static fn() => \Wpwa\cloud_webhook( $body, $signature, $app_secret, $vendors, $routing ) );
	}

	/**
	 * Processes one batch of webhooks the early ingest path queued, routed with
	 * `$routing` as cloud_webhook() is: `reports` (one per delivery, each as
	 * cloud_webhook() returns it), `retried`, `dead`, `queue` (stats).
	 *
	 * @since 0.16.0
	 *
	 * @param array<string,mixed> $routing As for cloud_webhook().
	 * @return array<string,mixed>|WP_Error
	 */
	public static function webhook_queue_drain( array $routing ) {
		return self::call( static fn() => \Wpwa\webhook_queue_drain( $routing, null ) );
	}

	/**
	 * The webhook queue: `pending`, `oldest_received_at` (Unix time or null), `dead`,
	 * `next_due_at` (from when a waiting delivery can be taken; Unix time or null).
	 *
	 * @since 0.16.0
	 *
	 * @return array<string,mixed>|WP_Error
	 */
	public static function webhook_queue_stats() {
		return self::call( static fn() => \Wpwa\webhook_queue_stats() );
	}

	/**
	 * Claims a WhatsApp cart for this worker (`Wpwa\cart_claim`): the cart with
	 * its lines, or null when another worker has it or it is finished.
	 *
	 * @since 0.7.0
	 *
	 * @param string $wamid The cart's wamid.
	 * @return array<string,mixed>|null|WP_Error
	 */
	public static function cart_claim( string $wamid ) {
		return self::call( static fn() => \Wpwa\cart_claim( $wamid ) );
	}

	/**
	 * Runs the core's order rule on a claimed cart with what WooCommerce says
	 * now (`Wpwa\cart_plan`): lines, problems, nothing_left, refusal, vendors.
	 *
	 * @since 0.7.0
	 *
	 * @param string                         $wamid  The cart's wamid.
	 * @param array<int,array<string,mixed>> $offers retailer_id, product_id, vendor_id, name, price, currency, purchasable, in_stock, stock_quantity.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function cart_plan( string $wamid, array $offers ) {
		return self::call( static fn() => \Wpwa\cart_plan( $wamid, $offers ) );
	}

	/**
	 * Records the order a claimed cart became (`Wpwa\cart_ordered`).
	 *
	 * @since 0.7.0
	 *
	 * @param string                                       $wamid    The cart's wamid.
	 * @param int                                          $order_id The order.
	 * @param array<int,array{vendor_id:int,order_id:int}> $parts    Each vendor's order or sub-order.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function cart_ordered( string $wamid, int $order_id, array $parts ) {
		return self::call( static fn() => \Wpwa\cart_ordered( $wamid, $order_id, $parts ) );
	}

	/**
	 * Records that a claimed cart made no order (`Wpwa\cart_refused`).
	 *
	 * @since 0.7.0
	 *
	 * @param string $wamid The cart's wamid.
	 * @param string $code  Why: unknown_products, nothing_left, order_failed.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function cart_refused( string $wamid, string $code ) {
		return self::call( static fn() => \Wpwa\cart_refused( $wamid, $code ) );
	}

	/**
	 * Answers a WhatsApp cart on WhatsApp as free text inside the window the
	 * cart opened (`Wpwa\cart_reply`); the message's wamid.
	 *
	 * @since 0.7.0
	 *
	 * @param string               $wamid      The cart's wamid.
	 * @param string               $body       The message.
	 * @param array<string,string> $connection url, version, token, phone_number_id.
	 * @param int                  $vendor_id  Vendor the number belongs to (0: the marketplace).
	 * @return string|WP_Error
	 */
	public static function cart_reply( string $wamid, string $body, array $connection, int $vendor_id ) {
		return self::call( static fn() => \Wpwa\cart_reply( $wamid, $body, $connection, $vendor_id ) );
	}

	/**
	 * Which account's billing phone is a WhatsApp number, by the core's rule
	 * (`Wpwa\cart_match_phone`): a user ID, or null.
	 *
	 * @since 0.7.0
	 *
	 * @param string                                    $whatsapp_id International digits.
	 * @param array<int,array{user_id:int,phone:string}> $accounts    Candidates, phones as saved.
	 * @return int|null|WP_Error
	 */
	public static function cart_match_phone( string $whatsapp_id, array $accounts ) {
		return self::call( static fn() => \Wpwa\cart_match_phone( $whatsapp_id, $accounts ), false );
	}

	/**
	 * A stored cart (`Wpwa\cart_get`), or null.
	 *
	 * @since 0.7.0
	 *
	 * @param string $wamid The cart's wamid.
	 * @return array<string,mixed>|null|WP_Error
	 */
	public static function cart_get( string $wamid ) {
		return self::call( static fn() => \Wpwa\cart_get( $wamid ) );
	}

	/**
	 * The vendor's parts of WhatsApp orders, newest first (`Wpwa\cart_vendor_parts`).
	 *
	 * @since 0.7.0
	 *
	 * @param int      $vendor_id Vendor user ID.
	 * @param int|null $limit     How many (null: the core's default page).
	 * @return array<int,array<string,mixed>>|WP_Error
	 */
	public static function cart_vendor_parts( int $vendor_id, ?int $limit = null ) {
		return self::call( static fn() => \Wpwa\cart_vendor_parts( $vendor_id, $limit ) );
	}

	/**
	 * The routing directory as the core makes it: store names decoded, a code
	 * for every vendor that no other vendor has.
	 *
	 * @since 0.7.0
	 *
	 * @param array<int,array<string,mixed>> $vendors vendor_id, code (chosen, or ''), store_name.
	 * @return array<int,array{vendor_id:int,code:string,store_name:string}>|WP_Error
	 */
	public static function vendor_directory( array $vendors ) {
		return self::call( static fn() => \Wpwa\vendor_directory( $vendors ), false );
	}

	/**
	 * The directory the core keeps for routing (as vendor_directory() makes it).
	 *
	 * @since 0.7.0
	 *
	 * @return array<int,array{vendor_id:int,code:string,store_name:string}>|WP_Error
	 */
	public static function directory() {
		return self::call( static fn() => \Wpwa\directory() );
	}

	/**
	 * Replaces the directory the core keeps.
	 *
	 * @since 0.7.0
	 *
	 * @param array<int,array<string,mixed>> $vendors vendor_id, code (chosen, or ''), store_name.
	 * @return int|WP_Error How many vendors it lists.
	 */
	public static function directory_replace( array $vendors ) {
		return self::call( static fn() => \Wpwa\directory_replace( $vendors ) );
	}

	/**
	 * Lists a vendor in the directory the core keeps, or updates their listing.
	 *
	 * @since 0.7.0
	 *
	 * @param int    $vendor_id  Vendor user ID.
	 * @param string $code       The code the vendor chose, or ''.
	 * @param string $store_name The store name as the marketplace answers it.
	 * @return bool|WP_Error Whether it changed.
	 */
	public static function directory_put( int $vendor_id, string $code, string $store_name ) {
		return self::call( static fn() => \Wpwa\directory_put( $vendor_id, $code, $store_name ) );
	}

	/**
	 * Takes a user out of the directory the core keeps.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id User ID.
	 * @return bool|WP_Error Whether they were listed.
	 */
	public static function directory_remove( int $vendor_id ) {
		return self::call( static fn() => \Wpwa\directory_remove( $vendor_id ) );
	}

	/**
	 * The chat button's link: `url` (wa.me with the prefilled text), `text`,
	 * `code` and `number` (digits), made by the core so that the text routes
	 * back to the vendor whose directory code is `$code`.
	 *
	 * @since 0.7.0
	 *
	 * @param string $number  The WhatsApp number to write to.
	 * @param string $pattern The message pattern ({product}, {store}, {code}).
	 * @param string $product The product's name ('' on a store page).
	 * @param string $store   The store's name.
	 * @param string $code    The vendor's directory code.
	 * @return array{url:string,text:string,code:string,number:string}|WP_Error
	 */
	public static function chat_link( string $number, string $pattern, string $product, string $store, string $code ) {
		return self::call( static fn() => \Wpwa\chat_link( $number, $pattern, $product, $store, $code ), false );
	}

	/**
	 * A value as a QR code (an SVG document).
	 *
	 * @since 0.7.0
	 *
	 * @param string $value The value, e.g. a chat link.
	 * @return string|WP_Error
	 */
	public static function qr_svg( string $value ) {
		return self::call( static fn() => \Wpwa\qr_svg( $value ), false );
	}

	/**
	 * One of a vendor's conversations.
	 *
	 * @since 0.6.0
	 *
	 * @param int $vendor_id       Vendor user ID.
	 * @param int $conversation_id Conversation ID.
	 * @return array<string,mixed>|null|WP_Error Null when it is not the vendor's.
	 */
	public static function conversation( int $vendor_id, int $conversation_id ) {
		return self::call( static fn() => \Wpwa\conversation( $vendor_id, $conversation_id ) );
	}

	/**
	 * A vendor's customer conversations, newest first.
	 *
	 * @since 0.4.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $limit     1–200.
	 * @return array<int,array<string,mixed>>|WP_Error
	 */
	public static function conversations( int $vendor_id, int $limit = 50 ) {
		return self::call( static fn() => \Wpwa\conversations( $vendor_id, $limit ) );
	}

	/**
	 * Sends a message to a customer on a vendor's behalf (0: the marketplace),
	 * within the 24-hour window, pacing and the monthly allowance.
	 *
	 * @since 0.5.0
	 *
	 * @param int                 $vendor_id  Vendor user ID, or 0.
	 * @param string              $to         Customer's WhatsApp number (digits).
	 * @param array<string,mixed> $message    type text|template|product|product_list and its fields.
	 * @param array<string,mixed> $connection url, version, token, phone_number_id.
	 * @param array<string,mixed> $limits     monthly_allowance, pacing_seconds; since 0.15.0
	 *                                        cost_cap_micros and rate_card (Messages\Pricing).
	 * @return array{wamid:string,allowance_left:int,budget_left_micros:int|null}|WP_Error
	 */
	public static function message_send( int $vendor_id, string $to, array $message, array $connection, array $limits ) {
		return self::call( static fn() => \Wpwa\message_send( $vendor_id, $to, $message, $connection, $limits ) );
	}

	/**
	 * A vendor's calendar month (UTC) of messages by pricing category, with the
	 * estimated cost at a rate card.
	 *
	 * @since 0.15.0
	 *
	 * @param int                       $vendor_id Vendor user ID.
	 * @param array<string,mixed>|null  $rate_card currency, prices (category => micro-units).
	 * @return array<string,mixed>|WP_Error messages, billable, cost_micros, currency, categories.
	 */
	public static function message_usage( int $vendor_id, ?array $rate_card ) {
		return self::call( static fn() => \Wpwa\message_usage( $vendor_id, $rate_card ) );
	}

	/**
	 * Every vendor's month as message_usage() gives one, in one call.
	 *
	 * @since 0.15.0
	 *
	 * @param array<string,mixed>|null $rate_card As for message_usage().
	 * @return array<int,array<string,mixed>>|WP_Error By vendor ID; vendors who sent nothing are absent.
	 */
	public static function message_usage_all( ?array $rate_card ) {
		return self::call( static fn() => \Wpwa\message_usage_all( $rate_card ) );
	}

	/**
	 * Reads every message template of a connection's WhatsApp Business account
	 * into the core's store, flagging changed categories and statuses.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,string> $connection url, version, token, waba_id, phone_number_id.
	 * @return array<string,mixed>|WP_Error waba_id, count, removed, changes.
	 */
	public static function templates_refresh( array $connection ) {
		return self::call( static fn() => \Wpwa\templates_refresh( $connection ) );
	}

	/**
	 * Every WhatsApp Business account whose state an `account_update` webhook
	 * set: waba_id, state (connected, offboarded, disconnected), last_event,
	 * reason, initiated_by, phone_number, event_at, changed_at.
	 *
	 * @since 0.15.0
	 *
	 * @return array<int,array<string,mixed>>|WP_Error
	 */
	public static function business_accounts() {
		return self::call( static fn() => \Wpwa\business_accounts() );
	}

	/**
	 * One WhatsApp Business account's state (keys as business_accounts()), or
	 * null when no `account_update` webhook was seen for it.
	 *
	 * @since 0.15.0
	 *
	 * @param string $waba_id WhatsApp Business account ID.
	 * @return array<string,mixed>|null|WP_Error
	 */
	public static function business_account( string $waba_id ) {
		return self::call( static fn() => \Wpwa\business_account( $waba_id ) );
	}

	/**
	 * The stored message templates (of one account, or all).
	 *
	 * @since 0.7.0
	 *
	 * @param string|null $waba_id Account ID, or null for every account.
	 * @return array<int,array<string,mixed>>|WP_Error
	 */
	public static function templates( ?string $waba_id = null ) {
		return self::call( static fn() => \Wpwa\templates( $waba_id ) );
	}

	/**
	 * Clears the flag of a template whose category or status changed.
	 *
	 * @since 0.7.0
	 *
	 * @param string $waba_id  Account ID.
	 * @param string $name     Template name.
	 * @param string $language Language code.
	 * @return bool|WP_Error Whether it was flagged.
	 */
	public static function template_acknowledge( string $waba_id, string $name, string $language ) {
		return self::call( static fn() => \Wpwa\template_acknowledge( $waba_id, $name, $language ) );
	}

	/**
	 * Sends the automatic reply (acknowledgement or away message) that applies
	 * to a customer who just wrote to the vendor, if any.
	 *
	 * @since 0.5.0
	 *
	 * @param int                 $vendor_id   Vendor user ID.
	 * @param string              $customer    Customer's WhatsApp number (digits).
	 * @param array<string,mixed> $replies     acknowledgement, away_message, hours.
	 * @param array<string,int>   $local_time  weekday (0 = Monday), minute.
	 * @param string              $vendor_name Store name for `{vendor}`.
	 * @param array<string,mixed> $connection  As for message_send().
	 * @param array<string,int>   $limits      As for message_send().
	 * @return array<string,mixed>|WP_Error `sent` and `kind`, `text`, `wamid`, or `reason`.
	 */
	public static function message_auto_reply( int $vendor_id, string $customer, array $replies, array $local_time, string $vendor_name, array $connection, array $limits ) {
		return self::call( static fn() => \Wpwa\message_auto_reply( $vendor_id, $customer, $replies, $local_time, $vendor_name, $connection, $limits ) );
	}

	/**
	 * Asks a customer which shop their message is for (interactive list).
	 *
	 * @since 0.5.0
	 * @since 0.7.0 `$vendors` may be null: the directory the core keeps.
	 *
	 * @param string              $customer   Customer's WhatsApp number (digits).
	 * @param array<int,array<string,mixed>>|null $vendors Vendor directory; null: the stored one.
	 * @param string              $intro      The question.
	 * @param string              $button     The list button's label.
	 * @param array<string,mixed> $connection As for message_send().
	 * @param array<string,int>   $limits     As for message_send().
	 * @return array{wamid:string,allowance_left:int}|WP_Error
	 */
	public static function message_vendor_menu( string $customer, ?array $vendors, string $intro, string $button, array $connection, array $limits ) {
		return self::call( static fn() => \Wpwa\message_vendor_menu( $customer, $vendors, $intro, $button, $connection, $limits ) );
	}

	/**
	 * A vendor's response figures since a time.
	 *
	 * @since 0.5.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $since     Unix time.
	 * @return array<string,mixed>|WP_Error turns, answered, pending, response_rate, average_response_seconds.
	 */
	public static function response_metrics( int $vendor_id, int $since ) {
		return self::call( static fn() => \Wpwa\response_metrics( $vendor_id, $since ) );
	}

	/**
	 * Everything the admin's Vendors page shows for its rows, in one call.
	 *
	 * @since 0.7.0
	 *
	 * @param array<int,array{vendor_id:int,catalog_id:string|null}> $vendors The page's vendors (at most 500).
	 * @param array<string,int>|null                                 $policy  Session policy.
	 * @param int                                                    $since   Start of the response figures (Unix time).
	 * @return array<int,array<string,mixed>>|WP_Error Per vendor, in order: vendor_id, session, sync, catalog,
	 *                                                 messages_this_month, response.
	 */
	public static function vendors_overview( array $vendors, ?array $policy, int $since ) {
		return self::call( static fn() => \Wpwa\vendors_overview( $vendors, $policy, $since ) );
	}

	/**
	 * Checks a gateway connection: reachable, key accepted.
	 *
	 * @since 0.2.0
	 *
	 * @param array<string,mixed> $gateway url and api_key.
	 * @return array{ok:bool,sessions:int,latency_ms:int}|WP_Error
	 */
	public static function gateway_test( array $gateway ) {
		return self::call( static fn() => \Wpwa\gateway_test( $gateway ), false );
	}

	/**
	 * Seals a credential for storage.
	 *
	 * @since 0.2.0
	 *
	 * @param string $context   What the secret is, e.g. `gateway.api_key`.
	 * @param string $plaintext The secret.
	 * @return string|WP_Error
	 */
	public static function secret_seal( string $context, string $plaintext ) {
		$key = self::secret_key_material();
		return self::call( static fn() => \Wpwa\secret_seal( $key, $context, $plaintext ), false );
	}

	/**
	 * Opens a sealed credential (once per request: the same sealed value is
	 * answered from memory after the first time).
	 *
	 * @since 0.2.0
	 * @since 0.7.0 Remembered for the request.
	 *
	 * @param string $context Context it was sealed with.
	 * @param string $sealed  Sealed value.
	 * @return string|WP_Error
	 */
	public static function secret_open( string $context, string $sealed ) {
		// Opened once per request: a webhook that notifies a vendor and sends their
		// automatic reply needs the same token for each send.
		$memo = $context . "\0" . $sealed;
		if ( isset( self::$opened[ $memo ] ) ) {
			return self::$opened[ $memo ];
		}
		$key    = self::secret_key_material();
		$opened = self::call( static fn() => \Wpwa\secret_open( $key, $context, $sealed ), false );
		if ( is_string( $opened ) ) {
			self::$opened[ $memo ] = $opened;
		}
		return $opened;
	}

	/**
	 * A display-safe mask of a secret.
	 *
	 * @since 0.2.0
	 *
	 * @param string $secret The secret.
	 * @return string
	 */
	public static function secret_mask( string $secret ): string {
		$mask = self::call( static fn() => \Wpwa\secret_mask( $secret ), false );
		return is_string( $mask ) ? $mask : '••••';
	}

	/**
	 * Checks submitted settings against the core's rulebook: `values` (accepted,
	 * typed) and `problems` (`field`, `code`, bounds).
	 *
	 * @since 0.7.0
	 *
	 * @param string              $group  Rulebook group.
	 * @param array<string,mixed> $values Field => value.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function settings_check( string $group, array $values ) {
		return self::call( static fn() => \Wpwa\settings_check( $group, $values ), false );
	}

	/**
	 * The rulebook's bounds of every settings field: group => field => limits.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>|WP_Error
	 */
	public static function limits() {
		return self::call( static fn() => \Wpwa\limits(), false );
	}

	/**
	 * Key material for sealed credentials: the WPWA_ENCRYPTION_KEY constant
	 * when defined, else this site's auth salts.
	 *
	 * @since 0.2.0
	 * @since 0.16.0 Public: the early ingest path opens the app secret with it.
	 *
	 * @return string
	 */
	public static function secret_key_material(): string {
		if ( defined( 'WPWA_ENCRYPTION_KEY' ) && is_string( WPWA_ENCRYPTION_KEY ) && '' !== WPWA_ENCRYPTION_KEY ) {
			return WPWA_ENCRYPTION_KEY;
		}
		return wp_salt( 'auth' ) . wp_salt( 'secure_auth' );
	}

	/**
	 * Checks product records for the catalog without sending anything.
	 *
	 * @since 0.3.0
	 *
	 * @param array<int,array<string,mixed>> $products Product records from a ProductReader.
	 * @param array<string,mixed>|null       $rules    currency, max_image_bytes, default_brand.
	 * @return array<int,array<string,mixed>>|WP_Error
	 */
	public static function catalog_prepare( array $products, ?array $rules = null ) {
		return self::call( static fn() => \Wpwa\catalog_prepare( $products, $rules ), false );
	}

	/**
	 * Plans a catalog sync (returns the running job if there is one).
	 *
	 * @since 0.3.0
	 * @since 0.8.0 `$products` may be pages of JSON; `$changes`; the job carries `price_changes`.
	 *
	 * @param int                             $vendor_id  Vendor user ID.
	 * @param array<int,string|array<mixed>> $products   Pages of records as JSON, or records.
	 * @param array<string,string>            $connection url, version, token, catalog_id.
	 * @param array<string,mixed>|null        $options    Rules and sync options.
	 * @param array<string,mixed>|null        $changes    catalog_sync_changes()'s answer when the products were read.
	 * @return array<string,mixed>|WP_Error Job summary.
	 */
	public static function catalog_sync_plan( int $vendor_id, array $products, array $connection, ?array $options = null, ?array $changes = null ) {
		return self::call( static fn() => \Wpwa\catalog_sync_plan( $vendor_id, $products, $connection, $options, $changes ) );
	}

	/**
	 * Starts a catalog sync whose products come page by page, its changes sent
	 * while the next pages are read (returns the running job, `planning`
	 * false, if there is one).
	 *
	 * @since 0.8.0
	 *
	 * @param int                      $vendor_id  Vendor user ID.
	 * @param array<string,string>     $connection url, version, token, catalog_id.
	 * @param array<string,mixed>|null $options    Rules and sync options.
	 * @param array<string,mixed>      $changes    catalog_sync_changes()'s answer.
	 * @param bool                     $send       Send while reading (false: plan only).
	 * @return array<string,mixed>|WP_Error Job summary and `planning`.
	 */
	public static function catalog_sync_open( int $vendor_id, array $connection, ?array $options, array $changes, bool $send ) {
		return self::call( static fn() => \Wpwa\catalog_sync_open( $vendor_id, $connection, $options, $changes, $send ) );
	}

	/**
	 * Plans one page of the products of a sync catalog_sync_open() started.
	 *
	 * @since 0.8.0
	 *
	 * @param int                $vendor_id    Vendor user ID.
	 * @param int                $job_id       Job ID.
	 * @param string             $page         The page's records as JSON.
	 * @param int[]              $unchanged    Products and variations of the page's range left unread.
	 * @param array<int,string>  $fingerprints Product ID => fingerprint of each product read.
	 * @return true|WP_Error
	 */
	public static function catalog_sync_page( int $vendor_id, int $job_id, string $page, array $unchanged, array $fingerprints ) {
		return self::call( static fn() => \Wpwa\catalog_sync_page( $vendor_id, $job_id, array( $page ), $unchanged, $fingerprints ) );
	}

	/**
	 * Closes the plan of a sync catalog_sync_open() started, once every page
	 * was handed over.
	 *
	 * @since 0.8.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $job_id    Job ID.
	 * @return array<string,mixed>|WP_Error Job summary with `price_changes`.
	 */
	public static function catalog_sync_close( int $vendor_id, int $job_id ) {
		return self::call( static fn() => \Wpwa\catalog_sync_close( $vendor_id, $job_id ) );
	}

	/**
	 * Gives up the plan of a sync catalog_sync_open() started (the read
	 * failed): what was planned is sent, the next sync reads every product.
	 *
	 * @since 0.8.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $job_id    Job ID.
	 * @return true|WP_Error
	 */
	public static function catalog_sync_abandon( int $vendor_id, int $job_id ) {
		return self::call( static fn() => \Wpwa\catalog_sync_abandon( $vendor_id, $job_id ) );
	}

	/**
	 * What the vendor's next sync must read: every product, or only the ones
	 * noted as changed since the last one.
	 *
	 * @since 0.8.0
	 *
	 * @param int                      $vendor_id  Vendor user ID.
	 * @param array<string,string>     $connection url, version, token, catalog_id.
	 * @param array<string,mixed>|null $options    Rules.
	 * @param bool                     $full       Every product whatever changed.
	 * @return array{upto:int,full:bool,product_ids:int[]}|WP_Error
	 */
	public static function catalog_sync_changes( int $vendor_id, array $connection, ?array $options, bool $full ) {
		return self::call( static fn() => \Wpwa\catalog_sync_changes( $vendor_id, $connection, $options, $full ) );
	}

	/**
	 * Of a page of products (product_id, fingerprint, variations), those a read
	 * of every product may leave unread.
	 *
	 * @since 0.8.0
	 *
	 * @param int                            $vendor_id  Vendor user ID.
	 * @param array<string,string>           $connection url, version, token, catalog_id.
	 * @param array<string,mixed>|null       $options    Rules.
	 * @param array<int,array<string,mixed>> $candidates The page's products.
	 * @return int[]|WP_Error
	 */
	public static function catalog_sync_unchanged( int $vendor_id, array $connection, ?array $options, array $candidates ) {
		return self::call( static fn() => \Wpwa\catalog_sync_unchanged( $vendor_id, $connection, $options, $candidates ) );
	}

	/**
	 * Notes products of a vendor that changed, for the next sync to read.
	 *
	 * @since 0.8.0
	 *
	 * @param int        $vendor_id   Vendor user ID.
	 * @param int[]|null $product_ids Products and variations; null: too many to name.
	 * @return bool|WP_Error
	 */
	public static function catalog_changes_note( int $vendor_id, ?array $product_ids ) {
		return self::call( static fn() => \Wpwa\catalog_changes_note( $vendor_id, $product_ids ) );
	}

	/**
	 * Works on a sync job for at most `$budget_ms`.
	 *
	 * @since 0.3.0
	 *
	 * @param int                      $vendor_id  Vendor user ID.
	 * @param int                      $job_id     Job ID.
	 * @param array<string,string>     $connection url, version, token, catalog_id.
	 * @param array<string,mixed>|null $options    Sync options.
	 * @param int                      $budget_ms  Time budget in milliseconds.
	 * @return array<string,mixed>|WP_Error Job summary.
	 */
	public static function catalog_sync_run( int $vendor_id, int $job_id, array $connection, ?array $options, int $budget_ms ) {
		return self::call( static fn() => \Wpwa\catalog_sync_run( $vendor_id, $job_id, $connection, $options, $budget_ms ) );
	}

	/**
	 * The vendor's latest sync job (or the given one); null when none.
	 *
	 * @since 0.3.0
	 *
	 * @param int      $vendor_id Vendor user ID.
	 * @param int|null $job_id    Job ID.
	 * @return array<string,mixed>|null|WP_Error
	 */
	public static function catalog_sync_status( int $vendor_id, ?int $job_id = null ) {
		return self::call( static fn() => \Wpwa\catalog_sync_status( $vendor_id, $job_id ) );
	}

	/**
	 * Claims the report of a finished sync job's end: true for exactly one
	 * caller, whichever request or queued action sees the end first.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $job_id    Job ID.
	 * @return bool|WP_Error
	 */
	public static function catalog_sync_claim_report( int $vendor_id, int $job_id ) {
		return self::call( static fn() => \Wpwa\catalog_sync_claim_report( $vendor_id, $job_id ) );
	}

	/**
	 * The vendor's catalog at a glance (pending, synced, rejected, needs_attention, attention).
	 *
	 * @since 0.3.0
	 *
	 * @param int    $vendor_id  Vendor user ID.
	 * @param string $catalog_id Catalog ID.
	 * @return array<string,mixed>|WP_Error
	 */
	public static function catalog_summary( int $vendor_id, string $catalog_id ) {
		return self::call( static fn() => \Wpwa\catalog_summary( $vendor_id, $catalog_id ) );
	}

	/**
	 * Checks a vendor's products and stores each one's verdict.
	 *
	 * @since 0.7.0
	 *
	 * @param int                            $vendor_id Vendor user ID.
	 * @param array<int,array<string,mixed>> $records   Product records (see Products\Records).
	 * @param array<string,mixed>            $rules     currency, max_image_bytes, default_brand.
	 * @param string                         $rules_key What the rules are (a fingerprint).
	 * @param int[]|null                     $products  Null: the records are the whole catalog; else the
	 *                                                  product IDs whose verdicts they replace.
	 * @return array{ready:int,invalid:int,not_listed:int}|WP_Error
	 */
	public static function catalog_check( int $vendor_id, array $records, array $rules, string $rules_key, ?array $products ) {
		return self::call( static fn() => \Wpwa\catalog_check( $vendor_id, $records, $rules, $rules_key, $products ) );
	}

	/**
	 * A vendor's stored catalog checks, when their whole catalog was checked
	 * under these rules; null when not (check it whole).
	 *
	 * @since 0.7.0
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param string $rules_key What the rules are (a fingerprint).
	 * @param int    $limit     Most "needs attention" entries (1–500).
	 * @return array<string,mixed>|null|WP_Error ready, needs_attention, attention.
	 */
	public static function catalog_checked( int $vendor_id, string $rules_key, int $limit = 500 ) {
		return self::call( static fn() => \Wpwa\catalog_checked( $vendor_id, $rules_key, $limit ) );
	}

	/**
	 * Forgets a vendor's stored catalog checks (the next view checks the whole catalog).
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return bool|WP_Error
	 */
	public static function catalog_checks_forget( int $vendor_id ) {
		return self::call( static fn() => \Wpwa\catalog_checks_forget( $vendor_id ) );
	}

	/**
	 * Writes an activity log entry. Never throws; failures are reported to the
	 * PHP error log and returned as WP_Error.
	 *
	 * @since 0.1.0
	 *
	 * @param int                       $vendor_id Vendor user ID, 0 for site-wide events.
	 * @param string                    $level     One of self::LEVELS.
	 * @param string                    $kind      Short machine name of the event family (auth, settings, system…).
	 * @param string                    $message   Human-readable message.
	 * @param array<string,mixed>|null  $context   Structured data; the core redacts secrets.
	 * @return int|WP_Error Entry ID.
	 */
	public static function log( int $vendor_id, string $level, string $kind, string $message, ?array $context = null ) {
		if ( ! in_array( $level, self::LEVELS, true ) ) {
			$level = 'info';
		}
		return self::call( static fn() => \Wpwa\log_write( max( 0, $vendor_id ), $level, $kind, $message, $context ) );
	}

	/**
	 * Writes an activity log event as a code plus params, which Texts words in
	 * the language of whoever reads the log. The words of the moment are stored
	 * beside them as the fallback message (for the command line, and for a
	 * reader that does not know the code). Never throws.
	 *
	 * @since 0.7.0
	 *
	 * @param int                      $vendor_id Vendor user ID, 0 for site-wide events.
	 * @param string                   $level     One of self::LEVELS.
	 * @param string                   $kind      Event family (auth, settings, session, sync…).
	 * @param string                   $code      Event code Texts::log_message() words.
	 * @param array<string,mixed>      $params    The values the words name.
	 * @param array<string,mixed>|null $context   Other structured data; the core redacts secrets.
	 * @return int|WP_Error Entry ID.
	 */
	public static function event( int $vendor_id, string $level, string $kind, string $code, array $params = array(), ?array $context = null ) {
		if ( ! in_array( $level, self::LEVELS, true ) ) {
			$level = 'info';
		}
		$message = Texts::log_message(
			array(
				'code'   => $code,
				'params' => $params,
			)
		);
		if ( '' === trim( $message ) ) {
			$message = $code;
		}
		return self::call( static fn() => \Wpwa\log_write( max( 0, $vendor_id ), $level, $kind, $message, $context, $code, $params ) );
	}

	/**
	 * Queries the activity log (newest first).
	 *
	 * @since 0.1.0
	 *
	 * @param array<string,int|string> $filter Keys: vendor_id, level, kind, since, until, limit, offset.
	 * @return array{total:int,entries:array<int,array<string,mixed>>}|WP_Error
	 */
	public static function log_query( array $filter = array() ) {
		return self::call( static fn() => \Wpwa\log_query( $filter ) );
	}

	/**
	 * Deletes the activity log entries written before a time.
	 *
	 * @since 0.5.0
	 *
	 * @param int $before Unix seconds.
	 * @return int|WP_Error Entries deleted.
	 */
	public static function log_purge( int $before ) {
		return self::call( static fn() => \Wpwa\log_purge( $before ) );
	}

	/**
	 * The WhatsApp id (digits with the country code) of a phone number as
	 * people write it.
	 *
	 * @since 0.6.0
	 *
	 * @param string $number Phone number, international form.
	 * @return string|WP_Error `wpwa_invalid_input` for a number without a country code.
	 */
	public static function privacy_whatsapp_id( string $number ) {
		return self::call( static fn() => \Wpwa\privacy_whatsapp_id( $number ), false );
	}

	/**
	 * The keys of every customer a phone number, a WhatsApp user ID (BSUID)
	 * or a WhatsApp username names.
	 *
	 * @since 0.15.0
	 *
	 * @param string $term Phone number (international form), BSUID or username (with or without `@`).
	 * @return array<int,string>|WP_Error `wpwa_invalid_input` when the text is none of these.
	 */
	public static function privacy_customer_keys( string $term ) {
		return self::call( static fn() => \Wpwa\privacy_customer_keys( $term ), false );
	}

	/**
	 * Everything stored about the customer with a phone number.
	 *
	 * @since 0.6.0
	 * @since 0.15.0 Also by the BSUID key of a customer without a phone, with `identity`.
	 *
	 * @param string $number Phone number, international form, or a customer key.
	 * @return array<string,mixed>|WP_Error `conversations` (with their `messages`), `vendor_replies`, `asked_for_shop_at`,
	 *                                     and since 0.7.0 `consents` and `order_updates`.
	 */
	public static function privacy_export( string $number ) {
		return self::call( static fn() => \Wpwa\privacy_export( $number ) );
	}

	/**
	 * Deletes everything stored about the customer with a phone number.
	 *
	 * @since 0.6.0
	 * @since 0.15.0 Also by the BSUID key of a customer without a phone.
	 *
	 * @param string $number Phone number, international form, or a customer key.
	 * @return array<string,int>|WP_Error What went: `conversations`, `messages`, `other`.
	 */
	public static function privacy_erase( string $number ) {
		return self::call( static fn() => \Wpwa\privacy_erase( $number ) );
	}

	/**
	 * Deletes the conversations nobody wrote in for a number of days.
	 *
	 * @since 0.6.0
	 *
	 * @param int $days Days kept (31 to 36,500).
	 * @return array<string,int>|WP_Error What went: `conversations`, `messages`, `other`.
	 */
	public static function messages_purge( int $days ) {
		return self::call( static fn() => \Wpwa\messages_purge( $days ) );
	}

	/**
	 * Records a customer's consent (granted or withdrawn) for a purpose; the
	 * record is their current state for it from now on.
	 *
	 * @since 0.7.0
	 *
	 * @param string   $customer WhatsApp id (digits).
	 * @param string   $purpose  `order_updates` or `marketing`.
	 * @param bool     $granted  Granted (true) or withdrawn.
	 * @param string   $source   `checkout`, `whatsapp` or `admin`.
	 * @param string   $text     The exact text the customer was shown.
	 * @param int|null $order_id The order it came with.
	 * @return array<string,mixed>|WP_Error The record: customer, purpose, granted, source, text, order_id, at.
	 */
	public static function consent_record( string $customer, string $purpose, bool $granted, string $source, string $text, ?int $order_id = null ) {
		return self::call( static fn() => \Wpwa\consent_record( $customer, $purpose, $granted, $source, $text, $order_id ) );
	}

	/**
	 * A customer's current consent for a purpose (their latest record), or
	 * null when they never gave or withdrew it. Send nothing on a purpose
	 * unless `granted` is true.
	 *
	 * @since 0.7.0
	 *
	 * @param string $customer WhatsApp id (digits).
	 * @param string $purpose  `order_updates` or `marketing`.
	 * @return array<string,mixed>|null|WP_Error
	 */
	public static function consent_current( string $customer, string $purpose ) {
		return self::call( static fn() => \Wpwa\consent_current( $customer, $purpose ) );
	}

	/**
	 * Records that a customer was invited to reply an opt-in word (YES) for
	 * order updates, with the text they were shown; open for 7 days.
	 *
	 * @since 0.7.0
	 *
	 * @param string   $customer WhatsApp id (digits).
	 * @param int|null $order_id The order the invitation came with.
	 * @param string   $text     The invitation as sent.
	 * @return null|WP_Error
	 */
	public static function consent_invite( string $customer, ?int $order_id, string $text ) {
		return self::call( static fn() => \Wpwa\consent_invite( $customer, $order_id, $text ) );
	}

	/**
	 * The events and order fields an order update mapping may name, and the
	 * default consent words.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>|WP_Error events, fields, default_opt_out_words, default_opt_in_words, max_params, max_text_chars.
	 */
	public static function order_update_events() {
		return self::call( static fn() => \Wpwa\order_update_events(), false );
	}

	/**
	 * Checks an event => template mapping and returns it cleaned (events
	 * without a template name left out).
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,array<string,mixed>> $mapping event => name, language, params.
	 * @return array<string,array<string,mixed>>|WP_Error `wpwa_invalid_input` naming what is wrong.
	 */
	public static function order_updates_mapping( array $mapping ) {
		return self::call( static fn() => \Wpwa\order_updates_mapping( $mapping ), false );
	}

	/**
	 * Claims the update of an order for an event (once per order and event,
	 * opted-in customers only) and builds its template message.
	 *
	 * @since 0.7.0
	 *
	 * @param int                               $order_id  Order (or sub-order) ID.
	 * @param string                            $event     processing, shipped, completed, on_hold, refunded, cancelled, failed.
	 * @param int                               $vendor_id Vendor whose number sends it (0: the marketplace's).
	 * @param string                            $customer  WhatsApp id (digits).
	 * @param array<string,array<string,mixed>> $mapping   As for order_updates_mapping().
	 * @param array<string,mixed>               $data      order_number, total, items, tracking, link, customer_name, store_name, status.
	 * @return array<string,mixed>|WP_Error `outcome`: send (with `attempt`, `message`), no_consent, done (with `state`) or unmapped.
	 */
	public static function order_update_prepare( int $order_id, string $event, int $vendor_id, string $customer, array $mapping, array $data ) {
		return self::call( static fn() => \Wpwa\order_update_prepare( $order_id, $event, $vendor_id, $customer, $mapping, $data ) );
	}

	/**
	 * Records how a claimed order update send went.
	 *
	 * @since 0.7.0
	 *
	 * @param int                 $order_id Order ID.
	 * @param string              $event    The event.
	 * @param array<string,mixed> $result   `wamid`, or `retry_after` (seconds), or `error` (WP_Error code).
	 * @return array<string,mixed>|WP_Error `next`: done, or retry_in with `seconds`.
	 */
	public static function order_update_finish( int $order_id, string $event, array $result ) {
		return self::call( static fn() => \Wpwa\order_update_finish( $order_id, $event, $result ) );
	}

	/**
	 * The WhatsApp updates of orders (an order and its sub-orders) with their
	 * delivery statuses.
	 *
	 * @since 0.7.0
	 *
	 * @param array<int,int> $order_ids Order IDs.
	 * @return array<int,array<string,mixed>>|WP_Error
	 */
	public static function order_updates( array $order_ids ) {
		$order_ids = array_values( array_map( 'intval', $order_ids ) );
		return self::call( static fn() => \Wpwa\order_updates( $order_ids ) );
	}

	/**
	 * A vendor's latest order updates, newest first.
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @param int $limit     How many.
	 * @return array<int,array<string,mixed>>|WP_Error
	 */
	public static function order_updates_vendor( int $vendor_id, int $limit = 50 ) {
		return self::call( static fn() => \Wpwa\order_updates_vendor( $vendor_id, $limit ) );
	}

	/**
	 * The kinds present in the activity log, sorted.
	 *
	 * @since 0.5.0
	 *
	 * @return array<int,string>|WP_Error
	 */
	public static function log_kinds() {
		return self::call( static fn() => \Wpwa\log_kinds() );
	}

	/**
	 * The activity log entries matching a filter, as CSV (header row first).
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,int|string> $filter Keys as for log_query(); limit and offset are ignored.
	 * @return string|WP_Error
	 */
	public static function log_export_csv( array $filter = array() ) {
		unset( $filter['limit'], $filter['offset'] );
		return self::call( static fn() => \Wpwa\log_export_csv( $filter ) );
	}

	/**
	 * The store's health figures: path, size_bytes, schema_version, tables.
	 *
	 * @since 0.5.0
	 *
	 * @return array<string,mixed>|WP_Error
	 */
	public static function store_stats() {
		return self::call( static fn() => \Wpwa\store_stats() );
	}

	/**
	 * Messages the vendor has sent this calendar month (UTC), as the monthly
	 * allowance counts them.
	 *
	 * @since 0.5.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return int|WP_Error
	 */
	public static function messages_this_month( int $vendor_id ) {
		return self::call( static fn() => \Wpwa\messages_this_month( $vendor_id ) );
	}

	/**
	 * Tests a Cloud API connection step by step (no store needed).
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,string> $connection url, version, token, phone_number_id, waba_id, catalog_id.
	 * @return array<int,array{name:string,ok:bool,detail:string}>|WP_Error
	 */
	public static function cloud_test( array $connection ) {
		return self::call( static fn() => \Wpwa\cloud_test( $connection ), false );
	}

	/**
	 * Issues a signed, vendor-scoped token.
	 *
	 * @since 0.1.0
	 *
	 * @param int    $vendor_id Vendor user ID.
	 * @param string $scope     Space-separated scopes.
	 * @param int    $ttl       Lifetime in seconds.
	 * @return string|WP_Error
	 */
	public static function jwt_issue( int $vendor_id, string $scope, int $ttl ) {
		$secret   = self::jwt_secret();
		$audience = self::jwt_audience();
		return self::call( static fn() => \Wpwa\jwt_issue( $secret, $vendor_id, $scope, $audience, $ttl ), false );
	}

	/**
	 * Verifies a token and returns its claims.
	 *
	 * @since 0.1.0
	 *
	 * @param string $token Compact JWT.
	 * @return array{vendor_id:int,scope:string,aud:string,iat:int,nbf:int,exp:int}|WP_Error
	 */
	public static function jwt_verify( string $token ) {
		$secret   = self::jwt_secret();
		$audience = self::jwt_audience();
		return self::call( static fn() => \Wpwa\jwt_verify( $secret, $token, $audience ), false );
	}

	/**
	 * The HMAC secret for tokens, derived from this site's auth salt.
	 *
	 * @since 0.1.0
	 *
	 * @return string
	 */
	private static function jwt_secret(): string {
		return hash_hmac( 'sha256', 'wpwa-jwt', wp_salt( 'auth' ) );
	}

	/**
	 * The audience every token of this site carries.
	 *
	 * @since 0.1.0
	 *
	 * @return string
	 */
	public static function jwt_audience(): string {
		return 'wpwa:' . home_url();
	}

	/**
	 * Detailed reason the store is unusable (may name server paths: show it
	 * to administrators only), or null when it is fine.
	 *
	 * @since 0.1.0
	 *
	 * @return string|null
	 */
	public static function store_problem(): ?string {
		if ( null === self::$store_problem && self::available() ) {
			self::ensure_store( true );
		}
		return self::$store_problem;
	}

	/**
	 * Tells the extension where the store lives (creating the directory first).
	 * Runs once per request; the extension keeps the connection per worker.
	 *
	 * @since 0.1.0
	 *
	 * @param bool $quiet Do not write failures to the PHP error log.
	 * @return true|WP_Error
	 */
	public static function ensure_store( bool $quiet = false ) {
		if ( self::$store_ready ) {
			return true;
		}
		if ( ! self::available() ) {
			return self::unavailable_error();
		}
		if ( StoreMove::in_progress() ) {
			// Nothing may reach the SQLite file once the copy has begun; the
			// request is refused instead (503, to be retried once the move ends).
			return StoreMove::busy_error();
		}

		$result = StoreConfig::WORDPRESS === StoreConfig::engine() ? self::open_database_store() : self::open_file_store( $quiet );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		self::$store_ready = true;
		return true;
	}

	/**
	 * Makes this request open the store again on its next call, where the
	 * engine setting then says (after a move switched it).
	 *
	 * @since 0.14.0
	 *
	 * @return void
	 */
	public static function forget_store(): void {
		self::$store_ready    = false;
		self::$store_problem  = null;
		self::$store_reported = false;
	}

	/**
	 * Copies the SQLite store into the WordPress database and checks the copy
	 * (`Wpwa\store_move_to_database`): `ok`, `error`, `tables`. A database
	 * that cannot be reached is a `wpwa_storage_error` whose data carries the
	 * core's words in `detail` (for administrators: it may name the server).
	 *
	 * @since 0.14.0
	 *
	 * @param string              $sqlite_path The SQLite file.
	 * @param array<string,mixed> $options     StoreConfig::database_options().
	 * @return array<string,mixed>|WP_Error
	 */
	public static function store_move_to_database( string $sqlite_path, array $options ) {
		return self::call(
			static function () use ( $sqlite_path, $options ) {
				try {
					return \Wpwa\store_move_to_database( $sqlite_path, $options );
				} catch ( \Wpwa\StorageException $e ) {
					self::report( $e );
					return new WP_Error(
						'wpwa_storage_error',
						__( 'The WordPress database could not be reached from the WhatsApp integration.', 'wpwa' ),
						array(
							'status' => 500,
							'detail' => $e->getMessage(),
						)
					);
				}
			},
			false
		);
	}

	/**
	 * Drops wpwa's tables from the WordPress database
	 * (`Wpwa\store_drop_database_tables`); how many there were.
	 *
	 * @since 0.14.0
	 *
	 * @param array<string,mixed> $options StoreConfig::database_options().
	 * @return int|WP_Error
	 */
	public static function store_drop_database_tables( array $options ) {
		return self::call( static fn() => \Wpwa\store_drop_database_tables( $options ), false );
	}

	/**
	 * Points the extension at the WordPress database (the connection opens on first use).
	 *
	 * @return true|WP_Error
	 */
	private static function open_database_store() {
		$options = StoreConfig::database_options();
		$result  = self::call( static fn() => \Wpwa\store_open_database( $options ), false );
		if ( is_wp_error( $result ) ) {
			self::$store_problem = $result->get_error_message();
			return $result;
		}
		return true;
	}

	/**
	 * Points the extension at the SQLite file in the data directory, creating the directory.
	 *
	 * @param bool $quiet Do not write failures to the PHP error log.
	 * @return true|WP_Error
	 */
	private static function open_file_store( bool $quiet ) {
		$dir = DataDir::ensure();
		if ( is_wp_error( $dir ) ) {
			// The detail names server paths: administrators see it (notice,
			// System status), vendors and API clients get a generic error.
			self::$store_problem = $dir->get_error_message();
			if ( ! $quiet && ! self::$store_reported ) {
				self::$store_reported = true;
				self::report( self::$store_problem );
			}
			return new WP_Error(
				'wpwa_storage_error',
				__( 'The WhatsApp integration store is not available right now.', 'wpwa' ),
				array( 'status' => 500 )
			);
		}

		$path   = $dir . '/' . DataDir::STORE_FILE;
		$result = self::call( static fn() => \Wpwa\store_open( $path ), false );
		if ( is_wp_error( $result ) ) {
			self::$store_problem = $result->get_error_message();
			return $result;
		}
		return true;
	}

	/**
	 * Runs a callable against the extension and converts failures.
	 *
	 * @since 0.1.0
	 *
	 * @param callable $fn          The call.
	 * @param bool     $needs_store Whether the store must be opened first.
	 * @return mixed|WP_Error
	 */
	private static function call( callable $fn, bool $needs_store = true ) {
		if ( ! self::available() ) {
			return self::unavailable_error();
		}
		if ( $needs_store ) {
			$ready = self::ensure_store();
			if ( is_wp_error( $ready ) ) {
				return $ready;
			}
		}

		++self::$calls;
		try {
			return $fn();
		} catch ( Throwable $e ) {
			return self::to_error( $e );
		}
	}

	/**
	 * How many calls this request has made into the extension so far.
	 *
	 * Every call goes through this class, so the count is complete; the round-trip
	 * benchmark (scripts/bench-round-trips) reads it when a webhook request ends.
	 *
	 * @since 0.7.0
	 *
	 * @return int
	 */
	public static function calls(): int {
		return self::$calls;
	}

	/**
	 * Maps an exception from the extension (or anything else) to a WP_Error.
	 *
	 * @since 0.1.0
	 *
	 * @param Throwable $e The exception.
	 * @return WP_Error
	 */
	public static function to_error( Throwable $e ): WP_Error {
		$data = array( 'status' => 500 );

		// Order matters: the token exceptions extend AuthException.
		if ( $e instanceof \Wpwa\TokenExpiredException ) {
			$code           = 'wpwa_token_expired';
			$message        = __( 'The access token has expired. Request a new one.', 'wpwa' );
			$data['status'] = 401;
		} elseif ( $e instanceof \Wpwa\TokenSignatureException ) {
			$code           = 'wpwa_token_invalid_signature';
			$message        = __( 'The access token signature is not valid.', 'wpwa' );
			$data['status'] = 401;
		} elseif ( $e instanceof \Wpwa\TokenAudienceException ) {
			$code           = 'wpwa_token_wrong_audience';
			$message        = __( 'The access token was issued for another site.', 'wpwa' );
			$data['status'] = 401;
		} elseif ( $e instanceof \Wpwa\TokenMalformedException ) {
			$code           = 'wpwa_token_malformed';
			$message        = __( 'The access token is malformed.', 'wpwa' );
			$data['status'] = 401;
		} elseif ( $e instanceof \Wpwa\AuthException ) {
			$code           = 'wpwa_auth_failed';
			$message        = $e->getMessage();
			$data['status'] = 401;
		} elseif ( $e instanceof \Wpwa\TemplateException ) {
			// A subclass of ValidationException: worded from the API's code.
			$code             = 'wpwa_template_refused';
			$message          = Texts::template_refusal( (int) $e->getCode() );
			$data['status']   = 422;
			$data['api_code'] = (int) $e->getCode();
			$data['detail']   = $e->getMessage();
		} elseif ( $e instanceof \Wpwa\PairingException ) {
			// A subclass of ValidationException: the code says why (see the stubs).
			$refusals        = array(
				1 => 'bad_phone',
				2 => 'not_waiting',
				3 => 'phone_in_use',
			);
			$code            = 'wpwa_pairing_refused';
			$data['refusal'] = $refusals[ (int) $e->getCode() ] ?? 'bad_phone';
			$message         = Sessions::pairing_refusal( $data['refusal'] );
			$data['status']  = 'bad_phone' === $data['refusal'] ? 400 : 409;
		} elseif ( $e instanceof \Wpwa\ValidationException && self::OUTSIDE_WINDOW === $e->getCode() ) {
			// Since 0.15.0: told apart by WhatsApp's own code for it, and worded here.
			$code           = 'wpwa_outside_window';
			$message        = __( 'The customer last wrote more than 24 hours ago; WhatsApp allows only an approved template until they write again.', 'wpwa' );
			$data['status'] = 400;
		} elseif ( $e instanceof \Wpwa\ValidationException ) {
			$code           = 'wpwa_invalid_input';
			$message        = $e->getMessage();
			$data['status'] = 400;
		} elseif ( $e instanceof \Wpwa\NotFoundException ) {
			$code           = 'wpwa_not_found';
			$message        = $e->getMessage();
			$data['status'] = 404;
		} elseif ( $e instanceof \Wpwa\CostCapException ) {
			// Before RateLimitedException, which it extends: worded here, with the cap
			// and the day sends resume (since 0.15.0).
			$code           = 'wpwa_cost_cap_reached';
			$message        = Messages\Pricing::cap_reached_message( $e->getMessage() );
			$data['status'] = 429;
			$retry          = self::retry_after( $e );
			if ( null !== $retry ) {
				$data['retry_after'] = $retry;
			}
		} elseif ( $e instanceof \Wpwa\RateLimitedException ) {
			$code           = 'wpwa_rate_limited';
			$message        = $e->getMessage();
			$data['status'] = 429;
			$retry          = self::retry_after( $e );
			if ( null !== $retry ) {
				$data['retry_after'] = $retry;
			}
		} elseif ( $e instanceof \Wpwa\TransportException ) {
			$code           = 'wpwa_transport_error';
			$message        = __( 'The WhatsApp service could not be reached. Please try again shortly.', 'wpwa' );
			$data['status'] = 502;
			// What the core said (may name the gateway URL): callers show it to administrators only.
			$data['detail'] = $e->getMessage();
			self::report( $e );
		} elseif ( $e instanceof \Wpwa\StorageException ) {
			$code    = 'wpwa_storage_error';
			$message = __( 'The WhatsApp integration store is not available right now.', 'wpwa' );
			self::report( $e );
		} elseif ( $e instanceof \Wpwa\Exception ) {
			$code    = 'wpwa_error';
			$message = __( 'The WhatsApp integration reported an error.', 'wpwa' );
			self::report( $e );
		} else {
			$code    = 'wpwa_internal_error';
			$message = __( 'An unexpected error occurred in the WhatsApp integration.', 'wpwa' );
			self::report( $e );
		}

		if ( '' === trim( (string) $message ) ) {
			$message = __( 'The request could not be completed.', 'wpwa' );
		}

		$error = new WP_Error( $code, $message, $data );

		/**
		 * Fires when a call into the wpwa extension fails.
		 *
		 * @since 0.1.0
		 *
		 * @param WP_Error  $error     The error handed back to the caller.
		 * @param Throwable $exception The original exception.
		 */
		do_action( 'wpwa_core_error', $error, $e );

		return $error;
	}

	/**
	 * Seconds to wait before retrying, when a rate-limit exception carries it.
	 *
	 * @since 0.1.0
	 *
	 * @param Throwable $e Rate-limit exception.
	 * @return int|null
	 */
	private static function retry_after( Throwable $e ): ?int {
		// The extension puts the seconds to wait in the exception code.
		if ( $e->getCode() > 0 ) {
			return (int) $e->getCode();
		}
		foreach ( array( 'getRetryAfter', 'retryAfter', 'retry_after' ) as $method ) {
			if ( method_exists( $e, $method ) ) {
				$value = $e->{$method}();
				return is_numeric( $value ) ? max( 0, (int) $value ) : null;
			}
		}
		foreach ( array( 'retry_after', 'retryAfter' ) as $property ) {
			if ( isset( $e->{$property} ) && is_numeric( $e->{$property} ) ) {
				return max( 0, (int) $e->{$property} );
			}
		}
		return null;
	}

	/**
	 * Reports a server-side failure to the PHP error log (the activity log may
	 * be the thing that is failing).
	 *
	 * @since 0.1.0
	 *
	 * @param Throwable|string $problem The exception or a message.
	 * @return void
	 */
	public static function report( $problem ): void {
		if ( $problem instanceof Throwable ) {
			$line = sprintf(
				'%s: %s in %s:%d',
				get_class( $problem ),
				$problem->getMessage(),
				$problem->getFile(),
				$problem->getLine()
			);
		} else {
			$line = (string) $problem;
		}
		// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log
		error_log( '[wpwa] ' . $line );
	}
}
