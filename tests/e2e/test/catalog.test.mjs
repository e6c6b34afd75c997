// Catalog sync end to end (issue 4), on the real WordPress, the real
// extension and the sandbox's Cloud API catalog:
//  - the two product readers (WooCommerce's API, and the bulk reader of its
//    storage) give identical records, field for field, on real WooCommerce
//    products of every kind a shop holds;
//  - a vendor with good and bad products clicks "Sync Products" in Chromium:
//    progress bar, then summary (screenshots); the bad products are listed with
//    reasons; the sandbox catalog then holds exactly the vendor's valid
//    published products, with the right prices and images, and never another
//    vendor's;
//  - incremental runs: nothing changed sends nothing, one price sends one
//    UPDATE, a trashed product sends one DELETE;
//  - faults: a rate limit (80014) mid-sync is waited out and the sync ends
//    complete; a PHP worker killed with SIGKILL mid-slice is resumed by the next
//    slice (GET wpwa/v1/sync) after its lease, and the catalog is exact.
//
// Products are created by tests/wordpress/catalog-cli.php through
// WooCommerce's CRUD API, run as php-fpm's user with the extension loaded (the
// same store the site uses); its vendors are made by the site's marketplace.
// Each run uses its own vendors and its own catalog IDs. The tests run in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, site, docroot, pageUrl, chromium, artifactsDir } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn } from '../lib/http.js';
import { logIn, shoot } from '../lib/world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');
const EXT = process.env.WPWA_E2E_EXTENSION || path.join(ROOT, 'target', 'release', 'libwpwa.so');
const CLI = path.join(ROOT, 'tests', 'wordpress', 'catalog-cli.php');
const WEB_USER = process.env.WPWA_WEB_USER || 'www-data';
const SANDBOX = String(site.sandbox_url || '').replace(/\/+$/, '');
const REST = `${baseUrl}/wp-json/wpwa/v1`;
const RUN = Date.now().toString(36).slice(-6);
const R = RUN.toUpperCase();
const PASSWORD = crypto.randomBytes(12).toString('hex');
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];
const SANDBOX_DEFAULTS = { cloud_latency_ms: 0, catalog_batch_limit: 20, catalog_window_ms: 1000, batch_processing_ms: 200 };
const screenshots = [];
const uid = Number(execFileSync('id', ['-u', WEB_USER]).toString().trim());
const gid = Number(execFileSync('id', ['-g', WEB_USER]).toString().trim());
const catalogId = (n) => `7${String(Date.now()).slice(-9)}${n}${crypto.randomInt(1000, 9999)}`;

let fx; // the fixtures: vendors and product ids
let vendor; // vendor A over HTTP
let browser;
const expected = {}; // retailer id -> { price, sale_price, image_link }

// ------------------------------------------------------------------ helpers --

function phpArgs(command, input) {
  return ['-d', `extension=${EXT}`, '-d', 'display_errors=stderr', '-d', 'log_errors=0', CLI, command, JSON.stringify(input || {})];
}

function cliEnv() {
  return { ...process.env, WPWA_DOCROOT: docroot, WPWA_SITE_URL: baseUrl };
}

function cli(command, input) {
  const out = execFileSync('php', phpArgs(command, input), { uid, gid, cwd: '/tmp', env: cliEnv(), maxBuffer: 64 << 20 });
  return JSON.parse(out.toString());
}

/** The vendor's activity-log lines, newest first. */
function logLines(vendorId) {
  const out = execFileSync('php', ['-d', `extension=${EXT}`, '-d', 'display_errors=stderr', '-d', 'log_errors=0', path.join(ROOT, 'tests', 'wordpress', 'shop-cli.php'), 'log', JSON.stringify({ vendor_id: vendorId })], { uid, gid, cwd: '/tmp', env: cliEnv(), maxBuffer: 64 << 20 });
  return JSON.parse(out.toString());
}
const lastStart = (vendorId) => logLines(vendorId).find((line) => line.startsWith('Catalog sync started'));

