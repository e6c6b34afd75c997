// WhatsApp order updates with consent, in Chromium on real WooCommerce (HPOS on):
//  - at the classic checkout (shortcode page) and at the block checkout (a page
//    with WooCommerce's Checkout block), with the opt-in box unticked no order
//    message is ever sent; ticked, every mapped event (processing, shipped,
//    completed, refunded) sends exactly one template, read from the sandbox's
//    request log (`GET /sandbox/messages/sent`), however often the queue runs;
//  - the customer writing STOP (through the sandbox) is opted out and told so,
//    and the next event sends nothing;
//  - WordPress's personal data export shows the consent record;
//  - the delivery statuses the sandbox reports back (sent, delivered, read)
//    appear in the order's "WhatsApp updates" box on the HPOS order screen;
//  - a vendor's "Order updates" panel lists the updates of their own orders
//    only, and the template they map themselves replaces the marketplace's for
//    their orders.
// Orders change through WooCommerce's API (order-updates-cli.php); the updates are
// sent only by Action Scheduler's own queue runner (shop-cli.php run_queue).
// Tests run in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, docroot, chromium, artifactsDir, admin, pageUrl } from '../lib/env.js';
import { phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, sandboxSent, waitFor, logIn, newVendor, shoot } from '../lib/world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');
const EXT = process.env.WPWA_E2E_EXTENSION || path.join(ROOT, 'target', 'release', 'libwpwa.so');
const WEB_USER = process.env.WPWA_WEB_USER || 'www-data';
const RUN = Date.now().toString(36).slice(-6);
const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const BASE = 2000000 + crypto.randomInt(7000000);
const uid = Number(execFileSync('id', ['-u', WEB_USER]).toString().trim());
const gid = Number(execFileSync('id', ['-g', WEB_USER]).toString().trim());
const CONSENT_TEXT = 'Send me updates about this order on WhatsApp. I can reply STOP at any time to stop them.';
const MAPPING = {
  processing: { name: 'order_processing', language: 'en_US', params: 'order_number, total, items' },
  shipped: { name: 'order_shipped', language: 'en_US', params: 'order_number, tracking' },
  completed: { name: 'order_completed', language: 'en_US', params: 'order_number, link' },
  refunded: { name: 'order_refunded', language: 'en_US', params: 'order_number, total' },
};

let browser;
let shop; // setup answer: product_id, classic_url, block_url
const unticked = { number: `1444${BASE}`, written: `+1 444 ${BASE}` };
const ticked = { number: `1444${BASE + 1}`, written: `+1 444 ${BASE + 1}` };
const blockBuyer = { number: `1444${BASE + 2}`, written: `+1 444 ${BASE + 2}` };

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
const orders = (command, input) => cli('order-updates-cli.php', command, input);
const runQueue = () => cli('shop-cli.php', 'run_queue');

/** Templates the sandbox accepted for `number`, by template name. */
async function templatesTo(number) {
  const sent = (await sandboxSent()).filter((m) => m.to === number && m.type === 'template');
  return sent.map((m) => m.template);
}

