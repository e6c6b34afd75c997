// The four marketplaces, from the inside (issue 11), in Chromium, on the real
// marketplace plugins: for each of WCFM, Dokan, MultiVendorX and WC Vendors
// the test site is switched to it (tests/wordpress/marketplace-cli.php use
// NAME, which makes two vendors the marketplace's own way, with products
// through WooCommerce), and one of its vendors
//  - is kept out of wp-admin the way that marketplace does by default;
//  - opens the WhatsApp entry of the marketplace's own dashboard menu and gets
//    the wpwa dashboard inside the marketplace's frame (screenshot
//    marketplace-<name>.png, the marketplace's menu visible);
//  - connects by QR (the sandbox gateway "scans"), saves Preferences (reloaded
//    and checked), syncs products to the sandbox catalog, and sees a customer's
//    WhatsApp message about one of their products (a signed Cloud API webhook
//    with the product as referred_product) in their Customer messages panel.
// The admin's WhatsApp → Vendors page lists each marketplace's vendors by
// store name (an `&` included), and WooCommerce counts wpwa as compatible with
// High-Performance Order Storage and the cart/checkout blocks.
//
// The site is left on WCFM, its default. Tests run in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, admin, docroot, testToken, chromium, artifactsDir } from '../lib/env.js';
import { Client, wpwaErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, waitFor, logIn, shoot } from '../lib/world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');
const EXT = process.env.WPWA_E2E_EXTENSION || path.join(ROOT, 'target', 'release', 'libwpwa.so');
const CATALOG_CLI = path.join(ROOT, 'tests', 'wordpress', 'catalog-cli.php');
const MARKETPLACE_CLI = path.join(ROOT, 'tests', 'wordpress', 'marketplace-cli.php');
const WEB_USER = process.env.WPWA_WEB_USER || 'www-data';
const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const APP_SECRET = 'sandbox-app-secret';
const RUN = Date.now().toString(36).slice(-6);
const PHONE_BASE = 1000000 + crypto.randomInt(8000000);
const CATALOG = `8${String(Date.now()).slice(-9)}${crypto.randomInt(1000, 9999)}`;
const uid = Number(execFileSync('id', ['-u', WEB_USER]).toString().trim());
const gid = Number(execFileSync('id', ['-g', WEB_USER]).toString().trim());

/**
 * What each marketplace looks like from the inside: its dashboard menu (which
 * must hold WhatsApp beside its own Products entry), the frame the wpwa
 * dashboard must render in, and where it sends a vendor who opens wp-admin.
 */
const MARKETPLACES = {
  wcfm: {
    menu: '#wcfm_menu',
    frame: '#wcfm-content',
    // WCFM Marketplace sends vendors to the store manager.
    keptOut: (page, mp) => assert.equal(stripSlash(page.url()), stripSlash(mp.dashboard_url), 'WCFM sends the vendor to its store manager'),
  },
  dokan: {
    // Dokan 4.2's full-width React layout builds its sidebar from dokan_get_dashboard_nav.
    menu: '#dokan-vendor-dashboard-layout-root, .dokan-dash-sidebar',
    frame: '.dokan-dashboard-content',
    // Dokan's block_admin_access: sellers go to the home page.
    keptOut: (page) => assert.equal(stripSlash(page.url()), stripSlash(baseUrl), 'Dokan sends the seller to the home page'),
  },
  multivendorx: {
    menu: '#multivendorx-store-dashboard .dashboard-tabs',
    frame: '#multivendorx-store-dashboard',
    // MultiVendorX leaves it to WooCommerce, which sends users who may not edit posts to My Account.
    keptOut: myAccount('WooCommerce sends the store owner to My Account'),
  },
  wcvendors: {
    menu: '#wcv-navigation',
    // Its horizontal menu folds what does not fit behind a "more" button.
    more: '#dashboard-menu-item-more-button',
    frame: '.wcvendors-pro-dashboard-wrapper',
    // WC Vendors' lock_vendor: vendors go to My Account.
    keptOut: myAccount('WC Vendors sends the vendor to My Account'),
  },
};

let browser;
const seen = []; // { name, label, vendors } of each marketplace, for the summary
const screenshots = [];

// ------------------------------------------------------------------ helpers --

function stripSlash(url) {
  return String(url).replace(/\/+$/, '');
}

function myAccount(message) {
  return async (page) => {
    assert.ok(await page.locator('.woocommerce-MyAccount-navigation, .woocommerce-form-login, .woocommerce-MyAccount-content').first().isVisible(), `${message} (at ${page.url()})`);
  };
}

