// The admin console end to end (issue 6), on the real WordPress and the
// sandbox: Cloud API connections (add, test, mask, edit, delete) in Chromium;
// secrets absent from page sources, REST answers, the activity log and the
// SQLite file; integration model 2 with two vendors on two connections; the
// Vendors overview and its row actions; the log viewer's filters, pages and
// CSV export; 403 for shop managers without manage_wpwa and for vendors on
// every admin route, and refusal without a nonce; hostile names, titles and
// messages shown escaped; the Site Health section (printed).
//
// The tests run in order (one file) and use their own users, created through
// the token-guarded test helpers. Global state they change (integration
// model, sandbox tokens, the shop manager role) is put back in after().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, site, testToken, admin, pageUrl, chromium, artifactsDir } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, logIn, savePreferences, shoot } from '../lib/world.js';

const REST = `${baseUrl}/wp-json/wpwa/v1`;
const ADMIN = `${baseUrl}/wp-admin`;
const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const RUN = Date.now().toString(36).slice(-6);
const hex = (n) => crypto.randomBytes(n).toString('hex');
const digits = (n) => String(1 + crypto.randomInt(8)) + Array.from({ length: n - 1 }, () => crypto.randomInt(10)).join('');

// Secrets of this run: shaped so that no redaction heuristic (Bearer, EAA…,
// JWT) would hide them by luck; only never writing them keeps them out.
const SECRETS = {
  tokenA: `tokA${hex(20)}`,
  tokenA2: `tokR${hex(20)}`,
  tokenB: `tokB${hex(20)}`,
  appSecret: `app${hex(16)}`,
  verifyToken: `vfy${hex(16)}`,
};
const ALPHA = { id: `alpha-${RUN}`, phone: digits(15), waba: digits(15), catalog: digits(15) };
const BETA = { id: `beta-${RUN}`, phone: digits(15), waba: digits(15), catalog: digits(15) };
const figures = [];

let browser;
let adminHttp;
let adminNonce;

// ------------------------------------------------------------------ helpers --

/** A user of this run, logged in over HTTP with a REST nonce. */
async function newUser(tag, extra = {}) {
  const login = `a6${tag}_${RUN}`;
  const password = hex(12);
  const user = await helper('/user', { login, password, ...extra });
  const http = await loggedIn(baseUrl, login, password);
  const nonce = await http.restNonce();
  const call = (method, route, body) => http.request(method, `${REST}${route}`, { headers: { 'x-wp-nonce': nonce }, body });
  return { ...user, login, password, http, nonce, call };
}

async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const problems = { pageErrors: [], dialogs: [], external: [] };
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (['127.0.0.1', 'localhost'].includes(new URL(u).hostname) || u.startsWith('data:')) return route.continue();
    problems.external.push(u);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    const text = `${e} ${e.stack || ''}`;
    if (/\/wp-admin\/js\/user-profile(\.min)?\.js/.test(text)) return;
    problems.pageErrors.push(text.slice(0, 600));
  });
  page.on('dialog', async (d) => { problems.dialogs.push(d.message()); await d.dismiss(); });
  return { context, page, problems };
}

function assertClean(problems, where) {
  assert.deepEqual(problems.dialogs, [], `${where}: no dialog opened`);
  assert.deepEqual(problems.pageErrors, [], `${where}: page errors`);
  assert.deepEqual(problems.external, [], `${where}: requests off this machine`);
}


async function adminTab() {
  const tab = await openPage();
  await logIn(tab.context, admin.login, admin.password);
  return tab;
}

async function gotoOk(page, url) {
  const res = await page.goto(url);
  assert.equal(res.status(), 200, `GET ${url}`);
  assert.equal(phpErrorsIn(await page.content()), null, `no PHP errors on ${url}`);
  return res;
}

/** Fills and submits the Cloud API connection form on the settings page. */
async function saveConnection(page, conn, secrets) {
  await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-settings`);
  const form = page.locator('#wpwa-cloud-connection-form');
  await form.locator('#wpwa_cloud_id').fill(conn.id);
  await form.locator('#wpwa_cloud_label').fill(conn.label || conn.id);
  await form.locator('#wpwa_cloud_phone_number_id').fill(conn.phone);
  await form.locator('#wpwa_cloud_waba_id').fill(conn.waba || '');
  await form.locator('#wpwa_cloud_catalog_id').fill(conn.catalog || '');
  for (const [key, value] of Object.entries(secrets)) await form.locator(`#wpwa_cloud_${key}`).fill(value);
  await Promise.all([page.waitForNavigation(), form.locator('#wpwa-cloud-save').click()]);
  assert.ok(await page.locator('.notice-success', { hasText: 'Connection saved.' }).isVisible(), 'the connection was saved');
  return page.locator(`tr[data-connection="${conn.id}"]`);
}

const mask = (secret) => `••••••••${secret.slice(-4)}`;

