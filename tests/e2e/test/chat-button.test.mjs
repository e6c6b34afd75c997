// The "Chat with {store} on WhatsApp" button (issue 13), in Chromium, on real
// WooCommerce and the real marketplace plugins (WCFM, the suite's default;
// MultiVendorX and Dokan for their store pages, switched to as
// marketplaces.test.mjs does and back to WCFM at the end):
//  - on a product page it is a real link to wa.me with the prefilled text the
//    core made; that text, sent back through the sandbox as the customer's
//    message, reaches that product's vendor (their Customer messages panel),
//    not the other vendor; on a desktop a QR code of the same link shows, on
//    a phone it does not (screenshots chat-button-product*.png);
//  - each marketplace's store page shows it (chat-button-store-*.png), the
//    [wpwa_chat_button] shortcode and the wpwa/chat-button block render it;
//  - the vendor's "hide the chat button" preference (saved in the dashboard's
//    Preferences panel) hides it on their product and store pages only;
//  - a shop page of 48 products makes no more database queries with the
//    button on than off (SAVEQUERIES, counted by the test mu-plugin
//    wpwa-test-query-count.php).
// Products are made through WooCommerce's CRUD API (chat-button-cli.php).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, docroot, testToken, chromium, artifactsDir, admin } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn, wpwaErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, waitFor, logIn, messagesPanel, shoot } from '../lib/world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');
const EXT = process.env.WPWA_E2E_EXTENSION || path.join(ROOT, 'target', 'release', 'libwpwa.so');
const CHAT_CLI = path.join(ROOT, 'tests', 'wordpress', 'chat-button-cli.php');
const MARKETPLACE_CLI = path.join(ROOT, 'tests', 'wordpress', 'marketplace-cli.php');
const WEB_USER = process.env.WPWA_WEB_USER || 'www-data';
const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const RUN = Date.now().toString(36).slice(-6);
const NUMBER = '15550100001';
const PRODUCTS = 48;
const PREFIX = `Chat load ${RUN}`;
const uid = Number(execFileSync('id', ['-u', WEB_USER]).toString().trim());
const gid = Number(execFileSync('id', ['-g', WEB_USER]).toString().trim());

let browser;
let vendorA; // owns the 48 products
let vendorB;
let loadProducts; // { ids, category_url }
const anonymous = new Client(baseUrl);

/** Runs a test-site CLI as php-fpm's user with the extension loaded; parses its JSON. */
function php(script, args) {
  const out = execFileSync('php', ['-d', `extension=${EXT}`, '-d', 'display_errors=stderr', '-d', 'log_errors=0', script, ...args], {
    uid, gid, cwd: '/tmp', env: { ...process.env, WPWA_DOCROOT: docroot, WPWA_SITE_URL: baseUrl, WPWA_EXTENSION: EXT }, maxBuffer: 64 << 20,
  });
  return JSON.parse(out.toString());
}

const chat = (command, input = {}) => php(CHAT_CLI, [command, JSON.stringify(input)]);

/** Switches the site to marketplace `name` with two vendors of this run. */
function useMarketplace(name) {
  const tag = name.slice(0, 4);
  // Not "WCFM" in a WCFM store name: WCFM drops "wcfm" from store slugs and redirects to a slug no user has.
  const label = name === 'wcfm' ? 'Market' : tag.toUpperCase();
  return php(MARKETPLACE_CLI, ['use', name, JSON.stringify({
    vendors: [
      { login: `chat${tag}_a_${RUN}`, store_name: `Acme & Sons ${label} ${RUN}` },
      { login: `chat${tag}_b_${RUN}`, store_name: `Bolt Gadgets ${label} ${RUN}` },
    ],
  })]);
}

const productUrl = (id) => `${baseUrl}/?post_type=product&p=${id}`;


