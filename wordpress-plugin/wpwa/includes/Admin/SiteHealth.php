<?php
/**
 * The plugin's section of Tools → Site Health.
 *
 * @package Wpwa\Plugin
 * @since   0.5.0
 */

namespace Wpwa\Plugin\Admin;

use Throwable;
use Wpwa\Plugin\BusinessAccounts;
use Wpwa\Plugin\Catalog\Config as CatalogConfig;
use Wpwa\Plugin\Catalog\Scheduler;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Logs;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\StoreConfig;
use Wpwa\Plugin\StoreMove;
use Wpwa\Plugin\Texts;
use Wpwa\Plugin\Webhooks\Queue;

defined( 'ABSPATH' ) || exit;

/**
 * Adds a "WhatsApp (wpwa)" section to Site Health → Info (extension version,
 * store and its size, sandbox or API reachability, cron health) and three
 * status tests (extension, connectivity, cron).
 *
 * @since 0.5.0
 */
final class SiteHealth {

	/**
	 * A scheduled event this late is overdue (WP-Cron runs on page loads).
	 *
	 * @since 0.5.0
	 */
	public const OVERDUE_SECONDS = 15 * MINUTE_IN_SECONDS;

	/**
	 * Hooks.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public static function init(): void {
		add_filter( 'debug_information', array( self::class, 'debug_information' ) );
		add_filter( 'site_status_tests', array( self::class, 'tests' ) );
	}

	/**
	 * Whether the sandbox (in sandbox mode) or the Graph API (live) answers.
	 *
	 * @since 0.5.0
	 *
	 * @return array{ok:bool,target:string,text:string}
	 */
	public static function reachability(): array {
		$started = microtime( true );
		if ( Settings::get( 'sandbox_mode' ) ) {
			$url = (string) Settings::get( 'sandbox_url' );
			if ( ! Settings::is_loopback_url( $url ) ) {
				return array(
					'ok'     => false,
					'target' => $url,
					'text'   => __( 'the sandbox URL is not a loopback address', 'wpwa' ),
				);
			}
			$response = wp_remote_get(
				untrailingslashit( $url ) . '/health',
				array(
					'timeout'     => 2,
					'redirection' => 0,
				)
			);
			$body     = is_wp_error( $response ) ? null : json_decode( (string) wp_remote_retrieve_body( $response ), true );
			$ms       = (int) round( 1000 * ( microtime( true ) - $started ) );
			if ( is_array( $body ) && 'ok' === ( $body['status'] ?? '' ) ) {
				return array(
					'ok'     => true,
					'target' => $url,
					/* translators: 1: sandbox version, 2: milliseconds. */
					'text'   => sprintf( __( 'sandbox reachable (version %1$s, %2$d ms)', 'wpwa' ), (string) ( $body['version'] ?? '?' ), $ms ),
				);
			}
			return array(
				'ok'     => false,
				'target' => $url,
				'text'   => is_wp_error( $response ) ? $response->get_error_message() : __( 'the sandbox does not answer', 'wpwa' ),
			);
		}
		$response = wp_remote_head(
			CatalogConfig::GRAPH_URL . '/',
			array(
				'timeout'     => 5,
				'redirection' => 0,
			)
		);
		$ms       = (int) round( 1000 * ( microtime( true ) - $started ) );
		if ( is_wp_error( $response ) ) {
			return array(
				'ok'     => false,
				'target' => CatalogConfig::GRAPH_URL,
				'text'   => $response->get_error_message(),
			);
		}
		return array(
			'ok'     => true,
			'target' => CatalogConfig::GRAPH_URL,
			/* translators: 1: HTTP status, 2: milliseconds. */
			'text'   => sprintf( __( 'WhatsApp Cloud API reachable (HTTP %1$d, %2$d ms)', 'wpwa' ), (int) wp_remote_retrieve_response_code( $response ), $ms ),
		);
	}

	/**
	 * The plugin's scheduled events: hook => next run (null when not scheduled).
	 *
	 * @since 0.5.0
	 *
	 * @return array<string,int|null>
	 */
	public static function cron_events(): array {
		$events = array();
		foreach ( array( Logs::PURGE_HOOK, Scheduler::WEEKLY_HOOK ) as $hook ) {
			$next            = wp_next_scheduled( $hook );
			$events[ $hook ] = false === $next ? null : (int) $next;
		}
		// Slices and per-vendor syncs carry arguments: look at the cron array.
		foreach ( (array) _get_cron_array() as $time => $hooks ) {
			foreach ( array( Scheduler::SLICE_HOOK, Scheduler::VENDOR_HOOK ) as $hook ) {
				if ( isset( $hooks[ $hook ] ) && ( ! isset( $events[ $hook ] ) || $time < $events[ $hook ] ) ) {
					$events[ $hook ] = (int) $time;
				}
			}
		}
		return $events;
	}

