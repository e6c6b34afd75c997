<?php
/**
 * WordPress's personal data tools and the message retention purge.
 *
 * @package Wpwa\Plugin
 * @since   0.6.0
 */

namespace Wpwa\Plugin;

use Wpwa\Plugin\Catalog\Config as CatalogConfig;
use Wpwa\Plugin\Messages\Config as MessagesConfig;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Adds the customers' WhatsApp conversations to Tools → Export Personal Data
 * and Tools → Erase Personal Data, suggests privacy policy text, and deletes
 * old conversations daily when the administrator set a retention.
 *
 * WordPress finds people by e-mail address, the core by WhatsApp number: the
 * numbers are the account's billing phone and those of the person's
 * WooCommerce orders (with the billing country's calling code where a number
 * lacks one), plus any a site adds with `wpwa_privacy_customer_numbers`.
 * Since 0.15.0 a customer who uses a WhatsApp username without sharing their
 * number is found by the username saved in their account (My Account →
 * Account details), or by a username or WhatsApp user ID (BSUID) a site adds
 * with the same filter.
 *
 * @since 0.6.0
 */
final class Privacy {

	/**
	 * Key of the exporter and the eraser.
	 *
	 * @since 0.6.0
	 */
	public const ID = 'wpwa-whatsapp';

	/**
	 * Option recording the last message purge: [time, conversations, messages].
	 *
	 * @since 0.6.0
	 */
	public const LAST_PURGE_OPTION = 'wpwa_messages_last_purge';

	/**
	 * Hooks.
	 *
	 * @since 0.6.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_filter( 'wp_privacy_personal_data_exporters', array( self::class, 'register_exporter' ) );
		add_filter( 'wp_privacy_personal_data_erasers', array( self::class, 'register_eraser' ) );
		add_action( 'admin_init', array( self::class, 'suggest_policy_text' ) );
		add_action( 'woocommerce_edit_account_form', array( self::class, 'account_field' ) );
		add_action( 'woocommerce_save_account_details', array( self::class, 'save_account_field' ) );
		// The daily clean-up; purge()'s counts are for its other callers, an action returns nothing.
		add_action(
			Logs::PURGE_HOOK,
			static function (): void {
				if ( ! StoreMove::skip_turn( Logs::PURGE_HOOK, array(), false ) ) {
					self::purge();
				}
			}
		);
	}

	/**
	 * Registers the exporter.
	 *
	 * @since 0.6.0
	 *
	 * @param array<string,array<string,mixed>> $exporters Exporters.
	 * @return array<string,array<string,mixed>>
	 */
	public static function register_exporter( $exporters ): array {
		$exporters             = is_array( $exporters ) ? $exporters : array();
		$exporters[ self::ID ] = array(
			'exporter_friendly_name' => __( 'WhatsApp conversations', 'wpwa' ),
			'callback'               => array( self::class, 'export' ),
		);
		return $exporters;
	}

	/**
	 * Registers the eraser, first in line: it finds the requester's WhatsApp
	 * numbers through their account and orders (billing phone), which
	 * WooCommerce's own erasers remove when they run first, and WordPress
	 * runs erasers in the order of this list.
	 *
	 * @since 0.6.0
	 *
	 * @param array<string,array<string,mixed>> $erasers Erasers.
	 * @return array<string,array<string,mixed>>
	 */
	public static function register_eraser( $erasers ): array {
		$erasers = is_array( $erasers ) ? $erasers : array();
		unset( $erasers[ self::ID ] );
		return array(
			self::ID => array(
				'eraser_friendly_name' => __( 'WhatsApp conversations', 'wpwa' ),
				'callback'             => array( self::class, 'erase' ),
			),
		) + $erasers;
	}