async function newPage(options = { viewport: { width: 1366, height: 1000 } }) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.stack || e}`));
  return { context, page, problems };
}

/** A page's HTML for a visitor (redirects followed), checked for PHP errors from wpwa. */
async function visit(url) {
  let res = await anonymous.get(url);
  for (let hops = 0; [301, 302].includes(res.status) && hops < 3; hops++) {
    res = await anonymous.get(new URL(res.headers.location, url).href);
  }
  assert.equal(res.status, 200, `${url} answers`);
  assert.equal(wpwaErrorsIn(res.text), null, `no PHP errors from wpwa on ${url}`);
  return res.text;
}

/** The chat buttons of a page's HTML: [{context, vendor, code, href}]. */
function buttonsIn(html) {
  const found = [];
  const re = /<div class="wpwa-chat-button wpwa-chat-button--([a-z]+)" data-vendor="(\d+)" data-code="([A-Z0-9]+)"><a class="wpwa-chat-button__link" href="([^"]+)"/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    found.push({ context: m[1], vendor: Number(m[2]), code: m[3], href: m[4].replace(/&#0?38;|&amp;/g, '&') });
  }
  return found;
}

/** The prefilled text of a wa.me link. */
function prefilled(href) {
  const url = new URL(href);
  assert.equal(url.origin, 'https://wa.me');
  assert.equal(url.pathname, `/${NUMBER}`, 'the link writes to the marketplace number');
  return url.searchParams.get('text');
}

/** The number of database queries a visitor's request for `url` made (SAVEQUERIES). */
async function queriesFor(url) {
  const res = await anonymous.request('GET', url, { headers: { 'x-wpwa-test-token': testToken, 'x-wpwa-count-queries': '1' }, cookies: false });
  assert.equal(res.status, 200, `${url} answers`);
  assert.equal(phpErrorsIn(res.text), null, `no PHP errors on ${url}`);
  const m = /<!-- wpwa-queries: (\d+) -->/.exec(res.text);
  assert.ok(m, 'the query count is printed');
  return { count: Number(m[1]), html: res.text };
}

/** Saves the vendor's chat-button opt-out through the dashboard's Preferences panel, in Chromium. */
async function setOptOut(vendor, hidden) {
  const { context, page, problems } = await newPage();
  try {
    await logIn(context, vendor.login, vendor.password);
    await page.goto(chat('dashboard_url').url);
    const box = page.locator('form.wpwa-preferences input[name="hide_chat_button"]');
    await box.waitFor({ state: 'visible' });
    await box.setChecked(hidden);
    const saved = page.waitForResponse((r) => r.url().includes('/wpwa/v1/preferences') && r.request().method() === 'POST');
    await page.locator('form.wpwa-preferences button[type="submit"]').click();
    const res = await saved;
    assert.equal(res.status(), 200, await res.text());
    assert.equal((await res.json()).preferences.hide_chat_button, hidden);
    await page.reload();
    assert.equal(await page.locator('form.wpwa-preferences input[name="hide_chat_button"]').isChecked(), hidden, 'the panel shows the saved choice');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
}

// -------------------------------------------------------------------- setup --

before(async () => {
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  fs.mkdirSync(artifactsDir, { recursive: true });
  const mp = useMarketplace('wcfm');
  [vendorA, vendorB] = mp.vendors;
  loadProducts = chat('products', { vendor_id: vendorA.id, count: PRODUCTS, prefix: PREFIX, category: `Chat load ${RUN}` });
  assert.equal(loadProducts.ids.length, PRODUCTS);
  // The message names the product and carries the code, not the store: the code routes it.
  const settings = chat('settings', {
    enabled: true, product_position: 'after_add_to_cart', store_page: true,
    number: '+1 (555) 010-0001', label: '', message: `Hi! Is {product} available? {code}`,
  });
  assert.equal(settings.number, NUMBER);
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK });
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    chat('settings', { enabled: true, product_position: 'after_add_to_cart', store_page: true, number: '', label: '', message: '' });
    useMarketplace('wcfm');
    if (SANDBOX) await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
  } finally {
    if (browser) await browser.close();
  }
});

// -------------------------------------------------------------------- tests --

test('the product page button opens wa.me with a text that routes back to the product\'s vendor; a desktop shows its QR code', async () => {
  const productId = loadProducts.ids[0];
  const { context, page, problems } = await newPage();
  let text;
  try {
    const res = await page.goto(productUrl(productId));
    assert.equal(res.status(), 200);
    const button = page.locator('.wpwa-chat-button--product');
    await button.waitFor({ state: 'visible' });
    assert.equal(await button.count(), 1, 'one button on the product page');
    assert.equal(Number(await button.getAttribute('data-vendor')), vendorA.id);
    // After the add-to-cart form, as set.
    assert.ok(await page.locator('form.cart ~ .wpwa-chat-button--product, form.cart + .wpwa-chat-button--product').count() >= 1, 'after the add-to-cart form');

    const link = button.locator('a.wpwa-chat-button__link');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.match(await link.getAttribute('rel'), /\bnoopener\b/);
    // A real link with an accessible name naming the store.
    const named = page.getByRole('link', { name: `Chat with ${vendorA.store_name} on WhatsApp` });
    assert.equal(await named.count(), 1, 'the link\'s accessible name is its wording');
    const href = await link.getAttribute('href');
    text = prefilled(href);
    assert.equal(text, `Hi! Is ${PREFIX} 01 available? #${await button.getAttribute('data-code')}`);

    // The code is the vendor's own, as their Customer messages panel shows it.
    vendorA.client = await loggedIn(baseUrl, vendorA.login, vendorA.password);
    vendorB.client = await loggedIn(baseUrl, vendorB.login, vendorB.password);
    assert.ok((await messagesPanel(vendorA)).includes(`<code>#${await button.getAttribute('data-code')}</code>`), 'the code is the vendor\'s');

    // The desktop QR code: an image of the same link.
    const qr = button.locator('.wpwa-chat-button__qr img');
    assert.ok(await qr.isVisible(), 'the QR code shows on a desktop');
    assert.match(await qr.getAttribute('alt'), /QR code/);
    const svg = Buffer.from((await qr.getAttribute('src')).replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString();
    assert.match(svg, /<svg/);
    assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR image renders');
    // The stylesheet comes from the plugin's assets, in the head.
    assert.ok(await page.locator('head link[rel="stylesheet"][href*="/wpwa/assets/css/chat-button.css"]').count() === 1);
    await shoot(page, 'chat-button-product-desktop');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }

  // On a phone: the link, no QR code.
  const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  try {
    await phone.page.goto(productUrl(productId));
    const button = phone.page.locator('.wpwa-chat-button--product');
    await button.waitFor({ state: 'visible' });
    assert.ok(await button.locator('a.wpwa-chat-button__link').isVisible());
    assert.equal(await button.locator('.wpwa-chat-button__qr').isVisible(), false, 'no QR code on a phone');
    await shoot(phone.page, 'chat-button-product-phone');
  } finally {
    await phone.context.close();
  }

  // The customer sends the prefilled text: it reaches vendor A, not vendor B.
  const from = `1666${1000000 + crypto.randomInt(8000000)}`;
  const injected = await sandbox('POST', '/sandbox/messages/inject', { text, from, name: `Chat ${RUN}` });
  assert.equal(injected.messages.length, 1);
  await waitFor(async () => (await messagesPanel(vendorA)).includes(`wa.me/${from}`), 'the conversation in vendor A\'s Customer messages panel');
  assert.equal((await messagesPanel(vendorB)).includes(`wa.me/${from}`), false, 'not in vendor B\'s');
});

