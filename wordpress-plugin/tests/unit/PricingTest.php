<?php
/**
 * Tests of the rate card, the cost cap and the wording of amounts and of the
 * cost cap's refusal, on WordPress's formatting and option functions (the
 * arithmetic is the extension's, tested in php/tests and the Rust tests).
 *
 * @package Wpwa\Plugin\Tests
 */

use PHPUnit\Framework\TestCase;
use Wpwa\Plugin\Messages\Config;
use Wpwa\Plugin\Messages\Pricing;

/**
 * Messages\Pricing.
 */
final class PricingTest extends TestCase {

	/**
	 * Answers the messages option with `$values` (merged over the defaults).
	 *
	 * @param array<string,mixed> $values Stored values.
	 * @return void
	 */
	private static function settings( array $values ): void {
		OptionsFixture::install();
		OptionsFixture::answer( Config::OPTION, array_merge( Config::defaults(), $values ) );
		OptionsFixture::answer( 'date_format', 'F j, Y' );
	}

	/**
	 * Removes the filters a test added.
	 *
	 * @return void
	 */
	protected function tearDown(): void {
		remove_all_filters( 'wpwa_message_cost_cap' );
		remove_all_filters( 'wpwa_message_rate_card' );
	}

	/**
	 * Amounts keep the decimals they have, at least two, with the currency code.
	 *
	 * @return void
	 */
	public function test_amounts_are_worded_with_their_currency(): void {
		$this->assertSame( '12.50 EUR', Pricing::format( 12500000, 'EUR' ) );
		$this->assertSame( '0.0625 EUR', Pricing::format( 62500, 'EUR' ) );
		$this->assertSame( '0.00 USD', Pricing::format( 0, 'USD' ) );
		$this->assertSame( '1,000.000001 USD', Pricing::format( 1000000001, 'USD' ) );
		$this->assertSame( '0.0625', Pricing::decimal( 62500 ) );
		$this->assertSame( '12', Pricing::decimal( 12000000 ) );
		$this->assertSame( '0', Pricing::decimal( 0 ) );
	}

	/**
	 * The rate card and cap come from the settings; the marketplace (vendor 0)
	 * has no cap; the filter sets one per vendor.
	 *
	 * @return void
	 */
	public function test_the_rate_card_and_cap_come_from_the_settings(): void {
		self::settings(
			array(
				'rate_currency'   => 'EUR',
				'price_marketing' => 61000,
				'price_utility'   => 20000,
				'cost_cap'        => 5000000,
			)
		);
		$card = Pricing::rate_card();
		$this->assertSame( 'EUR', $card['currency'] );
		$this->assertSame( 61000, $card['prices']['marketing'] );
		$this->assertSame( 0, $card['prices']['service'] );
		$this->assertSame( Pricing::CATEGORIES, array_keys( $card['prices'] ) );
		$this->assertSame( 5000000, Pricing::cost_cap( 7 ) );
		$this->assertSame( 0, Pricing::cost_cap( 0 ) );
		add_filter(
			'wpwa_message_cost_cap',
			static function ( int $cap, int $vendor_id ): int {
				return 7 === $vendor_id ? 1000000 : $cap;
			},
			10,
			2
		);
		$this->assertSame( 1000000, Pricing::cost_cap( 7 ) );
		$this->assertSame( 5000000, Pricing::cost_cap( 8 ) );
		$limits = Config::limits( 7 );
		$this->assertSame( 1000000, $limits['cost_cap_micros'] );
		$this->assertSame( $card, $limits['rate_card'] );
	}

	/**
	 * A month's usage in words: the cost against the cap, per category.
	 *
	 * @return void
	 */
	public function test_a_month_is_worded_by_category(): void {
		self::settings( array( 'cost_cap' => 200000 ) );
		$shown = Pricing::present(
			array(
				'messages'    => 4,
				'cost_micros' => 200000,
				'currency'    => 'EUR',
				'categories'  => array(
					array(
						'category'    => 'marketing',
						'messages'    => 3,
						'cost_micros' => 200000,
					),
					array(
						'category'    => 'service',
						'messages'    => 1,
						'cost_micros' => 0,
					),
				),
			),
			7
		);
		$this->assertSame( '0.20 EUR', $shown['cost'] );
		$this->assertSame( '0.20 EUR', $shown['cap'] );
		$this->assertTrue( $shown['used_up'] );
		$this->assertSame(
			array(
				array(
					'label'    => 'Marketing',
					'messages' => '3 messages',
					'cost'     => '0.20 EUR',
				),
				array(
					'label'    => 'Service (replies)',
					'messages' => '1 message',
					'cost'     => '0.00 EUR',
				),
			),
			$shown['categories']
		);
	}

	/**
	 * The extension's refusal is worded again with the site's number and date
	 * formats; a message of another shape is shown as it came.
	 *
	 * @return void
	 */
	public function test_the_cost_cap_refusal_is_worded_for_the_vendor(): void {
		self::settings( array() );
		$this->assertSame(
			'This month\'s WhatsApp budget of 1,250.50 EUR is used up; messages can be sent again on January 1, 2027.',
			Pricing::cap_reached_message( 'this month\'s WhatsApp budget of 1250.50 EUR is used up; messages can be sent again on 2027-01-01' )
		);
		$this->assertSame( 'something else', Pricing::cap_reached_message( 'something else' ) );
	}
}
