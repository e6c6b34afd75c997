<?php
/**
 * The "Customer messages" section of the settings page.
 *
 * @package Wpwa\Plugin
 * @since   0.4.0
 */

namespace Wpwa\Plugin\Admin;

use Wpwa\Plugin\Catalog\Config as CatalogConfig;
use Wpwa\Plugin\Rules;
use Wpwa\Plugin\Messages\Config;
use Wpwa\Plugin\Messages\Pricing;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Vendors;
use function Wpwa\Plugin\esc_rule_attributes;

defined( 'ABSPATH' ) || exit;

/**
 * Registers the `wpwa_messages` option in the settings page's group and its
 * fields: the webhook callback URL and verify token, the Cloud API app
 * secret (sealed), the routing fallback and the conversation window.
 *
 * @since 0.4.0
 */
final class MessagesSettings {

	/**
	 * Hooks.
	 *
	 * @since 0.4.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( 'admin_init', array( self::class, 'register' ), 40 );
	}

	/**
	 * The setting, section and fields.
	 *
	 * @since 0.4.0
	 *
	 * @return void
	 */
	public static function register(): void {
		register_setting(
			Settings::GROUP,
			Config::OPTION,
			array(
				'type'              => 'object',
				'description'       => __( 'WhatsApp customer message settings.', 'wpwa' ),
				'sanitize_callback' => array( Config::class, 'sanitize' ),
				'default'           => Config::defaults(),
				'show_in_rest'      => false,
			)
		);
		add_settings_section(
			'wpwa_messages',
			__( 'Customer messages', 'wpwa' ),
			array( self::class, 'intro' ),
			SettingsPage::SLUG
		);
		$fields = array(
			'callback_url' => __( 'Webhook callback URL', 'wpwa' ),
			'verify_token' => __( 'Webhook verify token', 'wpwa' ),
			'app_secret'   => __( 'App secret', 'wpwa' ),
			'phone_number_id' => __( 'Phone number ID', 'wpwa' ),
			'waba_id'         => __( 'WhatsApp Business account ID', 'wpwa' ),
			'fallback'        => __( 'Messages no rule routes', 'wpwa' ),
			'menu_intro'      => __( 'Shop menu question', 'wpwa' ),
			'window_hours'    => __( 'Conversation window', 'wpwa' ),
			'allowance'       => __( 'Monthly allowance per vendor', 'wpwa' ),
			// Since 0.15.0.
			'rate_card'       => __( 'Message prices', 'wpwa' ),
			'cost_cap'        => __( 'Monthly cost cap per vendor', 'wpwa' ),
			'auto_replies'    => __( 'Automatic replies', 'wpwa' ),
			'notify_template' => __( 'Vendor notification template', 'wpwa' ),
			'retention_days'  => __( 'Message history', 'wpwa' ),
		);
		foreach ( $fields as $key => $label ) {
			add_settings_field(
				'wpwa_messages_' . $key,
				$label,
				array( self::class, 'field_' . $key ),
				SettingsPage::SLUG,
				'wpwa_messages',
				'fallback' === $key ? array() : array( 'label_for' => 'wpwa_messages_' . $key )
			);
		}
	}

	/**
	 * Section introduction.
	 *
	 * @since 0.4.0
	 *
	 * @return void
	 */
	public static function intro(): void {
		echo '<p>' . esc_html__( 'Customers write to the marketplace\'s WhatsApp number; each message reaches the right vendor: the vendor of the product the customer asks about or orders, a vendor named by its code (#CODE) or store name, the vendor the customer was talking to recently, else the choice below.', 'wpwa' ) . '</p>';
		echo '<p class="description">' . esc_html__( 'In Meta\'s app dashboard (WhatsApp → Configuration), enter the callback URL and verify token below and subscribe to the "messages" field.', 'wpwa' ) . '</p>';
		if ( Settings::get( 'sandbox_mode' ) ) {
			printf(
				'<p class="description">%s</p>',
				sprintf(
					/* translators: %s: the sandbox's app secret. */
					esc_html__( 'Sandbox mode is on: unless you enter an app secret, webhooks are checked with the sandbox\'s %s.', 'wpwa' ),
					'<code>' . esc_html( Config::SANDBOX_APP_SECRET ) . '</code>'
				)
			);
		}
	}

