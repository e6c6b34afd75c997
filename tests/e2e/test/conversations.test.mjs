// What a vendor reads about their customers (issue 11), on the test site's
// real WooCommerce and marketplace, with the sandbox's Cloud API:
//  - an order spanning two vendors: each vendor's Customer messages panel and
//    e-mail list that vendor's items only, by product name, with quantities
//    and prices (a product without a SKU too: never its retailer id wc_…);
//  - a question about a product without a SKU shows the product's name;
//  - with the automatic acknowledgement on, the panel shows what the customer
//    wrote, not the acknowledgement; when the sandbox reports the
//    acknowledgement failed (131047: the sandbox never saw the customer write),
//    the panel marks the conversation with the reason in words and the
//    vendor's activity log says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, docroot, pageUrl, chromium, artifactsDir } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, logIn, sandboxSent } from '../lib/world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');
const EXT = process.env.WPWA_E2E_EXTENSION || path.join(ROOT, 'target', 'release', 'libwpwa.so');
const WEB_USER = process.env.WPWA_WEB_USER || 'www-data';
const RUN = Date.now().toString(36).slice(-6);
const R = RUN.toUpperCase();
const PASSWORD = crypto.randomBytes(12).toString('hex');
const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const APP_SECRET = 'sandbox-app-secret';
const CATALOG = `9${String(Date.now()).slice(-9)}${crypto.randomInt(10000, 99999)}`;
const uid = Number(execFileSync('id', ['-u', WEB_USER]).toString().trim());
const gid = Number(execFileSync('id', ['-g', WEB_USER]).toString().trim());
const CUSTOMER_BASE = 15550000000 + crypto.randomInt(9000000);

let browser;
let acme; // { id, login, code }
let bolt;
let lamp; // Acme's product, SKU CV-…-LAMP
let shelf; // Bolt's product, no SKU: retailer id wc_<id>
let settingsBefore;

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

const sign = (body) => `sha256=${crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
const wamid = () => `wamid.CV${RUN}${crypto.randomBytes(6).toString('hex')}`;

/** Posts a signed Cloud API webhook carrying one customer message straight to the site. */
async function customerSends(from, message) {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '100000000000009', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550000000', phone_number_id: '100000000000002' },
      contacts: [{ profile: { name: `Shopper ${R}` }, wa_id: from }],
      messages: [{ from, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), ...message }],
    } }] }],
  });
  const res = await new Client(baseUrl).post(HOOK, { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) }, cookies: false });
  assert.equal(res.status, 200, res.text.slice(0, 300));
}

async function panelOf(vendor) {
  const http = await loggedIn(baseUrl, vendor.login, PASSWORD);
  const res = await http.get(pageUrl('dashboard'));
  assert.equal(res.status, 200);
  assert.equal(phpErrorsIn(res.text), null, 'no PHP errors in the dashboard');
  const m = /<section class="wpwa-panel wpwa-panel--messages"[\s\S]*?<\/section>/.exec(res.text);
  assert.ok(m, `${vendor.login} has a Customer messages panel`);
  return m[0];
}

/** The panel's entry for customer `from`, with its conversation id. */
async function conversationOf(vendor, from) {
  const html = await panelOf(vendor);
  const m = new RegExp(`<li class="wpwa-conversation[^"]*" data-conversation-id="(\\d+)">(?:(?!</li>)[\\s\\S])*?\\+${from}[\\s\\S]*?</li>`).exec(html);
  return m ? { id: Number(m[1]), html: m[0] } : null;
}

const decode = (html) => html.replace(/&#215;/g, '×').replace(/&times;/g, '×').replace(/&amp;/g, '&').replace(/&#8217;/g, '’');

before(async () => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  settingsBefore = await helper('/messages-settings', {});
  await helper('/messages-settings', { auto_replies: 1, fallback: 'team' });
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK, cloud_latency_ms: 0 });
  cli('catalog-cli.php', 'settings', { catalog_id: CATALOG, batch_size: 100, change_delay: 0 });

  acme = shop('vendor', { login: `cvacme_${RUN}`, password: PASSWORD, store_name: `Acme Lamps ${R}` });
  bolt = shop('vendor', { login: `cvbolt_${RUN}`, password: PASSWORD, store_name: `Bolt Home ${R}` });
  lamp = shop('product', { vendor_id: acme.id, name: `Reading Lamp ${R}`, sku: `CV-${R}-LAMP`, regular: '25.00' }).id;
  shelf = shop('product', { vendor_id: bolt.id, name: `Oak Shelf ${R}`, sku: '', regular: '40.00' }).id;
  // Both products in the catalog, so that their retailer ids lead to their vendors.
  await waitFor(async () => {
    shop('run_queue');
    const items = (await sandbox('GET', `/sandbox/catalogs/${CATALOG}/items`)).items.map((i) => i.id);
    return items.includes(`CV-${R}-LAMP`) && items.includes(`wc_${shelf}`);
  }, 'both products in the catalog', 120000, 1000);
  for (const vendor of [acme, bolt]) {
    const code = /<code>#([A-Z0-9]+)<\/code>/.exec(await panelOf(vendor));
    assert.ok(code, `${vendor.login}'s panel shows their code`);
    vendor.code = code[1];
  }
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    await helper('/messages-settings', { auto_replies: settingsBefore.auto_replies ?? 0, fallback: settingsBefore.fallback ?? 'team' });
    cli('catalog-cli.php', 'settings', { change_delay: 5 });
    await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
  } finally {
    if (browser) await browser.close();
  }
});

