// WhatsApp carts become WooCommerce orders (issue 13), on the test site's real
// WooCommerce (HPOS) and marketplace (WCFM by default), with the sandbox's Cloud API:
//  - a cart with items of two vendors, injected through the sandbox (prices filled
//    from the sandbox catalog as WhatsApp does), becomes one pending order with the
//    right items at WooCommerce's prices (one was changed after the catalog sync), the
//    customer's number and name, its WhatsApp notes, and WCFM's vendor records; the
//    customer gets the pay link on WhatsApp; paying it in Chromium with
//    cash on delivery moves the order to processing; each vendor's dashboard lists
//    their own part only;
//  - the same cart delivered twice (sandbox duplicate, then injected again) makes one
//    order;
//  - a cart with a product trashed after the sync makes an order of the rest and tells
//    the customer, whose account is found by its billing phone (saved without the
//    country code); a cart of unknown ids makes none and tells the customer why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, docroot, pageUrl, chromium, artifactsDir, admin } from '../lib/env.js';
import { loggedIn, phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, logIn, sandboxSent } from '../lib/world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');
const EXT = process.env.WPWA_E2E_EXTENSION || path.join(ROOT, 'target', 'release', 'libwpwa.so');
const WEB_USER = process.env.WPWA_WEB_USER || 'www-data';
const RUN = Date.now().toString(36).slice(-6);
const R = RUN.toUpperCase();
const PASSWORD = crypto.randomBytes(12).toString('hex');
const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const CATALOG = `8${String(Date.now()).slice(-9)}${crypto.randomInt(10000, 99999)}`;
const uid = Number(execFileSync('id', ['-u', WEB_USER]).toString().trim());
const gid = Number(execFileSync('id', ['-g', WEB_USER]).toString().trim());
const customerNumber = () => String(15550000000 + crypto.randomInt(9000000));

let browser;
let acme;
let bolt;
let lamp; // Acme, SKU OR-…-LAMP, 25.00 in the catalog, 27.00 in WooCommerce when the cart comes
let shelf; // Bolt, no SKU: retailer id wc_<id>, 40.00
let mug; // Acme, SKU OR-…-MUG, trashed after the sync
let settingsBefore;
let orderUpdatesBefore;

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
const shop = (command, input) => cli('shop-cli.php', command, input);
const orders = (command, input) => cli('orders-cli.php', command, input);

/** The customer sends a cart; returns its wamid. */
async function sendCart(from, items, extra = {}) {
  const id = extra.id || `wamid.OR${RUN}${crypto.randomBytes(6).toString('hex')}`;
  const answer = await sandbox('POST', '/sandbox/messages/inject', { from, name: `Shopper ${R}`, ...extra, cart: { catalog_id: CATALOG, id, items } });
  assert.equal(answer.messages[0].id, id);
  return id;
}

/** Runs the queue until the core has finished the cart; the cart as the core keeps it. */
async function finished(wamid) {
  return waitFor(() => {
    shop('run_queue');
    const { cart } = orders('cart', { wamid });
    return cart && ['ordered', 'refused'].includes(cart.state) ? cart : null;
  }, `cart ${wamid} to be finished`, 60000, 500);
}

/** Text messages the sandbox accepted for `to`, oldest first. */
async function textsTo(to) {
  return (await sandboxSent()).filter((m) => m.to === to && m.type === 'text').map((m) => m.body);
}