	/**
	 * Name attribute of a field.
	 *
	 * @since 0.4.0
	 *
	 * @param string $key Key.
	 * @return string
	 */
	private static function name( string $key ): string {
		return Config::OPTION . '[' . $key . ']';
	}

	/**
	 * Field: the callback URLs (read-only, to copy): the early ingest one and the REST route.
	 *
	 * @since 0.4.0
	 * @since 0.16.0 Both callback URLs.
	 *
	 * @return void
	 */
	public static function field_callback_url(): void {
		printf(
			'<p><label for="wpwa_messages_early_callback_url"><strong>%1$s</strong></label></p><input type="text" class="large-text code" id="wpwa_messages_early_callback_url" value="%2$s" readonly onfocus="this.select();" />',
			esc_html__( 'Fast (recommended):', 'wpwa' ),
			esc_attr( Config::early_callback_url() )
		);
		echo '<p class="description">' . esc_html__( 'Answers Meta without loading WordPress: the delivery is checked and queued, and WordPress handles it moments later in the background. Use it unless your server blocks direct access to plugin files.', 'wpwa' ) . '</p>';
		printf(
			'<p><label for="wpwa_messages_callback_url"><strong>%1$s</strong></label></p><input type="text" class="large-text code" id="wpwa_messages_callback_url" value="%2$s" readonly onfocus="this.select();" />',
			esc_html__( 'Through the WordPress REST API:', 'wpwa' ),
			esc_attr( Config::callback_url() )
		);
		echo '<p class="description">' . esc_html__( 'Handles each delivery completely before answering. Both URLs accept the same deliveries with the same verify token.', 'wpwa' ) . '</p>';
	}

	/**
	 * Field: the verify token (generated, shown, regenerable).
	 *
	 * @since 0.4.0
	 *
	 * @return void
	 */
	public static function field_verify_token(): void {
		printf(
			'<input type="text" class="regular-text code" id="wpwa_messages_verify_token" value="%1$s" readonly onfocus="this.select();" /><p class="description">%2$s</p><label><input type="checkbox" name="%3$s" value="1" /> %4$s</label>',
			esc_attr( Config::verify_token() ),
			esc_html__( 'Generated for this site. Meta sends it back when you verify the callback URL.', 'wpwa' ),
			esc_attr( self::name( 'verify_token_regenerate' ) ),
			esc_html__( 'Generate a new token on save (then enter it in Meta\'s dashboard again)', 'wpwa' )
		);
	}

	/**
	 * Field: app secret (sealed, shown masked).
	 *
	 * @since 0.4.0
	 *
	 * @return void
	 */
	public static function field_app_secret(): void {
		Config::secret()->render(
			'wpwa_messages_app_secret',
			self::name( 'app_secret' ),
			self::name( 'app_secret_clear' ),
			(string) Config::get( 'app_secret' ),
			array(
				'saved'  => __( 'Saved app secret:', 'wpwa' ),
				'remove' => __( 'Remove the saved app secret', 'wpwa' ),
				'none'   => __( 'The App Secret of your Meta app (App settings → Basic). Webhooks are accepted only when signed with it. Stored encrypted; never shown again.', 'wpwa' ),
			)
		);
	}

