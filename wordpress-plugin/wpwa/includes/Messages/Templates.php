<?php
/**
 * The WhatsApp Business account's message templates: refreshed daily and on
 * demand, and where the site uses them.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Messages;

use Throwable;
use WP_Error;
use Wpwa\Plugin\CloudConnections;
use Wpwa\Plugin\Connections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\StoreMove;

defined( 'ABSPATH' ) || exit;

/**
 * The core keeps the templates of every account the site sends from (its
 * `templates_refresh()` reads them from the Cloud API, its webhook ingest
 * records the categories and statuses WhatsApp changes); this class decides
 * which connections to refresh, runs the daily refresh on Action Scheduler,
 * and collects where templates are used through the `wpwa_template_usages`
 * filter, so a changed category of a used template can be shown.
 *
 * @since 0.7.0
 */
final class Templates {

	/**
	 * Action Scheduler hook of the daily refresh.
	 *
	 * @since 0.7.0
	 */
	public const REFRESH_HOOK = 'wpwa_templates_refresh';

	/**
	 * Action Scheduler group.
	 *
	 * @since 0.7.0
	 */
	public const GROUP = 'wpwa';

	/**
	 * Option: the last refresh of each account (`waba_id` => `at`, `count`, `error`).
	 *
	 * @since 0.7.0
	 */
	public const STATE_OPTION = 'wpwa_templates_state';

	/**
	 * Hooks.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_action( self::REFRESH_HOOK, array( self::class, 'refresh_all' ) );
		add_action( 'init', array( self::class, 'ensure_daily' ), 100 );
		add_filter( 'wpwa_template_usages', array( self::class, 'notification_usage' ), 5 );
	}

	/**
	 * Schedules the daily refresh on Action Scheduler when it is not (cheap
	 * when it is).
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function ensure_daily(): void {
		if ( ! function_exists( 'as_schedule_recurring_action' ) || ! function_exists( 'as_next_scheduled_action' ) ) {
			return;
		}
		try {
			if ( false === as_next_scheduled_action( self::REFRESH_HOOK, array(), self::GROUP ) ) {
				as_schedule_recurring_action( time() + HOUR_IN_SECONDS, DAY_IN_SECONDS, self::REFRESH_HOOK, array(), self::GROUP );
			}
		} catch ( Throwable $e ) {
			Core::report( $e );
		}
	}

	/**
	 * Removes the daily refresh (deactivation, uninstall).
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function unschedule(): void {
		if ( function_exists( 'as_unschedule_all_actions' ) ) {
			as_unschedule_all_actions( self::REFRESH_HOOK, array(), self::GROUP );
		}
	}

	/**
	 * The Cloud API connections whose accounts' templates the site keeps: the
	 * marketplace's, and every saved connection with an account ID; one per
	 * account and number.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,array<string,string>> By `waba_id|phone_number_id`.
	 */
	public static function connections(): array {
		$candidates = array( Connections::cloud( 0, Connections::MESSAGES ) );
		foreach ( array_keys( CloudConnections::all() ) as $id ) {
			$candidates[] = CloudConnections::core_connection( (string) $id );
		}
		$connections = array();
		foreach ( $candidates as $connection ) {
			if ( is_wp_error( $connection ) || '' === (string) ( $connection['waba_id'] ?? '' ) ) {
				continue;
			}
			$key                 = $connection['waba_id'] . '|' . ( $connection['phone_number_id'] ?? '' );
			$connections[ $key ] = $connection;
		}
		return $connections;
	}

	/**
	 * Refreshes every account's templates (the daily action, and "Refresh now").
	 * Returns what each refresh found, or its error, by account.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,array<string,mixed>|WP_Error>
	 */
	public static function refresh_all(): array {
		$results = array();
		if ( StoreMove::skip_turn( self::REFRESH_HOOK, array(), false ) ) {
			return $results; // Daily: the next run comes by itself.
		}
		$state   = self::state();
		foreach ( self::connections() as $connection ) {
			$waba   = (string) $connection['waba_id'];
			$result = Core::templates_refresh( $connection );
			if ( ! isset( $results[ $waba ] ) || is_wp_error( $results[ $waba ] ) ) {
				$results[ $waba ] = $result;
			}
			$state[ $waba ] = array(
				'at'    => time(),
				'count' => is_wp_error( $result ) ? (int) ( $state[ $waba ]['count'] ?? 0 ) : (int) $result['count'],
				'error' => is_wp_error( $result ) ? $result->get_error_message() : '',
			);
		}
		update_option( self::STATE_OPTION, $state, false );
		return $results;
	}

