<?php

declare(strict_types=1);

namespace Wpwa\Tests;

final class OrderUpdatesTest extends WpwaTestCase
{
    private const DEAD_API = ['url' => 'http://127.0.0.1:9', 'version' => 'v21.0', 'token' => 'sandbox-token', 'phone_number_id' => '100000000000001'];

    private const MAPPING = [
        'processing' => ['name' => 'order_processing', 'language' => 'en_US', 'params' => ['order_number', 'total', 'items']],
        'completed' => ['name' => '', 'language' => 'en_US', 'params' => []],
    ];

    private static function customer(): string
    {
        return '1777' . random_int(1000000, 9999999);
    }

    private static function data(): array
    {
        return ['order_number' => '1042', 'total' => '25.00 USD', 'items' => ['2 × Blue tee', '1 × Mug']];
    }

    public function testConsentIsRecordedAndTheLatestRecordIsCurrent(): void
    {
        $customer = self::customer();
        self::assertNull(\Wpwa\consent_current($customer, 'order_updates'));
        $record = \Wpwa\consent_record($customer, 'order_updates', true, 'checkout', ' Send me updates ', 42);
        self::assertSame(['customer' => $customer, 'purpose' => 'order_updates', 'granted' => true, 'source' => 'checkout', 'text' => 'Send me updates', 'order_id' => 42], array_diff_key($record, ['at' => 0]));
        self::assertTrue(\Wpwa\consent_current($customer, 'order_updates')['granted']);
        self::assertNull(\Wpwa\consent_current($customer, 'marketing'), 'order updates are no marketing consent');
        \Wpwa\consent_record($customer, 'order_updates', false, 'admin', 'Withdrawn on the phone', null);
        self::assertFalse(\Wpwa\consent_current($customer, 'order_updates')['granted']);
        self::assertCount(2, \Wpwa\consent_history($customer));
        self::assertSame(['consents', 'order_updates'], array_values(array_intersect(array_keys(\Wpwa\privacy_export($customer)), ['consents', 'order_updates'])));
        self::assertCount(2, \Wpwa\privacy_export($customer)['consents']);
        self::assertGreaterThanOrEqual(2, \Wpwa\privacy_erase($customer)['other']);
        self::assertSame([], \Wpwa\consent_history($customer));
    }

    /** @dataProvider badConsent */
    public function testBadConsentIsRefused(string $customer, string $purpose, string $source, string $text, string $expected): void
    {
        $this->expectException(\Wpwa\ValidationException::class);
        $this->expectExceptionMessage($expected);
        \Wpwa\consent_record($customer, $purpose, true, $source, $text, null);
    }

    public function badConsent(): array
    {
        return [
            'number with a plus' => ['+15550001111', 'order_updates', 'checkout', 'x', 'WhatsApp number'],
            'unknown purpose' => ['15550001111', 'newsletter', 'checkout', 'x', 'unknown consent purpose'],
            'unknown source' => ['15550001111', 'marketing', 'email', 'x', 'unknown consent source'],
            'no text' => ['15550001111', 'marketing', 'admin', '  ', 'text the customer was shown'],
        ];
    }

    public function testTheMappingIsCheckedByTheCore(): void
    {
        $mapping = \Wpwa\order_updates_mapping(self::MAPPING);
        self::assertSame(['processing'], array_keys($mapping), 'an event without a template name is unmapped');
        self::assertSame([], \Wpwa\order_updates_mapping([]));
        $vocabulary = \Wpwa\order_update_events();
        self::assertContains('shipped', $vocabulary['events']);
        self::assertContains('tracking', $vocabulary['fields']);
        self::assertSame('STOP', $vocabulary['default_opt_out_words']);
        foreach ([
            ['processing' => ['name' => 'Order Placed', 'language' => 'en_US']],
            ['dispatched' => ['name' => 'ok', 'language' => 'en']],
            ['processing' => ['name' => 'ok', 'language' => 'en', 'params' => ['password']]],
        ] as $bad) {
            try {
                \Wpwa\order_updates_mapping($bad);
                self::fail('accepted ' . json_encode($bad));
            } catch (\Wpwa\ValidationException $e) {
                self::assertStringContainsString('mapping', $e->getMessage());
            }
        }
    }