/** Runs the queue until `number` has received exactly the templates `expected` (in any order), then once more to show nothing else comes. */
async function expectTemplates(number, expected, what) {
  const want = [...expected].sort();
  await waitFor(async () => {
    runQueue();
    const got = (await templatesTo(number)).sort();
    assert.ok(got.length <= want.length, `${what}: no more than ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    return JSON.stringify(got) === JSON.stringify(want);
  }, what, 90000, 1500);
  assert.equal(orders('pending').pending, 0, `${what}: no order update action left pending`);
  runQueue();
  assert.deepEqual((await templatesTo(number)).sort(), want, `${what}: exactly once each`);
}


async function shopper() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  return { context, page, problems };
}

/** Puts the product in the cart and places an order at the classic checkout; returns the order ID. */
async function classicCheckout(customer, tick) {
  orders('checkout_page', { kind: 'classic' });
  const { context, page, problems } = await shopper();
  try {
    await page.goto(`${baseUrl}/?add-to-cart=${shop.product_id}`);
    await page.goto(shop.classic_url);
    assert.equal(phpErrorsIn(await page.content()), null, 'no PHP errors at the classic checkout');
    const box = page.locator('input[name="wpwa_order_updates"]');
    await box.waitFor();
    assert.equal(await box.isChecked(), false, 'the opt-in box is off by default');
    assert.equal((await page.locator('.wpwa-order-updates-consent').innerText()).trim(), CONSENT_TEXT, 'the admin\'s wording');
    await page.fill('#billing_first_name', 'Dana');
    await page.fill('#billing_last_name', `Buyer ${RUN}`);
    await page.fill('#billing_address_1', '1 Main Street');
    await page.fill('#billing_city', 'San Francisco');
    await page.evaluate(() => { window.jQuery('#billing_state').val('CA').trigger('change'); });
    await page.fill('#billing_postcode', '94105');
    await page.fill('#billing_phone', customer.written);
    await page.fill('#billing_email', `c${customer.number}@example.test`);
    if (tick) await box.check();
    await page.locator('#payment_method_cod').check({ force: true });
    await Promise.all([page.waitForURL(/order-received/, { timeout: 60000 }), page.click('#place_order')]);
    const id = /order-received[/=](\d+)/.exec(page.url());
    assert.ok(id, `the order-received page names the order (${page.url()})`);
    assert.deepEqual(problems, [], 'no script errors at checkout');
    return Number(id[1]);
  } finally {
    await context.close();
  }
}

/** Places an order at the block checkout (WooCommerce's Checkout block); returns the order ID. */
async function blockCheckout(customer, tick) {
  orders('checkout_page', { kind: 'block' });
  const { context, page } = await shopper();
  try {
    await page.goto(`${baseUrl}/?add-to-cart=${shop.product_id}`);
    await page.goto(shop.block_url);
    const box = page.getByLabel(CONSENT_TEXT);
    await box.waitFor({ timeout: 60000 });
    assert.equal(await box.isChecked(), false, 'the block checkout\'s box is off by default');
    await page.fill('#email', `c${customer.number}@example.test`);
    await page.fill('#billing-first_name', 'Erik');
    await page.fill('#billing-last_name', `Blocks ${RUN}`);
    await page.fill('#billing-address_1', '2 Main Street');
    await page.fill('#billing-city', 'San Francisco');
    const state = page.locator('#billing-state');
    if ((await state.evaluate((el) => el.tagName)) === 'SELECT') await state.selectOption('CA');
    else { await state.fill('California'); await page.keyboard.press('Enter'); }
    await page.fill('#billing-postcode', '94105');
    await page.fill('#billing-phone', customer.written);
    if (tick) await box.check();
    const cod = page.locator('input[value="cod"]');
    if (await cod.count()) await cod.check({ force: true });
    await Promise.all([
      page.waitForURL(/order-received/, { timeout: 60000 }),
      page.locator('.wc-block-components-checkout-place-order-button').click(),
    ]);
    const id = /order-received[/=](\d+)/.exec(page.url());
    assert.ok(id, `the order-received page names the order (${page.url()})`);
    return Number(id[1]);
  } finally {
    await context.close();
  }
}

before(async () => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK, auto_read: true });
  shop = orders('setup', { mapping: MAPPING, sku: `OU-${RUN}`, name: `Walnut board ${RUN}`, price: '12.00' });
  assert.deepEqual(Object.keys(shop.mapping).sort(), Object.keys(MAPPING).sort(), 'the core accepted the mapping');
  assert.deepEqual(shop.mapping.processing.params, ['order_number', 'total', 'items'], 'parameters as the core reads them');
  browser = await playwrightChromium.launch({ executablePath: chromium, args: BROWSER_ARGS });
});

after(async () => {
  if (browser) await browser.close();
});

test('classic checkout, box unticked: no order event ever sends a message', async () => {
  const id = await classicCheckout(unticked, false);
  const placed = orders('order', { order_id: id });
  assert.equal(placed.status, 'processing', 'cash on delivery puts the order in processing');
  assert.equal(placed.consent.granted, false, 'the order says its customer did not opt in');
  orders('shipped', { order_id: id, tracking: 'UPS 1Z999' });
  orders('status', { order_id: id, status: 'completed' });
  for (let i = 0; i < 3; i++) runQueue();
  assert.equal(orders('pending').pending, 0, 'the queue worked every update');
  assert.deepEqual(await templatesTo(unticked.number), [], 'nothing was sent to the customer');
  const updates = orders('order', { order_id: id }).updates;
  assert.ok(updates.length >= 1 && updates.every((u) => u.state === 'skipped' && u.error === 'no_consent'), `each update recorded as not sent for want of consent: ${JSON.stringify(updates)}`);
});

let tickedOrder;
test('classic checkout, box ticked: every mapped event sends exactly one template', async () => {
  tickedOrder = await classicCheckout(ticked, true);
  const placed = orders('order', { order_id: tickedOrder });
  assert.equal(placed.consent.granted, true);
  assert.equal(placed.consent.text, CONSENT_TEXT, 'the exact text shown is on the order');
  await expectTemplates(ticked.number, ['order_processing'], 'the processing update');
  const sent = (await sandboxSent()).find((m) => m.to === ticked.number && m.template === 'order_processing');
  const params = sent.request.template.components[0].parameters.map((p) => p.text);
  assert.match(params[1], /^12\.00 USD$/, 'the total with its currency');
  assert.match(params[2], new RegExp(`^1 × Walnut board ${RUN}$`), 'the items');

  // Doubled events: the same status again (on-hold and back) sends no second "processing".
  orders('status', { order_id: tickedOrder, status: 'on-hold' });
  orders('status', { order_id: tickedOrder, status: 'processing' });
  orders('shipped', { order_id: tickedOrder, tracking: 'UPS 1Z999AA10123456784' });
  orders('shipped', { order_id: tickedOrder, tracking: 'UPS 1Z999AA10123456784' });
  await expectTemplates(ticked.number, ['order_processing', 'order_shipped'], 'the shipped update, once');
  const shipped = (await sandboxSent()).find((m) => m.to === ticked.number && m.template === 'order_shipped');
  assert.deepEqual(shipped.request.template.components[0].parameters.map((p) => p.text).slice(1), ['UPS 1Z999AA10123456784'], 'the tracking note');
  orders('status', { order_id: tickedOrder, status: 'completed' });
  await expectTemplates(ticked.number, ['order_processing', 'order_shipped', 'order_completed'], 'the completed update');
});

test('STOP opts the customer out, tells them so, and the next event sends nothing', async () => {
  const before = (await sandboxSent()).filter((m) => m.to === ticked.number).length;
  const injected = await sandbox('POST', '/sandbox/messages/inject', { text: 'stop', from: ticked.number, name: 'Dana' });
  assert.equal(injected.messages.length, 1);
  // Sent after the webhook's response, or by the queue once pacing allows (the customer just got a template).
  const told = await waitFor(async () => {
    runQueue();
    return (await sandboxSent()).find((m) => m.to === ticked.number && m.type === 'text');
  }, 'the opt-out confirmation', 60000, 1000);
  assert.match(told.body, /no longer receive order updates/, 'the customer is told they are opted out');
  orders('refund', { order_id: tickedOrder });
  for (let i = 0; i < 3; i++) runQueue();
  assert.equal(orders('pending').pending, 0);
  assert.deepEqual((await templatesTo(ticked.number)).sort(), ['order_completed', 'order_processing', 'order_shipped'], 'no refunded update after STOP');
  assert.equal((await sandboxSent()).filter((m) => m.to === ticked.number).length, before + 1, 'only the confirmation went out');
  const refunded = orders('order', { order_id: tickedOrder }).updates.find((u) => u.event === 'refunded');
  assert.equal(refunded.state, 'skipped', 'the refunded update is recorded as not sent');
});

test('the personal data export shows the consent records', async () => {
  const exported = orders('export', { email: `c${ticked.number}@example.test` });
  const items = Object.values(exported).flatMap((e) => e.data);
  const consent = items.filter((i) => i.group_id.endsWith('-consent'));
  assert.equal(consent.length, 3, `the checkout grant and the two withdrawals (order updates, marketing): ${JSON.stringify(consent)}`);
  const field = (item, name) => item.data.find((d) => d.name === name).value;
  assert.equal(field(consent[0], 'Consent'), 'Given');
  assert.equal(field(consent[0], 'Text shown'), CONSENT_TEXT);
  assert.equal(field(consent[0], 'Where'), 'At checkout');
  assert.equal(field(consent[0], 'Order'), String(tickedOrder));
  assert.equal(field(consent[1], 'Consent'), 'Withdrawn');
  assert.equal(field(consent[1], 'Where'), 'By a WhatsApp reply');
  assert.ok(items.some((i) => i.group_id.endsWith('-order-updates')), 'the order updates are exported too');
});

test('block checkout: unticked sends nothing, ticked sends the processing template once', async () => {
  const plain = { number: `1444${BASE + 3}`, written: `+1 444 ${BASE + 3}` };
  const without = await blockCheckout(plain, false);
  assert.equal(orders('order', { order_id: without }).consent.granted, false);
  const id = await blockCheckout(blockBuyer, true);
  const placed = orders('order', { order_id: id });
  assert.equal(placed.consent.granted, true, 'the block checkout\'s box is read from the order');
  assert.equal(placed.consent.text, CONSENT_TEXT);
  await expectTemplates(blockBuyer.number, ['order_processing'], 'the block checkout\'s processing update');
  orders('status', { order_id: without, status: 'completed' });
  for (let i = 0; i < 3; i++) runQueue();
  assert.deepEqual(await templatesTo(plain.number), [], 'nothing for the unticked block order');
});

test('delivery statuses appear in the order\'s WhatsApp updates box', async () => {
  await waitFor(() => {
    const updates = orders('order', { order_id: tickedOrder }).updates;
    const done = updates.filter((u) => u.state === 'sent');
    return done.length === 3 && done.every((u) => u.delivery === 'read' && u.statuses.map((s) => s.status).join() === 'sent,delivered,read') ? updates : null;
  }, 'sent, delivered and read for each update', 60000, 1000);
  const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
  try {
    await logIn(context, admin.login, admin.password);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/wp-admin/admin.php?page=wc-orders&action=edit&id=${tickedOrder}`);
    const box = page.locator('#wpwa-order-updates');
    await box.waitFor();
    assert.equal(phpErrorsIn(await page.content()), null, 'no PHP errors on the order screen');
    assert.match(await box.innerText(), /opted in to WhatsApp updates at checkout/);
    for (const event of ['processing', 'shipped', 'completed']) {
      const row = box.locator(`tr.wpwa-update[data-event="${event}"]`);
      assert.equal(await row.getAttribute('data-delivery'), 'read', `${event}: read`);
      assert.match(await row.innerText(), /Read/);
    }
    assert.match(await box.locator('tr.wpwa-update[data-event="refunded"]').innerText(), /not opted in/, 'the refund after STOP');
    await box.scrollIntoViewIfNeeded();
    await shoot(page, 'order-updates-order-screen');
  } finally {
    await context.close();
  }
});