const sandboxHttp = new Client(SANDBOX || 'http://127.0.0.1:1');
async function sandbox(method, p, body) {
  const res = await sandboxHttp.request(method, `${SANDBOX}${p}`, { body, cookies: false });
  assert.ok(res.status < 300, `sandbox ${method} ${p}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  return res.text ? res.json() : null;
}
const items = async (id) => (await sandbox('GET', `/sandbox/catalogs/${id}/items`)).items;
const stats = (id) => sandbox('GET', `/sandbox/catalogs/${id}/stats`);

async function useCatalog(id, extra = {}) {
  cli('settings', { catalog_id: id, batch_size: 100, ...extra });
}

/** POST /sync, then GET /sync until the job is no longer running. */
async function syncUntilDone(timeout = 90000) {
  const seen = [];
  const first = await vendor.call('POST', '/sync');
  assert.equal(first.status, 200, `POST sync: ${first.text.slice(0, 300)}`);
  let job = first.json().job;
  seen.push(job);
  const end = Date.now() + timeout;
  while (job.state === 'running') {
    assert.ok(Date.now() < end, `sync still running after ${timeout} ms: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 300));
    const res = await vendor.call('GET', '/sync');
    assert.equal(res.status, 200, `GET sync: ${res.text.slice(0, 300)}`);
    job = res.json().job;
    seen.push(job);
  }
  return { job, seen, started: first.json().started };
}

function assertExactCatalog(list, ids, where) {
  const got = list.map((i) => i.id).sort();
  assert.deepEqual(got, [...ids].sort(), `${where}: the catalog holds exactly vendor A's valid published products`);
  for (const item of list) {
    assert.ok(!item.id.startsWith(`CB-${R}-`), `${where}: vendor B's ${item.id} is in the catalog`);
    const want = expected[item.id];
    assert.ok(want, `${where}: unexpected item ${item.id}`);
    assert.equal(item.price, want.price, `${where}: price of ${item.id}`);
    assert.equal(item.sale_price || '', want.sale_price || '', `${where}: sale price of ${item.id}`);
    assert.equal(item.image_link, want.image_link, `${where}: image of ${item.id}`);
  }
}


// -------------------------------------------------------------------- setup --

before(async () => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  await sandbox('PUT', '/sandbox/config', SANDBOX_DEFAULTS);
  fx = cli('fixtures', { run: RUN, password: PASSWORD });
  const http = await loggedIn(baseUrl, fx.vendor_a.login, PASSWORD);
  const nonce = await http.restNonce();
  vendor = { id: fx.vendor_a.id, http, nonce, call: (m, r, body) => http.request(m, `${REST}${r}`, { headers: { 'x-wp-nonce': nonce }, body }) };
  const img = fx.image_url;
  expected[`CA-${R}-TEE`] = { price: '19.99 USD', image_link: img.tee };
  expected[`CA-${R}-MUG`] = { price: '30.00 USD', sale_price: '24.50 USD', image_link: img.mug };
  expected[`CA-${R}-CAP`] = { price: '15.00 USD', image_link: img.cap };
  expected[`CA-${R}-HOOD-RED`] = { price: '40.00 USD', image_link: img.red };
  // The blue variation has no SKU (retailer id wc_<id>) and no image (its parent's).
  expected[`wc_${fx.hoodie.blue}`] = { price: '42.00 USD', sale_price: '39.00 USD', image_link: img.hoodie };
  browser = await playwrightChromium.launch({ executablePath: chromium, args: ARGS });
});

after(async () => {
  try {
    await sandbox('PUT', '/sandbox/config', SANDBOX_DEFAULTS);
  } finally {
    if (browser) await browser.close();
    if (screenshots.length) {
      console.log(`catalog screenshots (${screenshots.length}) in ${artifactsDir}:`);
      for (const s of screenshots) console.log(`  ${s}`);
    }
  }
});

// -------------------------------------------------------------------- tests --

