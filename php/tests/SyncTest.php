<?php

declare(strict_types=1);

namespace Wpwa\Tests;

final class SyncTest extends WpwaTestCase
{
    private const DEAD_API = ['url' => 'http://127.0.0.1:9', 'version' => 'v21.0', 'token' => 'sandbox-token', 'catalog_id' => '424242'];

    private static function product(int $id, int $vendor): array
    {
        return [
            'id' => $id, 'vendor_id' => $vendor, 'status' => 'publish', 'title' => "Product $id",
            'description' => 'Good.', 'price' => '10', 'regular_price' => '10', 'stock_status' => 'instock',
            'image' => ['url' => "http://127.0.0.1/$id.png", 'mime' => 'image/png', 'bytes' => 100],
            'permalink' => "http://127.0.0.1/p/$id",
        ];
    }

    public function testAPlannedJobIsReportedAndOnlyToItsVendor(): void
    {
        $vendor = random_int(100000, 999999);
        self::assertNull(\Wpwa\catalog_sync_status($vendor));
        $job = \Wpwa\catalog_sync_plan($vendor, [self::product(1, $vendor), self::product(2, $vendor), ['id' => 3] + self::product(3, $vendor + 1)], self::DEAD_API, ['batch_size' => 1]);
        self::assertSame('running', $job['state']);
        self::assertSame(2, $job['total'], "the other vendor's product is not planned");
        self::assertSame([1 => null, 2 => null], $job['price_changes'], 'no sale to come, and only for the vendor\'s products');
        unset($job['price_changes']);
        self::assertSame($job, \Wpwa\catalog_sync_status($vendor));
        self::assertSame($job['job_id'], \Wpwa\catalog_sync_status($vendor, $job['job_id'])['job_id']);

        $this->expectException(\Wpwa\NotFoundException::class);
        \Wpwa\catalog_sync_status($vendor + 1, $job['job_id']);
    }

    private static function assertChangesRefused(int $vendor, array $changes): void
    {
        try {
            \Wpwa\catalog_sync_plan($vendor, [], self::DEAD_API, null, $changes);
            self::fail('accepted changes ' . json_encode($changes));
        } catch (\Wpwa\ValidationException $e) {
            self::assertStringContainsString('changes', $e->getMessage());
        }
    }

    public function testAfterAFullPlanOnlyTheNotedProductsAreAskedFor(): void
    {
        $vendor = random_int(100000, 999999);
        $full = \Wpwa\catalog_sync_changes($vendor, self::DEAD_API);
        self::assertSame(['upto' => 0, 'full' => true, 'product_ids' => []], $full, 'never planned: every product');
        $pages = [json_encode([self::product(1, $vendor), self::product(2, $vendor)])];
        $first = \Wpwa\catalog_sync_plan($vendor, $pages, self::DEAD_API, null, $full);
        self::assertSame(2, $first['total']);

        self::assertTrue(\Wpwa\catalog_changes_note($vendor, [2, 2]));
        $noted = \Wpwa\catalog_sync_changes($vendor, self::DEAD_API);
        self::assertFalse($noted['full']);
        self::assertSame([2], $noted['product_ids']);
        self::assertTrue(\Wpwa\catalog_sync_changes($vendor, self::DEAD_API, null, true)['full'], 'asked for every product');
        self::assertTrue(\Wpwa\catalog_sync_changes($vendor, self::DEAD_API, ['currency' => 'EUR'])['full'], 'other rules');

        \Wpwa\catalog_changes_note($vendor, null);
        self::assertTrue(\Wpwa\catalog_sync_changes($vendor, self::DEAD_API)['full'], 'a bulk change');

        foreach ([['upto' => -1, 'full' => false], ['upto' => 1], ['upto' => 1, 'full' => false, 'product_ids' => range(1, 501)]] as $bad) {
            self::assertChangesRefused($vendor, $bad);
        }
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\catalog_changes_note($vendor, [0]);
    }

    public function testAFullReadLeavesProductsWithTheSameFingerprintUnread(): void
    {
        $vendor = random_int(100000, 999999);
        $candidates = [
            ['product_id' => 1, 'fingerprint' => 'a', 'variations' => []],
            ['product_id' => 2, 'fingerprint' => 'b'],
        ];
        self::assertSame([], \Wpwa\catalog_sync_unchanged($vendor, self::DEAD_API, null, $candidates), 'never read for this catalog');
        $changes = \Wpwa\catalog_sync_changes($vendor, self::DEAD_API);
        $changes['fingerprints'] = [1 => 'a', 2 => 'b'];
        \Wpwa\catalog_sync_plan($vendor, [json_encode([self::product(1, $vendor), self::product(2, $vendor)])], self::DEAD_API, null, $changes);
        // The job is running: its items wait to be sent, so nothing may be left unread yet.
        self::assertSame([], \Wpwa\catalog_sync_unchanged($vendor, self::DEAD_API, null, $candidates));

        foreach ([
            ['upto' => 0, 'full' => true, 'fingerprints' => ['x' => 'a']],
            ['upto' => 0, 'full' => true, 'unchanged' => [0]],
            ['upto' => 0, 'full' => false, 'unchanged' => [1]],
            ['upto' => 0, 'full' => true, 'surprise' => 1],
        ] as $bad) {
            self::assertChangesRefused($vendor, $bad);
        }
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\catalog_sync_unchanged($vendor, self::DEAD_API, null, [['product_id' => 1]]);
    }