test('the store page, the shortcode and the block show the button', async () => {
  const storeUrl = chat('store_url', { vendor_id: vendorA.id }).url;
  assert.ok(storeUrl, 'WCFM gives the vendor a store page');
  const { context, page, problems } = await newPage();
  try {
    const res = await page.goto(storeUrl);
    assert.equal(res.status(), 200, `the store page ${storeUrl} answers`);
    const button = page.locator('.wpwa-chat-button--store');
    await button.waitFor({ state: 'visible' });
    assert.equal(Number(await button.getAttribute('data-vendor')), vendorA.id);
    assert.equal((await button.locator('.wpwa-chat-button__label').innerText()).trim(), `Chat with ${vendorA.store_name} on WhatsApp`);
    const text = prefilled(await button.locator('a').getAttribute('href'));
    assert.match(text, new RegExp(`#${await button.getAttribute('data-code')}$`));
    await shoot(page, 'chat-button-store-wcfm');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }

  const productB = Object.values(vendorB.product_ids)[0];
  const holder = chat('page', {
    title: `Chat buttons ${RUN}`,
    content: `<!-- wp:shortcode -->\n[wpwa_chat_button product="${productB}" qr="no"]\n<!-- /wp:shortcode -->\n\n<!-- wp:wpwa/chat-button {"vendorId":${vendorA.id},"showQr":false} /-->`,
  });
  const html = await visit(holder.url);
  const buttons = buttonsIn(html);
  assert.deepEqual(buttons.map((b) => [b.context, b.vendor]), [['shortcode', vendorB.id], ['block', vendorA.id]]);
  assert.equal(prefilled(buttons[0].href), `Hi! Is ${vendorB.product_names[Object.keys(vendorB.product_ids)[0]]} available? #${buttons[0].code}`);
  assert.ok(!html.includes('wpwa-chat-button__qr'), 'qr="no" and showQr:false leave the QR code out');
  assert.match(html, /<link[^>]+chat-button\.css/, 'the block and shortcode bring the stylesheet');

  // The block editor's preview (ServerSideRender) is the same server render.
  const editor = await loggedIn(baseUrl, admin.login, admin.password);
  const nonce = await editor.restNonce();
  const preview = async (attributes) => {
    const query = Object.entries(attributes).map(([k, v]) => `attributes[${k}]=${encodeURIComponent(v)}`).join('&');
    const res = await editor.get(`${baseUrl}/wp-json/wp/v2/block-renderer/wpwa/chat-button?context=edit&${query}`, { headers: { 'x-wp-nonce': nonce } });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    return res.json().rendered;
  };
  assert.deepEqual(buttonsIn(await preview({ productId: productB })).map((b) => [b.context, b.vendor]), [['block', vendorB.id]]);
  assert.match(await preview({ vendorId: 999999 }), /No chat button here/, 'the editor says why nothing shows');
  const editorPage = await editor.get(`${baseUrl}/wp-admin/post-new.php?post_type=page`);
  assert.match(editorPage.text, /blocks\/chat-button\/editor\.js/, 'the editor loads the block\'s script');
});