async function syncUntilDone(vendor, timeout = 60000) {
  const first = await vendor.call('POST', '/sync');
  assert.equal(first.status, 200, `POST sync: ${first.text.slice(0, 300)}`);
  let job = first.json().job;
  const end = Date.now() + timeout;
  while (job.state === 'running') {
    assert.ok(Date.now() < end, `sync still running: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 300));
    const res = await vendor.call('GET', '/sync');
    assert.equal(res.status, 200, `GET sync: ${res.text.slice(0, 300)}`);
    job = res.json().job;
  }
  return job;
}

/** The log viewer's CSV export link for these filters, in the HTTP admin session (its nonce is per session). */
async function exportUrl(query = '') {
  const res = await adminHttp.get(`${ADMIN}/admin.php?page=wpwa-logs${query}`);
  assert.equal(res.status, 200);
  const href = /id="wpwa-log-export" href="([^"]+)"/.exec(res.text);
  assert.ok(href, 'the log viewer has an Export CSV link');
  return href[1].replace(/&#0?38;|&amp;/g, '&');
}

const catalogIds = async (id) => (await sandbox('GET', `/sandbox/catalogs/${id}/items`)).items.map((i) => i.id).sort();

// -------------------------------------------------------------------- setup --

let sandboxTokens;

before(async () => {
  assert.ok(SANDBOX, 'site.json names the sandbox URL');
  fs.mkdirSync(artifactsDir, { recursive: true });
  sandboxTokens = (await sandbox('GET', '/sandbox/config')).cloud_token;
  await sandbox('PUT', '/sandbox/config', { cloud_token: ['sandbox-token', SECRETS.tokenA, SECRETS.tokenA2, SECRETS.tokenB].join(','), cloud_fail_mode: 'none' });
  await helper('/settings', { integration_model: 'central' });
  await helper('/role', { role: 'shop_manager', remove: ['manage_wpwa'], shop_manager_access: false });
  adminHttp = await loggedIn(baseUrl, admin.login, admin.password);
  adminNonce = await adminHttp.restNonce();
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    await sandbox('PUT', '/sandbox/config', { cloud_token: sandboxTokens || 'sandbox-token', cloud_webhook_url: '' });
    await helper('/settings', { integration_model: 'central' });
    await helper('/role', { role: 'shop_manager', remove: ['manage_wpwa'], shop_manager_access: false });
  } finally {
    if (browser) await browser.close();
    if (figures.length) {
      console.log('measured (not asserted):');
      for (const f of figures) console.log(`  ${f}`);
    }
  }
});

// -------------------------------------------------------------- connections --

test('connections: add, test (what worked and what did not), mask, edit, replace a secret, delete', async () => {
  const { context, page, problems } = await adminTab();
  try {
    let row = await saveConnection(page, { ...ALPHA, label: `Alpha ${RUN}` }, {
      access_token: SECRETS.tokenA, app_secret: SECRETS.appSecret, verify_token: SECRETS.verifyToken,
    });
    // Masked: the last four characters, never the secret.
    assert.equal(await row.locator('code[data-secret="access_token"]').innerText(), mask(SECRETS.tokenA));
    assert.equal(await row.locator('code[data-secret="app_secret"]').innerText(), mask(SECRETS.appSecret));
    assert.equal(await row.locator('code[data-secret="verify_token"]').innerText(), mask(SECRETS.verifyToken));
    const html = await page.content();
    for (const s of [SECRETS.tokenA, SECRETS.appSecret, SECRETS.verifyToken]) assert.ok(!html.includes(s), 'no secret in the page');
    assert.equal(await page.locator('#wpwa_cloud_access_token').inputValue(), '', 'secret fields are never pre-filled');

    // Test connection: every step works against the sandbox.
    const started = Date.now();
    await row.locator('.wpwa-test-cloud').click();
    const steps = row.locator('.wpwa-test-step');
    await steps.nth(2).waitFor({ timeout: 15000 });
    figures.push(`connection test (3 Graph reads through WordPress): ${Date.now() - started} ms`);
    const texts = await steps.allInnerTexts();
    assert.equal(texts.length, 3);
    assert.match(texts[0], /^Phone number: works — \+1 555-01\d{4} \(wpwa sandbox\)$/);
    assert.match(texts[1], new RegExp(`^Business account: works — wpwa sandbox ${ALPHA.waba}$`));
    assert.match(texts[2], new RegExp(`^Catalog: works — wpwa sandbox ${ALPHA.catalog}: 0 products$`));
    assert.equal(await row.locator('.wpwa-test-step.wpwa-test-result--ok').count(), 3);
    await shoot(page, 'admin-connections-test-ok');

    // A half-configured connection: the phone works, the rest says why not.
    row = await saveConnection(page, { id: `half-${RUN}`, phone: digits(12) }, { access_token: SECRETS.tokenB });
    await row.locator('.wpwa-test-cloud').click();
    await row.locator('.wpwa-test-step').nth(2).waitFor({ timeout: 15000 });
    const half = await row.locator('.wpwa-test-step').allInnerTexts();
    assert.match(half[0], /^Phone number: works/);
    assert.equal(half[1], 'Business account: failed — not set');
    assert.equal(half[2], 'Catalog: failed — not set');
    // And one whose token the API refuses.
    row = await saveConnection(page, { id: `bad-${RUN}`, phone: digits(12), catalog: digits(12) }, { access_token: `tokX${hex(20)}` });
    await row.locator('.wpwa-test-cloud').click();
    await row.locator('.wpwa-test-step').nth(2).waitFor({ timeout: 15000 });
    const bad = await row.locator('.wpwa-test-step').allInnerTexts();
    assert.match(bad[0], /^Phone number: failed — the WhatsApp API access token was refused/);
    await shoot(page, 'admin-connections-test-failures');

    // Edit: blank secrets keep the saved ones; a new token replaces the old without showing either.
    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-settings&wpwa_edit_cloud=${ALPHA.id}`);
    assert.equal(await page.locator('#wpwa_cloud_id').inputValue(), ALPHA.id);
    assert.equal(await page.locator('#wpwa_cloud_catalog_id').inputValue(), ALPHA.catalog);
    assert.equal(await page.locator('#wpwa_cloud_access_token').inputValue(), '');
    assert.equal(await page.locator('#wpwa_cloud_access_token').getAttribute('placeholder'), mask(SECRETS.tokenA));
    await page.locator('#wpwa_cloud_label').fill(`Alpha renamed ${RUN}`);
    await Promise.all([page.waitForNavigation(), page.locator('#wpwa-cloud-save').click()]);
    row = page.locator(`tr[data-connection="${ALPHA.id}"]`);
    assert.ok((await row.innerText()).includes(`Alpha renamed ${RUN}`));
    assert.equal(await row.locator('code[data-secret="access_token"]').innerText(), mask(SECRETS.tokenA), 'blank kept the token');
    row = await saveConnection(page, { ...ALPHA, label: `Alpha ${RUN}` }, { access_token: SECRETS.tokenA2 });
    assert.equal(await row.locator('code[data-secret="access_token"]').innerText(), mask(SECRETS.tokenA2), 'the token was replaced');
    assert.equal(await row.locator('code[data-secret="app_secret"]').innerText(), mask(SECRETS.appSecret), 'other secrets kept');
    await row.locator('.wpwa-test-cloud').click();
    await row.locator('.wpwa-test-step').nth(2).waitFor({ timeout: 15000 });
    assert.equal(await row.locator('.wpwa-test-step.wpwa-test-result--ok').count(), 3, 'the replacement token works');

    // Delete.
    for (const id of [`half-${RUN}`, `bad-${RUN}`]) {
      await Promise.all([page.waitForNavigation(), page.locator(`tr[data-connection="${id}"] .button-link-delete`).click()]);
      assert.equal(await page.locator(`tr[data-connection="${id}"]`).count(), 0, `${id} deleted`);
    }
    await page.locator('#wpwa-cloud-connections').scrollIntoViewIfNeeded();
    await shoot(page, 'admin-connections-masked');
    assertClean(problems, 'settings page');
  } finally {
    await context.close();
  }
});

