<?php
/**
 * Tests of what a stored vendor directory is valid for.
 *
 * @package Wpwa\Plugin\Tests
 */

use PHPUnit\Framework\TestCase;
use Wpwa\Plugin\Messages\Directory;
use Wpwa\Plugin\StoreConfig;

/**
 * A directory built for one store engine is rebuilt when the site uses another.
 */
final class DirectoryStateTest extends TestCase {

	/**
	 * The unit tests have no database for StoreConfig to prime its options
	 * from: OptionsFixture answers them.
	 *
	 * @return void
	 */
	protected function setUp(): void {
		( new ReflectionProperty( StoreConfig::class, 'primed' ) )->setValue( null, true );
	}

	/**
	 * Forgets the answered options.
	 *
	 * @return void
	 */
	protected function tearDown(): void {
		OptionsFixture::forget( StoreConfig::ENGINE_OPTION );
		OptionsFixture::forget( Directory::STATE_OPTION );
	}

	/**
	 * The state Directory records after a rebuild, for the engine now chosen.
	 *
	 * @return string
	 */
	private static function recorded_state(): string {
		return ( new ReflectionMethod( Directory::class, 'state' ) )->invoke( null );
	}

	/**
	 * A directory built on SQLite is current there and stale once the site is on
	 * the WordPress database (whose tables may hold no directory yet).
	 *
	 * @return void
	 */
	public function test_switching_the_store_engine_makes_the_directory_stale(): void {
		OptionsFixture::answer( StoreConfig::ENGINE_OPTION, StoreConfig::SQLITE );
		OptionsFixture::answer( Directory::STATE_OPTION, self::recorded_state() );
		$this->assertTrue( Directory::is_current() );

		OptionsFixture::answer( StoreConfig::ENGINE_OPTION, StoreConfig::WORDPRESS );
		$this->assertFalse( Directory::is_current() );

		OptionsFixture::answer( Directory::STATE_OPTION, self::recorded_state() );
		$this->assertTrue( Directory::is_current() );
	}

	/**
	 * A directory whose state was forgotten (activation, deactivation) is not current.
	 *
	 * @return void
	 */
	public function test_a_forgotten_state_is_not_current(): void {
		OptionsFixture::answer( StoreConfig::ENGINE_OPTION, StoreConfig::SQLITE );
		OptionsFixture::answer( Directory::STATE_OPTION, '' );
		$this->assertFalse( Directory::is_current() );
	}
}