	/**
	 * The exporter: one item per conversation, its messages oldest first.
	 *
	 * @since 0.6.0
	 *
	 * @param string $email The requester's e-mail address.
	 * @param int    $page  Page (the export fits one).
	 * @return array{data:array<int,array<string,mixed>>,done:bool}|WP_Error WP_Error when the store fails.
	 */
	public static function export( $email, $page = 1 ) {
		if ( ! Core::available() ) {
			// Silence would read as "no WhatsApp data", and an error would stop the
			// whole export; the report says the conversations are missing instead.
			return array(
				'data' => array(
					array(
						'group_id'    => self::ID,
						'group_label' => __( 'WhatsApp conversations', 'wpwa' ),
						'item_id'     => self::ID . '-unavailable',
						'data'        => array(
							array(
								'name'  => __( 'Not included', 'wpwa' ),
								'value' => Core::unavailable_error()->get_error_message(),
							),
						),
					),
				),
				'done' => true,
			);
		}
		$numbers = self::numbers( (string) $email );
		$items   = array();
		foreach ( $numbers['ids'] as $id ) {
			$records = Core::privacy_export( $id );
			if ( is_wp_error( $records ) ) {
				return $records;
			}
			foreach ( (array) $records['conversations'] as $index => $conversation ) {
				$items[] = array(
					'group_id'          => self::ID,
					'group_label'       => __( 'WhatsApp conversations', 'wpwa' ),
					'group_description' => __( 'Messages exchanged on WhatsApp with the marketplace\'s shops.', 'wpwa' ),
					'item_id'           => sprintf( '%s-%s-%d', self::ID, $id, $index ),
					'data'              => self::conversation_fields( $id, (string) ( $records['phone'] ?? '' ), (array) $conversation ),
				);
			}
			$items = array_merge( $items, self::consent_items( $id, (array) $records ), self::cart_items( $id, (array) $records ) );
		}
		return array(
			'data' => $items,
			'done' => true,
		);
	}

	/**
	 * The eraser: deletes every conversation of each of the person's numbers.
	 *
	 * @since 0.6.0
	 *
	 * @param string $email The requester's e-mail address.
	 * @param int    $page  Page (one is enough).
	 * @return array{items_removed:bool,items_retained:bool,messages:array<int,string>,done:bool}
	 */
	public static function erase( $email, $page = 1 ): array {
		if ( ! Core::available() ) {
			return array(
				'items_removed'  => false,
				'items_retained' => true,
				'messages'       => array( Core::unavailable_error()->get_error_message() ),
				'done'           => true,
			);
		}
		$numbers  = self::numbers( (string) $email );
		$removed  = array(
			'conversations' => 0,
			'messages'      => 0,
			'other'         => 0,
		);
		$retained = false;
		$messages = array();
		foreach ( $numbers['ids'] as $id ) {
			$result = Core::privacy_erase( $id );
			if ( is_wp_error( $result ) ) {
				$retained   = true;
				$messages[] = sprintf(
					/* translators: 1: phone number, 2: error message. */
					__( 'The WhatsApp conversations of %1$s could not be erased: %2$s', 'wpwa' ),
					'+' . $id,
					$result->get_error_message()
				);
				continue;
			}
			foreach ( $removed as $key => $count ) {
				$removed[ $key ] = $count + (int) ( $result[ $key ] ?? 0 );
			}
		}
		foreach ( $numbers['unreadable'] as $phone ) {
			$messages[] = sprintf(
				/* translators: %s: phone number as stored. */
				__( 'The phone number %s has no country code, so no WhatsApp conversations could be matched to it.', 'wpwa' ),
				$phone
			);
		}
		if ( array_sum( $removed ) > 0 ) {
			Core::event(
				0,
				'info',
				'privacy',
				'privacy_erased',
				array(
					'conversations' => (int) $removed['conversations'],
					'messages'      => (int) $removed['messages'],
				)
			);
		}
		return array(
			'items_removed'  => array_sum( $removed ) > 0,
			'items_retained' => $retained,
			'messages'       => $messages,
			'done'           => true,
		);
	}