test('a vendor who hides the button in their Preferences loses it on their pages only', async () => {
  const storeUrl = chat('store_url', { vendor_id: vendorA.id }).url;
  const productB = Object.values(vendorB.product_ids)[0];
  await setOptOut(vendorA, true);
  try {
    assert.deepEqual(buttonsIn(await visit(productUrl(loadProducts.ids[1]))), [], 'no button on the vendor\'s product');
    assert.deepEqual(buttonsIn(await visit(storeUrl)), [], 'no button on the vendor\'s store page');
    assert.deepEqual(buttonsIn(await visit(productUrl(productB))).map((b) => b.vendor), [vendorB.id], 'the other vendor keeps theirs');
  } finally {
    await setOptOut(vendorA, false);
  }
  assert.deepEqual(buttonsIn(await visit(productUrl(loadProducts.ids[1]))).map((b) => b.vendor), [vendorA.id], 'shown again');
});

test('the admin words and places the button on the settings page; the core\'s rulebook refuses a bad number', async () => {
  const { context, page, problems } = await newPage();
  try {
    await logIn(context, admin.login, admin.password);
    const settingsUrl = `${baseUrl}/wp-admin/admin.php?page=wpwa-settings`;
    await page.goto(settingsUrl);
    await page.locator('#wpwa_chat_button_label').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#wpwa_chat_button_number').getAttribute('pattern'), '\\+?[0-9]{6,15}', 'the number field takes its pattern from the core');
    await page.fill('#wpwa_chat_button_label', 'Message {store} on WhatsApp');
    await page.check('input[name="wpwa_chat_button[product_position]"][value="after_summary"]');
    // A number the rulebook refuses (no pattern check in the browser: novalidate-like submit through the form's own button).
    await page.locator('#wpwa_chat_button_number').evaluate((input) => input.removeAttribute('pattern'));
    await page.fill('#wpwa_chat_button_number', '12');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="options.php"] #submit')]);
    assert.ok(await page.locator('.notice-error, .error').filter({ hasText: /WhatsApp number/ }).count() > 0, 'the refused number is reported');
    assert.equal(await page.locator('#wpwa_chat_button_number').inputValue(), `+${NUMBER}`, 'the saved number is kept');
    assert.equal(await page.locator('#wpwa_chat_button_label').inputValue(), 'Message {store} on WhatsApp');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
  const html = await visit(productUrl(loadProducts.ids[2]));
  const [button] = buttonsIn(html);
  assert.equal(button.vendor, vendorA.id);
  assert.match(html, new RegExp(`>Message ${vendorA.store_name.replace('&', '&amp;')} on WhatsApp<`));
  assert.ok(html.indexOf('wpwa-chat-button--product') > html.indexOf('</form>', html.indexOf('class="cart"')), 'after the summary, not inside the add-to-cart area');
  chat('settings', { label: '', product_position: 'after_add_to_cart' });
});