	/**
	 * Cron health: WP-Cron on or off, overdue events, the last log purge.
	 *
	 * @since 0.5.0
	 *
	 * @return array{ok:bool,overdue:array<int,string>,text:string}
	 */
	public static function cron_health(): array {
		$now     = time();
		$overdue = array();
		$parts   = array();
		foreach ( self::cron_events() as $hook => $next ) {
			if ( null === $next ) {
				/* translators: %s: cron hook name. */
				$parts[] = sprintf( __( '%s: not scheduled', 'wpwa' ), $hook );
				continue;
			}
			if ( $next < $now - self::OVERDUE_SECONDS ) {
				$overdue[] = $hook;
			}
			$parts[] = sprintf(
				/* translators: 1: cron hook name, 2: date and time. */
				__( '%1$s: next %2$s', 'wpwa' ),
				$hook,
				wp_date( 'Y-m-d H:i', $next )
			) . ( in_array( $hook, $overdue, true ) ? ' ' . __( '(overdue)', 'wpwa' ) : '' );
		}
		$disabled = defined( 'DISABLE_WP_CRON' ) && DISABLE_WP_CRON;
		array_unshift( $parts, $disabled ? __( 'WP-Cron disabled (a system cron must call wp-cron.php)', 'wpwa' ) : __( 'WP-Cron runs on page loads', 'wpwa' ) );
		$last = get_option( Logs::LAST_PURGE_OPTION );
		if ( is_array( $last ) && 2 === count( $last ) ) {
			/* translators: 1: date and time, 2: number of entries. */
			$parts[] = sprintf( __( 'last log purge %1$s (%2$d deleted)', 'wpwa' ), wp_date( 'Y-m-d H:i', (int) $last[0] ), (int) $last[1] );
		} else {
			$parts[] = __( 'no log purge yet', 'wpwa' );
		}
		$missing = null === ( self::cron_events()[ Logs::PURGE_HOOK ] ?? null );
		return array(
			'ok'      => ! $overdue && ! $missing,
			'overdue' => $overdue,
			'text'    => implode( '; ', $parts ),
		);
	}

