<?php

declare(strict_types=1);

namespace Wpwa\Tests;

/**
 * The account's message templates through the extension: refreshed from a real
 * sandbox process, listed, flagged when WhatsApp changes a category, acknowledged; and
 * template sends refused with Wpwa\TemplateException carrying the API's code.
 */
final class TemplatesTest extends WpwaTestCase
{
    private const TOKEN = 'sandbox-token';
    private const WABA_ID = '100000000000009';
    /** A number of this test only: the store of the run is shared by every test. */
    private const PHONE_ID = '100000000000077';

    /** @var resource|null */
    private static $sandbox = null;
    private static string $base = '';

    public static function setUpBeforeClass(): void
    {
        $binary = (string) (getenv('WPWA_SANDBOX_BIN') ?: dirname((string) getenv('WPWA_EXTENSION')) . '/wpwa-sandbox');
        if (!is_executable($binary)) {
            self::fail("the sandbox binary is needed at $binary (set WPWA_SANDBOX_BIN)");
        }
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) stream_socket_get_name($probe, false), strrpos((string) stream_socket_get_name($probe, false), ':') + 1);
        fclose($probe);
        self::$base = "http://127.0.0.1:$port";
        self::$sandbox = proc_open([$binary, '--listen', "127.0.0.1:$port"], [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        for ($i = 0; $i < 200; $i++) {
            if (@file_get_contents(self::$base . '/health') !== false) {
                return;
            }
            usleep(25000);
        }
        self::fail('the sandbox did not start');
    }

    public static function tearDownAfterClass(): void
    {
        if (is_resource(self::$sandbox)) {
            proc_terminate(self::$sandbox);
            proc_close(self::$sandbox);
        }
    }

    private static function connection(array $override = []): array
    {
        return $override + ['url' => self::$base, 'version' => 'v21.0', 'token' => self::TOKEN, 'waba_id' => self::WABA_ID, 'phone_number_id' => self::PHONE_ID];
    }

    private static function sandbox(string $method, string $path, ?array $body = null): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\n",
            'content' => $body === null ? '' : json_encode($body),
            'ignore_errors' => true,
        ]]);
        return json_decode((string) file_get_contents(self::$base . $path, false, $context), true);
    }

    private static function find(array $templates, string $name): array
    {
        foreach ($templates as $template) {
            if ($template['name'] === $name && $template['language'] === 'en_US') {
                return $template;
            }
        }
        self::fail("no template $name");
    }

    private static function template(string $name, array $params): array
    {
        return ['type' => 'template', 'name' => $name, 'language' => 'en_US', 'components' => [
            ['type' => 'body', 'parameters' => array_map(static fn ($p) => ['type' => 'text', 'text' => $p], $params)],
        ]];
    }

    public function testARefreshNeedsTheBusinessAccountId(): void
    {
        $this->expectException(\Wpwa\ValidationException::class);
        $this->expectExceptionMessage('waba_id');
        \Wpwa\templates_refresh(self::connection(['waba_id' => '']));
    }

    public function testARefreshOfAnUnreachableApiIsATransportError(): void
    {
        $this->expectException(\Wpwa\TransportException::class);
        \Wpwa\templates_refresh(self::connection(['url' => 'http://127.0.0.1:9']));
    }

    public function testTheListIsStoredAndACategoryChangeIsFlaggedUntilAcknowledged(): void
    {
        $this->sandbox('POST', '/sandbox/reset');
        $report = \Wpwa\templates_refresh(self::connection());
        self::assertSame(self::WABA_ID, $report['waba_id']);
        $listed = \Wpwa\templates(self::WABA_ID);
        self::assertCount($report['count'], $listed);
        $shipped = self::find($listed, 'order_shipped');
        self::assertSame(['UTILITY', 'APPROVED', 2], [$shipped['category'], $shipped['status'], $shipped['parameter_count']]);
        self::assertSame('MARKETING', self::find($listed, 'spring_sale')['category']);

        $this->sandbox('POST', '/sandbox/templates/update', ['name' => 'order_shipped', 'category' => 'MARKETING']);
        $report = \Wpwa\templates_refresh(self::connection());
        self::assertSame([['name' => 'order_shipped', 'language' => 'en_US', 'field' => 'category', 'from' => 'UTILITY', 'to' => 'MARKETING']], $report['changes']);
        $shipped = self::find(\Wpwa\templates(), 'order_shipped');
        self::assertTrue($shipped['flagged']);
        self::assertSame('UTILITY', $shipped['previous_category']);
        self::assertIsInt($shipped['category_changed_at']);

        self::assertTrue(\Wpwa\template_acknowledge(self::WABA_ID, 'order_shipped', 'en_US'));
        self::assertFalse(\Wpwa\template_acknowledge(self::WABA_ID, 'order_shipped', 'en_US'));
        self::assertFalse(self::find(\Wpwa\templates(self::WABA_ID), 'order_shipped')['flagged']);
        self::assertSame([], \Wpwa\templates('999'));
    }

    public function testTemplatesThatMayNotGoAreTemplateExceptionsWithTheApiCode(): void
    {
        $this->sandbox('POST', '/sandbox/reset');
        \Wpwa\templates_refresh(self::connection());
        $cases = [
            'winter_promo' => [['x'], 132015],
            'clearance_blast' => [[], 132016],
            'back_in_stock' => [['x'], 132001],
            'no_such_template' => [[], 132001],
            // Known and approved, but one parameter short: the API's 132000.
            'order_processing' => [['only one'], 132000],
        ];
        foreach ($cases as $name => [$params, $code]) {
            try {
                \Wpwa\message_send(0, '15550001111', self::template($name, $params), self::connection(), ['pacing_seconds' => 0]);
                self::fail("$name was sent");
            } catch (\Wpwa\TemplateException $e) {
                self::assertSame($code, $e->getCode(), $name . ': ' . $e->getMessage());
                self::assertInstanceOf(\Wpwa\ValidationException::class, $e);
            }
        }
    }

    public function testAMarketingTemplateGoesToMarketingMessages(): void
    {
        $this->sandbox('POST', '/sandbox/reset');
        \Wpwa\templates_refresh(self::connection());
        try {
            \Wpwa\message_send(0, '15550002222', self::template('spring_sale', ['Dana', '20%']), self::connection(), ['pacing_seconds' => 0]);
            self::fail('a marketing template went to a customer without marketing consent');
        } catch (\Wpwa\TemplateException $e) {
            self::assertSame(131050, $e->getCode());
        }
        self::assertSame([], $this->sandbox('GET', '/sandbox/messages/sent')['messages']);
        \Wpwa\consent_record('15550002222', 'marketing', true, 'admin', 'Offers from the shop on WhatsApp', null);
        $marketing = \Wpwa\message_send(0, '15550002222', self::template('spring_sale', ['Dana', '20%']), self::connection(), ['pacing_seconds' => 0]);
        // Another customer: the sandbox keeps WhatsApp's pair rate limit (131056).
        $utility = \Wpwa\message_send(0, '15550003333', self::template('order_processing', ['#7', '12.00 USD', '1 × Lamp']), self::connection(), ['pacing_seconds' => 0]);
        $endpoints = [];
        foreach ($this->sandbox('GET', '/sandbox/messages/sent')['messages'] as $sent) {
            $endpoints[$sent['wamid']] = $sent['endpoint'];
        }
        self::assertSame('marketing_messages', $endpoints[$marketing['wamid']]);
        self::assertSame('messages', $endpoints[$utility['wamid']]);
    }
}
