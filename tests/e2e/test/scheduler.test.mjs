// Background work on WooCommerce's real Action Scheduler (issue 11), on the
// test site's real WooCommerce and marketplace:
//  - a sync started from the vendor dashboard (Chromium) is planned by the
//    click and worked by Action Scheduler's own queue runner; the dashboard's
//    progress polls are held back, so nothing else can do the work; the
//    runner completes it, the sandbox catalog holds the products, no wpwa
//    action of the vendor is left pending and the activity log has one line
//    for the sync's end;
//  - a product edited through WooCommerce's REST API (an application
//    password made in the test) reaches the catalog through the queue;
//  - sale dates: a sale 30 days ahead is not the catalog price; a short sale
//    window starts and ends by itself (the queue's price-change action), the
//    catalog price following without a click;
//  - store names with `&`: "Bolt & Co Gadgets …" gets the brand as written
//    and the code #BOLTCOGADGETS…, which reaches the vendor; a second store
//    reducing to the same code gets another one.
//
// The queue runs through shop-cli.php's run_queue
// (ActionScheduler_QueueRunner::run(), what Action Scheduler's WP-Cron event
// calls); no test calls a wpwa hook. The tests run in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, docroot, pageUrl, chromium, artifactsDir, admin } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, waitFor, logIn } from '../lib/world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');
const EXT = process.env.WPWA_E2E_EXTENSION || path.join(ROOT, 'target', 'release', 'libwpwa.so');
const WEB_USER = process.env.WPWA_WEB_USER || 'www-data';
const RUN = Date.now().toString(36).slice(-6);
const R = RUN.toUpperCase();
const PASSWORD = crypto.randomBytes(12).toString('hex');
const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const APP_SECRET = 'sandbox-app-secret';
const uid = Number(execFileSync('id', ['-u', WEB_USER]).toString().trim());
const gid = Number(execFileSync('id', ['-g', WEB_USER]).toString().trim());
const CATALOG = `8${String(Date.now()).slice(-9)}${crypto.randomInt(10000, 99999)}`;

let browser;
let vendor; // { id, login }
const product = {}; // name -> post id

// ------------------------------------------------------------------ helpers --

function cli(file, command, input) {
  let out;
  try {
    out = execFileSync(
      'php',
      ['-d', `extension=${EXT}`, '-d', 'display_errors=stderr', '-d', 'log_errors=0', path.join(ROOT, 'tests', 'wordpress', file), command, JSON.stringify(input || {})],
      { uid, gid, cwd: '/tmp', env: { ...process.env, WPWA_DOCROOT: docroot, WPWA_SITE_URL: baseUrl }, maxBuffer: 64 << 20 },
    );
  } catch (e) {
    const said = `${e.stdout || ''} ${e.stderr || ''}`.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    throw new Error(`${file} ${command} failed (exit ${e.status}): ${said.slice(0, 800)}`);
  }
  return JSON.parse(out.toString());
}
const queue = (command, input) => cli('shop-cli.php', command, input);

const items = async () => (await sandbox('GET', `/sandbox/catalogs/${CATALOG}/items`)).items;
const item = async (sku) => (await items()).find((i) => i.id === sku);

/** Pending wpwa actions that concern `vendorId` (their first argument) or one of `productIds`. */
function pendingFor(vendorId, productIds = []) {
  return queue('actions').filter((a) => (a.hook === 'wpwa_price_change' ? productIds.includes(a.args[0]) : a.args[0] === vendorId));
}

/** Runs Action Scheduler's queue runner until `done()` holds (work may need several runs: a sync's next slice is due seconds later). */
async function runQueueUntil(done, what) {
  return waitFor(async () => {
    queue('run_queue');
    return done();
  }, what, 120000, 1000);
}

const syncDone = () => {
  const job = queue('job', { vendor_id: vendor.id });
  return job && job.state !== 'running' ? job : null;
};

const finishedLines = (vendorId) => queue('log', { vendor_id: vendorId }).filter((m) => m.startsWith('Catalog sync finished'));
const startedLines = (vendorId) => queue('log', { vendor_id: vendorId }).filter((m) => m.startsWith('Catalog sync started'));

const sleepUntil = async (unixSeconds) => {
  const wait = unixSeconds * 1000 - Date.now() + 1000;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
};

// -------------------------------------------------------------------- setup --