	/**
	 * The Info tab section.
	 *
	 * @since 0.5.0
	 *
	 * @param mixed $info Sections.
	 * @return array<string,mixed>
	 */
	public static function debug_information( $info ): array {
		$info   = is_array( $info ) ? $info : array();
		$fields = array();
		try {
			$fields['plugin_version'] = array(
				'label' => __( 'Plugin version', 'wpwa' ),
				'value' => WPWA_PLUGIN_VERSION,
			);
			if ( ! Core::available() ) {
				$fields['extension'] = array(
					'label' => __( 'PHP extension', 'wpwa' ),
					'value' => __( 'not loaded', 'wpwa' ),
				);
			} else {
				$core                = Core::info();
				$core                = is_array( $core ) ? $core : array();
				$fields['extension'] = array(
					'label' => __( 'PHP extension', 'wpwa' ),
					'value' => trim( (string) ( $core['version'] ?? '?' ) . ' (' . (string) ( $core['build'] ?? '' ) . ')' ),
				);
				$fields['store_engine'] = array(
					'label' => __( 'Store engine', 'wpwa' ),
					'value' => StoreConfig::engine_label( StoreConfig::engine() ),
					'debug' => StoreConfig::engine(),
				);
				$fields['store_source'] = array(
					'label' => __( 'Store engine chosen by', 'wpwa' ),
					'value' => StoreConfig::source_label( StoreConfig::source() ),
					'debug' => StoreConfig::source(),
				);
				$stats                  = Core::store_stats();
				if ( is_wp_error( $stats ) ) {
					$fields['store'] = array(
						'label' => __( 'Store', 'wpwa' ),
						'value' => $stats->get_error_message(),
					);
				} else {
					$fields['store']      = array(
						'label' => __( 'Store', 'wpwa' ),
						'value' => (string) ( $stats['path'] ?? $core['store_location'] ?? '' ),
					);
					if ( ! empty( $stats['path'] ) ) {
						// A file's size; the database server's tables have none to show here.
						$fields['store_size'] = array(
							'label' => __( 'Store size', 'wpwa' ),
							'value' => sprintf( '%s (%d bytes)', size_format( (int) $stats['size_bytes'], 1 ), (int) $stats['size_bytes'] ),
							'debug' => (int) $stats['size_bytes'],
						);
					}
					$fields['schema']     = array(
						'label' => __( 'Store schema version', 'wpwa' ),
						'value' => (int) $stats['schema_version'],
					);
					$rows                 = array();
					foreach ( (array) $stats['tables'] as $table => $count ) {
						$rows[] = $table . ' ' . (int) $count;
					}
					$fields['rows'] = array(
						'label' => __( 'Store rows', 'wpwa' ),
						'value' => implode( ', ', $rows ),
					);
				}
			}
			$fields['mode']  = array(
				'label' => __( 'Mode', 'wpwa' ),
				'value' => ( Settings::get( 'sandbox_mode' ) ? __( 'Sandbox', 'wpwa' ) : __( 'Live', 'wpwa' ) ) . ', ' . ( 'per_vendor' === Settings::get( 'integration_model' ) ? __( 'account per vendor', 'wpwa' ) : __( 'central account', 'wpwa' ) ),
			);
			$reach           = self::reachability();
			$fields['reach'] = array(
				'label' => Settings::get( 'sandbox_mode' ) ? __( 'Sandbox', 'wpwa' ) : __( 'WhatsApp Cloud API', 'wpwa' ),
				'value' => $reach['target'] . ': ' . $reach['text'],
			);
			$cron            = self::cron_health();
			$fields['cron']  = array(
				'label' => __( 'Cron', 'wpwa' ),
				'value' => $cron['text'],
			);
		} catch ( Throwable $e ) {
			Core::report( $e );
			$fields['error'] = array(
				'label' => __( 'Error', 'wpwa' ),
				'value' => __( 'The WhatsApp integration could not report its status.', 'wpwa' ),
			);
		}
		$info['wpwa'] = array(
			'label'       => __( 'WhatsApp (wpwa)', 'wpwa' ),
			'description' => __( 'The WhatsApp integration\'s extension, store, connectivity and scheduled tasks.', 'wpwa' ),
			'fields'      => $fields,
		);
		return $info;
	}

	/**
	 * Registers the status tests.
	 *
	 * @since 0.5.0
	 *
	 * @param mixed $tests Tests.
	 * @return array<string,mixed>
	 */
	public static function tests( $tests ): array {
		$tests           = is_array( $tests ) ? $tests : array();
		$tests['direct'] = ( $tests['direct'] ?? array() ) + array(
			'wpwa_extension'    => array(
				'label' => __( 'WhatsApp extension', 'wpwa' ),
				'test'  => array( self::class, 'test_extension' ),
			),
			'wpwa_connectivity' => array(
				'label' => __( 'WhatsApp connectivity', 'wpwa' ),
				'test'  => array( self::class, 'test_connectivity' ),
			),
			'wpwa_cron'         => array(
				'label' => __( 'WhatsApp scheduled tasks', 'wpwa' ),
				'test'  => array( self::class, 'test_cron' ),
			),
			'wpwa_store'        => array(
				'label' => __( 'WhatsApp store', 'wpwa' ),
				'test'  => array( self::class, 'test_store' ),
			),
			'wpwa_business_accounts' => array(
				'label' => __( 'WhatsApp Business accounts', 'wpwa' ),
				'test'  => array( self::class, 'test_business_accounts' ),
			),
			'wpwa_webhook_queue'     => array(
				'label' => __( 'WhatsApp webhook queue', 'wpwa' ),
				'test'  => array( self::class, 'test_webhook_queue' ),
			),
		);
		return $tests;
	}

	/**
	 * A test result in Site Health's shape.
	 *
	 * @param string $test        Test ID.
	 * @param bool   $good        Whether it passed.
	 * @param string $label       Headline.
	 * @param string $description Explanation (plain text).
	 * @param string $bad_status  Status when it fails: recommended|critical.
	 * @return array<string,mixed>
	 */
	private static function result( string $test, bool $good, string $label, string $description, string $bad_status = 'recommended' ): array {
		return array(
			'label'       => $label,
			'status'      => $good ? 'good' : $bad_status,
			'badge'       => array(
				'label' => __( 'WhatsApp', 'wpwa' ),
				'color' => $good ? 'green' : 'red',
			),
			'description' => '<p>' . esc_html( $description ) . '</p>',
			'test'        => $test,
		);
	}

