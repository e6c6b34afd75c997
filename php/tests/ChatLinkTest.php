<?php

declare(strict_types=1);

namespace Wpwa\Tests;

/** The chat button's link (Wpwa\chat_link) and its QR code (Wpwa\qr_svg). */
final class ChatLinkTest extends WpwaTestCase
{
    private const APP_SECRET = 'chat-link-app-secret';

    public function testTheLinkCarriesTheCodeAndRoutesBackToTheVendor(): void
    {
        $shop = random_int(100000, 499999);
        $other = $shop + 1;
        \Wpwa\directory_replace([
            ['vendor_id' => $shop, 'code' => '', 'store_name' => "Mug &amp; Co $shop"],
            ['vendor_id' => $other, 'code' => '', 'store_name' => "Mug $other"],
        ]);
        $entry = array_column(\Wpwa\directory(), null, 'vendor_id')[$shop];

        $link = \Wpwa\chat_link('+1 555-010-0001', 'Hi {store}, about {product} {code}', 'Mug #2 of #MUG' . $other, $entry['store_name'], $entry['code']);
        self::assertSame(['url', 'text', 'code', 'number'], array_keys($link));
        self::assertSame('15550100001', $link['number']);
        self::assertSame($entry['code'], $link['code']);
        self::assertSame("Hi Mug & Co $shop, about Mug ＃2 of ＃MUG$other #{$entry['code']}", $link['text']);
        self::assertSame('https://wa.me/15550100001?text=' . rawurlencode($link['text']), $link['url']);

        // The customer sends the prefilled text: the core routes it to the vendor.
        $customer = (string) random_int(15550000000, 15559999999);
        $wamid = 'wamid.' . bin2hex(random_bytes(8));
        $body = (string) json_encode(['object' => 'whatsapp_business_account', 'entry' => [['id' => '1', 'changes' => [['field' => 'messages', 'value' => [
            'metadata' => ['phone_number_id' => '42'],
            'contacts' => [['profile' => ['name' => 'Sam'], 'wa_id' => $customer]],
            'messages' => [['from' => $customer, 'id' => $wamid, 'timestamp' => (string) time(), 'type' => 'text', 'text' => ['body' => $link['text']]]],
        ]]]]]]);
        $report = \Wpwa\cloud_webhook($body, 'sha256=' . hash_hmac('sha256', $body, self::APP_SECRET), self::APP_SECRET, null);
        [$stored] = $report['stored'];
        self::assertSame([$shop, 'vendor_code'], [$stored['vendor_id'], $stored['rule']]);
    }

    public function testAPatternWithoutTheCodeGetsIt(): void
    {
        $link = \Wpwa\chat_link('15550100001', 'Hello!', 'Lamp', 'Shop', 'shop1');
        self::assertSame('Hello! #SHOP1', $link['text']);
    }

    public function testBadNumbersAndCodesAreValidationErrors(): void
    {
        foreach ([['12345', 'ACME'], ['call me', 'ACME'], ['15550100001', '#!']] as [$number, $code]) {
            try {
                \Wpwa\chat_link($number, '{code}', 'p', 's', $code);
                self::fail("accepted $number / $code");
            } catch (\Wpwa\ValidationException $e) {
                self::assertNotSame('', $e->getMessage());
            }
        }
    }

    public function testTheQrCodeIsAnSvgOfTheLink(): void
    {
        $link = \Wpwa\chat_link('15550100001', '{product} {code}', 'Lamp', 'Shop', 'SHOP');
        $svg = \Wpwa\qr_svg($link['url']);
        self::assertStringStartsWith('<?xml', $svg);
        self::assertStringContainsString('<svg', $svg);
        self::assertNotSame($svg, \Wpwa\qr_svg($link['url'] . 'x'));
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\qr_svg(str_repeat('x', 8000));
    }
}
