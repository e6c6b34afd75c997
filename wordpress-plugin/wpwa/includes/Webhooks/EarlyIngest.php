<?php
/**
 * The early ingest path of WhatsApp Cloud API webhooks (ingest.php).
 *
 * @package Wpwa\Plugin
 * @since   0.16.0
 */

namespace Wpwa\Plugin\Webhooks;

use Throwable;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\DataDir;
use Wpwa\Plugin\Messages\Config;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\StoreConfig;
use Wpwa\Plugin\StoreMove;

defined( 'ABSPATH' ) || exit;

/**
 * Serves `wp-content/plugins/wpwa/ingest.php`, loaded with WordPress's
 * SHORTINIT (wp-config.php and the database, no plugins, no theme): verifies
 * the signature, checks the body and queues the delivery in the store through
 * the extension, and answers. Everything that needs WordPress (routing with the
 * vendor directory, notifications, automatic replies, carts) happens when
 * WordPress drains the queue (Queue::drain()): the entry point kicks a drain on
 * its own site at most once a second, and Action Scheduler runs one every
 * minute in case the kick cannot reach the site.
 *
 * It answers as the full route does: 413 for an oversized body, 401 for a
 * missing or forged signature (nothing read or stored), 400 for a signed body
 * that is not a Cloud API notification (logged), 503 with Retry-After while
 * the store is being moved or cannot be reached, 200 `{"ok":true}` otherwise
 * (a redelivery included). GET answers Meta's verification handshake.
 *
 * Only what SHORTINIT loads is used here: no translations (Meta reads the
 * status codes), no options API (its first call loads every autoloaded option;
 * the few options needed are read with one query).
 *
 * @since 0.16.0
 */
final class EarlyIngest {

	/**
	 * Header of a drain kick, carrying drain_token().
	 *
	 * @since 0.16.0
	 */
	public const DRAIN_HEADER = 'X-Wpwa-Drain';

	/**
	 * Seconds between two drain kicks from one web server.
	 *
	 * @since 0.16.0
	 */
	private const KICK_INTERVAL = 1;