test('the WooCommerce-API reader and the storage reader agree field for field on real WooCommerce products', () => {
  for (const page of [2, 100]) {
    const out = cli('readers', { vendor_id: fx.vendor_a.id, page });
    assert.equal(out.supported, true, 'WooCommerce is loaded');
    assert.equal(out.storage.length, 12, 'parents, both variations, drafts and hidden products');
    assert.deepEqual(out.woocommerce, out.storage, `records identical (page size ${page})`);
    // The storage reader reads in bulk: a few queries per page, not per product.
    const pages = Math.floor(10 / page) + 1; // the last page may be empty
    assert.ok(out.storage_queries <= 7 * pages, `storage reader: ${out.storage_queries} queries for ${pages} page(s)`);
    console.log(`readers, page size ${page}: storage ${out.storage_queries} queries, woocommerce ${out.woocommerce_queries}`);
  }
  // Vendor C: sales scheduled in the future, ended and running; pending and
  // private; search-only and shop-only; backorders; stock managed at 0; a
  // gallery without a main image; HTML and shortcodes; a variable product with
  // five variations (own stock, parent stock, private, a scheduled sale); a
  // product moved to C from B.
  const c = cli('readers', { vendor_id: fx.vendor_c.id, page: 3 });
  const byId = (records) => Object.fromEntries(records.map((r) => [r.id, r]));
  const cs = byId(c.storage);
  const cw = byId(c.woocommerce);
  assert.deepEqual(Object.keys(cw), Object.keys(cs), 'the same products and variations');
  for (const id of Object.keys(cs)) {
    for (const [field, value] of Object.entries(cs[id])) {
      assert.deepEqual(cw[id][field], value, `product ${id} (${cs[id].title}): ${field}`);
    }
  }
  assert.equal(c.storage.length, 14 + 5, 'fourteen products and the five variations');
  const shop = fx.c;
  assert.equal(cs[shop.moved].vendor_id, fx.vendor_c.id, 'the moved product is C\'s');
  assert.equal(cs[shop.search_only].visibility, 'search');
  assert.equal(cs[shop.shop_only].visibility, 'catalog');
  assert.deepEqual([cs[shop.pending].status, cs[shop.private].status], ['pending', 'private']);
  assert.equal(cs[shop.backorder].stock_status, 'onbackorder');
  assert.deepEqual([cs[shop.stock_zero].manage_stock, cs[shop.stock_zero].stock_quantity, cs[shop.stock_zero].stock_status], [true, 0, 'outofstock']);
  assert.equal(cs[shop.gallery].image, null, 'a gallery is not a main image');
  assert.match(cs[shop.rich].description, /\[gallery ids="1,2"\]/, 'the description as stored, shortcodes and all');
  assert.equal(c.storage.filter((r) => r.parent_id === shop.variable).length, 5, 'five variations');
  // Sale windows reach the core as UTC timestamps, for it to decide the catalog price.
  const now = Math.floor(Date.now() / 1000);
  assert.ok(cs[shop.future_sale].sale_from > now + 29 * 86400 && cs[shop.future_sale].sale_to > cs[shop.future_sale].sale_from, 'the future sale\'s window');
  assert.ok(cs[shop.past_sale].sale_to < now, 'the ended sale\'s end');
  assert.ok(cs[shop.open_sale].sale_from < now && cs[shop.open_sale].sale_to > now, 'the running sale\'s window');
  assert.deepEqual([cs[shop.rich].sale_from, cs[shop.rich].sale_to], [null, null], 'no sale, no window');
  const b = cli('readers', { vendor_id: fx.vendor_b.id });
  assert.deepEqual(b.woocommerce, b.storage, 'vendor B: records identical');
  assert.deepEqual(b.storage.map((r) => r.id).sort(), [...fx.b].sort(), 'vendor B keeps only its own two (the moved one left)');

  // Which reader a sync uses: the storage reader unless a plugin changes what
  // WooCommerce's API answers for a product (MultiVendorX filters terms).
  const choice = cli('reader_choice', {});
  assert.equal(choice.default, choice.terms_hooked ? 'woocommerce' : 'storage', 'the reader as the site is');
  assert.equal(choice.price_filter, 'woocommerce', 'a plugin filtering prices gets the WooCommerce-API reader');
  assert.equal(choice.price_filter_gone, choice.default, 'and loses it with the filter');
  assert.equal(choice.old_price_filter, 'woocommerce', 'a filter on the old name WooCommerce relays counts too');
  console.log(`reader chosen: ${choice.default}`);

  const { storage } = cli('readers', { vendor_id: fx.vendor_a.id });
  const by = Object.fromEntries(storage.map((r) => [r.id, r]));
  const keys = ['id', 'vendor_id', 'product_type', 'parent_id', 'status', 'visibility', 'sku', 'title', 'description', 'short_description',
    'price', 'regular_price', 'sale_price', 'sale_from', 'sale_to', 'stock_status', 'manage_stock', 'stock_quantity', 'image', 'permalink', 'brand'];
  for (const r of storage) assert.deepEqual(Object.keys(r), keys, 'record keys in the documented order');
  assert.equal(by[fx.good.tee].brand, 'Acme Wear');
  assert.equal(by[fx.good.tee].manage_stock, true);
  assert.equal(by[fx.good.tee].stock_quantity, 12);
  assert.deepEqual([by[fx.good.mug].regular_price, by[fx.good.mug].sale_price, by[fx.good.mug].price], ['30.00', '24.50', '24.50'], 'sale price');
  assert.equal(by[fx.bad.noimage].image, null, 'product without image');
  assert.equal(by[fx.hidden].visibility, 'hidden', 'hidden product');
  assert.equal(by[fx.draft].status, 'draft');
  assert.equal(by[fx.hoodie.id].product_type, 'variable');
  const red = by[fx.hoodie.red];
  const blue = by[fx.hoodie.blue];
  assert.equal(red.product_type, 'variation');
  assert.equal(red.parent_id, fx.hoodie.id);
  assert.equal(red.title, `Hoodie ${R} - Red, L`, 'variation title: parent title and attribute term names');
  assert.equal(red.description, 'Red and warm.');
  assert.match(red.permalink, /\?attribute_pa_color=red&attribute_size=L$/);
  assert.equal(blue.sku, '', 'a variation without SKU does not borrow the parent\'s');
  assert.equal(blue.description, by[fx.hoodie.id].description, 'description falls back to the parent\'s');
  assert.deepEqual(blue.image, by[fx.hoodie.id].image, 'image falls back to the parent\'s');
  assert.equal(red.image.mime, 'image/png');
  assert.ok(red.image.bytes > 0);
});

