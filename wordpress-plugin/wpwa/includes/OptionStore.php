<?php
/**
 * One settings option: defaults, merge, typed reads and updates.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * The one place that reads and writes a settings option (`wpwa_settings`,
 * `wpwa_catalog`, `wpwa_messages`): stored values merged over the defaults,
 * each cast to its default's type, and values the core's rulebook refuses
 * (edited in the database, saved under older rules) replaced by their default.
 * Option names and stored shapes are those of earlier versions.
 *
 * @since 0.7.0
 */
final class OptionStore {

	/**
	 * Option name.
	 *
	 * @var string
	 */
	private string $option;

	/**
	 * Defaults by key; also the list of keys the option holds.
	 *
	 * @var array<string,mixed>
	 */
	private array $defaults;

	/**
	 * The rulebook group the option's ruled fields belong to.
	 *
	 * @var string
	 */
	private string $group;

	/**
	 * Per option: the stored array last read and the values made from it.
	 *
	 * @var array<string,array{0:mixed,1:array<string,mixed>}>
	 */
	private static array $read = array();

	/**
	 * A store for one option.
	 *
	 * @since 0.7.0
	 *
	 * @param string              $option   Option name.
	 * @param array<string,mixed> $defaults Defaults by key.
	 * @param string              $group    Rulebook group of its ruled fields.
	 */
	public function __construct( string $option, array $defaults, string $group ) {
		$this->option   = $option;
		$this->defaults = $defaults;
		$this->group    = $group;
	}

	/**
	 * The option's name.
	 *
	 * @since 0.7.0
	 *
	 * @return string
	 */
	public function option(): string {
		return $this->option;
	}

	/**
	 * The rulebook group of the option's ruled fields.
	 *
	 * @since 0.7.0
	 *
	 * @return string
	 */
	public function group(): string {
		return $this->group;
	}

	/**
	 * The defaults.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public function defaults(): array {
		return $this->defaults;
	}

	/**
	 * Every value: stored over defaults, typed, within the rulebook.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,mixed>
	 */
	public function all(): array {
		$stored = get_option( $this->option, array() );
		if ( isset( self::$read[ $this->option ] ) && self::$read[ $this->option ][0] === $stored ) {
			return self::$read[ $this->option ][1];
		}
		$values = $this->defaults;
		foreach ( is_array( $stored ) ? array_intersect_key( $stored, $this->defaults ) : array() as $key => $value ) {
			$values[ $key ] = self::typed( $value, $this->defaults[ $key ] );
		}
		$values = $this->within_rules( $values );

		self::$read[ $this->option ] = array( $stored, $values );
		return $values;
	}

	/**
	 * One value, or null for a key the option does not have.
	 *
	 * @since 0.7.0
	 *
	 * @param string $key Key.
	 * @return mixed
	 */
	public function get( string $key ) {
		return $this->all()[ $key ] ?? null;
	}

	/**
	 * Stores `$values` over the stored ones (keys the option does not have are
	 * dropped). The option's sanitize callback, when registered, runs as usual.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $values Key => value.
	 * @return bool Whether the option changed.
	 */
	public function update( array $values ): bool {
		$stored = get_option( $this->option, array() );
		$merged = array_merge( $this->defaults, is_array( $stored ) ? $stored : array(), array_intersect_key( $values, $this->defaults ) );
		return update_option( $this->option, $merged );
	}

	/**
	 * `$value` cast to the type of `$default`; the default when it cannot be.
	 *
	 * @param mixed $value   Stored value.
	 * @param mixed $default Default.
	 * @return mixed
	 */
	private static function typed( $value, $default ) {
		if ( is_bool( $default ) ) {
			return (bool) $value;
		}
		if ( is_int( $default ) ) {
			return is_numeric( $value ) ? (int) $value : $default;
		}
		if ( is_string( $default ) ) {
			return is_scalar( $value ) ? (string) $value : $default;
		}
		return gettype( $value ) === gettype( $default ) ? $value : $default;
	}

	/**
	 * `$values` with every ruled value the core refuses set back to its default.
	 * Credentials are stored sealed and are not checked here. Without the
	 * extension nothing can be checked (and nothing calls the core).
	 *
	 * @param array<string,mixed> $values Typed values.
	 * @return array<string,mixed>
	 */
	private function within_rules( array $values ): array {
		$ruled = array();
		foreach ( Rules::fields( $this->group ) as $field => $limits ) {
			if ( 'credential' !== $limits['type'] && array_key_exists( $field, $values ) && $values[ $field ] !== $this->defaults[ $field ] ) {
				$ruled[ $field ] = $values[ $field ];
			}
		}
		if ( array() === $ruled ) {
			return $values;
		}
		$checked = Rules::check( $this->group, $ruled );
		if ( is_wp_error( $checked ) ) {
			return $values;
		}
		foreach ( $checked['problems'] as $problem ) {
			$values[ $problem['field'] ] = $this->defaults[ $problem['field'] ];
		}
		return $values;
	}
}