	/**
	 * Test: no WhatsApp Business account is offboarded or disconnected
	 * (coexistence). Critical while one is disconnected, recommended while one
	 * is offboarded (its owner can reconnect it in the app).
	 *
	 * @since 0.15.0
	 *
	 * @return array<string,mixed>
	 */
	public static function test_business_accounts(): array {
		$troubled = BusinessAccounts::troubled();
		if ( array() === $troubled ) {
			return self::result(
				'wpwa_business_accounts',
				true,
				__( 'Every WhatsApp Business account is connected', 'wpwa' ),
				__( 'WhatsApp has reported no offboarded or disconnected number.', 'wpwa' )
			);
		}
		$lines    = array();
		$critical = false;
		foreach ( $troubled as $account ) {
			$state     = (string) ( $account['state'] ?? '' );
			$critical  = $critical || 'disconnected' === $state;
			$words     = Texts::business_account_admin( $state, (string) ( $account['reason'] ?? '' ) );
			$names     = implode( ', ', array_map( 'strval', (array) ( $account['connections'] ?? array() ) ) );
			$lines[]   = sprintf(
				/* translators: 1: connection name(s), 2: WhatsApp Business account ID, 3: what happened, 4: what to do. */
				__( 'Connection "%1$s" (account %2$s): %3$s %4$s', 'wpwa' ),
				'' !== $names ? $names : __( 'none', 'wpwa' ),
				(string) ( $account['waba_id'] ?? '' ),
				$words['text'],
				$words['todo']
			);
		}
		return self::result(
			'wpwa_business_accounts',
			false,
			$critical
				? __( 'A WhatsApp number is disconnected from the marketplace', 'wpwa' )
				: __( 'WhatsApp messaging is suspended for a number', 'wpwa' ),
			implode( ' ', $lines ),
			$critical ? 'critical' : 'recommended'
		);
	}

	/**
	 * Test: the early ingest path's queue is drained: how many deliveries
	 * wait and since when; recommended when the oldest waits longer than a
	 * few minutes (the drain does not run) or deliveries were set aside.
	 *
	 * @since 0.16.0
	 *
	 * @return array<string,mixed>
	 */
	public static function test_webhook_queue(): array {
		$stats = Queue::stats();
		if ( null === $stats ) {
			return self::result( 'wpwa_webhook_queue', false, __( 'The WhatsApp webhook queue cannot be read', 'wpwa' ), __( 'The store is not available; see the WhatsApp store test.', 'wpwa' ) );
		}
		$pending = (int) ( $stats['pending'] ?? 0 );
		$dead    = (int) ( $stats['dead'] ?? 0 );
		$oldest  = $stats['oldest_received_at'] ?? null;
		$age     = null === $oldest ? 0 : max( 0, time() - (int) $oldest );
		$waiting = 0 === $pending
			? __( 'No webhook is waiting.', 'wpwa' )
			: sprintf(
				/* translators: 1: number of webhooks, 2: how long the oldest has waited, e.g. "3 mins". */
				_n( '%1$s webhook is waiting; the oldest for %2$s.', '%1$s webhooks are waiting; the oldest for %2$s.', $pending, 'wpwa' ),
				number_format_i18n( $pending ),
				human_time_diff( time() - $age, time() )
			);
		$set_aside = 0 === $dead ? '' : ' ' . sprintf(
			/* translators: %s: number of webhooks. */
			_n( '%s webhook could not be processed and was set aside (see WhatsApp → Logs).', '%s webhooks could not be processed and were set aside (see WhatsApp → Logs).', $dead, 'wpwa' ),
			number_format_i18n( $dead )
		);
		$late = Queue::is_late( $stats );
		return self::result(
			'wpwa_webhook_queue',
			! $late && 0 === $dead,
			$late
				? __( 'WhatsApp messages wait to be handled', 'wpwa' )
				: ( 0 === $dead ? __( 'WhatsApp webhooks are handled as they arrive', 'wpwa' ) : __( 'Some WhatsApp webhooks could not be processed', 'wpwa' ) ),
			$waiting . $set_aside . ( $late ? ' ' . __( 'Webhooks received at the fast callback URL are handled by WordPress in the background; check that WP-Cron or Action Scheduler runs and that the site can reach itself over HTTP.', 'wpwa' ) : '' )
		);
	}