test('a vendor syncs in the browser: progress bar, summary, reasons; the catalog holds exactly their valid products (screenshots)', async () => {
  const CAT = catalogId(1);
  await useCatalog(CAT, { batch_size: 1 });
  // Slow enough to see the bar move: every Cloud API call takes 400 ms.
  await sandbox('PUT', '/sandbox/config', { ...SANDBOX_DEFAULTS, cloud_latency_ms: 400 });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1100 } });
  const problems = { console: [], pageErrors: [], external: [] };
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (['127.0.0.1', 'localhost'].includes(new URL(u).hostname) || u.startsWith('data:')) return route.continue();
    problems.external.push(u);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.console.push(m.text()); });
  page.on('pageerror', (e) => { if (!/user-profile(\.min)?\.js/.test(`${e.stack}`)) problems.pageErrors.push(String(e)); });
  try {
    await logIn(context, fx.vendor_a.login, PASSWORD);
    await page.goto(pageUrl('dashboard'));
    const panel = page.locator('[data-wpwa-products]');
    await panel.waitFor();
    assert.equal(phpErrorsIn(await page.content()), null, 'no PHP errors in the dashboard');
    assert.equal(await panel.locator('[data-wpwa-count="ready"]').innerText(), '5');
    assert.equal(await panel.locator('[data-wpwa-count="needs_attention"]').innerText(), '4');
    assert.equal(await panel.locator('[data-wpwa-count="synced"]').innerText(), '0');

    await panel.getByRole('button', { name: 'Sync Products' }).click();
    const bar = panel.locator('progress[data-wpwa-sync-bar]');
    await bar.waitFor({ state: 'visible', timeout: 10000 });
    // Wait for a determinate value (after the first slice answered) if it comes.
    await page.waitForFunction(() => {
      const p = document.querySelector('progress[data-wpwa-sync-bar]');
      return p && p.hasAttribute('value') && p.offsetParent !== null;
    }, null, { timeout: 15000 }).catch(() => {});
    assert.equal(await panel.getByRole('button', { name: 'Sync Products' }).isDisabled(), true, 'button disabled while syncing');
    assert.ok(await bar.getAttribute('aria-labelledby'), 'the bar is labelled');
    screenshots.push(await shoot(page, 'catalog-sync-progress'));

    const summary = panel.locator('[data-wpwa-sync-summary]');
    await page.waitForFunction(() => /synced/.test(document.querySelector('[data-wpwa-sync-summary]')?.textContent || ''), null, { timeout: 90000 });
    const text = (await summary.innerText()).trim();
    assert.equal(text, '5 synced, 0 removed, 4 need attention');
    assert.equal(await bar.isVisible(), false, 'the bar goes away at the end');
    assert.equal(await panel.locator('[data-wpwa-count="synced"]').innerText(), '5');
    assert.match(await panel.locator('[data-wpwa-sync-last]').innerText(), /^Last sync: .+ — 5 synced, 0 removed, 0 rejected$/);

    // The bad products, each with its reason and an edit link.
    const reasons = {
      [fx.bad.noimage]: /Add a product image/,
      [fx.bad.noprice]: /Set a price above zero/,
      [fx.bad.gif]: /Use a JPG or PNG image; this one is image\/gif/,
      [fx.bad.nodesc]: /Write a description/,
    };
    const rows = panel.locator('[data-wpwa-attention-list] > li');
    assert.equal(await rows.count(), 4, 'four products need attention');
    for (const [id, re] of Object.entries(reasons)) {
      const row = panel.locator(`[data-wpwa-attention-list] > li[data-product-id="${id}"]`);
      assert.match(await row.innerText(), re, `reason for product ${id}`);
      const href = await row.locator('a.wpwa-attention__edit').getAttribute('href');
      // The product's edit link as WordPress gives it to this vendor: the
      // marketplace's own product editor where it has one (WCFM's
      // store-manager/products-manage/ID), else wp-admin's.
      assert.match(href, new RegExp(`(post\\.php\\?post=${id}&action=edit|/products-manage/${id}/?$)`), `edit link for product ${id}`);
    }
    await panel.scrollIntoViewIfNeeded();
    screenshots.push(await shoot(page, 'catalog-sync-summary'));
    assert.deepEqual(problems.pageErrors, [], 'no page errors');
    assert.deepEqual(problems.console, [], 'no console errors');
    assert.deepEqual(problems.external, [], 'no requests off this machine');
  } finally {
    await context.close();
    await sandbox('PUT', '/sandbox/config', SANDBOX_DEFAULTS);
  }

  const list = await items(CAT);
  assertExactCatalog(list, Object.keys(expected), 'after the browser sync');
  const red = list.find((i) => i.id === `CA-${R}-HOOD-RED`);
  assert.equal(red.item_group_id, `wc_${fx.hoodie.id}`, 'variations are grouped under their variable product');
  assert.equal(red.title, `Hoodie ${R} - Red, L`);
  const tee = list.find((i) => i.id === `CA-${R}-TEE`);
  assert.equal(tee.brand, 'Acme Wear');
  assert.equal(tee.description, 'A fine product & more.', 'HTML stripped');
  assert.equal(list.find((i) => i.id === `CA-${R}-CAP`).availability, 'out of stock');
  const s = await stats(CAT);
  assert.equal(s.requests.CREATE, 5, 'five CREATEs: nothing of vendor B, nothing invalid, draft or hidden');
  assert.equal(s.batches, 5, 'batch size 1: five batches');
  // Vendor B's products were never sent anywhere in this catalog.
  for (const sku of [`CB-${R}-ONE`, `CB-${R}-TWO`]) assert.ok(!list.some((i) => i.id === sku), `${sku} absent`);
  globalThis.__catalog1 = CAT;
});

