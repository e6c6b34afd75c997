<?php
/**
 * Shared helpers for the extension's tests.
 */

declare(strict_types=1);

namespace Wpwa\Tests;

use PHPUnit\Framework\TestCase;

abstract class WpwaTestCase extends TestCase
{
    protected const SECRET = 'test-secret-0123456789abcdef-0123456789';
    protected const AUDIENCE = 'wpwa:https://shop.example';

    /** Runs PHP code in a fresh process with the extension loaded; returns [exit code, output]. */
    protected static function runIsolated(string $code): array
    {
        $extension = self::loadedExtensionPath();
        $command = [PHP_BINARY, '-n', '-d', 'extension=' . $extension, '-d', 'display_errors=stderr', '-r', $code];
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        self::assertIsResource($process);
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($process), $out];
    }

    /** The library this run loaded; scripts/test-php passes it in WPWA_EXTENSION. */
    private static function loadedExtensionPath(): string
    {
        $path = (string) getenv('WPWA_EXTENSION');
        self::assertFileExists($path, 'set WPWA_EXTENSION to the path of the loaded extension library');
        return $path;
    }

    protected static function base64url(string $bytes): string
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }

    /** Signs arbitrary header and claims, to build tokens the extension would never issue. */
    protected static function forgeToken(array $header, array $claims, string $secret = self::SECRET): string
    {
        $input = self::base64url((string) json_encode($header)) . '.' . self::base64url((string) json_encode($claims));
        return $input . '.' . self::base64url(hash_hmac('sha256', $input, $secret, true));
    }
}