    public function testASyncPlannedPageByPageQueuesFullBatchesAndEndsItsPlanOnClose(): void
    {
        $vendor = random_int(100000, 999999);
        $options = ['batch_size' => 2];
        $job = \Wpwa\catalog_sync_open($vendor, self::DEAD_API, $options, \Wpwa\catalog_sync_changes($vendor, self::DEAD_API), false);
        self::assertTrue($job['planning']);
        self::assertSame(['running', 0], [$job['state'], $job['total']]);
        $id = $job['job_id'];

        $page = json_encode([self::product(1, $vendor), self::product(2, $vendor), self::product(3, $vendor)]);
        self::assertTrue(\Wpwa\catalog_sync_page($vendor, $id, [$page], [], [1 => 'a', 2 => 'b', 3 => 'c']));
        self::assertSame(2, \Wpwa\catalog_sync_status($vendor, $id)['total'], 'one full batch queued, one change held for the next page');
        self::assertTrue(\Wpwa\catalog_sync_page($vendor, $id, [json_encode([self::product(4, $vendor)])], [], [4 => 'd']));

        try {
            \Wpwa\catalog_sync_page($vendor + 1, $id, ['[]'], [], []);
            self::fail("another vendor's job took a page");
        } catch (\Wpwa\ValidationException $e) {
            self::assertStringContainsString('no sync job', $e->getMessage());
        }
        $closed = \Wpwa\catalog_sync_close($vendor, $id);
        self::assertSame(4, $closed['total']);
        self::assertSame([0, null], [$closed['processed'], $closed['error']], 'only planned: nothing was sent to the dead API');
        self::assertSame([1 => null, 2 => null, 3 => null, 4 => null], $closed['price_changes']);
        self::assertFalse(\Wpwa\catalog_sync_changes($vendor, self::DEAD_API)['full'], 'a closed plan of every product is the base of the next sync');

        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\catalog_sync_close($vendor, $id);
    }

    public function testAPlanGivenUpSendsWhatWasPlannedAndTheNextSyncReadsEveryProduct(): void
    {
        $vendor = random_int(100000, 999999);
        $changes = \Wpwa\catalog_sync_changes($vendor, self::DEAD_API);
        $id = \Wpwa\catalog_sync_open($vendor, self::DEAD_API, ['batch_size' => 1], $changes)['job_id'];
        \Wpwa\catalog_sync_page($vendor, $id, [json_encode([self::product(1, $vendor), self::product(2, $vendor)])], [], []);
        self::assertTrue(\Wpwa\catalog_sync_abandon($vendor, $id));
        $job = \Wpwa\catalog_sync_status($vendor, $id);
        self::assertSame(['running', 2], [$job['state'], $job['total']], 'what was planned is sent');
        self::assertTrue(\Wpwa\catalog_sync_changes($vendor, self::DEAD_API)['full'], 'a plan given up is no base for the next sync');

        $again = \Wpwa\catalog_sync_open($vendor, self::DEAD_API, null, $changes);
        self::assertFalse($again['planning'], 'the running job is returned as it is');
        self::assertSame($id, $again['job_id']);
    }

    public function testAnUnreachableApiPausesTheJobWithAReason(): void
    {
        $vendor = random_int(100000, 999999);
        $job = \Wpwa\catalog_sync_plan($vendor, [self::product(1, $vendor)], self::DEAD_API);
        $after = \Wpwa\catalog_sync_run($vendor, $job['job_id'], self::DEAD_API, null, 300);
        self::assertSame('running', $after['state'], 'a transport failure is retried later, not fatal');
        self::assertSame('api_unreachable', $after['error']['code'], 'the reason travels as a code');
        self::assertNotSame('', $after['error']['detail'], "with the transport's own words as a parameter");
        self::assertGreaterThan(0, $after['wait_until_ms']);
        $summary = \Wpwa\catalog_summary($vendor, '424242');
        self::assertSame(1, $summary['pending']);
    }

    public function testBadConnectionsAndOptionsAreRefused(): void
    {
        foreach ([
            [['url' => 'http://127.0.0.1:9', 'token' => 't'], 'catalog_id'],
            [['url' => 'gopher://x', 'token' => 't', 'catalog_id' => '1'], 'http(s)'],
            [['url' => 'http://127.0.0.1:9', 'token' => '', 'catalog_id' => '1'], 'access token'],
        ] as [$connection, $expected]) {
            try {
                \Wpwa\catalog_sync_plan(1, [], $connection);
                self::fail('accepted ' . json_encode($connection));
            } catch (\Wpwa\ValidationException $e) {
                self::assertStringContainsString($expected, $e->getMessage());
            }
        }
        $this->expectException(\Wpwa\ValidationException::class);
        \Wpwa\catalog_sync_plan(1, [], self::DEAD_API, ['batch_size' => 500]);
    }
}
