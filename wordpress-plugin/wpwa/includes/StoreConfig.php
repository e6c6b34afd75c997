<?php
/**
 * Which database engine holds wpwa's store, and how to reach it.
 *
 * @package Wpwa\Plugin
 * @since   0.14.0
 */

namespace Wpwa\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * The store lives either in a SQLite file in the data directory (one web
 * server) or in the WordPress database (several web servers on one MariaDB
 * or MySQL), chosen by the `WPWA_STORE` constant in wp-config.php: 'wordpress'
 * or 'sqlite' (the default).
 *
 * Without the constant, the engine a completed "Move to the WordPress
 * database" switched to (the `wpwa_store_engine` option, shared by every
 * node through the database) applies; without either, SQLite. The store is
 * one per installation (one SQLite file, one set of tables with the network's
 * base prefix), so on a multisite network the option is a network option.
 *
 * @since 0.14.0
 */
final class StoreConfig {

	/**
	 * The SQLite file in the data directory.
	 *
	 * @since 0.14.0
	 */
	public const SQLITE = 'sqlite';

	/**
	 * The WordPress database (DB_* constants, the site's table prefix).
	 *
	 * @since 0.14.0
	 */
	public const WORDPRESS = 'wordpress';

	/**
	 * Option a completed move writes; read when the constant is not defined.
	 *
	 * @since 0.14.0
	 */
	public const ENGINE_OPTION = 'wpwa_store_engine';

	/**
	 * The engine in use: `sqlite` or `wordpress`.
	 *
	 * @since 0.14.0
	 *
	 * @return string
	 */
	public static function engine(): string {
		return self::engine_for( self::moved_to() );
	}

	/**
	 * The engine given the one a completed move recorded ('' when none): the
	 * constant first. For the early ingest path, which reads the option itself.
	 *
	 * @since 0.16.0
	 *
	 * @param string $moved_to The value of ENGINE_OPTION.
	 * @return string
	 */
	public static function engine_for( string $moved_to ): string {
		$constant = self::constant_value();
		if ( null !== $constant ) {
			return $constant;
		}
		return self::WORDPRESS === $moved_to ? self::WORDPRESS : self::SQLITE;
	}

	/**
	 * Where the choice comes from: `constant`, `moved` (the option a move
	 * wrote) or `default`.
	 *
	 * @since 0.14.0
	 *
	 * @return string
	 */
	public static function source(): string {
		if ( null !== self::constant_value() ) {
			return 'constant';
		}
		return self::WORDPRESS === self::moved_to() ? 'moved' : 'default';
	}

	/**
	 * Whether the constant decides the engine (a move cannot change it).
	 *
	 * @since 0.14.0
	 *
	 * @return bool
	 */
	public static function engine_is_fixed(): bool {
		return null !== self::constant_value();
	}

	/**
	 * The engine a completed move recorded (installation-wide), or '' when none.
	 *
	 * @return string
	 */
	private static function moved_to(): string {
		self::prime_options();
		$value = get_site_option( self::ENGINE_OPTION, '' );
		return is_string( $value ) ? $value : '';
	}

	/**
	 * Whether prime_options() ran in this request.
	 *
	 * @var bool
	 */
	private static bool $primed = false;

	/**
	 * Loads the installation-wide store options every request reads (the
	 * engine a move recorded, the flag of a move under way) with one query,
	 * so that neither costs one of its own when it does not exist.
	 *
	 * @since 0.14.0
	 *
	 * @return void
	 */
	public static function prime_options(): void {
		if ( self::$primed ) {
			return;
		}
		self::$primed = true;
		$names        = array( self::ENGINE_OPTION, StoreMove::FLAG_OPTION );
		if ( is_multisite() ) {
			if ( function_exists( 'wp_prime_site_option_caches' ) ) {
				wp_prime_site_option_caches( $names );
			}
		} elseif ( function_exists( 'wp_prime_option_caches' ) ) {
			wp_prime_option_caches( $names );
		}
	}