/** Runs a test-site CLI as php-fpm's user with the extension loaded; parses its JSON. */
function php(script, args) {
  const out = execFileSync('php', ['-d', `extension=${EXT}`, '-d', 'display_errors=stderr', '-d', 'log_errors=0', script, ...args], {
    uid, gid, cwd: '/tmp', env: { ...process.env, WPWA_DOCROOT: docroot, WPWA_SITE_URL: baseUrl, WPWA_EXTENSION: EXT }, maxBuffer: 64 << 20,
  });
  return JSON.parse(out.toString());
}

/** Switches the site to marketplace `name`; returns its vendors (with store names holding `&`). */
function useMarketplace(name) {
  const tag = name.slice(0, 4);
  return php(MARKETPLACE_CLI, ['use', name, JSON.stringify({
    vendors: [
      { login: `mp${tag}_a_${RUN}`, store_name: `Acme & Sons ${tag.toUpperCase()} ${RUN}` },
      { login: `mp${tag}_b_${RUN}`, store_name: `Bolt Gadgets ${tag.toUpperCase()} ${RUN}` },
    ],
  })]);
}


async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 1000 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  return { context, page, problems };
}

/** The wpwa REST API from inside the page, with the dashboard's own nonce. */
function restFromPage(page, method, route, body) {
  return page.evaluate(async ([m, r, b]) => {
    const res = await fetch(window.wpwaDashboard.restUrl + r, {
      method: m,
      headers: { 'X-WP-Nonce': window.wpwaDashboard.nonce, 'Content-Type': 'application/json' },
      body: b ? JSON.stringify(b) : undefined,
      credentials: 'same-origin',
    });
    return { status: res.status, json: await res.json().catch(() => null) };
  }, [method, route, body || null]);
}

/** Opens the WhatsApp entry of the marketplace's own menu; waits for the wpwa dashboard in its frame. */
async function openWhatsAppTab(page, name, mp) {
  const shape = MARKETPLACES[name];
  const res = await page.goto(mp.dashboard_url);
  assert.equal(res.status(), 200, `${name}: the vendor dashboard opens (${mp.dashboard_url})`);
  const menu = page.locator(shape.menu).first();
  await menu.waitFor({ state: 'visible', timeout: 30000 });
  // By text content: WCFM's collapsed menu shows only the icons.
  const entry = menu.locator('a').filter({ hasText: /^\s*WhatsApp\s*$/ }).first();
  await entry.waitFor({ state: 'attached', timeout: 30000 });
  if (shape.more && !(await entry.isVisible())) await page.locator(shape.more).click();
  await entry.waitFor({ state: 'visible', timeout: 30000 });
  assert.ok(await menu.locator('a').filter({ hasText: /^\s*Products\s*$/ }).count() > 0, `${name}: the menu is the marketplace's own (Products beside WhatsApp)`);
  await entry.click();
  const dashboard = page.locator(`${shape.frame} .wpwa-vendor-dashboard`).first();
  await dashboard.waitFor({ state: 'visible', timeout: 30000 });
  await page.locator(`${shape.frame} .wpwa-panel--connection`).first().waitFor({ state: 'visible' });
  assert.equal(wpwaErrorsIn(await page.content()), null, `${name}: no PHP errors from wpwa on the WhatsApp tab`);
}

const badgeState = (page) => page.locator('.wpwa-panel--connection .wpwa-status-badge').first().getAttribute('data-state');

function cloudWebhook({ from, text, retailerId }) {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{
      id: '100000000000009',
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550000000', phone_number_id: '100000000000002' },
          contacts: [{ profile: { name: `Customer ${RUN}` }, wa_id: from }],
          messages: [{
            from,
            id: `wamid.MP${RUN}${crypto.randomBytes(8).toString('hex')}`,
            timestamp: String(Math.floor(Date.now() / 1000)),
            type: 'text',
            text: { body: text },
            context: { referred_product: { catalog_id: CATALOG, product_retailer_id: retailerId } },
          }],
        },
      }],
    }],
  });
}

// -------------------------------------------------------------------- setup --

before(async () => {
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  fs.mkdirSync(artifactsDir, { recursive: true });
  php(CATALOG_CLI, ['settings', JSON.stringify({ catalog_id: CATALOG, batch_size: 100 })]);
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    // The suite's default marketplace.
    useMarketplace('wcfm');
  } finally {
    if (browser) await browser.close();
    console.log(`marketplaces: ${seen.map((s) => `${s.name} (${s.label}): ${s.vendors.map((v) => v.store_name).join(', ')}`).join('; ')}`);
  }
});