test('incremental: nothing changed sends nothing; one price sends one UPDATE; one trashed product sends one DELETE', async () => {
  const CAT = globalThis.__catalog1;
  assert.ok(CAT, 'the browser test ran first');
  await useCatalog(CAT);
  const s0 = await stats(CAT);

  const again = await syncUntilDone();
  assert.equal(again.job.total, 0, 'nothing to send');
  assert.equal(again.job.state, 'done');
  const s1 = await stats(CAT);
  assert.deepEqual(s1, s0, 'the catalog received nothing');
  // "Sync now" looks at every product but reads none whose rows did not change.
  assert.match(lastStart(vendor.id), /^Catalog sync started: 0 changes to send; 0 product\(s\) read, [1-9]\d* unchanged since the last sync\.$/);

  cli('price', { product_id: fx.good.tee, regular: '21.50' });
  expected[`CA-${R}-TEE`].price = '21.50 USD';
  const priced = await syncUntilDone();
  assert.equal(priced.job.total, 1);
  assert.equal(priced.job.synced, 1);
  const s2 = await stats(CAT);
  assert.equal(s2.batches, s1.batches + 1, 'one batch');
  assert.match(lastStart(vendor.id), /^Catalog sync started: 1 change to send; 1 product\(s\) read, [1-9]\d* unchanged since the last sync\.$/, 'only the product with the new price is read');
  assert.deepEqual(s2.requests, { ...s1.requests, UPDATE: s1.requests.UPDATE + 1 }, 'one UPDATE and nothing else');
  assertExactCatalog(await items(CAT), Object.keys(expected), 'after the price change');

  cli('trash', { product_id: fx.good.mug });
  delete expected[`CA-${R}-MUG`];
  const trashed = await syncUntilDone();
  assert.equal(trashed.job.total, 1);
  assert.equal(trashed.job.deleted, 1);
  const s3 = await stats(CAT);
  assert.equal(s3.batches, s2.batches + 1, 'one batch');
  assert.deepEqual(s3.requests, { ...s2.requests, DELETE: s2.requests.DELETE + 1 }, 'one DELETE and nothing else');
  assertExactCatalog(await items(CAT), Object.keys(expected), 'after the trash');

  const overview = (await vendor.call('GET', '/products')).json();
  assert.equal(overview.counts.synced, 4);
  assert.equal(overview.counts.ready, 4);
  assert.equal(overview.last_sync.deleted, 1);
});