async function ordersPanel(vendor) {
  const http = await loggedIn(baseUrl, vendor.login, PASSWORD);
  const res = await http.get(pageUrl('dashboard'));
  assert.equal(res.status, 200);
  assert.equal(phpErrorsIn(res.text), null, 'no PHP errors in the dashboard');
  const m = /<section class="wpwa-panel wpwa-panel--orders"[\s\S]*?<\/section>/.exec(res.text);
  assert.ok(m, `${vendor.login} has a WhatsApp orders panel`);
  return m[0].replace(/&#215;/g, '×').replace(/&amp;/g, '&');
}

before(async () => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  settingsBefore = await helper('/messages-settings', {});
  await helper('/messages-settings', { auto_replies: 0, fallback: 'team' });
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK, cloud_latency_ms: 0 });
  cli('catalog-cli.php', 'settings', { catalog_id: CATALOG, batch_size: 100, change_delay: 0 });
  orders('cod');
  // The "processing" update the paid order sends (order-updates.test.mjs covers the rest).
  orderUpdatesBefore = orders('order_updates', { set: { mapping: { processing: { name: 'order_processing', language: 'en_US', params: 'order_number, total, items' } } } }).before;

  acme = shop('vendor', { login: `oracme_${RUN}`, password: PASSWORD, store_name: `Acme Lamps ${R}` });
  bolt = shop('vendor', { login: `orbolt_${RUN}`, password: PASSWORD, store_name: `Bolt Home ${R}` });
  lamp = shop('product', { vendor_id: acme.id, name: `Reading Lamp ${R}`, sku: `OR-${R}-LAMP`, regular: '25.00' }).id;
  shelf = shop('product', { vendor_id: bolt.id, name: `Oak Shelf ${R}`, sku: '', regular: '40.00' }).id;
  mug = shop('product', { vendor_id: acme.id, name: `Tea Mug ${R}`, sku: `OR-${R}-MUG`, regular: '8.00' }).id;
  await waitFor(async () => {
    shop('run_queue');
    const items = (await sandbox('GET', `/sandbox/catalogs/${CATALOG}/items`)).items.map((i) => i.id);
    return [`OR-${R}-LAMP`, `wc_${shelf}`, `OR-${R}-MUG`].every((id) => items.includes(id));
  }, 'the products in the catalog', 120000, 1000);
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    await helper('/messages-settings', { auto_replies: settingsBefore.auto_replies ?? 0, fallback: settingsBefore.fallback ?? 'team' });
    cli('catalog-cli.php', 'settings', { change_delay: 5 });
    orders('order_updates', { restore: orderUpdatesBefore || {} });
    await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
  } finally {
    if (browser) await browser.close();
  }
});