before(async () => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  await sandbox('PUT', '/sandbox/config', { cloud_latency_ms: 0, catalog_batch_limit: 20, catalog_window_ms: 1000, batch_processing_ms: 200 });
  cli('catalog-cli.php', 'settings', { catalog_id: CATALOG, batch_size: 100, change_delay: 0 });
  vendor = queue('vendor', { login: `queue_${RUN}`, password: PASSWORD, store_name: `Queue Store ${R}` });
  product.lamp = queue('product', { vendor_id: vendor.id, name: `Lamp ${R}`, sku: `Q-${R}-LAMP`, regular: '20.00' }).id;
  product.vase = queue('product', { vendor_id: vendor.id, name: `Vase ${R}`, sku: `Q-${R}-VASE`, regular: '10.00' }).id;
  // The products' own saves queued a sync: drain it so each test starts from a synced catalog.
  await runQueueUntil(() => pendingFor(vendor.id).length === 0 && syncDone(), 'the sync queued by the products\' creation');
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    cli('catalog-cli.php', 'settings', { change_delay: 5 });
  } finally {
    if (browser) await browser.close();
  }
});

// ------------------------------------------------------------------ queue --

test('a sync started from the dashboard is worked by Action Scheduler\'s runner and leaves nothing pending', async (t) => {
  // A catalog of its own, empty, so that the sync has work to queue; the
  // later tests read the usual one, whatever this one's outcome.
  const catalogId = `${CATALOG}1`;
  cli('catalog-cli.php', 'settings', { catalog_id: catalogId });
  t.after(() => cli('catalog-cli.php', 'settings', { catalog_id: CATALOG }));
  const before = finishedLines(vendor.id).length;

  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  let job;
  try {
    await logIn(context, vendor.login, PASSWORD);
    const page = await context.newPage();
    // The dashboard's progress polls also have the queue run a due slice: hold
    // them back, so that only Action Scheduler's runner can do the work here.
    await page.route('**/wpwa/v1/sync**', (route) => (route.request().method() === 'GET' ? route.abort() : route.continue()));
    const res = await page.goto(pageUrl('dashboard'));
    assert.equal(res.status(), 200);
    assert.equal(phpErrorsIn(await page.content()), null);
    const posted = page.waitForResponse((r) => r.url().includes('/wpwa/v1/sync') && r.request().method() === 'POST');
    await page.locator('[data-wpwa-sync]').click();
    const response = await posted;
    assert.equal(response.status(), 200);
    job = (await response.json()).job;
    assert.equal(job.state, 'running', 'the click plans the sync; the queue works it');
    assert.equal(job.total, 2);
    await page.screenshot({ path: path.join(artifactsDir, 'scheduler-sync-queued.png'), fullPage: true });
  } finally {
    await context.close();
  }

  // Action Scheduler's own async runner (started by an earlier wp-admin page,
  // it re-dispatches itself while actions are due) may already have worked
  // the click's slice, which then queued the next one: read every state.
  const ofJob = queue('actions', { status: ['pending', 'in-progress', 'complete'] }).filter((a) => a.args[0] === vendor.id && a.args[1] === job.job_id);
  assert.ok(ofJob.length >= 1, 'the click queued the job\'s slice in Action Scheduler');
  assert.deepEqual([...new Set(ofJob.map((a) => JSON.stringify([a.hook, a.args])))], [JSON.stringify(['wpwa_sync_slice', [vendor.id, job.job_id]])], 'the job is worked in slices');
  const pending = pendingFor(vendor.id);
  assert.ok(pending.length <= 1, `at most one slice of the vendor waits at a time: ${JSON.stringify(pending)}`);
  assert.ok(pending.every((a) => a.hook === 'wpwa_sync_slice' && a.args[1] === job.job_id), `nothing else of the vendor is queued: ${JSON.stringify(pending)}`);

  const done = await runQueueUntil(syncDone, 'the queue runner to finish the sync');
  assert.equal(done.job_id, job.job_id);
  assert.equal(done.state, 'done');
  assert.equal(done.synced, 2);
  // Under the central account every vendor's syncs go to this one catalog, and
  // the runner also works what other vendors left due: read this vendor's items.
  const list = (await sandbox('GET', `/sandbox/catalogs/${catalogId}/items`)).items.filter((i) => i.id.startsWith(`Q-${R}-`));
  assert.deepEqual(list.map((i) => [i.id, i.price]).sort(), [[`Q-${R}-LAMP`, '20.00 USD'], [`Q-${R}-VASE`, '10.00 USD']]);

  assert.deepEqual(pendingFor(vendor.id, Object.values(product)), [], 'no wpwa action of the vendor is left pending');
  const completed = queue('actions', { status: 'complete' }).filter((a) => a.hook === 'wpwa_sync_slice' && a.args[0] === vendor.id && a.args[1] === job.job_id);
  assert.ok(completed.length >= 1, 'Action Scheduler ran the slices (its log says complete)');
  assert.equal(finishedLines(vendor.id).length, before + 1, 'one activity-log line for the sync\'s end');
});