test('secrets: absent from page sources, REST answers, the activity log, its CSV and the SQLite file', async () => {
  const all = [SECRETS.tokenA, SECRETS.tokenA2, SECRETS.appSecret, SECRETS.verifyToken, SECRETS.tokenB];
  const seen = {};
  for (const p of ['admin.php?page=wpwa-settings', `admin.php?page=wpwa-settings&wpwa_edit_cloud=${ALPHA.id}`, 'admin.php?page=wpwa-vendors', 'admin.php?page=wpwa-logs', 'site-health.php?tab=debug']) {
    const res = await adminHttp.get(`${ADMIN}/${p}`);
    assert.equal(res.status, 200, p);
    seen[`page ${p}`] = res.text;
  }
  const tested = await adminHttp.post(`${REST}/admin/connections/${ALPHA.id}/test`, { headers: { 'x-wp-nonce': adminNonce } });
  assert.equal(tested.status, 200, tested.text);
  assert.equal(tested.json().ok, true);
  seen['REST connection test'] = tested.text;
  seen['REST settings'] = (await adminHttp.get(`${baseUrl}/wp-json/wp/v2/settings`, { headers: { 'x-wp-nonce': adminNonce } })).text;
  const exported = await adminHttp.get(await exportUrl());
  assert.equal(exported.status, 200);
  assert.match(exported.headers['content-type'], /^text\/csv/);
  seen['activity log CSV'] = exported.text;
  // CSV doubles the quotes inside a quoted cell.
  assert.ok(exported.text.includes(`Cloud API connection ""${ALPHA.id}"" saved.`), 'the log records the save');
  assert.ok(exported.text.includes(`Cloud API connection ""${ALPHA.id}"" tested: passed.`), 'the log records the test');
  const info = await new Client(baseUrl).get(`${baseUrl}/wp-json/wpwa-test/v1/info`, { headers: { 'x-wpwa-test-token': testToken }, cookies: false });
  const store = info.json().info.store_path;
  for (const file of [store, `${store}-wal`]) {
    if (fs.existsSync(file)) seen[`file ${path.basename(file)}`] = fs.readFileSync(file).toString('latin1');
  }
  assert.ok(seen[`file ${path.basename(store)}`], 'the SQLite file was read');
  for (const [where, text] of Object.entries(seen)) {
    for (const secret of all) assert.ok(!text.includes(secret), `a secret appears in ${where}`);
  }
  console.log(`secrets grep: ${all.length} secrets × ${Object.keys(seen).length} places (${Object.keys(seen).join(', ')}): none found`);
});

// ------------------------------------------------------------------ model 2 --