test('a cart of two vendors becomes one order at WooCommerce prices, paid through the pay link; delivered twice, still one order', async () => {
  // WooCommerce's price changes after the catalog showed 25.00; the change's own
  // catalog sync waits in the queue, so the cart still carries 25.00.
  orders('price', { id: lamp, regular: '27.00' });
  const from = customerNumber();
  const wamid = await sendCart(from, [{ retailer_id: `OR-${R}-LAMP`, quantity: 2 }, { retailer_id: `wc_${shelf}`, quantity: 1 }], { duplicate: true });
  const cart = await finished(wamid);
  assert.equal(cart.state, 'ordered');
  assert.deepEqual(cart.lines.map((l) => [l.retailer_id, l.quantity, l.item_price]), [[`OR-${R}-LAMP`, 2, 25], [`wc_${shelf}`, 1, 40]], 'the cart as WhatsApp sent it');

  // Delivered again: the sandbox's duplicate, and the same cart injected once more.
  await sendCart(from, [{ retailer_id: `OR-${R}-LAMP`, quantity: 2 }, { retailer_id: `wc_${shelf}`, quantity: 1 }], { id: wamid });
  await waitFor(async () => {
    const deliveries = (await sandbox('GET', '/sandbox/cloud/webhooks')).deliveries.filter((d) => JSON.stringify(d).includes(wamid) && d.response_status === 200);
    return deliveries.length >= 3 ? deliveries : null;
  }, 'three deliveries of the cart answered 200', 30000);
  shop('run_queue');

  const made = orders('orders', { wamid }).orders;
  assert.equal(made.length, 1, 'one order from a cart delivered three times');
  const order = made[0];
  assert.equal(order.status, 'pending');
  assert.equal(order.created_via, 'whatsapp');
  assert.equal(order.meta.customer, from);
  assert.equal(order.billing.phone, `+${from}`);
  assert.equal(order.billing.first_name, 'Shopper');
  assert.deepEqual(order.items.map((i) => [i.product_id, i.quantity, i.total]).sort((a, b) => a[0] - b[0]), [[lamp, 2, 54], [shelf, 1, 40]].sort((a, b) => a[0] - b[0]), 'WooCommerce prices, not the cart\'s');
  assert.equal(order.total, 94);
  assert.ok(order.notes.some((n) => n.includes('WhatsApp cart sent by') && n.includes(wamid)), order.notes.join(' | '));
  assert.ok(order.notes.some((n) => n.includes(`Reading Lamp ${R} now costs`)), 'the price change is noted');
  if (order.wcfm_vendor_orders) {
    assert.deepEqual(order.wcfm_vendor_orders, [acme.id, bolt.id].sort((a, b) => a - b), 'each vendor has their WCFM order record');
  }

  const texts = await waitFor(async () => ((await textsTo(from)).length ? textsTo(from) : null), 'the pay link on WhatsApp');
  assert.equal(texts.length, 1, 'one answer for one cart');
  assert.ok(texts[0].includes(order.pay_url), texts[0]);
  assert.ok(texts[0].includes(`Reading Lamp ${R} now costs`), texts[0]);
  const payUrl = /Pay here: (\S+)/.exec(texts[0])[1];

  // The answer invites the customer to order updates; their YES is their consent.
  assert.match(texts[0], /Reply YES to get updates about this order/, texts[0]);
  await sandbox('POST', '/sandbox/messages/inject', { from, name: `Shopper ${R}`, text: 'yes' });
  const consent = await waitFor(async () => orders('consent', { customer: from }).consent, 'the customer\'s consent from their reply');
  assert.equal(consent.granted, true);
  assert.equal(consent.source, 'whatsapp');
  assert.equal(consent.order_id, order.id, 'the consent names the order it was invited with');

  // The customer pays with cash on delivery.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(payUrl);
  await page.screenshot({ path: path.join(artifactsDir, 'orders-pay-page.png'), fullPage: true });
  await page.locator('#payment_method_cod').check();
  await Promise.all([page.waitForURL(/order-received/, { timeout: 60000 }), page.locator('#place_order').click()]);
  await page.screenshot({ path: path.join(artifactsDir, 'orders-paid.png'), fullPage: true });
  await context.close();
  assert.equal(orders('orders', { wamid }).orders[0].status, 'processing');

  // Processing sends the mapped template, once, in the background.
  const templatesTo = async () => (await sandboxSent()).filter((m) => m.to === from && m.type === 'template').map((m) => m.template);
  const processing = await waitFor(async () => {
    shop('run_queue');
    const sent = await templatesTo();
    return sent.length ? sent : null;
  }, 'the processing template', 90000, 2000);
  shop('run_queue');
  assert.deepEqual(await templatesTo(), ['order_processing'], `exactly one processing update: ${JSON.stringify(processing)}`);

  // Each vendor sees their own part.
  const acmePanel = await ordersPanel(acme);
  assert.ok(acmePanel.includes(`#${order.id}`) && acmePanel.includes(`Reading Lamp ${R}`), acmePanel);
  assert.ok(!acmePanel.includes(`Oak Shelf ${R}`), 'not the other vendor\'s items');
  assert.ok(/54[.,]00/.test(acmePanel), 'the total of Acme\'s items');
  assert.match(acmePanel, new RegExp(`<a href="[^"]*${order.id}[^"]*">#${order.id}</a>`), 'a link to the order in the marketplace\'s vendor dashboard');
  const boltPanel = await ordersPanel(bolt);
  assert.ok(boltPanel.includes(`Oak Shelf ${R}`) && !boltPanel.includes(`Reading Lamp ${R}`), boltPanel);
  for (const vendor of [acme, bolt]) {
    const log = shop('log', { vendor_id: vendor.id });
    assert.ok(log.some((m) => m.includes(`became order ${order.id}`)), `${vendor.login}'s activity log has their part: ${log.slice(0, 5)}`);
  }
  const vendorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await logIn(vendorContext, acme.login, PASSWORD);
  const vendorPage = await vendorContext.newPage();
  await vendorPage.goto(pageUrl('dashboard'));
  await vendorPage.locator('.wpwa-panel--orders').scrollIntoViewIfNeeded();
  assert.ok(await vendorPage.locator(`.wpwa-panel--orders [data-wpwa-order="${order.id}"]`).isVisible(), 'the order is listed in the vendor\'s panel');
  await vendorPage.locator('.wpwa-panel--orders').screenshot({ path: path.join(artifactsDir, 'orders-vendor-panel.png') });
  await vendorContext.close();

  // The order's admin page (HPOS) with its WhatsApp notes.
  const adminContext = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await logIn(adminContext, admin.login, admin.password);
  const adminPage = await adminContext.newPage();
  await adminPage.goto(`${baseUrl}/wp-admin/admin.php?page=wc-orders&action=edit&id=${order.id}`);
  const notes = await adminPage.locator('ul.order_notes').innerText();
  assert.ok(notes.includes('WhatsApp cart') && notes.includes('Pay link sent'), notes);
  // The order's WhatsApp box: the consent given by the reply, and the update sent.
  const box = await adminPage.locator('.wpwa-order-updates').innerText();
  assert.match(box, /opted in to WhatsApp updates\. By a WhatsApp reply/, box);
  assert.match(box, /order_processing/, box);
  await adminPage.screenshot({ path: path.join(artifactsDir, 'orders-admin-order.png'), fullPage: true });
  await adminContext.close();
});

