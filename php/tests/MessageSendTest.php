<?php

declare(strict_types=1);

namespace Wpwa\Tests;

final class MessageSendTest extends WpwaTestCase
{
    private const DEAD_API = ['url' => 'http://127.0.0.1:9', 'version' => 'v21.0', 'token' => 'sandbox-token', 'phone_number_id' => '100000000000001'];

    public function testFreeTextToACustomerWhoNeverWroteIsRefusedBeforeAnyCall(): void
    {
        try {
            \Wpwa\message_send(random_int(1000, 9999), '15550001111', ['type' => 'text', 'body' => 'Hello'], self::DEAD_API);
            self::fail('sent outside the window');
        } catch (\Wpwa\ValidationException $e) {
            self::assertStringContainsString('template', $e->getMessage());
        }
    }

    public function testATemplateIsAttemptedAndAnUnreachableApiIsATransportError(): void
    {
        $this->expectException(\Wpwa\TransportException::class);
        \Wpwa\message_send(random_int(1000, 9999), '15550001111', ['type' => 'template', 'name' => 'order_update', 'language' => 'en_US'], self::DEAD_API);
    }

    public function testAnUsedUpAllowanceIsRateLimitedUntilTheMonthTurns(): void
    {
        try {
            \Wpwa\message_send(random_int(1000, 9999), '15550001111', ['type' => 'template', 'name' => 't', 'language' => 'en'], self::DEAD_API, ['monthly_allowance' => 0]);
            self::fail('sent beyond the allowance');
        } catch (\Wpwa\RateLimitedException $e) {
            self::assertStringContainsString('allowance', $e->getMessage());
            self::assertGreaterThan(0, $e->getCode());
            self::assertLessThanOrEqual(31 * 86400, $e->getCode());
        }
    }

    public function testACostCapIsACostCapExceptionNamingTheCapAndTheDay(): void
    {
        $limits = [
            'cost_cap_micros' => 50000,
            'rate_card' => ['currency' => 'EUR', 'prices' => ['marketing' => 61000, 'utility' => 20000]],
        ];
        try {
            // A template of unknown category counts as marketing: 0.061 passes a cap of 0.05.
            \Wpwa\message_send(random_int(1000, 9999), '15550001111', ['type' => 'template', 'name' => 't', 'language' => 'en'], self::DEAD_API, $limits);
            self::fail('sent beyond the cost cap');
        } catch (\Wpwa\CostCapException $e) {
            self::assertInstanceOf(\Wpwa\RateLimitedException::class, $e);
            $next = gmdate('Y-m-d', (int) gmmktime(0, 0, 0, (int) gmdate('n') + 1, 1));
            self::assertSame("this month's WhatsApp budget of 0.05 EUR is used up; messages can be sent again on {$next}", $e->getMessage());
            self::assertGreaterThan(0, $e->getCode());
            self::assertLessThanOrEqual(31 * 86400, $e->getCode());
        }
    }

    public function testAMonthsUsageIsByCategoryWithItsCost(): void
    {
        $vendor = random_int(100000, 999999);
        $card = ['currency' => 'EUR', 'prices' => ['marketing' => 61000]];
        $usage = \Wpwa\message_usage($vendor, $card);
        self::assertSame($vendor, $usage['vendor_id']);
        self::assertSame(0, $usage['messages']);
        self::assertSame(0, $usage['billable']);
        self::assertSame(0, $usage['cost_micros']);
        self::assertSame('EUR', $usage['currency']);
        self::assertSame([], $usage['categories']);
        self::assertLessThan($usage['next_month'], $usage['month_start']);
        self::assertSame('USD', \Wpwa\message_usage($vendor, null)['currency']);
        self::assertIsArray(\Wpwa\message_usage_all($card));
        self::assertArrayNotHasKey($vendor, \Wpwa\message_usage_all(null));
    }

    /** @dataProvider badRateCards */
    public function testBadRateCardsAreRefused(array $card, string $expected): void
    {
        $this->expectException(\Wpwa\ValidationException::class);
        $this->expectExceptionMessage($expected);
        \Wpwa\message_usage(1, $card);
    }

    public function badRateCards(): array
    {
        return [
            'currency' => [['currency' => 'euro'], 'currency'],
            'category' => [['prices' => ['agent' => 1]], 'unknown pricing category'],
            'negative' => [['prices' => ['marketing' => -1]], 'marketing'],
            'unknown key' => [['price' => []], 'unknown field'],
        ];
    }

    /** @dataProvider badMessages */
    public function testMalformedMessagesAreRefused(array $message, string $to, string $expected): void
    {
        $this->expectException(\Wpwa\ValidationException::class);
        $this->expectExceptionMessage($expected);
        \Wpwa\message_send(1, $to, $message, self::DEAD_API);
    }

    public function badMessages(): array
    {
        return [
            'no type' => [['body' => 'x'], '15550001111', 'type'],
            'unknown type' => [['type' => 'fax'], '15550001111', 'unknown variant `fax`'],
            'bad number' => [['type' => 'template', 'name' => 't', 'language' => 'en'], '+1 555', '6 to 15 digits'],
            'list without sections' => [['type' => 'product_list', 'catalog_id' => '1', 'header' => 'h', 'body' => 'b'], '15550001111', 'sections'],
        ];
    }
}