	/**
	 * Test: the extension is loaded.
	 *
	 * @since 0.5.0
	 *
	 * @return array<string,mixed>
	 */
	public static function test_extension(): array {
		$version = Core::available() ? Core::version() : null;
		return self::result(
			'wpwa_extension',
			is_string( $version ),
			is_string( $version )
				/* translators: %s: extension version. */
				? sprintf( __( 'The wpwa PHP extension %s is loaded', 'wpwa' ), $version )
				: __( 'The wpwa PHP extension is not loaded', 'wpwa' ),
			is_string( $version )
				? __( 'Vendor dashboards, syncs and messages work.', 'wpwa' )
				: __( 'Vendor dashboards show "temporarily unavailable" until the extension is installed; see WhatsApp → Settings.', 'wpwa' ),
			'critical'
		);
	}

	/**
	 * Test: the sandbox or the API answers.
	 *
	 * @since 0.5.0
	 *
	 * @return array<string,mixed>
	 */
	public static function test_connectivity(): array {
		$reach = self::reachability();
		return self::result(
			'wpwa_connectivity',
			$reach['ok'],
			$reach['ok'] ? __( 'WhatsApp services are reachable', 'wpwa' ) : __( 'WhatsApp services cannot be reached', 'wpwa' ),
			$reach['target'] . ': ' . $reach['text']
		);
	}

	/**
	 * Test: the store opens where the engine setting says. Recommended when
	 * `WPWA_STORE` holds a value wpwa does not know (the store then stays on
	 * SQLite) or while a move is under way; critical when the store cannot be
	 * opened, with the reason in words.
	 *
	 * @since 0.14.0
	 *
	 * @return array<string,mixed>
	 */
	public static function test_store(): array {
		if ( StoreConfig::constant_is_invalid() ) {
			return self::result(
				'wpwa_store',
				false,
				__( 'The WPWA_STORE constant has a value wpwa does not know', 'wpwa' ),
				sprintf(
					/* translators: 1: the constant's value, 2: the two valid values. */
					__( 'wp-config.php sets WPWA_STORE to "%1$s"; use %2$s. Until then the store stays in the SQLite file.', 'wpwa' ),
					is_scalar( constant( 'WPWA_STORE' ) ) ? (string) constant( 'WPWA_STORE' ) : gettype( constant( 'WPWA_STORE' ) ),
					"'sqlite' | 'wordpress'"
				)
			);
		}
		$engine = StoreConfig::engine_label( StoreConfig::engine() );
		if ( StoreMove::in_progress() ) {
			return self::result( 'wpwa_store', false, __( 'The WhatsApp store is being moved to the WordPress database', 'wpwa' ), StoreMove::error_message( 'moving' ) );
		}
		$stats = Core::available() ? Core::store_stats() : Core::unavailable_error();
		if ( is_wp_error( $stats ) ) {
			$problem = Core::available() ? Core::store_problem() : null;
			return self::result(
				'wpwa_store',
				false,
				/* translators: %s: the store engine, e.g. "SQLite file". */
				sprintf( __( 'The WhatsApp store cannot be opened (%s)', 'wpwa' ), $engine ),
				trim( $stats->get_error_message() . ' ' . ( null !== $problem ? $problem : '' ) ),
				'critical'
			);
		}
		return self::result(
			'wpwa_store',
			true,
			/* translators: %s: the store engine, e.g. "WordPress database (MariaDB/MySQL)". */
			sprintf( __( 'The WhatsApp store is available: %s', 'wpwa' ), $engine ),
			sprintf(
				/* translators: 1: where the engine choice comes from, 2: schema version. */
				__( 'Chosen by %1$s; schema version %2$d.', 'wpwa' ),
				StoreConfig::source_label( StoreConfig::source() ),
				(int) ( $stats['schema_version'] ?? 0 )
			)
		);
	}

	/**
	 * Test: the plugin's scheduled tasks run.
	 *
	 * @since 0.5.0
	 *
	 * @return array<string,mixed>
	 */
	public static function test_cron(): array {
		$cron = self::cron_health();
		return self::result(
			'wpwa_cron',
			$cron['ok'],
			$cron['ok'] ? __( 'WhatsApp scheduled tasks are on time', 'wpwa' ) : __( 'WhatsApp scheduled tasks are late or missing', 'wpwa' ),
			$cron['text']
		);
	}
}