test('a cart with a vanished product makes an order of the rest and says so, for the customer whose billing phone is the number', async () => {
  orders('trash', { id: mug });
  const from = customerNumber();
  // The account's phone as people write it, without the country code.
  const local = from.slice(1);
  const known = orders('customer', { login: `orcust_${RUN}`, password: PASSWORD, phone: `(${local.slice(0, 3)}) ${local.slice(3, 6)}-${local.slice(6)}` });
  const wamid = await sendCart(from, [{ retailer_id: `OR-${R}-MUG`, quantity: 1 }, { retailer_id: `wc_${shelf}`, quantity: 2 }]);
  const cart = await finished(wamid);
  assert.equal(cart.state, 'ordered');
  assert.deepEqual(cart.problems.map((p) => [p.retailer_id, p.code]), [[`OR-${R}-MUG`, 'gone']]);
  const [order] = orders('orders', { wamid }).orders;
  assert.deepEqual(order.items.map((i) => [i.product_id, i.quantity]), [[shelf, 2]]);
  assert.equal(order.customer_id, known.id, 'the order is the known customer\'s');
  assert.equal(order.billing.first_name, 'Known', 'with their own billing details');
  assert.ok(order.notes.some((n) => n.includes(`Tea Mug ${R} is no longer available`)), order.notes.join(' | '));
  const [text] = await waitFor(async () => ((await textsTo(from)).length ? textsTo(from) : null), 'the answer');
  assert.ok(text.includes(order.pay_url) && text.includes(`Tea Mug ${R} is no longer available`), text);
});

test('a cart of unknown products makes no order and says why', async () => {
  const from = customerNumber();
  const wamid = await sendCart(from, [{ retailer_id: `GHOST-${R}-1`, quantity: 1, item_price: 5, currency: 'USD' }, { retailer_id: `GHOST-${R}-2`, quantity: 2, item_price: 7, currency: 'USD' }]);
  const cart = await finished(wamid);
  assert.deepEqual([cart.state, cart.refusal], ['refused', 'unknown_products']);
  assert.equal(orders('orders', { wamid }).orders.length, 0);
  const [text] = await waitFor(async () => ((await textsTo(from)).length ? textsTo(from) : null), 'the answer');
  assert.ok(text.includes('could not make an order') && text.includes('None of the products in the cart is sold here'), text);
  const log = shop('log', { vendor_id: 0 });
  assert.ok(log.some((m) => m.includes(wamid) && m.includes('made no order')), 'the refusal is in the activity log');
});
