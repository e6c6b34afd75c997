<?php

declare(strict_types=1);

namespace Wpwa\Tests;

final class SecretTest extends WpwaTestCase
{
    private const KEY = 'wp-salts-AUTH_KEY-SECURE_AUTH_KEY-0123456789';

    public function testSealedCredentialsRoundTripAndHideThePlaintext(): void
    {
        $sealed = \Wpwa\secret_seal(self::KEY, 'gateway.api_key', 'gw-live-key-123456');
        self::assertStringStartsWith('wpwa:v1:', $sealed);
        self::assertStringNotContainsString('gw-live-key', $sealed);
        self::assertSame('gw-live-key-123456', \Wpwa\secret_open(self::KEY, 'gateway.api_key', $sealed));
        self::assertNotSame($sealed, \Wpwa\secret_seal(self::KEY, 'gateway.api_key', 'gw-live-key-123456'));
    }

    public function testAnotherSiteKeyOrFieldCannotOpenIt(): void
    {
        $sealed = \Wpwa\secret_seal(self::KEY, 'gateway.api_key', 'gw-live-key-123456');
        foreach ([[self::KEY . '-rotated', 'gateway.api_key'], [self::KEY, 'cloud.access_token']] as [$key, $context]) {
            try {
                \Wpwa\secret_open($key, $context, $sealed);
                self::fail('opened with the wrong key or context');
            } catch (\Wpwa\AuthException $e) {
                self::assertStringContainsString('enter the credential again', $e->getMessage());
            }
        }
    }

    public function testMaskingShowsOnlyTheLastFourCharacters(): void
    {
        self::assertSame('••••••••3456', \Wpwa\secret_mask('gw-live-key-123456'));
        self::assertSame('••••••••', \Wpwa\secret_mask('abc'));
    }

    public function testBadInputIsRefused(): void
    {
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\secret_seal('short', 'gateway.api_key', 'x');
    }
}