	/**
	 * Field: the routing fallback.
	 *
	 * @since 0.4.0
	 *
	 * @return void
	 */
	public static function field_fallback(): void {
		$s       = Config::all();
		$options = array(
			'team'   => __( 'The marketplace team (shown to administrators only)', 'wpwa' ),
			'vendor' => __( 'A default vendor:', 'wpwa' ),
			'menu'   => __( 'Ask the customer to choose a vendor from a list', 'wpwa' ),
		);
		echo '<fieldset><legend class="screen-reader-text">' . esc_html__( 'Messages no rule routes', 'wpwa' ) . '</legend>';
		foreach ( $options as $value => $label ) {
			printf(
				'<label><input type="radio" name="%1$s" value="%2$s" %3$s /> %4$s</label> ',
				esc_attr( self::name( 'fallback' ) ),
				esc_attr( $value ),
				checked( $s['fallback'], $value, false ),
				esc_html( $label )
			);
			if ( 'vendor' === $value ) {
				printf( '<label for="wpwa_messages_fallback_vendor" class="screen-reader-text">%s</label>', esc_html__( 'Default vendor', 'wpwa' ) );
				printf( '<select id="wpwa_messages_fallback_vendor" name="%s"><option value="0">—</option>', esc_attr( self::name( 'fallback_vendor' ) ) );
				foreach ( Vendors::all_ids() as $vendor_id ) {
					printf(
						'<option value="%1$d" %2$s>%3$s</option>',
						(int) $vendor_id,
						selected( $s['fallback_vendor'], (int) $vendor_id, false ),
						esc_html( CatalogConfig::store_name( (int) $vendor_id ) . ' (#' . Config::vendor_code( (int) $vendor_id ) . ')' )
					);
				}
				echo '</select>';
			}
			echo '<br />';
		}
		echo '</fieldset>';
	}

	/**
	 * Field: conversation window in hours.
	 *
	 * @since 0.4.0
	 *
	 * @return void
	 */
	public static function field_window_hours(): void {
		printf(
			'<input type="number" class="small-text" id="wpwa_messages_window_hours" name="%1$s" value="%2$d"%3$s step="1" /> %4$s<p class="description">%5$s</p>',
			esc_attr( self::name( 'window_hours' ) ),
			(int) Config::get( 'window_hours' ),
			esc_rule_attributes( Config::RULES_GROUP, 'window_hours' ),
			esc_html__( 'hours', 'wpwa' ),
			esc_html__( 'A message that names no product or vendor goes to the vendor the customer wrote to within this time (default 72 hours; 0 turns this off).', 'wpwa' )
		);
	}

