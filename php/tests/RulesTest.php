<?php

declare(strict_types=1);

namespace Wpwa\Tests;

/** The rulebook the plugin's settings forms use: Wpwa\settings_check() and Wpwa\limits(). */
final class RulesTest extends WpwaTestCase
{
    public function testLimitsGiveEveryFormItsBounds(): void
    {
        $limits = \Wpwa\limits();
        self::assertSame(
            ['settings', 'catalog', 'messages', 'cloud_connection', 'gateway_connection', 'preferences', 'reply', 'customer_account', 'chat_button', 'log', 'auth', 'privacy', 'gateway', 'webhooks', 'order_updates'],
            array_keys($limits)
        );
        self::assertSame(['type' => 'integer', 'min' => 1, 'max' => 100], $limits['catalog']['batch_size']);
        self::assertSame(['type' => 'zero_or_range', 'min' => 31, 'max' => 36500], $limits['messages']['retention_days']);
        self::assertSame(['type' => 'credential', 'maxlength' => 1024, 'spaces' => false], $limits['catalog']['access_token']);
        // One rule for the access token wherever it is entered.
        self::assertSame($limits['catalog']['access_token'], $limits['cloud_connection']['access_token']);
        self::assertSame(['type' => 'credential', 'maxlength' => 512, 'spaces' => true], $limits['gateway_connection']['api_key']);
        self::assertSame('[0-9]{1,32}', $limits['messages']['phone_number_id']['pattern']);
        self::assertTrue($limits['messages']['phone_number_id']['optional']);
        self::assertFalse($limits['cloud_connection']['phone_number_id']['optional']);
        // The rules the plugin used to write itself, now read from the core.
        self::assertSame(['type' => 'text', 'maxlength' => 1000], $limits['preferences']['away_message']);
        // WhatsApp's own limits, where the panel answers customers and customers save their username.
        self::assertSame(['type' => 'text', 'maxlength' => 4096], $limits['reply']['text']);
        self::assertSame(['type' => 'text', 'maxlength' => 64], $limits['customer_account']['whatsapp_username']);
        self::assertSame(['type' => 'integer', 'min' => 0, 'max' => 1440], $limits['preferences']['close_minute']);
        self::assertSame(['type' => 'integer', 'min' => 0, 'max' => 262144], $limits['webhooks']['cloud_body_bytes']);
        self::assertSame(['type' => 'integer', 'min' => 0, 'max' => 65536], $limits['webhooks']['gateway_body_bytes']);
        // How long the webhook queue holds a delivery: the drain that waits for it reads these.
        self::assertSame(['type' => 'integer', 'min' => 0, 'max' => 60], $limits['webhooks']['queue_lease_seconds']);
        self::assertSame(['type' => 'integer', 'min' => 0, 'max' => 30], $limits['webhooks']['queue_retry_seconds']);
        self::assertSame(4096, $limits['auth']['bearer_token']['maxlength']);
        self::assertSame(['type' => 'text', 'maxlength' => 1000], $limits['order_updates']['consent_text']);
        self::assertSame('[a-z0-9_]{1,512}', $limits['order_updates']['template']['pattern']);
    }

    public function testPreferencesTokensCallingCodesAndGatewayUrlsAreCheckedByTheCore(): void
    {
        $checked = \Wpwa\settings_check('preferences', ['whatsapp_number' => '+12', 'weekday' => 6]);
        self::assertSame(['weekday' => 6], $checked['values']);
        self::assertSame('bad_format', $checked['problems'][0]['code']);
        self::assertSame('phone_number', $checked['problems'][0]['format']);
        self::assertSame(['whatsapp_number' => '+15550100200'], \Wpwa\settings_check('preferences', ['whatsapp_number' => '+15550100200'])['values']);
        self::assertSame([], \Wpwa\settings_check('auth', ['bearer_token' => 'a.b'])['values']);
        self::assertSame(['bearer_token' => 'a.b.c'], \Wpwa\settings_check('auth', ['bearer_token' => 'a.b.c'])['values']);
        self::assertSame([], \Wpwa\settings_check('privacy', ['calling_code' => '+12345'])['values']);
        self::assertSame(['calling_code' => '+49'], \Wpwa\settings_check('privacy', ['calling_code' => '+49'])['values']);
        self::assertSame([], \Wpwa\settings_check('gateway', ['gateway_url' => 'https://u:p@gw.example'])['values']);
        self::assertSame(['gateway_url' => 'http://127.0.0.1:3000'], \Wpwa\settings_check('gateway', ['gateway_url' => 'http://127.0.0.1:3000'])['values']);
    }