let m1;
let m2;
test('model 2: two vendors on two sandbox connections; each one\'s catalog traffic goes only to its own', async () => {
  const { page, context, problems } = await adminTab();
  try {
    await saveConnection(page, { ...BETA, label: `Beta ${RUN}` }, { access_token: SECRETS.tokenB });
    m1 = await newUser('m1', { display_name: `Mona ${RUN}`, vendor: true });
    m2 = await newUser('m2', { display_name: `Milo ${RUN}`, vendor: true });
    const m3 = await newUser('m3', { display_name: `Mute ${RUN}`, vendor: true });
    const seeded = site.vendors.find((v) => v.login === 'vendor_a').product_ids;
    const skus = { [m1.id]: [`M1-${RUN}-TEE`, `M1-${RUN}-MUG`], [m2.id]: [`M2-${RUN}-TEE`] };
    for (const [vendor, list] of Object.entries(skus)) {
      for (const [i, sku] of list.entries()) {
        await helper('/product', { from: seeded[i ? 'ACME-MUG-002' : 'ACME-TEE-001'], vendor_id: Number(vendor), sku, title: `Product ${sku}` });
      }
    }
    await helper('/settings', { integration_model: 'per_vendor' });

    // Not assigned: a clear refusal, and nothing sent anywhere.
    const refused = await m3.call('POST', '/sync');
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.json().code, 'wpwa_no_cloud_connection');
    assert.match(refused.json().message, /No WhatsApp Business API connection has been assigned to your store/);

    // Assign from the Vendors page.
    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-vendors&s=${RUN}`);
    await page.selectOption(`#wpwa-assign-cloud-${m1.id}`, ALPHA.id);
    await page.selectOption(`#wpwa-assign-cloud-${m2.id}`, BETA.id);
    await Promise.all([page.waitForNavigation(), page.click('input[type=submit][value="Save connection assignments"]')]);
    assert.ok(await page.locator('.notice-success', { hasText: 'Connection assignments saved.' }).isVisible());

    const job1 = await syncUntilDone(m1);
    const job2 = await syncUntilDone(m2);
    assert.equal(job1.state, 'done', JSON.stringify(job1));
    assert.equal(job1.synced, 2);
    assert.equal(job2.synced, 1);
    assert.deepEqual(await catalogIds(ALPHA.catalog), skus[m1.id].slice().sort(), 'alpha\'s catalog holds only vendor 1\'s products');
    assert.deepEqual(await catalogIds(BETA.catalog), skus[m2.id], 'beta\'s catalog holds only vendor 2\'s products');
    for (const central of ['100000000000001']) {
      const ids = await catalogIds(central);
      assert.ok(!ids.some((id) => id.includes(RUN)), 'nothing of this run reached the central catalog');
    }
    const stats = await sandbox('GET', `/sandbox/catalogs/${BETA.catalog}/stats`);
    figures.push(`model 2: alpha ${ALPHA.catalog} ← ${skus[m1.id].length} items, beta ${BETA.catalog} ← ${skus[m2.id].length} items (${JSON.stringify(stats)})`);

    // Messages too: each vendor's automatic reply leaves from its own connection's number.
    const before = await helper('/messages-settings', {});
    await helper('/messages-settings', { auto_replies: 1 });
    await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK });
    try {
      for (const [vendor, conn] of [[m1, ALPHA], [m2, BETA]]) {
        const dash = (await vendor.http.get(pageUrl('dashboard'))).text;
        const code = /<code>#([A-Z0-9]+)<\/code>/.exec(dash);
        assert.ok(code, 'the dashboard shows the vendor code');
        const saved = await savePreferences(vendor.http, {
          notify_email: '1', acknowledge: '1', acknowledgement: `Thanks, {vendor} got it (${RUN}).`,
        });
        assert.equal(saved.status, 200, saved.text.slice(0, 300));
        const from = `1555${digits(7)}`;
        await sandbox('POST', '/sandbox/messages/inject', { text: `#${code[1]} is this in stock? ${RUN}`, from, name: `Cleo ${RUN}` });
        const [reply] = await waitFor(async () => {
          const sent = ((await sandbox('GET', '/sandbox/messages/sent')).messages || []).filter((m) => m.to === from);
          return sent.length ? sent : null;
        }, `the automatic reply of ${vendor.login}`);
        assert.ok(JSON.stringify(reply.body).includes(`got it (${RUN})`), JSON.stringify(reply));
        assert.equal(reply.phone_number_id, conn.phone, `${vendor.login}'s reply left from ${conn.id}'s number`);
        figures.push(`model 2 message: ${vendor.login} → from ${reply.phone_number_id} (${conn.id})`);
      }
      // A customer writing to vendor 2's own number reaches vendor 2, without any code.
      const to = `1555${digits(7)}`;
      await sandbox('POST', '/sandbox/messages/inject', { text: `hello, anyone there? ${RUN}`, from: to, name: `Otto ${RUN}`, phone_number_id: BETA.phone });
      await waitFor(async () => (await m2.http.get(pageUrl('dashboard'))).text.includes(`anyone there? ${RUN}`), 'the message to beta\'s number in vendor 2\'s panel');
      assert.ok(!(await m1.http.get(pageUrl('dashboard'))).text.includes(`anyone there? ${RUN}`), 'vendor 1 does not see it');

      // Coexistence: the WhatsApp Business app on beta's number shares its past chats.
      // They land in vendor 2's panel as they were, and nothing is sent to anyone.
      const past = `1555${digits(7)}`;
      const monthAgo = Math.floor(Date.now() / 1000) - 30 * 86400;
      const shared = await sandbox('POST', '/sandbox/cloud/history', { phone_number_id: BETA.phone, threads: [{ id: past, messages: [
        { text: `was my parcel insured? ${RUN}`, timestamp: monthAgo },
        { from: 'business', text: `Yes, fully insured ${RUN}`, timestamp: monthAgo + 600 },
      ] }] });
      assert.equal(shared.messages, 2);
      await waitFor(async () => (await m2.http.get(pageUrl('dashboard'))).text.includes(`parcel insured? ${RUN}`), 'the shared past chat in vendor 2\'s panel');
      const withPast = (await m2.http.get(pageUrl('dashboard'))).text;
      assert.ok(withPast.includes(`fully insured ${RUN}`), 'the app\'s answer shows with it');
      // An automatic reply would have left within the webhook's request: none did.
      const toPast = ((await sandbox('GET', '/sandbox/messages/sent')).messages || []).filter((m) => m.to === past || m.wa_id === past);
      assert.deepEqual(toPast, [], 'no automatic reply to a past chat');
    } finally {
      await helper('/messages-settings', { auto_replies: before.auto_replies ?? 0 });
      await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
    }

    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-vendors&s=${RUN}`);
    await shoot(page, 'admin-vendors-model2');

    // Switching to the central model with beta as the central connection: vendor 1's
    // catalog now goes to beta; switching back leaves alpha's catalog as it was.
    const saveModel = async (model, central) => {
      await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-settings`);
      await page.check(`input[name="wpwa_settings[integration_model]"][value="${model}"]`);
      await page.selectOption('#wpwa_central_cloud_connection', central);
      await Promise.all([page.waitForNavigation(), page.click('form[action$="options.php"] #submit')]);
      assert.equal(await page.locator('#wpwa_central_cloud_connection').inputValue(), central);
    };
    await saveModel('central', BETA.id);
    assert.equal((await syncUntilDone(m1)).synced, 2);
    assert.deepEqual(await catalogIds(BETA.catalog), [...skus[m1.id], ...skus[m2.id]].sort(), 'central model: vendor 1 → beta');
    await saveModel('per_vendor', '');
    const again = await syncUntilDone(m1);
    assert.equal(again.total, 0, `back on model 2, alpha's catalog is already up to date: ${JSON.stringify(again)}`);
    assert.deepEqual(await catalogIds(ALPHA.catalog), skus[m1.id].slice().sort());
    assertClean(problems, 'vendors page (model 2)');
  } finally {
    await context.close();
    await helper('/settings', { integration_model: 'central' });
  }
});