	/**
	 * Field: the marketplace number's phone number ID (live mode).
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function field_phone_number_id(): void {
		printf(
			'<input type="text" class="regular-text code" id="wpwa_messages_phone_number_id" name="%1$s" value="%2$s" inputmode="numeric"%3$s /><p class="description">%4$s</p>',
			esc_attr( self::name( 'phone_number_id' ) ),
			esc_attr( (string) Config::get( 'phone_number_id' ) ),
			esc_rule_attributes( Config::RULES_GROUP, 'phone_number_id' ),
			esc_html__( 'The ID of the marketplace\'s WhatsApp number (Meta app → WhatsApp → API Setup). Messages go out from it with the catalog\'s access token. In sandbox mode the sandbox\'s number is used when this is empty.', 'wpwa' )
		);
	}

	/**
	 * Field: the marketplace's WhatsApp Business account ID, whose message
	 * templates the Templates page lists.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function field_waba_id(): void {
		printf(
			'<input type="text" class="regular-text code" id="wpwa_messages_waba_id" name="%1$s" value="%2$s" inputmode="numeric"%3$s /><p class="description">%4$s</p>',
			esc_attr( self::name( 'waba_id' ) ),
			esc_attr( (string) Config::get( 'waba_id' ) ),
			esc_rule_attributes( Config::RULES_GROUP, 'waba_id' ),
			esc_html__( 'The ID of the WhatsApp Business account the number belongs to (Meta app → WhatsApp → API Setup). Its message templates are listed under WhatsApp → Templates. In sandbox mode the sandbox\'s account is used when this is empty.', 'wpwa' )
		);
	}

	/**
	 * Field: the question of the shop menu.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function field_menu_intro(): void {
		printf(
			'<textarea class="large-text" rows="2" id="wpwa_messages_menu_intro" name="%1$s"%2$s placeholder="%3$s">%4$s</textarea><p class="description">%5$s</p>',
			esc_attr( self::name( 'menu_intro' ) ),
			esc_rule_attributes( Config::RULES_GROUP, 'menu_intro' ),
			esc_attr( Config::menu_intro() ),
			esc_textarea( (string) Config::get( 'menu_intro' ) ),
			esc_html__( 'Sent with the list of shops when the customer is asked to choose (the first ten shops by name are listed). Leave empty for the default shown.', 'wpwa' )
		);
	}

	/**
	 * Field: monthly allowance of messages per vendor.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function field_allowance(): void {
		printf(
			'<input type="number" class="small-text" id="wpwa_messages_allowance" name="%1$s" value="%2$d"%3$s step="1" /> %4$s<p class="description">%5$s</p>',
			esc_attr( self::name( 'allowance' ) ),
			(int) Config::get( 'allowance' ),
			esc_rule_attributes( Config::RULES_GROUP, 'allowance' ),
			esc_html__( 'messages', 'wpwa' ),
			esc_html__( 'How many WhatsApp messages may be sent on each vendor\'s behalf per calendar month (UTC), automatic replies included. Default 1,000. Further sends are refused until the 1st.', 'wpwa' )
		);
	}

	/**
	 * Field: the rate card: the currency of the WhatsApp invoice and a price per
	 * message for each pricing category.
	 *
	 * @since 0.15.0
	 *
	 * @return void
	 */
	public static function field_rate_card(): void {
		printf(
			'<p><label for="wpwa_messages_rate_card">%1$s</label> <input type="text" class="small-text code" id="wpwa_messages_rate_card" name="%2$s" value="%3$s"%4$s /></p>',
			esc_html__( 'Currency', 'wpwa' ),
			esc_attr( self::name( 'rate_currency' ) ),
			esc_attr( Pricing::currency() ),
			esc_rule_attributes( Config::RULES_GROUP, 'rate_currency' )
		);
		echo '<table class="wpwa-rate-card widefat striped"><thead><tr><th scope="col">' . esc_html__( 'Category', 'wpwa' ) . '</th><th scope="col">' . esc_html__( 'Price per message', 'wpwa' ) . '</th></tr></thead><tbody>';
		foreach ( Pricing::CATEGORIES as $category ) {
			$key = 'price_' . $category;
			printf(
				'<tr><th scope="row"><label for="wpwa_messages_%1$s">%2$s</label></th><td><input type="number" class="small-text" id="wpwa_messages_%1$s" name="%3$s" value="%4$s"%5$s /> %6$s</td></tr>',
				esc_attr( $key ),
				esc_html( Pricing::category_label( $category ) ),
				esc_attr( self::name( $key ) ),
				esc_attr( Pricing::decimal( (int) Config::get( $key ) ) ),
				esc_rule_attributes( Config::RULES_GROUP, $key ),
				esc_html( Pricing::currency() )
			);
		}
		echo '</tbody></table>';
		printf(
			'<p class="description">%s</p>',
			esc_html__( 'What WhatsApp charges you per delivered message in each category, from Meta\'s rate card for your customers\' country (WhatsApp bills per message since July 2025 and never says the price). Used to estimate each vendor\'s monthly cost on the Vendors page and in their dashboard, and for the cost cap. Messages WhatsApp reports as free (replies inside the 24-hour window, free entry points) cost nothing whatever the price here; until a message\'s delivery status arrives it is counted at its category\'s price.', 'wpwa' )
		);
	}

