<?php
/**
 * Option values for the unit tests, answered through WordPress's `pre_option`
 * filter so that get_option() short-circuits before the database, exactly as
 * a plugin filtering an option would. An option no test answered is an error
 * (there is no database to read it from), not a silent default.
 *
 * @package Wpwa\Plugin\Tests
 */

/**
 * Sets and clears option values.
 */
final class OptionsFixture {

	/**
	 * Option values by name.
	 *
	 * @var array<string,mixed>
	 */
	private static array $values = array();

	/**
	 * Hooks the fixture into get_option() (once).
	 *
	 * @return void
	 */
	public static function install(): void {
		if ( has_filter( 'pre_option', array( self::class, 'pre_option' ) ) ) {
			return;
		}
		add_filter( 'pre_option', array( self::class, 'pre_option' ), 10, 2 );
	}

	/**
	 * The `pre_option` filter.
	 *
	 * @param mixed  $pre    Value so far (false: not short-circuited).
	 * @param string $option Option name.
	 * @return mixed
	 * @throws LogicException When no test answered the option.
	 */
	public static function pre_option( $pre, string $option ) {
		if ( false !== $pre ) {
			return $pre;
		}
		if ( ! array_key_exists( $option, self::$values ) ) {
			throw new LogicException( "The unit tests have no database: answer the option '$option' with OptionsFixture::answer()." );
		}
		return self::$values[ $option ];
	}

	/**
	 * Makes get_option( $name ) return $value.
	 *
	 * @param string $name  Option name.
	 * @param mixed  $value Value get_option() returns.
	 * @return void
	 */
	public static function answer( string $name, $value ): void {
		self::install();
		self::$values[ $name ] = $value;
	}

	/**
	 * Drops an answer.
	 *
	 * @param string $name Option name.
	 * @return void
	 */
	public static function forget( string $name ): void {
		unset( self::$values[ $name ] );
	}
}