test('a vendor sees their own orders\' updates and their own template replaces the marketplace\'s', async () => {
  const vendor = await newVendor(`ouv_${RUN}`, `Update Shop ${RUN}`);
  const other = await newVendor(`ouw_${RUN}`, `Other Shop ${RUN}`);
  const product = orders('product', { vendor_id: vendor.id, name: `Vendor mug ${RUN}`, sku: `OUV-${RUN}` });
  const buyer = `1444${BASE + 4}`;
  const [id] = orders('orders', { count: 1, consent: true, phone_base: Number(buyer), product_id: product.id }).ids;
  orders('status', { order_id: id, status: 'processing' });
  await expectTemplates(buyer, ['order_processing'], 'the vendor order\'s processing update');
  const update = orders('order', { order_id: id }).updates[0];
  assert.equal(update.vendor_id, vendor.id, 'sent for the vendor of the order\'s items');

  const panel = async (v) => {
    const res = await v.client.get(pageUrl('dashboard'));
    assert.equal(res.status, 200);
    assert.equal(phpErrorsIn(res.text), null, 'no PHP errors in the dashboard');
    const m = /<section class="wpwa-panel wpwa-panel--order-updates"[\s\S]*?<\/section>/.exec(res.text);
    assert.ok(m, 'the dashboard has an Order updates panel');
    return m[0];
  };
  const own = await panel(vendor);
  assert.match(own, new RegExp(`#${id}<`), 'the vendor sees their order');
  assert.match(own, /data-event="processing"/);
  assert.doesNotMatch(await panel(other), new RegExp(`#${id}<`), 'another vendor does not');

  // The vendor's own template for "completed", sent as the panel's form is (REST, cookie + nonce).
  const nonce = /name="_wpnonce" value="([^"]+)"/.exec(own);
  const action = /<form method="post" action="([^"]+)"/.exec(own)[1].replace(/&#0?38;|&amp;/g, '&');
  assert.match(action, /\/wpwa\/v1\/order-updates$/, 'the form goes to the REST route, not to wp-admin');
  const bad = await vendor.client.post(action, { form: { 'mapping[completed][name]': 'Not A Name', 'mapping[completed][language]': 'en_US' }, headers: { 'x-wp-nonce': nonce[1], accept: 'application/json' } });
  assert.equal(bad.status, 400, 'a bad template name is refused by the core');
  const saved = await vendor.client.post(action, {
    form: { 'mapping[completed][name]': 'vendor_completed', 'mapping[completed][language]': 'en_US', 'mapping[completed][params]': 'order_number, store_name' },
    headers: { 'x-wp-nonce': nonce[1], accept: 'application/json' },
  });
  assert.equal(saved.status, 200, saved.text.slice(0, 300));
  assert.deepEqual(saved.json().mapping.completed.params, ['order_number', 'store_name']);
  orders('status', { order_id: id, status: 'completed' });
  await expectTemplates(buyer, ['order_processing', 'vendor_completed'], 'the vendor\'s own completed template');
  const sent = (await sandboxSent()).find((m) => m.to === buyer && m.template === 'vendor_completed');
  assert.equal(sent.request.template.components[0].parameters[1].text, `Update Shop ${RUN}`, 'the vendor\'s store name');
});

test('the settings page has the Order updates section with the saved mapping', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  try {
    await logIn(context, admin.login, admin.password);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/wp-admin/admin.php?page=wpwa-settings`);
    assert.equal(phpErrorsIn(await page.content()), null, 'no PHP errors on the settings page');
    const row = page.locator('table.wpwa-mapping tr[data-event="processing"]');
    await row.waitFor();
    assert.equal(await row.locator('input[name$="[processing][name]"]').inputValue(), 'order_processing');
    assert.equal(await row.locator('input[name$="[processing][params]"]').inputValue(), 'order_number, total, items');
    assert.equal(await page.locator('#wpwa_order_updates_consent_text').getAttribute('maxlength'), '1000', 'the bound comes from the core');
  } finally {
    await context.close();
  }
});
