<?php
/**
 * Customer message settings.
 *
 * @package Wpwa\Plugin
 * @since   0.4.0
 */

namespace Wpwa\Plugin\Messages;

use Wpwa\Plugin\Catalog\Config as CatalogConfig;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

/**
 * The `wpwa_messages` option (saved from the "Customer messages" section of
 * the settings page): the Cloud API app secret (sealed), the webhook verify
 * token, the routing fallback and the conversation window; and what the core
 * is given from it (routing options and the vendor directory).
 *
 * @since 0.4.0
 */
final class Config {

	/**
	 * Option name.
	 *
	 * @since 0.4.0
	 */
	public const OPTION = 'wpwa_messages';

	/**
	 * Context the app secret is sealed with.
	 *
	 * @since 0.4.0
	 */
	public const SECRET_CONTEXT = 'cloud.app_secret';

	/**
	 * The sandbox's default app secret.
	 *
	 * @since 0.4.0
	 */
	public const SANDBOX_APP_SECRET = 'sandbox-app-secret';

	/**
	 * User meta: a vendor's short code (customers type `#CODE`).
	 *
	 * @since 0.4.0
	 */
	public const CODE_META = 'wpwa_vendor_code';

	/**
	 * Vendors' codes by vendor ID, as the core gave them in this request.
	 *
	 * @var array<int,string>|null
	 */
	private static ?array $codes = null;

	/**
	 * User meta: whether the vendor gets an e-mail per customer message ('0' turns it off).
	 * Read only to carry it into the preferences (see Preferences::get()).
	 *
	 * @since 0.4.0
	 */
	public const NOTIFY_EMAIL_META = 'wpwa_notify_email';

	/**
	 * Fallbacks when no rule picks a vendor.
	 *
	 * @since 0.4.0
	 */
	public const FALLBACKS = array( 'team', 'vendor', 'menu' );

	/**
	 * Defaults.
	 *
	 * @since 0.4.0
	 *
	 * @return array<string,mixed>
	 */
	public static function defaults(): array {
		return array(
			'app_secret'      => '',
			'verify_token'    => '',
			'fallback'        => 'team',
			'fallback_vendor' => 0,
			'window_hours'    => 72,
			'phone_number_id' => '',
			'allowance'       => 1000,
			'auto_replies'    => 1,
			'notify_template' => '',
			'notify_language' => 'en_US',
			'menu_intro'      => '',
			'retention_days'  => 0,
		);
	}

	/**
	 * Settings with defaults applied and types normalised.
	 *
	 * @since 0.4.0
	 *
	 * @return array<string,mixed>
	 */
	public static function all(): array {
		$stored = get_option( self::OPTION, array() );
		$stored = is_array( $stored ) ? $stored : array();
		$s      = array_merge( self::defaults(), array_intersect_key( $stored, self::defaults() ) );

		$s['app_secret']      = (string) $s['app_secret'];
		$s['verify_token']    = preg_match( '/^[A-Za-z0-9_\-]{16,128}$/', (string) $s['verify_token'] ) ? (string) $s['verify_token'] : '';
		$s['fallback']        = in_array( $s['fallback'], self::FALLBACKS, true ) ? (string) $s['fallback'] : 'team';
		$s['fallback_vendor'] = max( 0, (int) $s['fallback_vendor'] );
		$s['window_hours']    = min( 2160, max( 0, (int) $s['window_hours'] ) );
		$s['phone_number_id'] = preg_match( '/^\d{1,64}$/', (string) $s['phone_number_id'] ) ? (string) $s['phone_number_id'] : '';
		$s['allowance']       = min( 1000000, max( 0, (int) $s['allowance'] ) );
		$s['auto_replies']    = (int) (bool) $s['auto_replies'];
		$s['notify_template'] = preg_match( '/^[a-z0-9_]{1,512}$/', (string) $s['notify_template'] ) ? (string) $s['notify_template'] : '';
		$s['notify_language'] = preg_match( '/^[a-z]{2,3}(_[A-Z]{2})?$/', (string) $s['notify_language'] ) ? (string) $s['notify_language'] : 'en_US';
		$s['menu_intro']      = (string) $s['menu_intro'];
		$s['retention_days']  = self::retention_days( $s['retention_days'] ) ?? 0;
		return $s;
	}