// ------------------------------------------------------------------ vendors --

test('Vendors page: paginated, searchable; session, last sync, catalog, messages vs allowance, response; row actions', async () => {
  assert.ok(m1, 'the model 2 test ran');
  await helper('/settings', { integration_model: 'per_vendor' });
  const { page, context, problems } = await adminTab();
  try {
    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-vendors`);
    const headers = await page.locator('table.wp-list-table thead th').allInnerTexts();
    for (const h of ['Vendor', 'WhatsApp', 'Phone', 'Last sync', 'Catalog', 'Messages this month', 'Response', 'Cloud API connection']) {
      assert.ok(headers.includes(h), `column ${h} (${headers.join(' | ')})`);
    }
    assert.match(await page.locator('.displaying-num').first().innerText(), /^\d+ items?$/);

    await page.fill('#wpwa-vendor-search-input', `Mona ${RUN}`);
    await Promise.all([page.waitForNavigation(), page.click('#search-submit')]);
    const rows = page.locator('table.wp-list-table tbody tr');
    assert.equal(await rows.count(), 1, 'search finds one vendor');
    const row = rows.first();
    assert.match(await row.locator('td.column-state').innerText(), /\S/);
    assert.equal(await row.locator('td.column-phone').innerText(), '—');
    // The model 2 test's last sync found nothing to send.
    assert.match(await row.locator('td.column-sync').innerText(), /^Up to date\n\w+ \d+, \d{4}/);
    assert.equal(await row.locator('.wpwa-catalog-counts').getAttribute('data-synced'), '2');
    // The model 2 test's automatic reply counts against the allowance; the customer's question still waits.
    assert.equal(await row.locator('td.column-messages').innerText(), '1 / 1000');
    assert.equal(await row.locator('td.column-response').innerText(), '1 question, 1 waiting');
    await shoot(page, 'admin-vendors-search');

    // Row action: start a sync (nothing changed: already up to date).
    await row.hover();
    await Promise.all([page.waitForNavigation(), row.locator('.wpwa-row-sync').click()]);
    assert.match(await page.locator('.notice-success').innerText(), new RegExp(`Mona ${RUN}: Catalog sync finished: your WhatsApp catalog was already up to date\\.`));

    // Row action: open the vendor's log.
    await page.fill('#wpwa-vendor-search-input', `Mona ${RUN}`);
    await Promise.all([page.waitForNavigation(), page.click('#search-submit')]);
    await page.locator('table.wp-list-table tbody tr').first().hover();
    await Promise.all([page.waitForNavigation(), page.locator('table.wp-list-table tbody tr .wpwa-row-log').first().click()]);
    assert.ok(page.url().includes(`page=wpwa-logs`) && page.url().includes(`vendor=${m1.id}`), page.url());
    const vendors = await page.locator('table.wp-list-table tbody td.column-vendor').allInnerTexts();
    assert.ok(vendors.length >= 2, 'the vendor has log entries');
    assert.ok(vendors.every((v) => v === `Mona ${RUN}`), `only this vendor's entries: ${vendors.join(', ')}`);
    assert.ok((await page.locator('table.wp-list-table tbody').innerText()).includes('Catalog sync started'));
    await shoot(page, 'admin-vendor-log');
    assertClean(problems, 'vendors page');
  } finally {
    await context.close();
    await helper('/settings', { integration_model: 'central' });
  }
});

