<?php
/**
 * Tests of Catalog\Scheduler's weekly schedule.
 *
 * @package Wpwa\Plugin\Tests
 */

use PHPUnit\Framework\TestCase;
use Wpwa\Plugin\Catalog\Config;
use Wpwa\Plugin\Catalog\Scheduler;

/**
 * When the weekly catalog sync runs next.
 */
final class SchedulerTest extends TestCase {

	/**
	 * The site runs on Berlin time (UTC+1 in winter, UTC+2 in summer).
	 *
	 * @return void
	 */
	protected function setUp(): void {
		OptionsFixture::answer( 'timezone_string', 'Europe/Berlin' );
	}

	/**
	 * Back to the bootstrap's UTC.
	 *
	 * @return void
	 */
	protected function tearDown(): void {
		OptionsFixture::answer( 'timezone_string', 'UTC' );
		OptionsFixture::forget( Config::OPTION );
	}

	/**
	 * A Unix time from a wall-clock time in Berlin.
	 *
	 * @param string $local Local date and time.
	 * @return int
	 */
	private static function berlin( string $local ): int {
		return ( new DateTimeImmutable( $local, new DateTimeZone( 'Europe/Berlin' ) ) )->getTimestamp();
	}

	/**
	 * Sets the configured weekday (0 = Sunday) and hour.
	 *
	 * @param int $day  Weekday.
	 * @param int $hour Hour.
	 * @return void
	 */
	private static function configure( int $day, int $hour ): void {
		OptionsFixture::answer(
			Config::OPTION,
			array(
				'schedule_day'  => $day,
				'schedule_hour' => $hour,
			)
		);
	}

	/**
	 * Later in the week: the coming configured day, at the hour, in the site's zone.
	 *
	 * @return void
	 */
	public function test_next_occurrence_is_the_coming_day_at_the_hour_in_site_time(): void {
		self::configure( 1, 3 );
		// Tuesday 1 December 2026, noon in Berlin: next Monday, 03:00 Berlin.
		$this->assertSame( self::berlin( '2026-12-07 03:00' ), Scheduler::next_occurrence( self::berlin( '2026-12-01 12:00' ) ) );
	}

	/**
	 * On the day itself: still today before the hour, next week from the hour on.
	 *
	 * @return void
	 */
	public function test_next_occurrence_on_the_day_itself(): void {
		self::configure( 1, 3 );
		$this->assertSame( self::berlin( '2026-12-07 03:00' ), Scheduler::next_occurrence( self::berlin( '2026-12-07 02:59' ) ) );
		$this->assertSame( self::berlin( '2026-12-14 03:00' ), Scheduler::next_occurrence( self::berlin( '2026-12-07 03:00' ) ), 'the hour itself has come: next week' );
	}

	/**
	 * The site's zone decides the day: Sunday 23:30 UTC is Monday in Berlin.
	 *
	 * @return void
	 */
	public function test_next_occurrence_reads_the_day_in_site_time(): void {
		self::configure( 0, 23 );
		// Sunday 6 December 2026, 23:30 UTC = Monday 00:30 in Berlin: Sunday 23:00 Berlin has passed.
		$now = ( new DateTimeImmutable( '2026-12-06 23:30', new DateTimeZone( 'UTC' ) ) )->getTimestamp();
		$this->assertSame( self::berlin( '2026-12-13 23:00' ), Scheduler::next_occurrence( $now ) );
	}

	/**
	 * The hour is a wall-clock hour: it stays 03:00 across the change to summer time.
	 *
	 * @return void
	 */
	public function test_next_occurrence_keeps_wall_clock_across_summer_time(): void {
		self::configure( 0, 3 );
		// Summer time starts on Sunday 28 March 2027 at 02:00.
		$at = Scheduler::next_occurrence( self::berlin( '2027-03-27 12:00' ) );
		$this->assertSame( self::berlin( '2027-03-28 03:00' ), $at );
		$this->assertSame( '2027-03-28 03:00 +02:00', wp_date( 'Y-m-d H:i P', $at ) );
	}
}