	/**
	 * One setting.
	 *
	 * @since 0.4.0
	 *
	 * @param string $key Key.
	 * @return mixed
	 */
	public static function get( string $key ) {
		$all = self::all();
		return $all[ $key ] ?? null;
	}

	/**
	 * A new random verify token.
	 *
	 * @since 0.4.0
	 *
	 * @return string
	 */
	public static function new_verify_token(): string {
		return 'wpwa_' . wp_generate_password( 32, false, false );
	}

	/**
	 * The webhook verify token; generated and saved the first time it is needed.
	 *
	 * @since 0.4.0
	 *
	 * @return string
	 */
	public static function verify_token(): string {
		$token = (string) self::get( 'verify_token' );
		if ( '' === $token ) {
			$token  = self::new_verify_token();
			$stored = get_option( self::OPTION, array() );
			$stored = is_array( $stored ) ? $stored : array();
			// sanitize() takes a submitted token only while none is saved.
			update_option( self::OPTION, array_merge( self::defaults(), $stored, array( 'verify_token' => $token ) ) );
		}
		return $token;
	}

	/**
	 * The app secret webhooks are signed with: the saved one, else the
	 * sandbox's in sandbox mode, else ''.
	 *
	 * @since 0.4.0
	 *
	 * @return string
	 */
	public static function app_secret(): string {
		$sealed = (string) self::get( 'app_secret' );
		if ( '' !== $sealed ) {
			$open = Core::secret_open( self::SECRET_CONTEXT, $sealed );
			if ( is_string( $open ) && '' !== $open ) {
				return $open;
			}
		}
		return Settings::get( 'sandbox_mode' ) ? self::SANDBOX_APP_SECRET : '';
	}

	/**
	 * The sandbox's phone number ID.
	 *
	 * @since 0.5.0
	 */
	public const SANDBOX_PHONE_NUMBER_ID = '100000000000001';

	/**
	 * The Cloud API connection messages are sent through for a vendor (`url`,
	 * `version`, `token`, `phone_number_id`): the catalog's account and the
	 * marketplace's phone number, or a WP_Error saying what to set up.
	 *
	 * @since 0.5.0
	 *
	 * @param int $vendor_id Vendor user ID (0: the marketplace).
	 * @return array<string,string>|\WP_Error
	 */
	public static function connection( int $vendor_id ) {
		$account = CatalogConfig::account();
		$sandbox = (bool) Settings::get( 'sandbox_mode' );
		$phone   = (string) self::get( 'phone_number_id' );
		if ( '' === $phone && $sandbox ) {
			$phone = self::SANDBOX_PHONE_NUMBER_ID;
		}
		$connection = array(
			'url'             => $account['url'],
			'version'         => $account['version'],
			'token'           => $account['token'],
			'phone_number_id' => $phone,
		);

		/**
		 * Filters the Cloud API connection messages for a vendor are sent
		 * through (integration model 2 gives vendors their own).
		 *
		 * @since 0.5.0
		 *
		 * @param array<string,string> $connection url, version, token, phone_number_id.
		 * @param int                  $vendor_id  Vendor user ID (0: the marketplace).
		 * @param bool                 $sandbox    Whether sandbox mode is on.
		 */
		$connection = apply_filters( 'wpwa_message_connection', $connection, $vendor_id, $sandbox );
		if ( ! is_array( $connection ) || '' === (string) ( $connection['phone_number_id'] ?? '' ) || '' === (string) ( $connection['token'] ?? '' ) ) {
			return new \WP_Error(
				'wpwa_messages_not_configured',
				__( 'Sending WhatsApp messages is not set up yet: the marketplace administrator must enter the access token (WhatsApp → Settings → Catalog) and the phone number ID (Customer messages).', 'wpwa' ),
				array( 'status' => 409 )
			);
		}
		return array_map( 'strval', array_intersect_key( $connection, array_flip( array( 'url', 'version', 'token', 'phone_number_id' ) ) ) );
	}