	/**
	 * The WhatsApp ids of the person with this e-mail address.
	 *
	 * @since 0.6.0
	 *
	 * @param string $email E-mail address.
	 * @return array{ids:array<int,string>,unreadable:array<int,string>}
	 */
	public static function numbers( string $email ): array {
		$phones = array();
		$user   = is_email( $email ) ? get_user_by( 'email', $email ) : false;
		if ( $user ) {
			$phones[] = array( (string) get_user_meta( $user->ID, 'billing_phone', true ), (string) get_user_meta( $user->ID, 'billing_country', true ) );
		}
		if ( is_email( $email ) && function_exists( 'wc_get_orders' ) ) {
			foreach ( (array) wc_get_orders(
				array(
					'billing_email' => $email,
					'limit'         => 100,
				)
			) as $order ) {
				if ( $order instanceof \WC_Order ) {
					$phones[] = array( (string) $order->get_billing_phone(), (string) $order->get_billing_country() );
				}
			}
		}
		$candidates = array();
		foreach ( $phones as list( $phone, $country ) ) {
			if ( '' !== trim( $phone ) ) {
				$candidates[] = self::international( $phone, $country );
			}
		}
		if ( $user ) {
			$username = self::account_username( $user->ID );
			if ( '' !== $username ) {
				$candidates[] = '@' . $username;
			}
		}

		/**
		 * Filters the phone numbers whose WhatsApp conversations belong to the
		 * person with this e-mail address, for the personal data exporter and
		 * eraser. Give numbers in international form (`+49 170 1234567`).
		 *
		 * @since 0.6.0
		 * @since 0.15.0 May also hold WhatsApp usernames (`@name`) and WhatsApp user IDs (BSUIDs).
		 *
		 * @param array<int,string>  $candidates The numbers found (billing phones) and the account's WhatsApp username.
		 * @param string             $email      The requester's e-mail address.
		 * @param \WP_User|null      $user       Their account, if they have one.
		 */
		$candidates = (array) apply_filters( 'wpwa_privacy_customer_numbers', $candidates, $email, $user ? $user : null );

		$found = array(
			'ids'        => array(),
			'unreadable' => array(),
		);
		foreach ( array_unique( array_map( 'strval', $candidates ) ) as $candidate ) {
			$keys = Core::privacy_customer_keys( $candidate );
			if ( is_wp_error( $keys ) ) {
				$found['unreadable'][] = $candidate;
				continue;
			}
			foreach ( $keys as $key ) {
				if ( ! in_array( (string) $key, $found['ids'], true ) ) {
					$found['ids'][] = (string) $key;
				}
			}
		}
		return $found;
	}

	/**
	 * User meta holding the WhatsApp username a customer saved in their account.
	 *
	 * @since 0.15.0
	 */
	public const USERNAME_META = 'wpwa_whatsapp_username';

	/**
	 * The WhatsApp username saved in an account, without `@`, or ''.
	 *
	 * @since 0.15.0
	 *
	 * @param int $user_id User ID.
	 * @return string
	 */
	public static function account_username( int $user_id ): string {
		return self::clean_username( (string) get_user_meta( $user_id, self::USERNAME_META, true ) );
	}

	/**
	 * A WhatsApp username as typed, without `@`, or '' when it cannot be one
	 * (the core knows what usernames are made of).
	 *
	 * @since 0.15.0
	 *
	 * @param string $typed The text typed.
	 * @return string
	 */
	private static function clean_username( string $typed ): string {
		$bare = ltrim( trim( $typed ), '@' );
		if ( '' === $bare || ! Core::available() ) {
			return $bare;
		}
		return is_wp_error( Core::privacy_customer_keys( '@' . $bare ) ) ? '' : $bare;
	}

