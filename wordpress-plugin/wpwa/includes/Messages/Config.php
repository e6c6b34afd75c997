<?php
/**
 * Customer message settings.
 *
 * @package Wpwa\Plugin
 * @since   0.4.0
 */

namespace Wpwa\Plugin\Messages;

use Wpwa\Plugin\Catalog\Config as CatalogConfig;
use Wpwa\Plugin\CloudConnections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\OptionStore;
use Wpwa\Plugin\Rest\MessagesController;
use Wpwa\Plugin\Rules;
use Wpwa\Plugin\SealedCredential;
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
	 * The rulebook group of this option's ruled fields.
	 *
	 * @since 0.7.0
	 */
	public const RULES_GROUP = 'messages';

	/**
	 * The option's store.
	 *
	 * @var OptionStore|null
	 */
	private static ?OptionStore $store = null;

	/**
	 * The app secret field.
	 *
	 * @var SealedCredential|null
	 */
	private static ?SealedCredential $secret = null;

	/**
	 * The store of the `wpwa_messages` option.
	 *
	 * @since 0.7.0
	 *
	 * @return OptionStore
	 */
	public static function store(): OptionStore {
		self::$store = self::$store ?? new OptionStore( self::OPTION, self::defaults(), self::RULES_GROUP );
		return self::$store;
	}

	/**
	 * The sealed field of the app secret.
	 *
	 * @since 0.7.0
	 *
	 * @return SealedCredential
	 */
	public static function secret(): SealedCredential {
		self::$secret = self::$secret ?? new SealedCredential( self::SECRET_CONTEXT, self::RULES_GROUP, 'app_secret' );
		return self::$secret;
	}

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
			'waba_id'         => '',
			'allowance'       => 1000,
			'auto_replies'    => 1,
			'notify_template' => '',
			'notify_language' => 'en_US',
			'menu_intro'      => '',
			'retention_days'  => 0,
			// Since 0.15.0: the monthly cost cap per vendor (0: none) and the rate card,
			// amounts in micro-units of the currency.
			'cost_cap'        => 0,
			'rate_currency'   => 'USD',
		) + array_fill_keys(
			array_map(
				static function ( string $category ): string {
					return 'price_' . $category;
				},
				Pricing::CATEGORIES
			),
			0
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
		$s                    = self::store()->all();
		$s['fallback']        = in_array( $s['fallback'], self::FALLBACKS, true ) ? (string) $s['fallback'] : 'team';
		$s['fallback_vendor'] = absint( $s['fallback_vendor'] );
		$s['auto_replies']    = (int) (bool) $s['auto_replies'];
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
		return self::all()[ $key ] ?? null;
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
			$token = self::new_verify_token();
			// sanitize() takes a submitted token only while none is saved.
			self::store()->update( array( 'verify_token' => $token ) );
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
		$open = self::secret()->open( (string) self::get( 'app_secret' ) );
		if ( null !== $open ) {
			return $open;
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
	 * The sandbox's WhatsApp Business account ID (the one its webhooks name).
	 *
	 * @since 0.7.0
	 */
	public const SANDBOX_WABA_ID = '100000000000009';

	/**
	 * The Cloud API connection messages are sent through for a vendor (`url`,
	 * `version`, `token`, `phone_number_id`, `waba_id`): the catalog's account,
	 * the marketplace's phone number and its WhatsApp Business account, or a
	 * WP_Error saying what to set up.
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
		$waba = (string) self::get( 'waba_id' );
		if ( '' === $waba && $sandbox ) {
			$waba = self::SANDBOX_WABA_ID;
		}
		$connection = array(
			'url'             => $account['url'],
			'version'         => $account['version'],
			'token'           => $account['token'],
			'phone_number_id' => $phone,
			'waba_id'         => $waba,
		);

		/**
		 * Filters the Cloud API connection messages for a vendor are sent
		 * through (integration model 2 gives vendors their own).
		 *
		 * @since 0.5.0
		 *
		 * @param array<string,string> $connection url, version, token, phone_number_id, waba_id
		 *                                         (since 0.7.0; may be empty).
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
		$connection += array( 'waba_id' => '' );
		return array_map( 'strval', array_intersect_key( $connection, array_flip( array( 'url', 'version', 'token', 'phone_number_id', 'waba_id' ) ) ) );
	}

	/**
	 * The sending limits for the core: the monthly allowance per vendor and,
	 * since 0.15.0, the monthly cost cap with the rate card it counts at; the
	 * marketplace's own messages (vendor 0) have neither.
	 *
	 * @since 0.5.0
	 * @since 0.15.0 `cost_cap_micros` and `rate_card`.
	 *
	 * @param int $vendor_id Vendor user ID (0: the marketplace).
	 * @return array{monthly_allowance:int,cost_cap_micros:int,rate_card:array<string,mixed>}
	 */
	public static function limits( int $vendor_id ): array {
		$allowance = $vendor_id > 0 ? ( VendorLimits::allowance( $vendor_id ) ?? (int) self::get( 'allowance' ) ) : 4294967295;

		/**
		 * Filters a vendor's monthly allowance of WhatsApp messages.
		 *
		 * @since 0.5.0
		 * @since 0.15.0 Receives the vendor's own allowance when the administrator set one.
		 *
		 * @param int $allowance Messages per calendar month (UTC).
		 * @param int $vendor_id Vendor user ID (0: the marketplace).
		 */
		$allowance = (int) apply_filters( 'wpwa_message_allowance', $allowance, $vendor_id );
		// The core refuses an allowance outside its bounds (a filter's mistake shows).
		return array(
			'monthly_allowance' => max( 0, $allowance ),
			'cost_cap_micros'   => Pricing::cost_cap( $vendor_id ),
			'rate_card'         => Pricing::rate_card(),
		);
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
		return rest_url( ltrim( MessagesController::WEBHOOK_ROUTE, '/' ) );
	}

	/**
	 * The early ingest callback URL (ingest.php): the faster one to give Meta.
	 *
	 * @since 0.16.0
	 *
	 * @return string
	 */
	public static function early_callback_url(): string {
		return plugins_url( 'ingest.php', WPWA_PLUGIN_FILE );
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

		// A message to a vendor's own number is theirs (since 0.15.0).
		foreach ( CloudConnections::vendor_numbers() as $number => $vendor_id ) {
			$routing['vendor_numbers'][] = array(
				'phone_number_id' => (string) $number,
				'vendor_id'       => $vendor_id,
			);
		}

		/**
		 * Filters the routing options given to the core with each Cloud API
		 * webhook: `window_seconds` and `fallback` ('team', 'menu' or a vendor ID).
		 *
		 * @since 0.4.0
		 * @since 0.15.0 `vendor_numbers` (each `phone_number_id` and `vendor_id`) under model 2.
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
		$clean['app_secret'] = self::secret()->sanitize(
			$input['app_secret'] ?? null,
			! empty( $input['app_secret_clear'] ),
			(string) $current['app_secret'],
			self::OPTION,
			__( 'The app secret', 'wpwa' )
		);

		// A submitted verify token counts only while none is saved (see verify_token()).
		$ruled = $input;
		if ( '' !== $current['verify_token'] ) {
			unset( $ruled['verify_token'] );
		}
		if ( isset( $ruled['notify_template'] ) && is_string( $ruled['notify_template'] ) ) {
			$ruled['notify_template'] = strtolower( $ruled['notify_template'] );
		}
		$labels   = array(
			'verify_token'    => __( 'Verify token', 'wpwa' ),
			'phone_number_id' => __( 'phone number ID', 'wpwa' ),
			'waba_id'         => __( 'WhatsApp Business account ID', 'wpwa' ),
			'window_hours'    => __( 'The conversation window (hours)', 'wpwa' ),
			'allowance'       => __( 'The monthly allowance', 'wpwa' ),
			'retention_days'  => __( 'Keep customer messages', 'wpwa' ),
			'notify_template' => __( 'Template name', 'wpwa' ),
			'notify_language' => __( 'Template language', 'wpwa' ),
			'menu_intro'      => __( 'Vendor menu question', 'wpwa' ),
			'cost_cap'        => __( 'The monthly cost cap', 'wpwa' ),
			'rate_currency'   => __( 'The rate card currency', 'wpwa' ),
		);
		foreach ( Pricing::CATEGORIES as $category ) {
			/* translators: %s: pricing category, e.g. Marketing. */
			$labels[ 'price_' . $category ] = sprintf( __( 'The price of a %s message', 'wpwa' ), Pricing::category_label( $category ) );
		}
		$messages = array(
			'retention_days' => static function ( array $problem ): string {
				return sprintf(
					/* translators: 1: fewest days, 2: most days. */
					__( 'Customer messages are kept at least %1$s days (a month\'s messages count against the allowance) and at most %2$s, or 0 to keep them until erased; the previous value was kept.', 'wpwa' ),
					number_format_i18n( (float) ( $problem['min'] ?? 0 ) ),
					number_format_i18n( (float) ( $problem['max'] ?? 0 ) )
				);
			},
		);
		$checked  = Rules::sanitize( self::RULES_GROUP, self::OPTION, $ruled, $labels, $messages );
		$clean    = array_merge( $clean, $checked );
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
		if ( isset( $input['allowance'] ) || isset( $input['auto_replies'] ) ) {
			// A checkbox: absent from a submitted form means off.
			$clean['auto_replies'] = empty( $input['auto_replies'] ) ? 0 : 1;
		}
		return $clean;
	}
}