	/**
	 * The sending limits for the core: the monthly allowance per vendor; the
	 * marketplace's own messages (vendor 0) have none.
	 *
	 * @since 0.5.0
	 *
	 * @param int $vendor_id Vendor user ID (0: the marketplace).
	 * @return array{monthly_allowance:int}
	 */
	public static function limits( int $vendor_id ): array {
		$allowance = $vendor_id > 0 ? (int) self::get( 'allowance' ) : 4294967295;

		/**
		 * Filters a vendor's monthly allowance of WhatsApp messages.
		 *
		 * @since 0.5.0
		 *
		 * @param int $allowance Messages per calendar month (UTC).
		 * @param int $vendor_id Vendor user ID (0: the marketplace).
		 */
		$allowance = (int) apply_filters( 'wpwa_message_allowance', $allowance, $vendor_id );
		return array( 'monthly_allowance' => max( 0, min( 4294967295, $allowance ) ) );
	}

	/**
	 * The question of the vendor menu.
	 *
	 * @since 0.5.0
	 *
	 * @return string
	 */
	public static function menu_intro(): string {
		$intro = trim( (string) self::get( 'menu_intro' ) );
		if ( '' !== $intro ) {
			return $intro;
		}
		/* translators: %s: site name. */
		return sprintf( __( 'Thanks for writing to %s! Which shop is your message for? You can also write the shop\'s name or #code.', 'wpwa' ), wp_specialchars_decode( (string) get_bloginfo( 'name' ), ENT_QUOTES ) );
	}

	/**
	 * The webhook callback URL to paste into Meta's dashboard.
	 *
	 * @since 0.4.0
	 *
	 * @return string
	 */
	public static function callback_url(): string {
		return rest_url( 'wpwa/v1/webhooks/cloud' );
	}

	/**
	 * Routing options for the core: `window_seconds` and `fallback`.
	 *
	 * @since 0.4.0
	 *
	 * @return array<string,mixed>
	 */
	public static function routing(): array {
		$s       = self::all();
		$routing = array(
			'window_seconds' => $s['window_hours'] * HOUR_IN_SECONDS,
			'fallback'       => 'team',
		);
		if ( 'menu' === $s['fallback'] ) {
			$routing['fallback'] = 'menu';
		} elseif ( 'vendor' === $s['fallback'] && $s['fallback_vendor'] > 0 && Vendors::is_vendor( $s['fallback_vendor'] ) ) {
			$routing['fallback'] = $s['fallback_vendor'];
		}

		/**
		 * Filters the routing options given to the core with each Cloud API
		 * webhook: `window_seconds` and `fallback` ('team', 'menu' or a vendor ID).
		 *
		 * @since 0.4.0
		 *
		 * @param array<string,mixed> $routing Routing options.
		 */
		$filtered = apply_filters( 'wpwa_message_routing', $routing );
		return is_array( $filtered ) ? $filtered : $routing;
	}

	/**
	 * A vendor's code, as customers write it after `#`: the one the core gave
	 * them in the routing directory (their `wpwa_vendor_code` user meta when
	 * set and free, else made from the store name; unique among vendors).
	 *
	 * @since 0.4.0
	 * @since 0.7.0 From the core's directory, so that it is unique; the one the core keeps.
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return string '' when the vendor is not in the directory.
	 */
	public static function vendor_code( int $vendor_id ): string {
		// Every code depends on every vendor's name: made once per request, not per vendor shown.
		if ( null === self::$codes ) {
			$directory   = Directory::entries();
			self::$codes = array();
			foreach ( is_array( $directory ) ? $directory : array() as $entry ) {
				self::$codes[ (int) $entry['vendor_id'] ] = (string) $entry['code'];
			}
		}
		return self::$codes[ $vendor_id ] ?? '';
	}

	/**
	 * One vendor's entry of the directory: `vendor_id`, `code` (the code the
	 * vendor chose, or ''), `store_name` (as the marketplace answers it).
	 *
	 * @since 0.7.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return array{vendor_id:int,code:string,store_name:string}
	 */
	public static function listing( int $vendor_id ): array {
		return array(
			'vendor_id'  => $vendor_id,
			'code'       => (string) get_user_meta( $vendor_id, self::CODE_META, true ),
			'store_name' => CatalogConfig::store_name( $vendor_id ),
		);
	}