test('an order spanning two vendors: each reads their own items by name, with quantities and prices', async () => {
  const from = String(CUSTOMER_BASE + 1);
  await customerSends(from, { type: 'order', order: { catalog_id: CATALOG, text: `Please ship both ${RUN}`, product_items: [
    { product_retailer_id: `CV-${R}-LAMP`, quantity: 2, item_price: 25, currency: 'USD' },
    { product_retailer_id: `wc_${shelf}`, quantity: 1, item_price: 40, currency: 'USD' },
  ] } });

  const mine = await waitFor(() => conversationOf(acme, from), 'the order in Acme\'s panel');
  const theirs = await waitFor(() => conversationOf(bolt, from), 'the order in Bolt\'s panel');
  const acmeText = decode(mine.html);
  const boltText = decode(theirs.html);
  assert.ok(acmeText.includes(`2 × Reading Lamp ${R}, 25.00 USD each`), `Acme's items: ${acmeText}`);
  assert.ok(!acmeText.includes('Oak Shelf'), 'not Bolt\'s items');
  assert.ok(boltText.includes(`1 × Oak Shelf ${R}, 40.00 USD each`), `Bolt's items: ${boltText}`);
  assert.ok(!boltText.includes('Reading Lamp') && !boltText.includes(`wc_${shelf}`), 'not Acme\'s items, and no retailer id');

  const mail = shop('mail', { vendor_id: bolt.id, conversation_id: theirs.id });
  assert.ok(mail, 'Bolt gets an e-mail');
  assert.ok(mail.message.includes(`1 × Oak Shelf ${R}, 40.00 USD each`), `the e-mail lists Bolt's items: ${mail.message}`);
  assert.ok(!mail.message.includes('Reading Lamp') && !mail.message.includes('wc_'), 'only Bolt\'s, by name');
  const acmeMail = shop('mail', { vendor_id: acme.id, conversation_id: mine.id });
  assert.ok(acmeMail.message.includes(`2 × Reading Lamp ${R}, 25.00 USD each`), `the e-mail lists Acme's items: ${acmeMail.message}`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  try {
    await logIn(context, bolt.login, PASSWORD);
    const page = await context.newPage();
    await page.goto(pageUrl('dashboard'));
    const convo = page.locator(`.wpwa-conversation[data-conversation-id="${theirs.id}"]`);
    await convo.scrollIntoViewIfNeeded();
    assert.equal(await convo.locator('.wpwa-conversation__item').innerText(), `1 × Oak Shelf ${R}, 40.00 USD each`);
    await page.screenshot({ path: path.join(artifactsDir, 'conversations-order-items.png'), fullPage: true });
  } finally {
    await context.close();
  }
});

test('a question about a product without a SKU names the product', async () => {
  const from = String(CUSTOMER_BASE + 2);
  await customerSends(from, { type: 'text', text: { body: `Is this in oak? ${RUN}` }, context: { from: '15550000000', id: wamid(), referred_product: { catalog_id: CATALOG, product_retailer_id: `wc_${shelf}` } } });
  const convo = await waitFor(() => conversationOf(bolt, from), 'the question in Bolt\'s panel');
  const text = decode(convo.html);
  assert.ok(text.includes(`About: Oak Shelf ${R}`), text);
  assert.ok(!text.includes('wc_'), 'no retailer id');
});

test('the panel shows what the customer wrote, not the automatic reply, and marks a reply that failed', async () => {
  const ack = `Thanks, Acme got your message (${RUN}).`;
  const saved = shop('preferences', { vendor_id: acme.id, notify_email: '1', acknowledge: '1', acknowledgement: ack });
  assert.equal(saved.acknowledge, true, JSON.stringify(saved));
  const from = String(CUSTOMER_BASE + 3);
  // Straight to the site: the sandbox never sees this customer write, so it
  // accepts the acknowledgement and then reports it failed (131047).
  await customerSends(from, { type: 'text', text: { body: `#${acme.code} do you deliver to Lyon? ${RUN}` } });

  await waitFor(async () => (await sandboxSent()).some((m) => JSON.stringify(m).includes(ack)), 'the acknowledgement sent');
  const marked = await waitFor(async () => {
    const c = await conversationOf(acme, from);
    return c && c.html.includes('wpwa-conversation__failure') ? c : null;
  }, 'the failed delivery marked in the panel');
  const text = decode(marked.html);
  assert.ok(text.includes(`do you deliver to Lyon? ${RUN}`), 'the customer\'s message is shown');
  assert.ok(!text.includes(ack), 'not the automatic reply');
  assert.match(text, /Your last message to this customer was not delivered\.[\s\S]*more than 24 hours ago/);
  const log = shop('log', { vendor_id: acme.id });
  const told = log.filter((m) => m.startsWith(`Your message to Shopper ${R} was not delivered.`));
  assert.equal(told.length, 1, `the vendor is told once in their activity log: ${JSON.stringify(log.slice(0, 5))}`);
});
