<?php

declare(strict_types=1);

namespace Wpwa\Tests;

/** WhatsApp carts: recorded from webhooks once, claimed once, planned and finished. */
final class CartTest extends WpwaTestCase
{
    private const APP_SECRET = 'cloud-app-secret-for-tests';
    /** Nothing listens on port 9: a send fails in transport, after the core's own checks. */
    private const DEAD_API = ['url' => 'http://127.0.0.1:9', 'version' => 'v21.0', 'token' => 'test-token', 'phone_number_id' => '4242'];

    /** A signed webhook carrying a cart; returns the ingest report. */
    private static function receive(string $wamid, array $items, string $from = '15550012'): array
    {
        $body = (string) json_encode(['object' => 'whatsapp_business_account', 'entry' => [['id' => '1', 'changes' => [['field' => 'messages', 'value' => [
            'metadata' => ['phone_number_id' => '4242'],
            'contacts' => [['profile' => ['name' => 'Dana'], 'wa_id' => $from]],
            'messages' => [['from' => $from, 'id' => $wamid, 'timestamp' => (string) time(), 'type' => 'order', 'order' => ['catalog_id' => 'CAT', 'text' => 'For Friday', 'product_items' => $items]]],
        ]]]]]]);
        return \Wpwa\cloud_webhook($body, 'sha256=' . hash_hmac('sha256', $body, self::APP_SECRET), self::APP_SECRET, []);
    }

    private static function wamid(): string
    {
        return 'wamid.' . bin2hex(random_bytes(8));
    }

    private static function offer(string $retailerId, int $productId, int $vendorId, float $price, array $more = []): array
    {
        return $more + ['retailer_id' => $retailerId, 'product_id' => $productId, 'vendor_id' => $vendorId, 'name' => "Product $productId", 'price' => $price, 'currency' => 'USD', 'purchasable' => true, 'in_stock' => true, 'stock_quantity' => null];
    }

    public function testACartIsReportedOnceClaimedOncePlannedAndOrdered(): void
    {
        $wamid = self::wamid();
        $items = [
            ['product_retailer_id' => 'wc_501', 'quantity' => 2, 'item_price' => 10, 'currency' => 'USD'],
            ['product_retailer_id' => 'wc_502', 'quantity' => 3, 'item_price' => 5, 'currency' => 'USD'],
            ['product_retailer_id' => 'NOPE-1', 'quantity' => 1, 'item_price' => 1, 'currency' => 'USD'],
        ];
        $report = self::receive($wamid, $items);
        self::assertSame([['wamid' => $wamid, 'phone_number_id' => '4242', 'customer' => '15550012']], $report['carts']);
        self::assertSame([], self::receive($wamid, $items)['carts'], 'a redelivery adds nothing');

        $cart = \Wpwa\cart_claim($wamid);
        self::assertIsArray($cart);
        self::assertSame(['claimed', 'Dana', 'For Friday'], [$cart['state'], $cart['customer_name'], $cart['note']]);
        self::assertSame([501, 502, null], array_column($cart['lines'], 'product_id'));
        self::assertNull(\Wpwa\cart_claim($wamid), 'the second worker gets nothing');

        $plan = \Wpwa\cart_plan($wamid, [
            self::offer('wc_501', 501, 11, 12.5),
            self::offer('wc_502', 502, 12, 5.0, ['stock_quantity' => 2]),
        ]);
        self::assertSame([[501, 2, 12.5], [502, 2, 5.0]], array_map(static fn($l) => [$l['product_id'], $l['quantity'], $l['unit_price']], $plan['lines']));
        self::assertSame(['price_changed', 'not_enough_stock', 'gone'], array_column($plan['problems'], 'code'));
        self::assertSame([10.0, 12.5], [$plan['problems'][0]['old_price'], $plan['problems'][0]['new_price']]);
        self::assertSame([false, null, [11, 12]], [$plan['nothing_left'], $plan['refusal'], $plan['vendors']]);

        $done = \Wpwa\cart_ordered($wamid, 900, [['vendor_id' => 11, 'order_id' => 901], ['vendor_id' => 12, 'order_id' => 902]]);
        self::assertSame(['ordered', 900], [$done['state'], $done['order_id']]);
        self::assertSame($done, \Wpwa\cart_get($wamid));
        $parts = \Wpwa\cart_vendor_parts(12);
        self::assertSame([$wamid, 902, 900], [$parts[0]['wamid'], $parts[0]['order_id'], $parts[0]['cart_order_id']]);
        self::assertSame(['not_enough_stock'], array_column($parts[0]['problems'], 'code'), 'only the vendor\'s own lines');
    }