	/**
	 * The vendor directory given to the core: `vendor_id`, `code` (the code
	 * the vendor chose, or ''), `store_name` (as the marketplace answers it).
	 * The core decodes the names and gives every vendor a code of their own.
	 *
	 * @since 0.4.0
	 *
	 * @return array<int,array{vendor_id:int,code:string,store_name:string}>
	 */
	public static function directory(): array {
		$directory = array_map( array( self::class, 'listing' ), Vendors::all_ids() );

		/**
		 * Filters the vendor directory customer messages are routed with.
		 *
		 * @since 0.4.0
		 *
		 * @param array<int,array> $directory Entries: vendor_id, code, store_name.
		 */
		$filtered = apply_filters( 'wpwa_message_vendor_directory', $directory );
		return is_array( $filtered ) ? array_values( $filtered ) : $directory;
	}

	/**
	 * Whether the vendor wants an e-mail per customer message (default yes).
	 *
	 * @since 0.4.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return bool
	 */
	public static function notify_by_email( int $vendor_id ): bool {
		return (bool) Preferences::get( $vendor_id )['notify_email'];
	}

	/**
	 * A retention setting: 0 (keep until erased) or 31 to 36,500 days; null
	 * for anything else.
	 *
	 * @since 0.6.0
	 *
	 * @param mixed $value Stored or submitted value.
	 * @return int|null
	 */
	private static function retention_days( $value ): ?int {
		if ( is_int( $value ) ) {
			$value = (string) $value;
		}
		if ( ! is_string( $value ) || ! ctype_digit( $value ) || strlen( $value ) > 5 ) {
			return null;
		}
		$days = (int) $value;
		return ( 0 === $days || ( $days >= 31 && $days <= 36500 ) ) ? $days : null;
	}