test('a product edited through WooCommerce\'s REST API reaches the catalog through the queue, and that sync reads only it', async () => {
  const before = finishedLines(vendor.id).length;
  const readOnlyChanged = () => startedLines(vendor.id)
    .filter((line) => /^Catalog sync started: 1 change to send, from the [12] product\(s\) changed since the last sync\.$/.test(line)).length;
  const readOnlyChangedBefore = readOnlyChanged();
  // Action Scheduler's async runner (started by an earlier wp-admin page, it
  // re-dispatches itself while actions are due) may work the sync, due at
  // once here, before it is read back: count the vendor's syncs in every state.
  const vendorSyncs = () => queue('actions', { status: ['pending', 'in-progress', 'complete', 'failed', 'canceled'] })
    .filter((a) => a.hook === 'wpwa_sync_vendor' && a.args[0] === vendor.id).length;
  const vendorSyncsBefore = vendorSyncs();
  const auth = queue('app_password', { login: admin.login });
  let headers;
  let client;
  if (auth.available) {
    client = new Client(baseUrl);
    headers = { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` };
  } else {
    // Application passwords need HTTPS or a local environment: WooCommerce's
    // REST API takes the logged-in administrator's cookie and nonce then.
    client = await loggedIn(baseUrl, admin.login, admin.password);
    headers = { 'x-wp-nonce': await client.restNonce() };
  }
  const res = await client.request('PUT', `${baseUrl}/wp-json/wc/v3/products/${product.lamp}`, { headers, body: { regular_price: '21.00' }, cookies: !auth.available });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.equal(res.json().regular_price, '21.00');

  assert.equal(vendorSyncs(), vendorSyncsBefore + 1, 'the edit queued one sync of the vendor');
  await runQueueUntil(async () => (await item(`Q-${R}-LAMP`))?.price === '21.00 USD' && syncDone(), 'the new price in the catalog');
  await runQueueUntil(() => pendingFor(vendor.id).length === 0 && syncDone(), 'the queue to drain');
  assert.deepEqual(pendingFor(vendor.id, Object.values(product)), [], 'nothing left pending');
  assert.equal(finishedLines(vendor.id).length, before + 1, 'one activity-log line for the sync\'s end');
  assert.equal(readOnlyChanged(), readOnlyChangedBefore + 1, `the queued sync read only the edited product: ${JSON.stringify(startedLines(vendor.id).slice(0, 3))}`);
});

// ------------------------------------------------------------- sale dates --

test('a sale 30 days ahead is not the catalog price, and its start is queued', async () => {
  const now = Math.floor(Date.now() / 1000);
  const from = now + 30 * 86400;
  queue('sale', { product_id: product.vase, sale: '8.00', sale_from: from, sale_to: from + 10 * 86400 });
  await runQueueUntil(() => pendingFor(vendor.id).length === 0 && syncDone(), 'the sync after the sale was set');
  const vase = await item(`Q-${R}-VASE`);
  assert.equal(vase.price, '10.00 USD');
  assert.equal(vase.sale_price || '', '', 'the future sale is not in the catalog');
  assert.deepEqual(
    pendingFor(vendor.id, [product.vase]).map((a) => [a.hook, a.args, a.at]),
    [['wpwa_price_change', [product.vase], from]],
    'one price-change action at the sale\'s start',
  );
});

test('a short sale starts and ends in the catalog by itself', async () => {
  const now = Math.floor(Date.now() / 1000);
  const from = now + 20;
  const to = from + 15;
  queue('sale', { product_id: product.vase, sale: '7.50', sale_from: from, sale_to: to });
  await runQueueUntil(() => pendingFor(vendor.id).length === 0 && syncDone(), 'the sync after the dates changed');
  assert.deepEqual(
    pendingFor(vendor.id, [product.vase]).map((a) => [a.hook, a.at]),
    [['wpwa_price_change', from]],
    'the start action moved with the dates (the old one is gone)',
  );
  assert.equal((await item(`Q-${R}-VASE`)).sale_price || '', '', 'not on sale before its start');

  await sleepUntil(from);
  await runQueueUntil(async () => (await item(`Q-${R}-VASE`))?.sale_price === '7.50 USD' && syncDone(), 'the sale price in the catalog once the sale started');
  assert.deepEqual(pendingFor(vendor.id, [product.vase]).map((a) => [a.hook, a.at]), [['wpwa_price_change', to + 1]], 'the end is queued next');

  await sleepUntil(to + 1);
  await runQueueUntil(async () => ((await item(`Q-${R}-VASE`))?.sale_price || '') === '' && syncDone(), 'the regular price back once the sale ended');
  assert.equal((await item(`Q-${R}-VASE`)).price, '10.00 USD');
  assert.deepEqual(pendingFor(vendor.id, [product.vase]), [], 'nothing left pending once the sale is over');
});

// ------------------------------------------------------------ store names --

const sign = (body) => `sha256=${crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;

async function customerWrites(text, from) {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '100000000000009', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550000000', phone_number_id: '100000000000002' },
      contacts: [{ profile: { name: `Shopper ${from}` }, wa_id: from }],
      messages: [{ from, id: `wamid.Q${RUN}${crypto.randomBytes(6).toString('hex')}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
    } }] }],
  });
  const res = await new Client(baseUrl).post(HOOK, { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) }, cookies: false });
  assert.equal(res.status, 200, res.text.slice(0, 300));
}

async function panelOf(login) {
  const http = await loggedIn(baseUrl, login, PASSWORD);
  const res = await http.get(pageUrl('dashboard'));
  assert.equal(res.status, 200);
  assert.equal(phpErrorsIn(res.text), null);
  const m = /<section class="wpwa-panel wpwa-panel--messages"[\s\S]*?<\/section>/.exec(res.text);
  assert.ok(m, `${login} has a Customer messages panel`);
  return m[0];
}

test('"Bolt & Co Gadgets" is the brand as written and its code reaches the vendor; a look-alike store gets its own code', async () => {
  const name = `Bolt & Co Gadgets ${R}`;
  const bolt = queue('vendor', { login: `qbolt_${RUN}`, password: PASSWORD, store_name: name });
  const alike = queue('vendor', { login: `qalike_${RUN}`, password: PASSWORD, store_name: `Bolt Co Gadgets ${R}` });
  const code = `BOLTCOGADGETS${R}`;
  const suffix = String(alike.id);
  const alikeCode = code.slice(0, 20 - suffix.length) + suffix;

  const boltPanel = await panelOf(bolt.login);
  assert.ok(boltPanel.includes(`<code>#${code}</code>`), `the dashboard shows #${code}`);
  assert.ok(!boltPanel.includes('AMP'), 'no entity in the code');
  assert.ok((await panelOf(alike.login)).includes(`<code>#${alikeCode}</code>`), `the look-alike store gets #${alikeCode}`);

  queue('product', { vendor_id: bolt.id, name: `Desk Lamp ${R}`, sku: `QB-${R}-DESK`, regular: '35.00' });
  await runQueueUntil(async () => (await item(`QB-${R}-DESK`)) && pendingFor(bolt.id).length === 0, 'Bolt\'s product in the catalog');
  assert.equal((await item(`QB-${R}-DESK`)).brand, name, 'the catalog brand reads as the store is named');

  const base = 15550000000 + crypto.randomInt(9000000);
  await customerWrites(`Hi #${code}, is the desk lamp in stock? ${RUN}`, String(base + 1));
  await customerWrites(`A question for ${name} about delivery ${RUN}`, String(base + 2));
  const after = await panelOf(bolt.login);
  assert.ok(after.includes(`is the desk lamp in stock? ${RUN}`), 'the code reaches Bolt');
  assert.ok(after.includes(`about delivery ${RUN}`), 'naming the store reaches Bolt');
  const alikePanel = await panelOf(alike.login);
  assert.ok(!alikePanel.includes(`in stock? ${RUN}`) && !alikePanel.includes(`about delivery ${RUN}`), 'the look-alike store gets neither');
});