test('Vendors page: each vendor by store name (not the WordPress login), the login below; search by store name', async () => {
  const { page, context, problems } = await adminTab();
  try {
    for (const v of site.vendors) {
      assert.notEqual(v.store_name, v.login, 'the seeded store names differ from the logins');
      // The display name is the login: only the store name can find the row.
      await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-vendors&s=${encodeURIComponent(v.store_name)}`);
      const rows = page.locator('table.wp-list-table tbody tr');
      assert.equal(await rows.count(), 1, `searching "${v.store_name}" finds its vendor`);
      assert.equal(await rows.first().locator('.wpwa-vendor-name').innerText(), v.store_name);
      assert.match(await rows.first().locator('.wpwa-vendor-login').innerText(), new RegExp(`^${v.login} · #${v.id}$`));
    }
    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-vendors`);
    const names = await page.locator('table.wp-list-table tbody .wpwa-vendor-name').allInnerTexts();
    for (const v of site.vendors) assert.ok(names.includes(v.store_name), `${v.store_name} listed: ${names.join(', ')}`);
    assert.ok(!names.some((n) => site.vendors.some((v) => n === v.login)), 'no row is named by a login');
    await shoot(page, 'admin-vendors-store-names');
    assertClean(problems, 'vendors page');
  } finally {
    await context.close();
  }
});

// ---------------------------------------------------------------------- logs --

test('log viewer: filters by vendor, level, kind and dates; pages; CSV export; daily purge scheduled', async () => {
  const kind = `adm${RUN}`;
  await helper('/log', { vendor_id: m2.id, level: 'info', kind, message: `info entry {n} ${RUN}`, count: 45 });
  await helper('/log', { vendor_id: m2.id, level: 'error', kind, message: `error entry {n} ${RUN}`, count: 15 });
  await helper('/log', { vendor_id: m1.id, level: 'error', kind, message: `other vendor {n} ${RUN}`, count: 3 });
  const { page, context, problems } = await adminTab();
  try {
    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-logs`);
    // Vendors are listed by store name (the marketplace's), not by WordPress user.
    const seededA = site.vendors.find((v) => v.login === 'vendor_a');
    const vendorOptions = await page.locator('#wpwa-log-vendor option').allInnerTexts();
    assert.ok(vendorOptions.includes(`${seededA.store_name} (#${seededA.id})`), `vendor filter by store name: ${vendorOptions.join(', ')}`);
    await page.selectOption('#wpwa-log-vendor', String(m2.id));
    await page.selectOption('#wpwa-log-kind', kind);
    await Promise.all([page.waitForNavigation(), page.click('#wpwa-log-filter')]);
    assert.equal(await page.locator('.displaying-num').first().innerText(), '60 items');
    assert.equal(await page.locator('table.wp-list-table tbody tr').count(), 50, 'first page of 50');
    await shoot(page, 'admin-logs-filtered');
    await Promise.all([page.waitForNavigation(), page.locator('.tablenav.top .next-page').click()]);
    assert.equal(await page.locator('table.wp-list-table tbody tr').count(), 10, 'second page');
    assert.ok(page.url().includes(`kind=${kind}`), 'filters survive paging');

    await page.selectOption('#wpwa-log-level', 'error');
    await Promise.all([page.waitForNavigation(), page.click('#wpwa-log-filter')]);
    assert.equal(await page.locator('.displaying-num').first().innerText(), '15 items');
    const levels = await page.locator('td.column-level').allInnerTexts();
    assert.ok(levels.every((l) => l === 'error'));

    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 2 * 86400000).toISOString().slice(0, 10);
    const lastWeek = new Date(Date.now() - 7 * 86400000).toISOString().slice(0, 10);
    await page.fill('#wpwa-log-from', tomorrow);
    await Promise.all([page.waitForNavigation(), page.click('#wpwa-log-filter')]);
    assert.ok((await page.locator('table.wp-list-table tbody').innerText()).includes('No activity log entries match these filters.'));
    await page.fill('#wpwa-log-from', lastWeek);
    await page.fill('#wpwa-log-to', tomorrow);
    await Promise.all([page.waitForNavigation(), page.click('#wpwa-log-filter')]);
    assert.equal(await page.locator('.displaying-num').first().innerText(), '15 items', `dates ${lastWeek}..${tomorrow} (today ${today})`);
    await shoot(page, 'admin-logs-errors-dates');

    // CSV of what the filters match, all pages (the link carries the filters).
    const shown = new URL(await page.locator('#wpwa-log-export').getAttribute('href'));
    for (const [k, v] of [['vendor', String(m2.id)], ['kind', kind], ['level', 'error'], ['from', lastWeek], ['to', tomorrow]]) {
      assert.equal(shown.searchParams.get(k), v, `the export link carries ${k}`);
    }
    const href = await exportUrl(`&vendor=${m2.id}&kind=${kind}&level=error&from=${lastWeek}&to=${tomorrow}`);
    const res = await adminHttp.get(href);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-disposition'], /^attachment; filename="wpwa-activity-log-\d{8}-\d{6}\.csv"$/);
    const lines = res.text.trim().split('\r\n');
    assert.equal(lines[0], 'id,time,vendor_id,level,kind,message,context,code,params');
    assert.equal(lines.length, 16, 'header and the 15 matching entries');
    assert.ok(lines.slice(1).every((l) => l.includes(`,${m2.id},error,${kind},error entry `)));
    const all = await adminHttp.get(href.replace(/&level=error/, ''));
    assert.equal(all.text.trim().split('\r\n').length, 61, 'without the level filter: 60 entries, beyond one page');

    // Retention: the daily purge is scheduled and keeps fresh entries.
    const purge = await helper('/purge', {});
    assert.ok(purge.scheduled > Date.now() / 1000 - 60, `the purge is scheduled (${purge.scheduled})`);
    assert.equal((await adminHttp.get(href)).text.trim().split('\r\n').length, 16, 'entries younger than the retention stay');
    assertClean(problems, 'log viewer');
  } finally {
    await context.close();
  }
});

test('vendors see only their own entries in the dashboard\'s Activity log', async () => {
  const res = await m2.http.get(pageUrl('dashboard'));
  assert.equal(res.status, 200);
  const panel = /<section class="wpwa-panel wpwa-panel--logs"[\s\S]*?<\/section>/.exec(res.text);
  assert.ok(panel, 'the dashboard has an Activity log panel');
  assert.ok(panel[0].includes(`error entry`), 'vendor 2 sees their entries');
  assert.ok(!panel[0].includes(`other vendor`), 'not vendor 1\'s');
  assert.ok(!panel[0].includes(`Cloud API connection "${ALPHA.id}"`), 'not site-wide entries');
});