	/**
	 * The "WhatsApp username" field of My Account → Account details: how a
	 * customer who does not share their number on WhatsApp lets the shop find
	 * their conversations when they ask for their data.
	 *
	 * @since 0.15.0
	 *
	 * @return void
	 */
	public static function account_field(): void {
		$user_id = get_current_user_id();
		if ( $user_id <= 0 ) {
			return;
		}
		$value = self::account_username( $user_id );
		?>
		<p class="woocommerce-form-row woocommerce-form-row--wide form-row form-row-wide">
			<label for="wpwa_whatsapp_username"><?php esc_html_e( 'WhatsApp username (optional)', 'wpwa' ); ?></label>
			<input type="text" class="woocommerce-Input input-text" name="wpwa_whatsapp_username" id="wpwa_whatsapp_username" value="<?php echo esc_attr( '' !== $value ? '@' . $value : '' ); ?>"<?php echo Rules::attributes( 'customer_account', 'whatsapp_username' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by Rules::attributes(). ?> autocomplete="off" aria-describedby="wpwa_whatsapp_username_description" />
			<span id="wpwa_whatsapp_username_description"><em><?php esc_html_e( 'If you write to us on WhatsApp with a username instead of your phone number, enter it here so we can find your messages when you ask for your data.', 'wpwa' ); ?></em></span>
		</p>
		<?php
	}

	/**
	 * Saves the field; WooCommerce checked the form's nonce before this runs.
	 *
	 * @since 0.15.0
	 *
	 * @param int $user_id User ID.
	 * @return void
	 */
	public static function save_account_field( $user_id ): void {
		$user_id = (int) $user_id;
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- WooCommerce verified save_account_details.
		if ( $user_id <= 0 || $user_id !== get_current_user_id() || ! isset( $_POST['wpwa_whatsapp_username'] ) ) {
			return;
		}
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- as above.
		$typed    = sanitize_text_field( wp_unslash( (string) $_POST['wpwa_whatsapp_username'] ) );
		$username = self::clean_username( $typed );
		if ( '' === $username ) {
			if ( '' !== trim( $typed ) && function_exists( 'wc_add_notice' ) ) {
				wc_add_notice( __( 'That WhatsApp username was not saved: use letters, digits, dots, dashes and underscores.', 'wpwa' ), 'error' );
			}
			delete_user_meta( $user_id, self::USERNAME_META );
			return;
		}
		update_user_meta( $user_id, self::USERNAME_META, $username );
	}

	/**
	 * Deletes the conversations older than the retention setting, if one is set.
	 *
	 * @since 0.6.0
	 *
	 * @return array<string,int>|WP_Error|null What went, or null without a retention.
	 */
	public static function purge() {
		$days = (int) MessagesConfig::get( 'retention_days' );
		if ( $days <= 0 ) {
			return null;
		}
		$removed = Core::messages_purge( $days );
		if ( is_wp_error( $removed ) ) {
			Core::report( $removed->get_error_message() );
			return $removed;
		}
		update_option( self::LAST_PURGE_OPTION, array( time(), (int) $removed['conversations'], (int) $removed['messages'] ), false );
		if ( $removed['conversations'] > 0 ) {
			Core::event(
				0,
				'info',
				'privacy',
				'privacy_cleanup',
				array(
					'conversations' => (int) $removed['conversations'],
					'messages'      => (int) $removed['messages'],
					'days'          => (int) $days,
				)
			);
		}
		return $removed;
	}

	/**
	 * Suggests the privacy policy text (Settings → Privacy → policy guide).
	 *
	 * @since 0.6.0
	 *
	 * @return void
	 */
	public static function suggest_policy_text(): void {
		if ( ! function_exists( 'wp_add_privacy_policy_content' ) ) {
			return;
		}
		$days = (int) MessagesConfig::get( 'retention_days' );
		$text = '<p class="privacy-policy-tutorial">' . esc_html__( 'wpwa routes the WhatsApp messages customers send to the marketplace number to the shop they are meant for. Adapt this text to your WhatsApp set-up.', 'wpwa' ) . '</p>'
			. '<strong class="privacy-policy-tutorial">' . esc_html__( 'Suggested text:', 'wpwa' ) . ' </strong>'
			. '<p>' . esc_html__( 'When you write to us on WhatsApp, we store your WhatsApp number, the profile name WhatsApp shows us, your messages and the products they refer to, so that the right shop can answer you. The shop you write to sees your conversation with it; other shops do not. Messages are sent through WhatsApp (Meta Platforms).', 'wpwa' ) . '</p>'
			. '<p>' . ( $days > 0
				? esc_html(
					sprintf(
						/* translators: %d: days. */
						__( 'Conversations are deleted %d days after your last message.', 'wpwa' ),
						$days
					)
				)
				: esc_html__( 'Conversations are kept until you ask us to erase them.', 'wpwa' ) ) . ' '
			. esc_html__( 'You can ask for a copy of your conversations, or for their erasure, with the e-mail address of your account.', 'wpwa' ) . '</p>';
		wp_add_privacy_policy_content( __( 'WhatsApp Integration for WooCommerce marketplaces', 'wpwa' ), wp_kses_post( $text ) );
	}

	/**
	 * A billing phone in international form: as written when it has a country
	 * code, else with the billing country's calling code (WooCommerce's table)
	 * in place of the national trunk prefix.
	 *
	 * @since 0.6.0
	 *
	 * @param string $phone   Phone as stored.
	 * @param string $country Billing country (ISO 3166-1 alpha-2), may be empty.
	 * @return string
	 */
	private static function international( string $phone, string $country ): string {
		$phone = trim( $phone );
		if ( '' === $country || ! is_wp_error( Core::privacy_whatsapp_id( $phone ) ) || ! function_exists( 'WC' ) ) {
			return $phone;
		}
		$countries = WC()->countries;
		$code      = is_object( $countries ) && method_exists( $countries, 'get_country_calling_code' ) ? (string) $countries->get_country_calling_code( $country ) : '';
		$checked = Rules::check( 'privacy', array( 'calling_code' => $code ) );
		if ( is_wp_error( $checked ) || ! isset( $checked['values']['calling_code'] ) ) {
			return $phone;
		}
		return $code . ltrim( (string) preg_replace( '/\D+/', '', $phone ), '0' );
	}

	/**
	 * The WhatsApp id of a customer from their billing phone and country, or
	 * null when the number cannot be one (no country code to be had).
	 *
	 * @since 0.7.0
	 *
	 * @param string $phone   Billing phone as stored.
	 * @param string $country Billing country (ISO 3166-1 alpha-2), may be empty.
	 * @return string|null
	 */
	public static function customer_id( string $phone, string $country ): ?string {
		if ( '' === trim( $phone ) ) {
			return null;
		}
		$id = Core::privacy_whatsapp_id( self::international( $phone, $country ) );
		return is_string( $id ) ? $id : null;
	}

	/**
	 * The export items of a customer's consent records and order updates.
	 *
	 * @since 0.7.0
	 *
	 * @param string              $id      The customer's WhatsApp id.
	 * @param array<string,mixed> $records What the core exported.
	 * @return array<int,array<string,mixed>>
	 */
	private static function consent_items( string $id, array $records ): array {
		$items = array();
		foreach ( (array) ( $records['consents'] ?? array() ) as $index => $consent ) {
			$consent = (array) $consent;
			$fields  = array(
				array(
					'name'  => __( 'WhatsApp number', 'wpwa' ),
					'value' => '+' . $id,
				),
				array(
					'name'  => __( 'Purpose', 'wpwa' ),
					'value' => 'marketing' === ( $consent['purpose'] ?? '' ) ? __( 'Marketing messages', 'wpwa' ) : __( 'Order updates', 'wpwa' ),
				),
				array(
					'name'  => __( 'Consent', 'wpwa' ),
					'value' => ! empty( $consent['granted'] ) ? __( 'Given', 'wpwa' ) : __( 'Withdrawn', 'wpwa' ),
				),
				array(
					'name'  => __( 'Where', 'wpwa' ),
					'value' => Orders\Consent::source_label( (string) ( $consent['source'] ?? '' ) ),
				),
				array(
					'name'  => __( 'Text shown', 'wpwa' ),
					'value' => (string) ( $consent['text'] ?? '' ),
				),
				array(
					'name'  => __( 'When', 'wpwa' ),
					'value' => self::time( (int) ( $consent['at'] ?? 0 ) ),
				),
			);
			if ( ! empty( $consent['order_id'] ) ) {
				$fields[] = array(
					'name'  => __( 'Order', 'wpwa' ),
					'value' => (string) (int) $consent['order_id'],
				);
			}
			$items[] = array(
				'group_id'          => self::ID . '-consent',
				'group_label'       => __( 'WhatsApp consent', 'wpwa' ),
				'group_description' => __( 'What you agreed to receive on WhatsApp, or withdrew, and the text you were shown.', 'wpwa' ),
				'item_id'           => sprintf( '%s-consent-%s-%d', self::ID, $id, $index ),
				'data'              => $fields,
			);
		}
		foreach ( (array) ( $records['order_updates'] ?? array() ) as $index => $update ) {
			$update  = (array) $update;
			$items[] = array(
				'group_id'    => self::ID . '-order-updates',
				'group_label' => __( 'WhatsApp order updates', 'wpwa' ),
				'item_id'     => sprintf( '%s-update-%s-%d', self::ID, $id, $index ),
				'data'        => array(
					array(
						'name'  => __( 'Order', 'wpwa' ),
						'value' => (string) (int) ( $update['order_id'] ?? 0 ),
					),
					array(
						'name'  => __( 'Event', 'wpwa' ),
						'value' => Orders\Config::event_label( (string) ( $update['event'] ?? '' ) ),
					),
					array(
						'name'  => __( 'Template', 'wpwa' ),
						'value' => (string) ( $update['template'] ?? '' ),
					),
					array(
						'name'  => __( 'State', 'wpwa' ),
						'value' => Orders\UpdatesBox::state_label( $update ),
					),
					array(
						'name'  => __( 'When', 'wpwa' ),
						'value' => self::time( (int) ( $update['updated_at'] ?? 0 ) ),
					),
				),
			);
		}
		return $items;
	}

	/**
	 * Export items of the carts the customer sent from the catalog: what was
	 * in each, and the order it became or why none was made.
	 *
	 * @since 0.7.0
	 *
	 * @param string              $id      The customer's WhatsApp id.
	 * @param array<string,mixed> $records What the core exported.
	 * @return array<int,array<string,mixed>>
	 */
	private static function cart_items( string $id, array $records ): array {
		$items = array();
		foreach ( (array) ( $records['carts'] ?? array() ) as $index => $cart ) {
			$cart  = (array) $cart;
			$lines = array();
			foreach ( (array) ( $cart['lines'] ?? array() ) as $line ) {
				$line    = (array) $line;
				$lines[] = sprintf( '%d × %s', (int) ( $line['quantity'] ?? 0 ), (string) ( $line['retailer_id'] ?? '' ) );
			}
			$fields = array(
				array(
					'name'  => __( 'WhatsApp number', 'wpwa' ),
					'value' => '+' . $id,
				),
				array(
					'name'  => __( 'Sent', 'wpwa' ),
					'value' => self::time( (int) ( $cart['received_at'] ?? 0 ) ),
				),
				array(
					'name'  => __( 'Items', 'wpwa' ),
					'value' => implode( ', ', $lines ),
				),
			);
			if ( ! empty( $cart['order_id'] ) ) {
				$fields[] = array(
					'name'  => __( 'Order', 'wpwa' ),
					'value' => (string) (int) $cart['order_id'],
				);
			} elseif ( ! empty( $cart['refusal'] ) ) {
				$fields[] = array(
					'name'  => __( 'No order was made', 'wpwa' ),
					'value' => Texts::cart_refusal( (string) $cart['refusal'] ),
				);
			}
			$items[] = array(
				'group_id'          => self::ID . '-carts',
				'group_label'       => __( 'WhatsApp carts', 'wpwa' ),
				'group_description' => __( 'The carts you sent from the WhatsApp catalog and the orders they became.', 'wpwa' ),
				'item_id'           => sprintf( '%s-cart-%s-%d', self::ID, $id, $index ),
				'data'              => $fields,
			);
		}
		return $items;
	}

	/**
	 * A conversation's export fields.
	 *
	 * @since 0.6.0
	 * @since 0.15.0 Names a customer without a number by their WhatsApp user ID.
	 *
	 * @param string              $id           The customer's key (WhatsApp number, or user ID).
	 * @param string              $phone        Their number, or '' when WhatsApp names them by user ID only.
	 * @param array<string,mixed> $conversation Conversation with its messages.
	 * @return array<int,array{name:string,value:string}>
	 */
	private static function conversation_fields( string $id, string $phone, array $conversation ): array {
		$vendor_id = (int) ( $conversation['vendor_id'] ?? 0 );
		$fields    = array(
			'' !== $phone
				? array(
					'name'  => __( 'WhatsApp number', 'wpwa' ),
					'value' => '+' . $phone,
				)
				: array(
					'name'  => __( 'WhatsApp user ID', 'wpwa' ),
					'value' => $id,
				),
			array(
				'name'  => __( 'Shop', 'wpwa' ),
				'value' => $vendor_id > 0 ? CatalogConfig::store_name( $vendor_id ) : __( 'Marketplace team', 'wpwa' ),
			),
			array(
				'name'  => __( 'Started', 'wpwa' ),
				'value' => self::time( (int) ( $conversation['created_at'] ?? 0 ) ),
			),
		);
		if ( ! empty( $conversation['customer_name'] ) ) {
			$fields[] = array(
				'name'  => __( 'WhatsApp profile name', 'wpwa' ),
				'value' => (string) $conversation['customer_name'],
			);
		}
		if ( ! empty( $conversation['product'] ) ) {
			$fields[] = array(
				'name'  => __( 'Product asked about', 'wpwa' ),
				'value' => (string) $conversation['product'],
			);
		}
		$directions = array(
			'inbound'  => __( 'You wrote', 'wpwa' ),
			'outbound' => __( 'Sent to you', 'wpwa' ),
			'echo'     => __( 'The shop wrote', 'wpwa' ),
		);
		foreach ( (array) ( $conversation['messages'] ?? array() ) as $message ) {
			$message  = (array) $message;
			$text     = (string) ( $message['text'] ?? '' );
			$fields[] = array(
				'name'  => sprintf( '%s · %s', self::time( (int) ( $message['sent_at'] ?? 0 ) ), $directions[ $message['direction'] ?? '' ] ?? (string) ( $message['direction'] ?? '' ) ),
				/* translators: %s: WhatsApp message type, e.g. image. */
				'value' => '' !== $text ? $text : sprintf( __( '(%s message)', 'wpwa' ), (string) ( $message['kind'] ?? '' ) ),
			);
		}
		return $fields;
	}

	/**
	 * "1 conversation", "3 conversations".
	 *
	 * @since 0.6.0
	 * @since 0.7.0 Public: the activity log words privacy events with it.
	 *
	 * @param int $count Count.
	 * @return string
	 */
	public static function conversations( int $count ): string {
		/* translators: %d: number of conversations. */
		return sprintf( _n( '%d conversation', '%d conversations', $count, 'wpwa' ), $count );
	}

	/**
	 * "1 message", "12 messages".
	 *
	 * @since 0.6.0
	 * @since 0.7.0 Public: the activity log words privacy events with it.
	 *
	 * @param int $count Count.
	 * @return string
	 */
	public static function messages( int $count ): string {
		/* translators: %d: number of messages. */
		return sprintf( _n( '%d message', '%d messages', $count, 'wpwa' ), $count );
	}

	/**
	 * A time in the site's format and timezone.
	 *
	 * @since 0.6.0
	 *
	 * @param int $timestamp Unix seconds.
	 * @return string
	 */
	private static function time( int $timestamp ): string {
		return wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $timestamp );
	}
}