// -------------------------------------------------------------------- tests --

// MultiVendorX before Dokan: both installers want the page slug "dashboard",
// and only MultiVendorX's deep links depend on it.
for (const [index, name] of ['wcfm', 'multivendorx', 'dokan', 'wcvendors'].entries()) {
  test(`${name}: a vendor kept out of wp-admin connects, saves preferences, syncs and gets a customer message inside the marketplace's dashboard`, async () => {
    const mp = useMarketplace(name);
    assert.equal(mp.marketplace, name);
    assert.equal(mp.vendors.length, 2);
    seen.push({ name, label: mp.label, vendors: mp.vendors });
    const vendor = mp.vendors[0];
    const { context, page, problems } = await newPage();
    try {
      await logIn(context, vendor.login, vendor.password);

      // Kept out of wp-admin, the marketplace's way.
      await page.goto(`${baseUrl}/wp-admin/`);
      assert.ok(!new URL(page.url()).pathname.startsWith('/wp-admin'), `${name}: the vendor stays out of wp-admin (at ${page.url()})`);
      await MARKETPLACES[name].keptOut(page, mp);

      // The WhatsApp tab inside the marketplace's dashboard.
      await openWhatsAppTab(page, name, mp);
      screenshots.push(await shoot(page, `marketplace-${name}`));

      // Connect by QR: the sandbox gateway plays the vendor's phone.
      assert.equal(await badgeState(page), 'disconnected');
      await page.locator('[data-wpwa-action="connect"]').first().click();
      await page.locator('.wpwa-qr__code svg').first().waitFor({ state: 'visible', timeout: 20000 });
      const session = await restFromPage(page, 'GET', 'session');
      assert.equal(session.status, 200, JSON.stringify(session.json));
      const gatewaySession = session.json.session.gateway_session;
      assert.ok(gatewaySession, 'the session names its gateway session');
      const phone = `+1${PHONE_BASE + index}`;
      await sandbox('POST', `/sandbox/sessions/${gatewaySession}/scan`, { phone, pushName: vendor.store_name });
      await page.waitForFunction(() => document.querySelector('.wpwa-panel--connection .wpwa-status-badge')?.getAttribute('data-state') === 'connected', null, { timeout: 20000, polling: 100 });
      assert.equal((await page.locator('.wpwa-status-phone').first().innerText()).trim(), phone);

      // Preferences: saved from inside the marketplace, still there after a reload.
      // (Automatic replies stay off: the customer's own words must be the
      // conversation's last message below.)
      const ack = `Thanks from {vendor} (${name} ${RUN})`;
      const prefs = page.locator('.wpwa-panel--preferences').first();
      assert.equal(await prefs.locator('input[name="notify_email"]').isChecked(), true, 'e-mail notifications are on by default');
      await prefs.locator('input[name="notify_email"]').uncheck();
      await prefs.locator('textarea[name="acknowledgement"]').fill(ack);
      await prefs.locator('button[type="submit"]').click();
      await page.locator('.wpwa-panel--preferences .wpwa-notice--success').first().waitFor({ state: 'visible', timeout: 20000 });
      // Reloaded the way a vendor comes back: the dashboard, then its WhatsApp entry.
      await openWhatsAppTab(page, name, mp);
      assert.equal(await page.locator('.wpwa-panel--preferences textarea[name="acknowledgement"]').first().inputValue(), ack, `${name}: the acknowledgement was saved`);
      assert.equal(await page.locator('.wpwa-panel--preferences input[name="notify_email"]').first().isChecked(), false, `${name}: e-mail notifications were switched off`);

      // Sync: the vendor's published products reach the sandbox catalog.
      const products = page.locator('[data-wpwa-products]').first();
      await products.getByRole('button', { name: 'Sync Products' }).click();
      await page.waitForFunction(() => /synced/.test(document.querySelector('[data-wpwa-sync-summary]')?.textContent || ''), null, { timeout: 120000 });
      const skus = Object.keys(vendor.product_ids);
      const items = await waitFor(async () => {
        const list = (await sandbox('GET', `/sandbox/catalogs/${CATALOG}/items`)).items || [];
        const mine = list.filter((i) => skus.includes(i.id));
        return mine.length === skus.length ? mine : null;
      }, `${name}: the vendor's products in the sandbox catalog`);
      for (const item of items) assert.equal(item.brand, vendor.store_name, `${name}: ${item.id} is branded with the decoded store name`);

      // A customer asks about one of the vendor's products.
      const question = `Is ${skus[0]} still available? (${name} ${RUN})`;
      const body = cloudWebhook({ from: `1666${PHONE_BASE + index}`, text: question, retailerId: skus[0] });
      const hook = await new Client(baseUrl).post(HOOK, {
        body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')}` },
        cookies: false,
      });
      assert.equal(hook.status, 200, `webhook: ${hook.text.slice(0, 300)}`);
      const conversation = await waitFor(async () => {
        await openWhatsAppTab(page, name, mp);
        const panel = page.locator(`${MARKETPLACES[name].frame} .wpwa-panel--messages`).first();
        await panel.waitFor({ state: 'visible', timeout: 30000 });
        const found = panel.locator('.wpwa-conversation').filter({ hasText: question });
        return (await found.count()) === 1 ? found : null;
      }, `${name}: the customer's message in the vendor's Customer messages panel`, 60000, 1000);
      const about = await conversation.locator('.wpwa-conversation__product').innerText();
      assert.ok(about.includes(vendor.product_names[skus[0]]), `${name}: the conversation names the product by its name, not its retailer id: ${about}`);
      screenshots.push(await shoot(page, `marketplace-${name}-message`));
      assert.deepEqual(problems, [], `${name}: no page errors`);
    } finally {
      await context.close();
    }

    // The admin's WhatsApp → Vendors page names this marketplace's vendors by store name.
    const adminTab = await newPage();
    try {
      await logIn(adminTab.context, admin.login, admin.password);
      for (const v of mp.vendors) {
        // Searched by store name, as an admin of a marketplace with many vendors would.
        const res = await adminTab.page.goto(`${baseUrl}/wp-admin/admin.php?page=wpwa-vendors&s=${encodeURIComponent(v.store_name)}`);
        assert.equal(res.status(), 200);
        assert.equal(wpwaErrorsIn(await adminTab.page.content()), null, 'no PHP errors from wpwa on the Vendors page');
        const names = await adminTab.page.locator('.wpwa-vendor-name').allInnerTexts();
        assert.deepEqual(names.map((n) => n.trim()), [v.store_name], `${name}: "${v.store_name}" found by its store name on the Vendors page`);
      }
      screenshots.push(await shoot(adminTab.page, `marketplace-${name}-vendors-page`));
    } finally {
      await adminTab.context.close();
    }
  });
}