    public function testACartOfUnknownProductsIsRefused(): void
    {
        $wamid = self::wamid();
        self::receive($wamid, [['product_retailer_id' => 'GHOST', 'quantity' => 1, 'item_price' => 3, 'currency' => 'USD']]);
        \Wpwa\cart_claim($wamid);
        $plan = \Wpwa\cart_plan($wamid, []);
        self::assertSame([true, 'unknown_products', []], [$plan['nothing_left'], $plan['refusal'], $plan['lines']]);
        $refused = \Wpwa\cart_refused($wamid, $plan['refusal']);
        self::assertSame(['refused', 'unknown_products'], [$refused['state'], $refused['refusal']]);
        self::assertNull(\Wpwa\cart_claim($wamid), 'finished carts are never claimed again');
        self::assertNull(\Wpwa\cart_get('wamid.never'));
    }

    public function testBillingPhonesMatchByTheCoresRule(): void
    {
        $accounts = [['user_id' => 7, 'phone' => '(555) 010-2233'], ['user_id' => 8, 'phone' => '+44 20 7946 0000']];
        self::assertSame(8, \Wpwa\cart_match_phone('442079460000', $accounts));
        self::assertSame(7, \Wpwa\cart_match_phone('15550102233', $accounts), 'saved without the country code');
        self::assertNull(\Wpwa\cart_match_phone('15559990000', $accounts));
        self::assertNull(\Wpwa\cart_match_phone('not-a-number', $accounts));
        try {
            \Wpwa\cart_match_phone('15550102233', [['user_id' => 7]]);
            self::fail('accepted an account without a phone');
        } catch (\Wpwa\ValidationException $e) {
            self::assertStringContainsString('accounts', $e->getMessage());
        }
    }

    public function testRefusalsOfTheBindings(): void
    {
        $wamid = self::wamid();
        self::receive($wamid, [['product_retailer_id' => 'wc_7', 'quantity' => 1, 'item_price' => 3, 'currency' => 'USD']]);
        $refusals = [
            'unknown cart' => [static fn() => \Wpwa\cart_claim('wamid.unknown-' . bin2hex(random_bytes(4))), \Wpwa\NotFoundException::class],
            'plan before the claim' => [static fn() => \Wpwa\cart_plan($wamid, []), \Wpwa\ValidationException::class],
            'ordered before the claim' => [static fn() => \Wpwa\cart_ordered($wamid, 5, []), \Wpwa\ValidationException::class],
            'refused before the claim' => [static fn() => \Wpwa\cart_refused($wamid, 'order_failed'), \Wpwa\ValidationException::class],
            'offer with an unknown key' => [static fn() => \Wpwa\cart_plan($wamid, [self::offer('wc_7', 7, 1, 3.0, ['colour' => 'red'])]), \Wpwa\ValidationException::class],
            'offer without a price' => [static fn() => \Wpwa\cart_plan($wamid, [['retailer_id' => 'wc_7', 'product_id' => 7]]), \Wpwa\ValidationException::class],
            'order id zero' => [static fn() => \Wpwa\cart_ordered($wamid, 0, []), \Wpwa\ValidationException::class],
            'a part without an order' => [static fn() => \Wpwa\cart_ordered($wamid, 5, [['vendor_id' => 1]]), \Wpwa\ValidationException::class],
            'a code that is not one' => [static fn() => \Wpwa\cart_refused($wamid, 'Out Of <b>stock</b>'), \Wpwa\ValidationException::class],
            'negative vendor' => [static fn() => \Wpwa\cart_vendor_parts(-1), \Wpwa\ValidationException::class],
            'reply to an unknown cart' => [static fn() => \Wpwa\cart_reply('wamid.unknown-' . bin2hex(random_bytes(4)), 'hi', self::DEAD_API, 0), \Wpwa\NotFoundException::class],
            'reply without a number' => [static fn() => \Wpwa\cart_reply($wamid, 'hi', ['url' => 'http://127.0.0.1:9', 'version' => 'v21.0', 'token' => 't'], 0), \Wpwa\ValidationException::class],
            'reply for a negative vendor' => [static fn() => \Wpwa\cart_reply($wamid, 'hi', self::DEAD_API, -1), \Wpwa\ValidationException::class],
            'reply through a dead API' => [static fn() => \Wpwa\cart_reply($wamid, 'hi', self::DEAD_API, 0), \Wpwa\TransportException::class],
        ];
        foreach ($refusals as $what => [$call, $class]) {
            try {
                $call();
                self::fail("accepted: $what");
            } catch (\Wpwa\Exception $e) {
                self::assertInstanceOf($class, $e, $what);
            }
        }
        \Wpwa\cart_claim($wamid);
        try {
            \Wpwa\cart_refused($wamid, 'Out Of <b>stock</b>');
            self::fail('accepted a bad code on a claimed cart');
        } catch (\Wpwa\ValidationException $e) {
            self::assertStringContainsString('not a code', $e->getMessage());
        }
        self::assertSame('refused', \Wpwa\cart_refused($wamid, 'order_failed')['state']);
    }
}