    public function testFormValuesAreAcceptedTypedOrRefusedWithTheirBounds(): void
    {
        $checked = \Wpwa\settings_check('catalog', [
            'batch_size' => '50',
            'image_max_mb' => '9',
            'schedule_hour' => 'three',
            'currency' => 'EUR',
            'graph_version' => 'v21',
            'catalog_id' => '',
        ]);
        self::assertSame(['batch_size' => 50, 'currency' => 'EUR', 'catalog_id' => ''], $checked['values']);
        self::assertSame([
            ['field' => 'image_max_mb', 'code' => 'out_of_range', 'min' => 1, 'max' => 8],
            ['field' => 'schedule_hour', 'code' => 'not_an_integer', 'min' => 0, 'max' => 23],
            ['field' => 'graph_version', 'code' => 'bad_format', 'format' => 'graph_version'],
        ], $checked['problems']);
    }

    public function testCredentialsFollowTheCoresRule(): void
    {
        $tooLong = str_repeat('t', 1025);
        $checked = \Wpwa\settings_check('cloud_connection', ['access_token' => $tooLong, 'app_secret' => "two words", 'verify_token' => '']);
        self::assertSame([
            ['field' => 'access_token', 'code' => 'too_long', 'max_length' => 1024],
            ['field' => 'app_secret', 'code' => 'bad_characters'],
        ], $checked['problems']);
        self::assertSame(['verify_token' => ''], $checked['values'], 'blank keeps the saved one');
        // What the settings accept, the Cloud client accepts: the core refuses the same token.
        try {
            \Wpwa\catalog_sync_plan(1, [], ['url' => 'http://127.0.0.1:9', 'token' => $tooLong, 'catalog_id' => '1']);
            self::fail('the Cloud client accepted a token the settings refuse');
        } catch (\Wpwa\ValidationException $e) {
            self::assertStringContainsString('access token', $e->getMessage());
        }
        self::assertSame([], \Wpwa\settings_check('gateway_connection', ['api_key' => 'key with spaces'])['problems']);
        self::assertSame('bad_characters', \Wpwa\settings_check('gateway_connection', ['api_key' => "key\x07"])['problems'][0]['code']);
    }

    public function testRetentionIsZeroOrInItsRange(): void
    {
        foreach (['0' => true, '31' => true, '36500' => true, '30' => false, '36501' => false, '-1' => false] as $days => $ok) {
            $checked = \Wpwa\settings_check('messages', ['retention_days' => (string) $days]);
            self::assertSame($ok, [] === $checked['problems'], "retention $days");
        }
    }

    /** @dataProvider refusedCalls */
    public function testUnknownGroupsFieldsAndShapesAreRefused(string $group, array $values, string $expected): void
    {
        $this->expectException(\Wpwa\ValidationException::class);
        $this->expectExceptionMessage($expected);
        \Wpwa\settings_check($group, $values);
    }

    public function refusedCalls(): array
    {
        return [
            'unknown group' => ['nope', [], 'unknown settings group'],
            'unknown field' => ['settings', ['sandbox_mode' => '1'], 'has no field'],
            'a list' => ['settings', ['x'], 'keyed by field name'],
        ];
    }

    public function testOptionArraysRefuseUnknownKeysAndOutOfRangeValues(): void
    {
        foreach ([
            [fn () => \Wpwa\session_status(1, ['qr_first_seconds' => 601]), 'qr_first_seconds must be between 1 and 600'],
            [fn () => \Wpwa\session_status(1, ['max_starts' => 5]), 'unknown field `max_starts`'],
            [fn () => \Wpwa\session_status(1, [5]), 'list'],
            [fn () => \Wpwa\catalog_prepare([], ['concurrency' => 17]), 'concurrency must be between 1 and 16'],
            [fn () => \Wpwa\catalog_prepare([], ['batch_size' => '10']), 'batch_size: invalid type'],
            [fn () => \Wpwa\vendor_directory([['vendor_id' => 1, 'email' => 'x']]), 'unknown field `email`'],
            [fn () => \Wpwa\message_send(1, '15550001111', ['type' => 'text', 'body' => 'x'], ['url' => 'http://127.0.0.1:9', 'token' => 't']), 'phone_number_id is missing'],
        ] as [$call, $expected]) {
            try {
                $call();
                self::fail("accepted, expected: $expected");
            } catch (\Wpwa\ValidationException $e) {
                self::assertStringContainsString($expected, $e->getMessage());
            }
        }
    }
}
