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