// -------------------------------------------------------------- permissions --

const ADMIN_PAGES = ['wpwa-settings', 'wpwa-vendors', 'wpwa-logs'];
const ADMIN_POSTS = [
  'wpwa_save_cloud_connection', 'wpwa_delete_cloud_connection', 'wpwa_save_connection', 'wpwa_delete_connection',
  'wpwa_vendor_disconnect', 'wpwa_vendor_assign', 'wpwa_vendor_sync', 'wpwa_logs_export',
];

async function adminRoutes(user) {
  const out = {};
  for (const p of ADMIN_PAGES) out[`GET admin.php?page=${p}`] = (await user.http.get(`${ADMIN}/admin.php?page=${p}`)).status;
  for (const a of ADMIN_POSTS) {
    out[`POST admin-post ${a}`] = (await user.http.post(`${ADMIN}/admin-post.php`, { form: { action: a, connection: ALPHA.id, vendor: String(m1.id), _wpnonce: 'x' } })).status;
    out[`GET admin-post ${a}`] = (await user.http.get(`${ADMIN}/admin-post.php?action=${a}&vendor=${m1.id}`)).status;
  }
  // WooCommerce keeps users who may not edit posts out of wp-admin (but not
  // out of admin-post.php): they are redirected off it before WordPress
  // answers, which refuses as surely as a 403.
  const options = await user.http.post(`${ADMIN}/options.php`, { form: { option_page: 'wpwa_settings', action: 'update', 'wpwa_settings[integration_model]': 'per_vendor' } });
  const keptOut = options.status === 302 && !new URL(options.headers.location || '/wp-admin/', baseUrl).pathname.startsWith('/wp-admin/');
  out['POST options.php'] = keptOut ? 403 : options.status;
  out['POST REST admin/connections/test'] = (await user.call('POST', `/admin/connections/${ALPHA.id}/test`)).status;
  out['POST REST gateway/test'] = (await user.call('POST', '/gateway/test')).status;
  return out;
}