	/**
	 * Sanitize callback of the option.
	 *
	 * @since 0.4.0
	 *
	 * @param mixed $input Submitted value.
	 * @return array<string,mixed>
	 */
	public static function sanitize( $input ): array {
		$current = self::all();
		if ( ! is_array( $input ) ) {
			return $current;
		}
		$clean = $current;
		$error = static function ( string $code, string $message ) {
			add_settings_error( self::OPTION, $code, $message );
		};

		// Never pre-filled: blank keeps the saved secret.
		if ( isset( $input['app_secret'] ) ) {
			$secret = trim( (string) wp_unslash( $input['app_secret'] ) );
			if ( '' !== $secret ) {
				if ( strlen( $secret ) > 512 || preg_match( '/[\x00-\x20\x7f]/', $secret ) ) {
					$error( 'wpwa_invalid_app_secret', __( 'The app secret was not saved: it is too long or contains spaces or control characters.', 'wpwa' ) );
				} else {
					$sealed = Core::secret_seal( self::SECRET_CONTEXT, $secret );
					if ( is_wp_error( $sealed ) ) {
						$error( 'wpwa_seal_failed', __( 'The app secret could not be stored encrypted, so it was not saved. Check that the wpwa extension is loaded.', 'wpwa' ) );
					} else {
						$clean['app_secret'] = $sealed;
					}
				}
			}
		}
		if ( ! empty( $input['app_secret_clear'] ) ) {
			$clean['app_secret'] = '';
		}
		if ( '' === $current['verify_token'] && isset( $input['verify_token'] ) && preg_match( '/^[A-Za-z0-9_\-]{16,128}$/', (string) $input['verify_token'] ) ) {
			$clean['verify_token'] = (string) $input['verify_token'];
		}
		if ( '' === $clean['verify_token'] || ! empty( $input['verify_token_regenerate'] ) ) {
			$clean['verify_token'] = self::new_verify_token();
		}
		if ( isset( $input['fallback'] ) ) {
			$fallback          = sanitize_key( (string) $input['fallback'] );
			$clean['fallback'] = in_array( $fallback, self::FALLBACKS, true ) ? $fallback : 'team';
		}
		if ( isset( $input['fallback_vendor'] ) ) {
			$vendor = absint( $input['fallback_vendor'] );
			if ( 0 === $vendor || Vendors::is_vendor( $vendor ) ) {
				$clean['fallback_vendor'] = $vendor;
			}
		}
		if ( 'vendor' === $clean['fallback'] && $clean['fallback_vendor'] <= 0 ) {
			$clean['fallback'] = 'team';
			$error( 'wpwa_fallback_vendor', __( 'Choose the vendor who receives messages no rule routes; until then they go to the marketplace team.', 'wpwa' ) );
		}
		if ( isset( $input['phone_number_id'] ) ) {
			$phone = trim( sanitize_text_field( wp_unslash( (string) $input['phone_number_id'] ) ) );
			if ( '' === $phone || preg_match( '/^\d{1,64}$/', $phone ) ) {
				$clean['phone_number_id'] = $phone;
			} else {
				$error( 'wpwa_invalid_phone_number_id', __( 'The phone number ID is the number Meta shows under WhatsApp → API Setup; the previous value was kept.', 'wpwa' ) );
			}
		}
		if ( isset( $input['retention_days'] ) ) {
			$days = self::retention_days( trim( (string) wp_unslash( $input['retention_days'] ) ) );
			if ( null === $days ) {
				$error( 'wpwa_invalid_retention_days', __( 'Customer messages are kept at least 31 days (a month\'s messages count against the allowance) and at most 36,500, or 0 to keep them until erased; the previous value was kept.', 'wpwa' ) );
			} else {
				$clean['retention_days'] = $days;
			}
		}
		if ( isset( $input['allowance'] ) ) {
			$raw = trim( (string) wp_unslash( $input['allowance'] ) );
			if ( ctype_digit( $raw ) && (int) $raw <= 1000000 ) {
				$clean['allowance'] = (int) $raw;
			} else {
				$error( 'wpwa_invalid_allowance', __( 'The monthly allowance must be a whole number from 0 to 1,000,000; the previous value was kept.', 'wpwa' ) );
			}
		}
		if ( isset( $input['allowance'] ) || isset( $input['auto_replies'] ) ) {
			// A checkbox: absent from a submitted form means off.
			$clean['auto_replies'] = empty( $input['auto_replies'] ) ? 0 : 1;
		}
		if ( isset( $input['notify_template'] ) ) {
			$template = strtolower( trim( sanitize_text_field( wp_unslash( (string) $input['notify_template'] ) ) ) );
			if ( '' === $template || preg_match( '/^[a-z0-9_]{1,512}$/', $template ) ) {
				$clean['notify_template'] = $template;
			} else {
				$error( 'wpwa_invalid_template', __( 'Template names have lower-case letters, digits and underscores only, as in Meta\'s WhatsApp Manager; the previous value was kept.', 'wpwa' ) );
			}
		}
		if ( isset( $input['notify_language'] ) ) {
			$language = trim( sanitize_text_field( wp_unslash( (string) $input['notify_language'] ) ) );
			if ( preg_match( '/^[a-z]{2,3}(_[A-Z]{2})?$/', $language ) ) {
				$clean['notify_language'] = $language;
			} else {
				$error( 'wpwa_invalid_language', __( 'The template language must be a code like en_US or de; the previous value was kept.', 'wpwa' ) );
			}
		}
		if ( isset( $input['menu_intro'] ) ) {
			$clean['menu_intro'] = mb_substr( sanitize_textarea_field( wp_unslash( (string) $input['menu_intro'] ) ), 0, 1000 );
		}
		if ( isset( $input['window_hours'] ) ) {
			$raw = trim( (string) wp_unslash( $input['window_hours'] ) );
			if ( ctype_digit( $raw ) && (int) $raw <= 2160 ) {
				$clean['window_hours'] = (int) $raw;
			} else {
				$error( 'wpwa_invalid_window_hours', __( 'The conversation window must be a whole number of hours from 0 to 2160; the previous value was kept.', 'wpwa' ) );
			}
		}
		return $clean;
	}
}