	/**
	 * Records the engine a move switched to, for every node and every site of
	 * the installation (`sqlite` removes the record).
	 *
	 * @since 0.14.0
	 *
	 * @param string $engine `wordpress` or `sqlite`.
	 * @return void
	 */
	public static function record_engine( string $engine ): void {
		if ( self::WORDPRESS === $engine ) {
			update_site_option( self::ENGINE_OPTION, self::WORDPRESS );
			return;
		}
		delete_site_option( self::ENGINE_OPTION );
	}

	/**
	 * The engine's name for people.
	 *
	 * @since 0.14.0
	 *
	 * @param string $engine `sqlite` or `wordpress`.
	 * @return string
	 */
	public static function engine_label( string $engine ): string {
		return self::WORDPRESS === $engine
			? __( 'WordPress database (MariaDB/MySQL)', 'wpwa' )
			: __( 'SQLite file', 'wpwa' );
	}

	/**
	 * Where the engine choice comes from, for people.
	 *
	 * @since 0.14.0
	 *
	 * @param string $source `constant`, `moved` or `default`.
	 * @return string
	 */
	public static function source_label( string $source ): string {
		switch ( $source ) {
			case 'constant':
				/* translators: %s: constant name. */
				return sprintf( __( 'the %s constant in wp-config.php', 'wpwa' ), 'WPWA_STORE' );
			case 'moved':
				return __( 'a completed move to the WordPress database', 'wpwa' );
			default:
				return __( 'the default (no constant, no move)', 'wpwa' );
		}
	}

	/**
	 * Whether `WPWA_STORE` is defined with a value this plugin does not know
	 * (the store then stays on SQLite, and Site Health says so).
	 *
	 * @since 0.14.0
	 *
	 * @return bool
	 */
	public static function constant_is_invalid(): bool {
		return defined( 'WPWA_STORE' ) && null === self::constant_value();
	}

	/**
	 * The valid value of `WPWA_STORE`, or null.
	 *
	 * @return string|null
	 */
	private static function constant_value(): ?string {
		if ( ! defined( 'WPWA_STORE' ) ) {
			return null;
		}
		$value = strtolower( trim( (string) constant( 'WPWA_STORE' ) ) );
		return in_array( $value, array( self::SQLITE, self::WORDPRESS ), true ) ? $value : null;
	}

	/**
	 * Connection options for the WordPress database, from the same constants
	 * `wpdb` uses: DB_HOST as written (the core splits every form WordPress
	 * accepts), DB_USER, DB_PASSWORD, DB_NAME, `MYSQL_CLIENT_FLAGS` with
	 * `MYSQLI_CLIENT_SSL` for TLS, mysqli's default socket for a bare
	 * `localhost`, and the network-wide table prefix (one store per
	 * installation, as with the SQLite file).
	 *
	 * @since 0.14.0
	 *
	 * @return array<string,mixed>
	 */
	public static function database_options(): array {
		global $wpdb;

		$flags   = defined( 'MYSQL_CLIENT_FLAGS' ) ? (int) constant( 'MYSQL_CLIENT_FLAGS' ) : 0;
		$ssl     = defined( 'MYSQLI_CLIENT_SSL' ) && 0 !== ( $flags & MYSQLI_CLIENT_SSL );
		$options = array(
			'host'           => defined( 'DB_HOST' ) ? (string) DB_HOST : 'localhost',
			'default_socket' => (string) ini_get( 'mysqli.default_socket' ),
			'user'           => defined( 'DB_USER' ) ? (string) DB_USER : '',
			'password'       => defined( 'DB_PASSWORD' ) ? (string) DB_PASSWORD : '',
			'database'       => defined( 'DB_NAME' ) ? (string) DB_NAME : '',
			'prefix'         => isset( $wpdb->base_prefix ) ? (string) $wpdb->base_prefix : 'wp_',
			'ssl'            => $ssl,
			'ssl_verify'     => ! ( defined( 'MYSQLI_CLIENT_SSL_DONT_VERIFY_SERVER_CERT' ) && 0 !== ( $flags & MYSQLI_CLIENT_SSL_DONT_VERIFY_SERVER_CERT ) ),
		);
		if ( $ssl && defined( 'MYSQL_SSL_CA' ) && '' !== (string) constant( 'MYSQL_SSL_CA' ) ) {
			$options['ssl_ca'] = (string) constant( 'MYSQL_SSL_CA' );
		}
		return $options;
	}
}