test('WooCommerce counts wpwa compatible with HPOS and the cart/checkout blocks, on its Features screen too', async () => {
  const res = await new Client(baseUrl).get(`${baseUrl}/wp-json/wpwa-test/v1/wc-features`, { headers: { 'x-wpwa-test-token': testToken }, cookies: false });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  const { features } = res.json();
  assert.equal(features.custom_order_tables.enabled, true, 'HPOS is on');
  for (const feature of ['custom_order_tables', 'cart_checkout_blocks']) {
    const plugins = features[feature].plugins;
    assert.ok(plugins.compatible.includes('wpwa/wpwa.php'), `${feature}: wpwa is compatible (${JSON.stringify(plugins)})`);
    assert.ok(!plugins.incompatible.includes('wpwa/wpwa.php') && !plugins.uncertain.includes('wpwa/wpwa.php'), `${feature}: nowhere else`);
  }

  const { context, page } = await newPage();
  try {
    await logIn(context, admin.login, admin.password);
    await page.goto(`${baseUrl}/wp-admin/admin.php?page=wc-settings&tab=advanced&section=features`);
    const body = await page.locator('#wpbody-content').innerText();
    assert.match(body, /High-Performance order storage/i, 'the Features screen lists HPOS');
    assert.doesNotMatch(body, /WhatsApp Integration for WooCommerce Marketplaces/, 'the Features screen names wpwa in no incompatibility warning');
    await page.goto(`${baseUrl}/wp-admin/plugins.php?plugin_status=incompatible_with_feature&feature_id=custom_order_tables`);
    assert.equal(await page.locator('tr[data-plugin="wpwa/wpwa.php"]').count(), 0, 'wpwa is not among the plugins incompatible with HPOS');
    await page.goto(`${baseUrl}/wp-admin/plugins.php`);
    const row = page.locator('tr[data-plugin="wpwa/wpwa.php"]').first();
    await row.waitFor();
    assert.doesNotMatch(await row.innerText(), /incompatible/i, 'the Plugins screen shows no incompatibility warning for wpwa');
    screenshots.push(await shoot(page, 'marketplace-woocommerce-plugins'));
  } finally {
    await context.close();
  }
});