	/**
	 * Serves the request and ends it.
	 *
	 * @since 0.16.0
	 *
	 * @return void
	 */
	public static function serve(): void {
		header( 'Cache-Control: no-store' );
		header( 'X-Content-Type-Options: nosniff' );
		$method = isset( $_SERVER['REQUEST_METHOD'] ) ? strtoupper( sanitize_text_field( wp_unslash( $_SERVER['REQUEST_METHOD'] ) ) ) : '';
		if ( ! function_exists( 'Wpwa\\webhook_accept' ) ) {
			self::error( 503, 'wpwa_extension_missing', 'The wpwa PHP extension is not loaded on this server.' );
			return;
		}
		try {
			$options = self::options();
			if ( 'GET' === $method ) {
				self::handshake( $options );
				return;
			}
			if ( 'POST' !== $method ) {
				header( 'Allow: GET, POST' );
				self::error( 405, 'wpwa_method', 'Use POST.' );
				return;
			}
			if ( ! self::plugin_active( $options ) ) {
				self::error( 404, 'wpwa_inactive', 'The WhatsApp integration is not active on this site.' );
				return;
			}
			if ( StoreMove::flag_is_fresh( $options[ StoreMove::FLAG_OPTION ] ) ) {
				header( 'Retry-After: ' . StoreMove::RETRY_AFTER );
				self::error( 503, 'wpwa_store_moving', 'The store is being moved; retry later.' );
				return;
			}
			self::accept( $options );
		} catch ( Throwable $e ) {
			// The extension's own failures are answered above; this is the
			// last guard, so that Meta gets a status it retries, never a fatal.
			error_log( '[wpwa] early ingest: ' . get_class( $e ) . ': ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- no activity log without the store.
			header( 'Retry-After: ' . StoreMove::RETRY_AFTER );
			self::error( 503, 'wpwa_webhook_unavailable', 'The webhook could not be processed; retry later.' );
		}
	}

	/**
	 * The header value that lets a drain kick through (Queue::permit_drain()):
	 * derived from the key the site's credentials are sealed with, so only
	 * this site's servers can make it.
	 *
	 * @since 0.16.0
	 *
	 * @return string
	 */
	public static function drain_token(): string {
		self::load_pluggable();
		return hash_hmac( 'sha256', 'wpwa webhook queue drain', Core::secret_key_material() );
	}

	/**
	 * `POST`: verify, check, queue, answer; then kick a drain.
	 *
	 * @param array<string,string|null> $options options().
	 * @return void
	 */
	private static function accept( array $options ): void {
		$opened = self::open_store( (string) $options[ StoreConfig::ENGINE_OPTION ] );
		if ( null !== $opened ) {
			error_log( '[wpwa] early ingest: ' . $opened ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- no activity log without the store.
			header( 'Retry-After: ' . StoreMove::RETRY_AFTER );
			self::error( 503, 'wpwa_storage_error', 'The store is not available right now; retry later.' );
			return;
		}
		$secret = self::app_secret( $options );
		if ( '' === $secret ) {
			self::error( 401, 'wpwa_webhook_signature', 'Missing or invalid webhook signature.' );
			return;
		}
		$signature = isset( $_SERVER['HTTP_X_HUB_SIGNATURE_256'] ) ? sanitize_text_field( wp_unslash( $_SERVER['HTTP_X_HUB_SIGNATURE_256'] ) ) : '';
		$body      = (string) file_get_contents( 'php://input' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- the raw request body.
		try {
			$queued = \Wpwa\webhook_accept( $body, '' === $signature ? null : $signature, $secret );
		} catch ( \Wpwa\AuthException $e ) {
			self::error( 401, 'wpwa_webhook_signature', 'Missing or invalid webhook signature.' );
			return;
		} catch ( \Wpwa\ValidationException $e ) {
			if ( Queue::TOO_LARGE === $e->getCode() ) {
				self::error( 413, 'wpwa_webhook_too_large', 'Webhook body too large.' );
				return;
			}
			self::log_unreadable( $e->getMessage(), strlen( $body ) );
			self::error( 400, 'wpwa_webhook_malformed', 'Malformed webhook body.' );
			return;
		} catch ( \Wpwa\StorageException $e ) {
			error_log( '[wpwa] early ingest: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- the store itself failed.
			header( 'Retry-After: ' . StoreMove::RETRY_AFTER );
			self::error( 503, 'wpwa_storage_error', 'The store is not available right now; retry later.' );
			return;
		}
		self::respond( 200, array( 'ok' => true ) );
		if ( $queued ) {
			if ( function_exists( 'fastcgi_finish_request' ) ) {
				fastcgi_finish_request();
			}
			try {
				self::kick( (string) $options['home'] );
			} catch ( Throwable $e ) {
				// Answered already: the recurring drain takes the delivery later.
				error_log( '[wpwa] early ingest: the drain could not be kicked: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- no activity log entry for a kick.
			}
		}
	}

	/**
	 * `GET`: Meta's verification handshake, as the full route answers it.
	 *
	 * @param array<string,string|null> $options options().
	 * @return void
	 */
	private static function handshake( array $options ): void {
		$messages = maybe_unserialize( (string) $options[ Config::OPTION ] );
		$expected = is_array( $messages ) ? (string) ( $messages['verify_token'] ?? '' ) : '';
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- Meta's handshake, matched against the verify token.
		$param  = static function ( string $name ): string {
			foreach ( array( 'hub.' . $name, 'hub_' . $name ) as $key ) {
				if ( isset( $_GET[ $key ] ) && is_scalar( $_GET[ $key ] ) ) {
					return sanitize_text_field( wp_unslash( (string) $_GET[ $key ] ) );
				}
			}
			return '';
		};
		// phpcs:enable WordPress.Security.NonceVerification.Recommended
		$answer = '' === $expected ? null : \Wpwa\cloud_handshake( $param( 'mode' ), $param( 'verify_token' ), $param( 'challenge' ), $expected );
		if ( ! is_string( $answer ) ) {
			self::error( 403, 'wpwa_webhook_verify_failed', 'The verify token does not match.' );
			return;
		}
		status_header( 200 );
		header( 'Content-Type: text/plain; charset=utf-8' );
		echo $answer; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- text/plain challenge, matched against the verify token.
	}

	/**
	 * The options this path needs, read with one query (installation-wide
	 * ones from the network's meta on multisite): null for a missing one.
	 *
	 * @return array<string,string|null>
	 */
	private static function options(): array {
		global $wpdb;
		$site_wide = array( StoreConfig::ENGINE_OPTION, StoreMove::FLAG_OPTION, 'active_sitewide_plugins' );
		$names     = array( Config::OPTION, Settings::OPTION, 'home', 'active_plugins' );
		if ( ! is_multisite() ) {
			$names = array_merge( $names, $site_wide );
		}
		$values = array_fill_keys( array_merge( $names, $site_wide ), null );
		// phpcs:disable WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching,WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare -- SHORTINIT: the options API would load every autoloaded option first.
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT option_name AS name, option_value AS value FROM {$wpdb->options} WHERE option_name IN (" . implode( ',', array_fill( 0, count( $names ), '%s' ) ) . ')',
				$names
			)
		);
		if ( is_multisite() ) {
			$rows = array_merge(
				(array) $rows,
				(array) $wpdb->get_results(
					$wpdb->prepare(
						"SELECT meta_key AS name, meta_value AS value FROM {$wpdb->sitemeta} WHERE site_id = %d AND meta_key IN (%s, %s, %s)",
						get_current_network_id(),
						$site_wide[0],
						$site_wide[1],
						$site_wide[2]
					)
				)
			);
		}
		// phpcs:enable
		foreach ( (array) $rows as $row ) {
			$values[ (string) $row->name ] = (string) $row->value;
		}
		return $values;
	}

	/**
	 * Whether the plugin is active (on this site or the whole network): a
	 * deactivated plugin's entry point takes nothing in.
	 *
	 * @param array<string,string|null> $options options().
	 * @return bool
	 */
	private static function plugin_active( array $options ): bool {
		$basename = basename( dirname( __DIR__, 2 ) ) . '/wpwa.php';
		$site     = maybe_unserialize( (string) $options['active_plugins'] );
		$network  = maybe_unserialize( (string) $options['active_sitewide_plugins'] );
		return ( is_array( $site ) && in_array( $basename, $site, true ) ) || ( is_array( $network ) && isset( $network[ $basename ] ) );
	}

	/**
	 * Points the extension at the store, as Core::ensure_store() does: null
	 * when done, else why not.
	 *
	 * @param string $moved_to The engine a completed move recorded, '' when none.
	 * @return string|null
	 */
	private static function open_store( string $moved_to ): ?string {
		try {
			if ( StoreConfig::WORDPRESS === StoreConfig::engine_for( (string) maybe_unserialize( $moved_to ) ) ) {
				\Wpwa\store_open_database( StoreConfig::database_options() );
				return null;
			}
			$dir = DataDir::path();
			if ( ! is_dir( $dir ) ) {
				// The plugin makes it (and its deny files) on its first request.
				return 'the data directory ' . $dir . ' does not exist yet';
			}
			\Wpwa\store_open( $dir . '/' . DataDir::STORE_FILE );
			return null;
		} catch ( Throwable $e ) {
			return $e->getMessage();
		}
	}

	/**
	 * The app secret, opened from its sealed option as Config::app_secret()
	 * does: the sandbox's in sandbox mode when none is saved, else ''.
	 *
	 * @param array<string,string|null> $options options().
	 * @return string
	 */
	private static function app_secret( array $options ): string {
		$messages = maybe_unserialize( (string) $options[ Config::OPTION ] );
		$sealed   = is_array( $messages ) ? (string) ( $messages['app_secret'] ?? '' ) : '';
		if ( '' !== $sealed ) {
			self::load_pluggable();
			try {
				$opened = \Wpwa\secret_open( Core::secret_key_material(), Config::SECRET_CONTEXT, $sealed );
				if ( '' !== $opened ) {
					return $opened;
				}
			} catch ( \Wpwa\Exception $e ) {
				return '';
			}
		}
		$settings = maybe_unserialize( (string) $options[ Settings::OPTION ] );
		return is_array( $settings ) && ! empty( $settings['sandbox_mode'] ) ? Config::SANDBOX_APP_SECRET : '';
	}

	/**
	 * Loads what wp_salt() needs and SHORTINIT leaves out: the pluggable
	 * functions, and the translation functions (it compares the salts with
	 * the localized "put your unique phrase here"). The key material of
	 * sealed credentials comes from wp_salt().
	 *
	 * @return void
	 */
	private static function load_pluggable(): void {
		if ( ! function_exists( '__' ) ) {
			require_once ABSPATH . WPINC . '/l10n.php';
		}
		if ( ! function_exists( 'wp_salt' ) ) {
			require_once ABSPATH . WPINC . '/pluggable.php';
		}
	}

	/**
	 * Logs a signed body that is not a Cloud API notification, as the full route does.
	 *
	 * @param string $problem The core's words.
	 * @param int    $bytes   The body's size.
	 * @return void
	 */
	private static function log_unreadable( string $problem, int $bytes ): void {
		try {
			\Wpwa\log_write(
				0,
				'warning',
				'cloud_webhook',
				'A signed WhatsApp Cloud API webhook could not be read and was refused.',
				array(
					'error' => $problem,
					'bytes' => $bytes,
				),
				'cloud_webhook_unreadable',
				array()
			);
		} catch ( \Wpwa\Exception $e ) {
			error_log( '[wpwa] early ingest: ' . $problem ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- the activity log failed.
		}
	}

	/**
	 * Asks WordPress to drain the queue, at most once a second from this
	 * server: a request to the drain route that is sent and not waited for.
	 *
	 * @param string $home The site's home URL.
	 * @return void
	 */
	private static function kick( string $home ): void {
		$marker = sys_get_temp_dir() . '/wpwa-drain-kick-' . md5( ABSPATH );
		clearstatcache( true, $marker );
		$last = file_exists( $marker ) ? (int) filemtime( $marker ) : 0;
		if ( $last > time() - self::KICK_INTERVAL ) {
			return;
		}
		touch( $marker ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_touch -- a timestamp, not content.
		$url = parse_url( (string) maybe_unserialize( $home ) ); // phpcs:ignore WordPress.WP.AlternativeFunctions.parse_url_parse_url -- SHORTINIT has no wp_parse_url().
		if ( ! is_array( $url ) || empty( $url['host'] ) ) {
			return;
		}
		$tls    = 'https' === ( $url['scheme'] ?? 'http' );
		$port   = (int) ( $url['port'] ?? ( $tls ? 443 : 80 ) );
		$path   = rtrim( (string) ( $url['path'] ?? '' ), '/' ) . '/?rest_route=/wpwa/v1/webhooks/drain';
		$host   = (string) $url['host'];
		$socket = stream_socket_client(
			( $tls ? 'tls://' : 'tcp://' ) . $host . ':' . $port,
			$errno,
			$errstr,
			1,
			STREAM_CLIENT_CONNECT,
			// The site's own address: WordPress's loopback requests do not verify either.
			stream_context_create(
				array(
					'ssl' => array(
						'verify_peer'      => false,
						'verify_peer_name' => false,
					),
				)
			)
		);
		if ( false === $socket ) {
			return;
		}
		$host_header = $host . ( isset( $url['port'] ) ? ':' . $port : '' );
		fwrite( $socket, "POST {$path} HTTP/1.1\r\nHost: {$host_header}\r\n" . self::DRAIN_HEADER . ': ' . self::drain_token() . "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fwrite -- a socket.
		// Wait for the first byte of the answer (the drain answers at once and
		// works on), so the web server does not drop a request whose client left.
		stream_set_timeout( $socket, self::KICK_INTERVAL );
		fread( $socket, 1 ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fread -- a socket.
		fclose( $socket ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose -- a socket.
	}

	/**
	 * Answers with a JSON body.
	 *
	 * @param int                 $status HTTP status.
	 * @param array<string,mixed> $body   Body.
	 * @return void
	 */
	private static function respond( int $status, array $body ): void {
		status_header( $status );
		header( 'Content-Type: application/json; charset=utf-8' );
		echo wp_json_encode( $body ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- JSON.
	}

	/**
	 * Answers an error in the REST API's shape.
	 *
	 * @param int    $status  HTTP status.
	 * @param string $code    Error code.
	 * @param string $message Message (English: Meta reads the status).
	 * @return void
	 */
	private static function error( int $status, string $code, string $message ): void {
		self::respond(
			$status,
			array(
				'code'    => $code,
				'message' => $message,
				'data'    => array( 'status' => $status ),
			)
		);
	}
}
