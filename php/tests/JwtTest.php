<?php

declare(strict_types=1);

namespace Wpwa\Tests;

final class JwtTest extends WpwaTestCase
{
    public function testRoundTripKeepsEveryClaim(): void
    {
        $before = time();
        $token = \Wpwa\jwt_issue(self::SECRET, 17, 'status:read', self::AUDIENCE, 900);
        $claims = \Wpwa\jwt_verify(self::SECRET, $token, self::AUDIENCE);

        self::assertSame(17, $claims['vendor_id']);
        self::assertSame('status:read', $claims['scope']);
        self::assertSame(self::AUDIENCE, $claims['aud']);
        self::assertGreaterThanOrEqual($before, $claims['iat']);
        self::assertSame($claims['iat'], $claims['nbf']);
        self::assertSame($claims['iat'] + 900, $claims['exp']);
    }

    public function testTokensAreUrlSafeBase64WithoutPadding(): void
    {
        // Vary the claims so some segment length is not a multiple of 3.
        foreach (range(1, 12) as $vendor) {
            $token = \Wpwa\jwt_issue(self::SECRET, $vendor, str_repeat('a', $vendor), self::AUDIENCE, 60);
            self::assertMatchesRegularExpression('/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/', $token);
            [$header] = explode('.', $token);
            $decoded = json_decode((string) base64_decode(strtr($header, '-_', '+/')), true);
            self::assertSame('HS256', $decoded['alg']);
        }
    }

    public function testItInteroperatesWithAPlainPhpSignature(): void
    {
        $now = time();
        $claims = ['aud' => self::AUDIENCE, 'iat' => $now, 'nbf' => $now, 'exp' => $now + 60, 'vendor_id' => 9, 'scope' => 'status:read'];
        $token = self::forgeToken(['alg' => 'HS256', 'typ' => 'JWT'], $claims);
        self::assertSame(9, \Wpwa\jwt_verify(self::SECRET, $token, self::AUDIENCE)['vendor_id']);
    }

    public function testATamperedPayloadIsRefused(): void
    {
        $token = \Wpwa\jwt_issue(self::SECRET, 17, 'status:read', self::AUDIENCE, 900);
        [$header, $payload, $signature] = explode('.', $token);
        $claims = json_decode((string) base64_decode(strtr($payload, '-_', '+/')), true);
        $claims['vendor_id'] = 18;
        $forged = $header . '.' . self::base64url((string) json_encode($claims)) . '.' . $signature;

        $this->expectException(\Wpwa\TokenSignatureException::class);
        \Wpwa\jwt_verify(self::SECRET, $forged, self::AUDIENCE);
    }

    public function testATamperedSignatureIsRefused(): void
    {
        $token = \Wpwa\jwt_issue(self::SECRET, 17, 'status:read', self::AUDIENCE, 900);
        // Change one character well inside the signature, so the Base64 stays valid.
        $at = strlen($token) - 10;
        $forged = substr_replace($token, $token[$at] === 'A' ? 'B' : 'A', $at, 1);

        $this->expectException(\Wpwa\TokenSignatureException::class);
        \Wpwa\jwt_verify(self::SECRET, $forged, self::AUDIENCE);
    }

    public function testAnotherSecretIsRefused(): void
    {
        $token = \Wpwa\jwt_issue(self::SECRET, 17, 'status:read', self::AUDIENCE, 900);
        $this->expectException(\Wpwa\TokenSignatureException::class);
        \Wpwa\jwt_verify(self::SECRET . '-rotated', $token, self::AUDIENCE);
    }

    public function testAnExpiredTokenIsRefused(): void
    {
        $now = time();
        $token = self::forgeToken(
            ['alg' => 'HS256', 'typ' => 'JWT'],
            ['aud' => self::AUDIENCE, 'iat' => $now - 7200, 'nbf' => $now - 7200, 'exp' => $now - 3600, 'vendor_id' => 17, 'scope' => 'status:read']
        );
        try {
            \Wpwa\jwt_verify(self::SECRET, $token, self::AUDIENCE);
            self::fail('an expired token was accepted');
        } catch (\Wpwa\TokenExpiredException $e) {
            self::assertSame('the token has expired', $e->getMessage());
            self::assertInstanceOf(\Wpwa\AuthException::class, $e);
        }
    }

    public function testATokenNotValidYetIsRefused(): void
    {
        $now = time();
        $token = self::forgeToken(
            ['alg' => 'HS256', 'typ' => 'JWT'],
            ['aud' => self::AUDIENCE, 'iat' => $now, 'nbf' => $now + 3600, 'exp' => $now + 7200, 'vendor_id' => 17, 'scope' => 'status:read']
        );
        $this->expectException(\Wpwa\AuthException::class);
        $this->expectExceptionMessage('not valid yet');
        \Wpwa\jwt_verify(self::SECRET, $token, self::AUDIENCE);
    }