test('permissions: 403 (or kept out of wp-admin) on every admin route for a shop manager without manage_wpwa and for a vendor; no nonce, no action', async () => {
  const manager = await newUser('sm', { role: 'shop_manager', display_name: `Sam Manager ${RUN}` });
  const vendor = m1;
  for (const [who, user] of [['shop manager', manager], ['vendor', vendor]]) {
    const statuses = await adminRoutes(user);
    for (const [route, status] of Object.entries(statuses)) assert.equal(status, 403, `${who}: ${route} → ${status}`);
    console.log(`${who}: ${Object.keys(statuses).length} admin routes, all 403`);
  }
  assert.equal((await manager.http.get(`${ADMIN}/`)).status, 200, 'the shop manager does reach wp-admin');
  assert.equal((await helper('/settings', {})).integration_model, 'central', 'the refused options.php post changed nothing');

  // Without a nonce, an administrator's requests are refused too.
  const noNonce = await adminHttp.post(`${REST}/admin/connections/${ALPHA.id}/test`);
  assert.ok([401, 403].includes(noNonce.status), `REST without nonce: ${noNonce.status}`);
  const del = await adminHttp.post(`${ADMIN}/admin-post.php`, { form: { action: 'wpwa_delete_cloud_connection', connection: ALPHA.id } });
  assert.equal(del.status, 403, 'admin-post without nonce');
  const bad = await adminHttp.post(`${ADMIN}/admin-post.php`, { form: { action: 'wpwa_delete_cloud_connection', connection: ALPHA.id, _wpnonce: '0123456789' } });
  assert.equal(bad.status, 403, 'admin-post with a wrong nonce');
  const sync = await adminHttp.get(`${ADMIN}/admin-post.php?action=wpwa_vendor_sync&vendor=${m1.id}`);
  assert.equal(sync.status, 403, 'row action without nonce');
  assert.ok((await adminHttp.get(`${ADMIN}/admin.php?page=wpwa-settings`)).text.includes(`data-connection="${ALPHA.id}"`), 'the connection survived');

  // The administrator gives shop managers the console from the settings page.
  const { page, context, problems } = await adminTab();
  try {
    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-settings`);
    await page.check('#wpwa_shop_manager_access');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="options.php"] #submit')]);
    assert.ok(await page.isChecked('#wpwa_shop_manager_access'));
    assertClean(problems, 'settings page (access)');
  } finally {
    await context.close();
  }
  for (const p of ADMIN_PAGES) assert.equal((await manager.http.get(`${ADMIN}/admin.php?page=${p}`)).status, 200, `shop manager with manage_wpwa: ${p}`);
  const granted = await manager.call('POST', `/admin/connections/${ALPHA.id}/test`);
  assert.equal(granted.status, 200, granted.text);
  assert.equal((await vendor.http.get(`${ADMIN}/admin.php?page=wpwa-settings`)).status, 403, 'vendors still cannot');
  await helper('/role', { role: 'shop_manager', remove: ['manage_wpwa'], shop_manager_access: false });
});

// ---------------------------------------------------------------------- XSS --

test('XSS: a vendor\'s name, a product title and a customer message are shown escaped; no script runs', async () => {
  const name = `<img src=x onerror="window.__xss='name';alert('name')">Xena ${RUN}`;
  const vendor = await newUser('xs', { display_name: name, vendor: true });
  const seeded = site.vendors.find((v) => v.login === 'vendor_a').product_ids;
  const title = `<img src=x onerror="window.__xss='title';alert('title')">Evil mug ${RUN}`;
  await helper('/product', { from: seeded['ACME-MUG-002'], vendor_id: vendor.id, sku: `XS-${RUN}`, title, no_image: true });
  const logLine = `Note <script>window.__xss='log';alert('log')</script> about ${name}`;
  await helper('/log', { vendor_id: vendor.id, level: 'warning', kind: 'xss', message: logLine });

  // The customer message, through the sandbox and the signed webhook, routed by the vendor's code.
  const dash = await vendor.http.get(pageUrl('dashboard'));
  const code = /<code>#([A-Z0-9]+)<\/code>/.exec(dash.text);
  assert.ok(code, 'the dashboard shows the vendor code');
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK });
  const text = `#${code[1]} <img src=x onerror="window.__xss='message';alert('message')"> hello ${RUN}`;
  await sandbox('POST', '/sandbox/messages/inject', { text, from: `1555${digits(7)}`, name: `<script>alert('cust')</script>Cust ${RUN}` });
  await waitFor(async () => (await vendor.http.get(pageUrl('dashboard'))).text.includes(`hello ${RUN}`), 'the message in the dashboard');

  const checkPage = async (tab, where, mustShow) => {
    const body = await tab.page.locator('body').innerText();
    for (const s of mustShow) assert.ok(body.includes(s), `${where} shows ${JSON.stringify(s)} as text`);
    assert.equal(await tab.page.evaluate(() => window.__xss), undefined, `${where}: no injected script ran`);
    assert.equal(await tab.page.locator('img[src="x"]').count(), 0, `${where}: no injected element`);
    assertClean(tab.problems, where);
  };

  const tab = await adminTab();
  try {
    await gotoOk(tab.page, `${ADMIN}/admin.php?page=wpwa-vendors&s=Xena`);
    // The Vendors page names vendors by store name (the markup of the name is not part of it), the login below.
    await checkPage(tab, 'Vendors page', [`Xena ${RUN}`, vendor.login]);
    await shoot(tab.page, 'admin-xss-vendors');
    await gotoOk(tab.page, `${ADMIN}/admin.php?page=wpwa-logs&vendor=${vendor.id}`);
    await tab.page.locator('details.wpwa-log-context').first().evaluate((d) => { d.open = true; }).catch(() => {});
    await checkPage(tab, 'log viewer', [logLine, name]);
    await shoot(tab.page, 'admin-xss-logs');
  } finally {
    await tab.context.close();
  }
  const vtab = await openPage();
  try {
    await logIn(vtab.context, vendor.login, vendor.password);
    await gotoOk(vtab.page, pageUrl('dashboard'));
    await vtab.page.waitForSelector('.wpwa-panel--messages');
    await vtab.page.waitForTimeout(1500); // the panels' scripts render and poll
    await checkPage(vtab, 'vendor dashboard', [`Evil mug ${RUN}`, `onerror="window.__xss='message';alert('message')"> hello ${RUN}`, logLine]);
    await shoot(vtab.page, 'admin-xss-dashboard');
  } finally {
    await vtab.context.close();
  }
});

// -------------------------------------------------------------- site health --

test('Site Health reports the extension, the store and its size, sandbox reachability and cron health', async () => {
  const { page, context, problems } = await adminTab();
  try {
    await gotoOk(page, `${ADMIN}/site-health.php?tab=debug`);
    const trigger = page.locator('button[aria-controls="health-check-accordion-block-wpwa"]');
    await trigger.click();
    const section = page.locator('#health-check-accordion-block-wpwa');
    await section.waitFor({ state: 'visible' });
    const text = await section.innerText();
    console.log(`site health (WhatsApp (wpwa)):\n${text.split('\n').map((l) => `  ${l}`).join('\n')}`);
    assert.match(text, /PHP extension\s+\d+\.\d+\.\d+ \(/);
    assert.match(text, /Store\s+\/\S+\.sqlite/);
    assert.match(text, /Store size\s+[\d.]+ [KMG]?B \(\d+ bytes\)/);
    assert.match(text, /Store rows\s+.*activity_log \d+/);
    assert.match(text, /Sandbox\s+http:\/\/127\.0\.0\.1:\d+: sandbox reachable \(version [^,]+, \d+ ms\)/);
    assert.match(text, /Cron\s+WP-Cron .*wpwa_log_purge: next \d{4}-\d\d-\d\d/);
    await trigger.scrollIntoViewIfNeeded();
    await shoot(page, 'admin-site-health');
    // The status tab runs the direct tests while rendering and hands them to its script.
    await gotoOk(page, `${ADMIN}/site-health.php`);
    const direct = await page.evaluate(() => (window.SiteHealth && window.SiteHealth.site_status && window.SiteHealth.site_status.direct) || []);
    const ours = Object.fromEntries(direct.filter((t) => String(t.test).startsWith('wpwa_')).map((t) => [t.test, `${t.status}: ${t.label}`]));
    console.log(`site health tests: ${JSON.stringify(ours)}`);
    assert.match(ours.wpwa_extension || '', /^good: The wpwa PHP extension \d+\.\d+\.\d+ is loaded$/);
    assert.equal(ours.wpwa_connectivity, 'good: WhatsApp services are reachable');
    assert.match(ours.wpwa_cron || '', /^good: WhatsApp scheduled tasks are on time$|^recommended: /);
    await page.waitForLoadState('networkidle');
    assertClean(problems, 'site health');
  } finally {
    await context.close();
  }
});