	/**
	 * Field: the monthly cost cap per vendor.
	 *
	 * @since 0.15.0
	 *
	 * @return void
	 */
	public static function field_cost_cap(): void {
		printf(
			'<input type="number" class="small-text" id="wpwa_messages_cost_cap" name="%1$s" value="%2$s"%3$s /> %4$s<p class="description">%5$s</p>',
			esc_attr( self::name( 'cost_cap' ) ),
			esc_attr( Pricing::decimal( (int) Config::get( 'cost_cap' ) ) ),
			esc_rule_attributes( Config::RULES_GROUP, 'cost_cap' ),
			esc_html( Pricing::currency() ),
			esc_html__( 'What each vendor\'s WhatsApp messages may cost per calendar month (UTC), at the prices above. A send that would pass it is refused until the 1st; free messages still go. 0 means no cap (the monthly allowance still applies). WhatsApp → Vendors sets a vendor\'s own cap and allowance; so does the wpwa_message_cost_cap filter.', 'wpwa' )
		);
	}

	/**
	 * Field: how long customer conversations are kept.
	 *
	 * @since 0.6.0
	 *
	 * @return void
	 */
	public static function field_retention_days(): void {
		printf(
			'<input type="number" class="small-text" id="wpwa_messages_retention_days" name="%1$s" value="%2$d"%3$s step="1" /> %4$s<p class="description">%5$s</p>',
			esc_attr( self::name( 'retention_days' ) ),
			(int) Config::get( 'retention_days' ),
			esc_rule_attributes( Config::RULES_GROUP, 'retention_days' ),
			esc_html__( 'days', 'wpwa' ),
			esc_html(
				sprintf(
					/* translators: %s: fewest days. */
					__( 'Conversations nobody wrote in for this long are deleted with their messages by the daily clean-up, for data retention rules. 0 keeps them until erased (Tools → Erase Personal Data erases one customer\'s). At least %s days: a month\'s messages count against the allowance.', 'wpwa' ),
					number_format_i18n( (float) ( Rules::field( Config::RULES_GROUP, 'retention_days' )['min'] ?? 0 ) )
				)
			)
		);
	}

	/**
	 * Field: whether vendors' automatic replies are sent.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function field_auto_replies(): void {
		printf(
			'<label><input type="checkbox" id="wpwa_messages_auto_replies" name="%1$s" value="1" %2$s /> %3$s</label><p class="description">%4$s</p>',
			esc_attr( self::name( 'auto_replies' ) ),
			checked( (bool) Config::get( 'auto_replies' ), true, false ),
			esc_html__( 'Send the acknowledgements and away messages vendors set in their Preferences', 'wpwa' ),
			esc_html__( 'Sent from the marketplace number, naming the vendor; at most one per customer and vendor in 12 hours.', 'wpwa' )
		);
	}

	/**
	 * Field: the template vendors are notified with on WhatsApp.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function field_notify_template(): void {
		printf(
			'<input type="text" class="regular-text code" id="wpwa_messages_notify_template" name="%1$s" value="%2$s"%3$s placeholder="new_customer_message" /> <label for="wpwa_messages_notify_language">%4$s</label> <input type="text" class="small-text code" id="wpwa_messages_notify_language" name="%5$s" value="%6$s"%7$s /><p class="description">%8$s</p>',
			esc_attr( self::name( 'notify_template' ) ),
			esc_attr( (string) Config::get( 'notify_template' ) ),
			esc_rule_attributes( Config::RULES_GROUP, 'notify_template' ),
			esc_html__( 'Language', 'wpwa' ),
			esc_attr( self::name( 'notify_language' ) ),
			esc_attr( (string) Config::get( 'notify_language' ) ),
			esc_rule_attributes( Config::RULES_GROUP, 'notify_language' ),
			esc_html__( 'An approved utility template whose body takes the customer ({{1}}) and the message ({{2}}). With one set, vendors can choose to be told about new messages on WhatsApp; empty turns that choice off.', 'wpwa' )
		);
	}
}