    public function testAWrongAudienceIsRefused(): void
    {
        $token = \Wpwa\jwt_issue(self::SECRET, 17, 'status:read', 'wpwa:https://other-shop.example', 900);
        $this->expectException(\Wpwa\TokenAudienceException::class);
        \Wpwa\jwt_verify(self::SECRET, $token, self::AUDIENCE);
    }

    public function testAlgNoneIsRefused(): void
    {
        $now = time();
        $claims = ['aud' => self::AUDIENCE, 'iat' => $now, 'nbf' => $now, 'exp' => $now + 60, 'vendor_id' => 17, 'scope' => 'status:read'];
        $token = self::base64url('{"alg":"none","typ":"JWT"}') . '.' . self::base64url((string) json_encode($claims)) . '.';
        $this->expectException(\Wpwa\AuthException::class);
        \Wpwa\jwt_verify(self::SECRET, $token, self::AUDIENCE);
    }

    public function testAnotherHmacAlgorithmIsRefused(): void
    {
        $now = time();
        $claims = ['aud' => self::AUDIENCE, 'iat' => $now, 'nbf' => $now, 'exp' => $now + 60, 'vendor_id' => 17, 'scope' => 'status:read'];
        $input = self::base64url('{"alg":"HS512","typ":"JWT"}') . '.' . self::base64url((string) json_encode($claims));
        $token = $input . '.' . self::base64url(hash_hmac('sha512', $input, self::SECRET, true));
        $this->expectException(\Wpwa\TokenSignatureException::class);
        \Wpwa\jwt_verify(self::SECRET, $token, self::AUDIENCE);
    }

    /** @dataProvider malformedTokens */
    public function testMalformedTokensAreRefused(string $token): void
    {
        $this->expectException(\Wpwa\TokenMalformedException::class);
        \Wpwa\jwt_verify(self::SECRET, $token, self::AUDIENCE);
    }

    public function malformedTokens(): array
    {
        $now = time();
        return [
            'empty' => [''],
            'one segment' => ['abc'],
            'garbage segments' => ['a.b.c'],
            'dots only' => ['....'],
            'not base64' => ['***.***.***'],
            'huge' => [str_repeat('A', 10000)],
            'header not json' => [self::base64url('nope') . '.' . self::base64url('{}') . '.x'],
            'no vendor claim' => [self::forgeToken(['alg' => 'HS256'], ['aud' => self::AUDIENCE, 'iat' => $now, 'nbf' => $now, 'exp' => $now + 60, 'scope' => 'x'])],
            'vendor claim of the wrong type' => [self::forgeToken(['alg' => 'HS256'], ['aud' => self::AUDIENCE, 'iat' => $now, 'nbf' => $now, 'exp' => $now + 60, 'vendor_id' => 'admin', 'scope' => 'x'])],
            'missing exp' => [self::forgeToken(['alg' => 'HS256'], ['aud' => self::AUDIENCE, 'iat' => $now, 'nbf' => $now, 'vendor_id' => 1, 'scope' => 'x'])],
        ];
    }

    /** @dataProvider refusedIssueRequests */
    public function testIssuingRefusesBadRequests(string $secret, int $vendor, string $scope, string $audience, int $ttl, string $message): void
    {
        $this->expectException(\Wpwa\ValidationException::class);
        $this->expectExceptionMessage($message);
        \Wpwa\jwt_issue($secret, $vendor, $scope, $audience, $ttl);
    }

    public function refusedIssueRequests(): array
    {
        return [
            'short secret' => ['short', 1, 'status:read', self::AUDIENCE, 60, 'at least 32 bytes'],
            'vendor zero' => [self::SECRET, 0, 'status:read', self::AUDIENCE, 60, 'positive integer'],
            'negative vendor' => [self::SECRET, -5, 'status:read', self::AUDIENCE, 60, 'positive integer'],
            'zero lifetime' => [self::SECRET, 1, 'status:read', self::AUDIENCE, 0, 'lifetime'],
            'negative lifetime' => [self::SECRET, 1, 'status:read', self::AUDIENCE, -60, 'lifetime'],
            'over a day' => [self::SECRET, 1, 'status:read', self::AUDIENCE, 86401, 'lifetime'],
            'empty scope' => [self::SECRET, 1, '', self::AUDIENCE, 60, 'scope'],
            'scope with quotes' => [self::SECRET, 1, 'status:read"', self::AUDIENCE, 60, 'scope'],
            'empty audience' => [self::SECRET, 1, 'status:read', '', 60, 'audience'],
        ];
    }
}