test('REST: vendors act on their own catalog only; guests are refused', async () => {
  const other = await vendor.call('GET', `/products?vendor_id=${fx.vendor_b.id}`);
  assert.equal(other.status, 403, 'another vendor\'s products');
  const otherSync = await vendor.call('POST', `/sync?vendor_id=${fx.vendor_b.id}`);
  assert.equal(otherSync.status, 403, 'syncing another vendor');
  const guest = await new Client(baseUrl).get(`${REST}/products`);
  assert.equal(guest.status, 401);
  const guestSync = await new Client(baseUrl).post(`${REST}/sync`);
  assert.equal(guestSync.status, 401);
  const own = await vendor.call('GET', `/products?vendor_id=${fx.vendor_a.id}`);
  assert.equal(own.status, 200);
  assert.match(own.headers['cache-control'], /no-store/);
});

test('a rate limit (80014) injected mid-sync: the sync waits, resumes and ends complete', async () => {
  const CAT = catalogId(2);
  await useCatalog(CAT, { batch_size: 1 });
  // One items_batch call per 1.5 s window: the 2nd of four batches is refused.
  await sandbox('PUT', '/sandbox/config', { ...SANDBOX_DEFAULTS, catalog_batch_limit: 1, catalog_window_ms: 1500 });
  try {
    const t0 = Date.now();
    const { job, seen } = await syncUntilDone(120000);
    const elapsed = Date.now() - t0;
    assert.equal(job.state, 'done', JSON.stringify(job));
    assert.equal(job.synced, 4);
    assert.equal(job.rejected, 0);
    const s = await stats(CAT);
    assert.ok(s.rate_limited >= 1, `the sandbox refused calls with 80014 (${s.rate_limited})`);
    assert.equal(s.requests.CREATE, 4, 'every item sent once');
    // Slices sleep through short waits themselves, so a status answer may or may not catch one.
    const waits = seen.filter((j) => j.waiting).length;
    assert.ok(elapsed >= 3 * 1500 - 500, `four batches need three windows (${elapsed} ms)`);
    console.log(`rate-limited sync: ${elapsed} ms, ${s.rate_limited} refusals (80014), ${seen.length} status answers, ${waits} while waiting`);
    assertExactCatalog(await items(CAT), Object.keys(expected), 'after the rate-limited sync');
  } finally {
    await sandbox('PUT', '/sandbox/config', SANDBOX_DEFAULTS);
  }
});