    public function testAnUpdateIsClaimedOnceAndOnlyForAnOptedInCustomer(): void
    {
        $customer = self::customer();
        $order = random_int(100000, 999999999);
        self::assertSame(['outcome' => 'no_consent'], \Wpwa\order_update_prepare($order, 'processing', 0, $customer, self::MAPPING, self::data()));
        \Wpwa\consent_record($customer, 'order_updates', true, 'checkout', 'Send me updates', $order);
        self::assertSame(['outcome' => 'unmapped'], \Wpwa\order_update_prepare($order, 'completed', 0, $customer, self::MAPPING, self::data()));
        $prepared = \Wpwa\order_update_prepare($order, 'processing', 0, $customer, self::MAPPING, self::data());
        self::assertSame('send', $prepared['outcome']);
        self::assertSame(1, $prepared['attempt']);
        self::assertSame('template', $prepared['message']['type']);
        self::assertSame(['1042', '25.00 USD', '2 × Blue tee, 1 × Mug'], array_column($prepared['message']['components'][0]['parameters'], 'text'));
        self::assertSame(['outcome' => 'done', 'state' => 'sending'], \Wpwa\order_update_prepare($order, 'processing', 0, $customer, self::MAPPING, self::data()));

        // The send fails on the dead API: a transport error is retried later.
        try {
            \Wpwa\message_send(0, $customer, $prepared['message'], self::DEAD_API);
            self::fail('sent through a dead API');
        } catch (\Wpwa\TransportException $e) {
            self::assertSame(['next' => 'retry_in', 'seconds' => 60], \Wpwa\order_update_finish($order, 'processing', ['error' => 'wpwa_transport_error']));
        }
        $again = \Wpwa\order_update_prepare($order, 'processing', 0, $customer, self::MAPPING, self::data());
        self::assertSame(2, $again['attempt'], 'the retry is the second attempt');
        self::assertSame(['next' => 'done'], \Wpwa\order_update_finish($order, 'processing', ['wamid' => 'wamid.PHPUNIT' . $order]));
        self::assertSame(['outcome' => 'done', 'state' => 'sent'], \Wpwa\order_update_prepare($order, 'processing', 0, $customer, self::MAPPING, self::data()));

        $updates = \Wpwa\order_updates([$order]);
        self::assertCount(1, $updates);
        self::assertSame(['sent', 'wamid.PHPUNIT' . $order, 2], [$updates[0]['state'], $updates[0]['wamid'], $updates[0]['attempts']]);
        self::assertSame([], \Wpwa\order_updates_vendor(random_int(100000, 999999)));
        self::assertNotEmpty(\Wpwa\order_updates_vendor(0));
    }

    public function testPacingWaitsWithoutSpendingAnAttempt(): void
    {
        $customer = self::customer();
        $order = random_int(100000, 999999999);
        \Wpwa\consent_record($customer, 'order_updates', true, 'checkout', 'Send me updates', $order);
        \Wpwa\order_update_prepare($order, 'processing', 0, $customer, self::MAPPING, self::data());
        self::assertSame(['next' => 'retry_in', 'seconds' => 6], \Wpwa\order_update_finish($order, 'processing', ['retry_after' => 6]));
        self::assertSame(1, \Wpwa\order_update_prepare($order, 'processing', 0, $customer, self::MAPPING, self::data())['attempt']);
    }

    /** @dataProvider badUpdates */
    public function testBadUpdateCallsAreRefused(callable $call, string $expected): void
    {
        $this->expectException(\Wpwa\ValidationException::class);
        $this->expectExceptionMessage($expected);
        $call();
    }

    public function badUpdates(): array
    {
        return [
            'order 0' => [static fn () => \Wpwa\order_update_prepare(0, 'processing', 0, '15550001111', self::MAPPING, []), 'order_id'],
            'unknown event' => [static fn () => \Wpwa\order_update_prepare(5, 'dispatched', 0, '15550001111', self::MAPPING, []), 'unknown order event'],
            'bad customer' => [static fn () => \Wpwa\order_update_prepare(5, 'processing', 0, '+1 555', self::MAPPING, []), '6 to 15 digits'],
            'unknown data' => [static fn () => \Wpwa\order_update_prepare(5, 'processing', 0, '15550001111', self::MAPPING, ['coupon' => 'x']), 'coupon'],
            'finish without a claim' => [static fn () => \Wpwa\order_update_finish(random_int(1000000000, 2000000000), 'shipped', ['wamid' => 'w']), 'no claimed'],
            'empty result' => [static fn () => \Wpwa\order_update_finish(5, 'processing', []), 'wamid, a retry_after or an error'],
            'invite without text' => [static fn () => \Wpwa\consent_invite('15550001111', 5, ' '), 'text the customer was shown'],
        ];
    }
}