test('a shop page with 48 products makes no more database queries with the button on than off', async () => {
  const measure = async (enabled) => {
    chat('settings', { enabled });
    // The first requests after a change fill WordPress's and WooCommerce's caches; the third is measured.
    await queriesFor(loadProducts.category_url);
    await queriesFor(loadProducts.category_url);
    return queriesFor(loadProducts.category_url);
  };
  const off = await measure(false);
  const on = await measure(true);
  for (const [label, run] of [['off', off], ['on', on]]) {
    const shown = new Set(run.html.match(new RegExp(`${PREFIX} \\d\\d`, 'g')) || []);
    assert.equal(shown.size, PRODUCTS, `the page lists the ${PRODUCTS} products (button ${label})`);
  }
  console.log(`shop page of ${PRODUCTS} products: ${off.count} queries with the chat button off, ${on.count} with it on`);
  assert.ok(off.count > 0);
  assert.ok(on.count <= off.count, `button on: ${on.count} queries; off: ${off.count}`);
});

// MultiVendorX before Dokan: both installers want the page slug "dashboard"
// (see marketplaces.test.mjs).
for (const name of ['multivendorx', 'dokan']) {
  test(`under ${name} the store page shows the button too`, async () => {
    const mp = useMarketplace(name);
    const vendor = mp.vendors[0];
    const storeUrl = chat('store_url', { vendor_id: vendor.id }).url;
    assert.ok(storeUrl, `${name} gives the vendor a store page`);
    const { context, page, problems } = await newPage();
    try {
      const res = await page.goto(storeUrl);
      assert.equal(res.status(), 200, `the store page ${storeUrl} answers`);
      const button = page.locator('.wpwa-chat-button--store');
      await button.waitFor({ state: 'visible' });
      assert.equal(await button.count(), 1, 'one button on the store page');
      assert.equal(Number(await button.getAttribute('data-vendor')), vendor.id);
      assert.equal((await button.locator('.wpwa-chat-button__label').innerText()).trim(), `Chat with ${vendor.store_name} on WhatsApp`);
      assert.match(prefilled(await button.locator('a').getAttribute('href')), new RegExp(`#${await button.getAttribute('data-code')}$`));
      if (name === 'multivendorx') {
        // On a block theme MultiVendorX passes its store page through wp_kses_post, which drops data: images.
        assert.equal(await button.locator('.wpwa-chat-button__qr').count(), 0, 'no QR code where it would break');
      } else {
        assert.ok(await button.locator('.wpwa-chat-button__qr img').isVisible(), 'the QR code shows on a desktop');
      }
      assert.equal(wpwaErrorsIn(await page.content()), null, 'no PHP errors from wpwa');
      await shoot(page, `chat-button-store-${name}`);
      // MultiVendorX's own store-page scripts throw in this headless browser; wpwa adds no script there.
      assert.deepEqual(problems.filter((p) => /\/plugins\/wpwa\//.test(p)), []);
    } finally {
      await context.close();
    }
  });
}