test('a PHP worker killed mid-sync (SIGKILL): the next slice resumes after the lease and the catalog is exact', async () => {
  const CAT = catalogId(3);
  await useCatalog(CAT, { batch_size: 1 });
  await sandbox('PUT', '/sandbox/config', { ...SANDBOX_DEFAULTS, cloud_latency_ms: 600 });
  let child;
  try {
    child = spawn('php', phpArgs('slice', { vendor_id: fx.vendor_a.id, budget_ms: 4000 }), { uid, gid, cwd: '/tmp', env: cliEnv() });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const started = Date.now();
    while (!stderr.includes('slice: starting')) {
      assert.ok(Date.now() - started < 15000, `the slice never started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Plan committed, first batches in flight (each call takes 600 ms).
    await new Promise((r) => setTimeout(r, 900));
    const killedAt = Date.now();
    child.kill('SIGKILL');
    const { signal } = await exited;
    assert.equal(signal, 'SIGKILL', 'the worker died by SIGKILL');
    await sandbox('PUT', '/sandbox/config', SANDBOX_DEFAULTS);

    const first = (await vendor.call('GET', '/sync')).json().job;
    assert.ok(first, 'a job exists');
    assert.equal(first.state, 'running', 'the killed worker left the job running');
    assert.ok(first.processed < first.total, `work remained (${first.processed}/${first.total})`);
    const jobId = first.job_id;

    let job = first;
    const end = Date.now() + 60000;
    while (job.state === 'running') {
      assert.ok(Date.now() < end, `not resumed: ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 500));
      job = (await vendor.call('GET', '/sync')).json().job;
    }
    const resumedAfter = Date.now() - killedAt;
    assert.equal(job.job_id, jobId, 'the same job was resumed, not a new one');
    assert.equal(job.state, 'done', JSON.stringify(job));
    assert.equal(job.synced, 4, 'every item synced once in the job');
    assert.ok(resumedAfter >= 4000, `the lease held the job while the dead worker's slice could still be running (${resumedAfter} ms)`);
    const s = await stats(CAT);
    console.log(`killed worker: resumed and done ${resumedAfter} ms after SIGKILL; catalog received ${JSON.stringify(s.requests)} in ${s.batches} batches`);
    assertExactCatalog(await items(CAT), Object.keys(expected), 'after the kill');
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await sandbox('PUT', '/sandbox/config', SANDBOX_DEFAULTS);
  }
});