	/**
	 * The last refresh of each account.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,array{at:int,count:int,error:string}>
	 */
	public static function state(): array {
		$state = get_option( self::STATE_OPTION, array() );
		return is_array( $state ) ? $state : array();
	}

	/**
	 * Where the site uses templates: the `wpwa_template_usages` filter's list,
	 * each entry `name`, `language` and `label`, malformed entries dropped.
	 *
	 * @since 0.7.0
	 *
	 * @return array<int,array{name:string,language:string,label:string}>
	 */
	public static function usages(): array {
		/**
		 * Filters where WhatsApp message templates are used, so the Templates
		 * page shows it and flags a used template whose category changed.
		 *
		 * @since 0.7.0
		 *
		 * @param array<int,array{name:string,language:string,label:string}> $usages Each use:
		 *        the template's name and language, and a label naming the use.
		 */
		$usages = apply_filters( 'wpwa_template_usages', array() );
		$clean  = array();
		foreach ( is_array( $usages ) ? $usages : array() as $usage ) {
			if ( ! is_array( $usage ) || '' === (string) ( $usage['name'] ?? '' ) ) {
				continue;
			}
			$clean[] = array(
				'name'     => (string) $usage['name'],
				'language' => (string) ( $usage['language'] ?? '' ),
				'label'    => (string) ( $usage['label'] ?? $usage['name'] ),
			);
		}
		return $clean;
	}

	/**
	 * The uses of one template.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed>                                           $template A template from the core.
	 * @param array<int,array{name:string,language:string,label:string}>|null $usages   Uses (default: usages()).
	 * @return array<int,string> Labels.
	 */
	public static function used_by( array $template, ?array $usages = null ): array {
		$labels = array();
		foreach ( $usages ?? self::usages() as $usage ) {
			if ( $usage['name'] === $template['name'] && ( '' === $usage['language'] || $usage['language'] === $template['language'] ) ) {
				$labels[] = $usage['label'];
			}
		}
		return $labels;
	}

	/**
	 * The stored templates (all accounts), or a WP_Error.
	 *
	 * @since 0.7.0
	 *
	 * @return array<int,array<string,mixed>>|WP_Error
	 */
	public static function all() {
		return Core::templates();
	}

	/**
	 * Used templates whose category changed and that no administrator has
	 * acknowledged yet (for the admin notice and Site Health).
	 *
	 * @since 0.7.0
	 *
	 * @return array<int,array<string,mixed>>
	 */
	public static function changed_in_use(): array {
		$templates = self::all();
		if ( is_wp_error( $templates ) ) {
			return array();
		}
		$usages = self::usages();
		return array_values(
			array_filter(
				$templates,
				static fn( array $t ): bool => ! empty( $t['flagged'] ) && null !== $t['previous_category'] && $t['previous_category'] !== $t['category'] && array() !== self::used_by( $t, $usages )
			)
		);
	}

	/**
	 * The vendor-notification template of the customer-message settings, as a use.
	 *
	 * @since 0.7.0
	 *
	 * @param mixed $usages Uses so far.
	 * @return array<int,array<string,string>>
	 */
	public static function notification_usage( $usages ): array {
		$usages = is_array( $usages ) ? $usages : array();
		$name   = (string) Config::get( 'notify_template' );
		if ( '' !== $name ) {
			$usages[] = array(
				'name'     => $name,
				'language' => (string) Config::get( 'notify_language' ),
				'label'    => __( 'WhatsApp notification to vendors of a new customer message', 'wpwa' ),
			);
		}
		return $usages;
	}
}
