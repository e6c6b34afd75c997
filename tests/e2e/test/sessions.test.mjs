// Vendor WhatsApp sessions end to end (issue 3): Chromium on the real
// WordPress and the sandbox gateway. Connect by QR, scan through the sandbox,
// Connected without a reload; QR rotation and expiry; linking by pairing code
// and its expiry (issue 15); disconnect; gateway
// down; signed webhooks; isolation between vendors; one phone per vendor;
// rate-limited connects; the admin pages. Prints (does not assert) the time
// from scan to "Connected" and the panel's requests per minute while waiting
// for a scan, while the tab is hidden and while idle.
//
// The tests run in order (one file) and use their own vendors, created
// through the token-guarded test helper, so the seeded vendors other files
// look at stay disconnected. The sandbox configuration is global: every test
// that changes it puts it back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, admin, pageUrl, chromium, artifactsDir, testToken } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn } from '../lib/http.js';
import { SANDBOX, SANDBOX_KEY, BROWSER_ARGS, sandbox, helper, waitFor, logIn, shoot } from '../lib/world.js';

const REST = `${baseUrl}/wp-json/wpwa/v1`;
const RUN = Date.now().toString(36).slice(-6);
const figures = [];
// Phone numbers of this run: one phone belongs to one vendor, so reruns on
// the same site need new ones.
const PHONE_BASE = 1000000 + crypto.randomInt(8000000);
const phone = (n) => `+1${PHONE_BASE + n}`;
let browser;

// ------------------------------------------------------------------ helpers --

const sandboxConfig = (cfg) => sandbox('PUT', '/sandbox/config', cfg);

const setPolicy = (policy) => helper('/settings', policy);
const DEFAULT_POLICY = { max_starts_per_hour: 5, qr_first_seconds: 60, qr_next_seconds: 20, pairing_code_seconds: 180, integration_model: 'central' };
const DEFAULT_SANDBOX = { fail_mode: 'none', qr_first_ms: 60000, qr_next_ms: 20000, qr_count: 5, starting_ms: 500, latency_ms: 0, pairing_code_ms: 180000 };

/** A fresh vendor of this run, logged in over HTTP with a REST nonce. */
async function newVendor(tag) {
  const login = `s3${tag}_${RUN}`;
  const password = crypto.randomBytes(12).toString('hex');
  const { id } = await helper('/vendor', { login, password, display_name: `Vendor ${tag.toUpperCase()} ${RUN}` });
  const http = await loggedIn(baseUrl, login, password);
  const nonce = await http.restNonce();
  const call = (method, route, body) => http.request(method, `${REST}${route}`, { headers: { 'x-wp-nonce': nonce }, body });
  return { id, login, password, http, nonce, call };
}

async function sessionOf(vendor) {
  const res = await vendor.call('GET', '/session');
  assert.equal(res.status, 200, `GET session: ${res.text.slice(0, 300)}`);
  return res.json().session;
}

async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const problems = { console: [], pageErrors: [], dialogs: [], external: [] };
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (['127.0.0.1', 'localhost'].includes(new URL(u).hostname) || u.startsWith('data:')) return route.continue();
    problems.external.push(u);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.console.push(m.text()); });
  page.on('pageerror', (e) => {
    const text = `${e} ${e.stack || ''}`;
    // WordPress's own login-page script (user-profile.js) sometimes throws
    // when the form is submitted before zxcvbn finished loading: not ours.
    if (/\/wp-admin\/js\/user-profile(\.min)?\.js/.test(text)) return;
    problems.pageErrors.push(text.slice(0, 600));
  });
  page.on('dialog', async (d) => { problems.dialogs.push(d.message()); await d.dismiss(); });
  // Every call the panel makes to the session routes, with its time.
  const calls = [];
  page.on('request', (r) => {
    if (r.url().includes('/wp-json/wpwa/v1/session')) calls.push({ at: Date.now(), method: r.method(), url: r.url() });
  });
  let navigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });
  return { context, page, problems, calls, navigations: () => navigations };
}

function assertClean(problems, where) {
  assert.deepEqual(problems.dialogs, [], `${where}: dialogs`);
  assert.deepEqual(problems.pageErrors, [], `${where}: page errors`);
  // The panel's own failed calls (400 for a mistyped number, 429, 502 in the tests
  // that provoke them) are logged by Chromium as "Failed to load resource";
  // anything else is a bug.
  assert.deepEqual(problems.console.filter((m) => !/Failed to load resource: the server responded with a status of (400|429|502|503)/.test(m)), [], `${where}: console errors`);
  assert.deepEqual(problems.external, [], `${where}: requests off this machine`);
}


const badge = (page) => page.locator('.wpwa-panel--connection .wpwa-status-badge').first();
const state = (page) => badge(page).getAttribute('data-state');

async function openDashboard(vendor) {
  const tab = await openPage();
  await logIn(tab.context, vendor.login, vendor.password);
  const res = await tab.page.goto(pageUrl('dashboard'));
  assert.equal(res.status(), 200);
  await tab.page.waitForSelector('.wpwa-panel--connection');
  assert.equal(phpErrorsIn(await tab.page.content()), null, 'no PHP errors in the dashboard');
  return tab;
}

/** Signed gateway webhook, as the gateway sends it. */
function envelope(sessionName, status, me = null, ts = Date.now()) {
  return JSON.stringify({
    id: `evt_test_${crypto.randomBytes(8).toString('hex')}`,
    timestamp: ts,
    event: 'session.status',
    session: sessionName,
    metadata: {},
    me,
    payload: { status },
  });
}

function hmac(key, body) {
  return crypto.createHmac('sha512', key).update(body).digest('hex');
}

async function postWebhook(body, signature, connection = 'central', extraHeaders = {}) {
  const headers = { 'content-type': 'application/json', ...extraHeaders };
  if (signature !== undefined) {
    headers['x-webhook-hmac'] = signature;
    headers['x-webhook-hmac-algorithm'] = 'sha512';
  }
  return new Client(baseUrl).post(`${REST}/webhooks/gateway/${connection}`, { body, headers, cookies: false });
}

// -------------------------------------------------------------------- setup --

before(async () => {
  assert.ok(SANDBOX, 'site.json names the sandbox URL');
  fs.mkdirSync(artifactsDir, { recursive: true });
  await sandboxConfig(DEFAULT_SANDBOX);
  await setPolicy(DEFAULT_POLICY);
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    await sandboxConfig(DEFAULT_SANDBOX);
    await setPolicy(DEFAULT_POLICY);
  } finally {
    if (browser) await browser.close();
    if (figures.length) {
      console.log('measured (not asserted):');
      for (const f of figures) console.log(`  ${f}`);
    }
  }
});

// -------------------------------------------------------------------- tests --

test('connect: QR shown and rotating in place, paused while hidden, scan → Connected without a reload; then disconnect (screenshots)', async () => {
  const vendor = await newVendor('a');
  const tab = await openDashboard(vendor);
  const { page, calls, problems } = tab;
  try {
    assert.equal(await state(page), 'disconnected');
    const connect = page.locator('[data-wpwa-action="connect"]');
    assert.equal((await connect.innerText()).trim(), 'Connect WhatsApp');
    await page.evaluate(() => { window.__wpwaNoReload = 'still here'; });
    const navBefore = tab.navigations();

    await connect.click();
    const qr = page.locator('.wpwa-qr__code svg');
    await qr.waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await state(page), 'waiting_for_scan');
    const box = await qr.boundingBox();
    assert.ok(box && box.width > 150 && box.height > 150, `the QR is drawn large enough to scan (${JSON.stringify(box)})`);
    assert.match(await page.locator('[data-wpwa-field="countdown"]').innerText(), /changes in \d+:\d\d/, 'countdown shown');
    const c1 = await page.locator('[data-wpwa-field="countdown"]').innerText();
    await page.waitForTimeout(2100);
    assert.notEqual(await page.locator('[data-wpwa-field="countdown"]').innerText(), c1, 'the countdown ticks');
    assert.equal(await page.locator('.wpwa-qr__code').getAttribute('data-seq'), '1');
    await shoot(page, 'session-qr');

    // Requests per minute while waiting for the scan.
    const w0 = calls.length;
    await page.waitForTimeout(12000);
    const waitingPerMin = ((calls.length - w0) / 12) * 60;
    figures.push(`panel requests while waiting for a scan: ${waitingPerMin.toFixed(0)}/min`);
    assert.ok(calls.length - w0 >= 3, 'the panel polls while waiting for the scan');

    // Hidden tab: no requests; visible again: one right away.
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForTimeout(500);
    const h0 = calls.length;
    const hiddenStart = Date.now();
    await page.waitForTimeout(6000);
    const hiddenPerMin = ((calls.length - h0) / ((Date.now() - hiddenStart) / 1000)) * 60;
    figures.push(`panel requests while the tab is hidden (waiting for a scan): ${hiddenPerMin.toFixed(1)}/min`);
    assert.equal(calls.length - h0, 0, 'no polling while the tab is hidden');
    await page.evaluate(() => {
      delete document.hidden;
      delete document.visibilityState;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(async () => calls.length > h0, 'a poll after the tab is visible again', 5000, 100);

    // Scan through the sandbox as the vendor's phone.
    const { gateway_session: name } = await sessionOf(vendor);
    assert.match(name || '', /^[a-z0-9]+_v\d+$/, 'the session names its gateway session');
    const t0 = Date.now();
    await sandbox('POST', `/sandbox/sessions/${name}/scan`, { phone: phone(1), pushName: 'Acme Store' });
    await page.waitForFunction(() => document.querySelector('.wpwa-panel--connection .wpwa-status-badge')?.getAttribute('data-state') === 'connected', null, { timeout: 15000, polling: 50 })
      .catch(async (e) => {
        await shoot(page, 'session-connect-failure');
        console.log('calls', JSON.stringify(calls.slice(-8)), 'now', Date.now(), 'server', JSON.stringify(await sessionOf(vendor)).slice(0, 300), 'hidden', await page.evaluate(() => document.hidden));
        throw e;
      });
    figures.push(`sandbox scan → "Connected" in the browser: ${Date.now() - t0} ms`);

    assert.equal((await badge(page).innerText()).trim(), 'Connected');
    assert.equal((await page.locator('.wpwa-status-phone').innerText()).trim(), phone(1));
    assert.ok(await page.locator('[data-wpwa-field="duration"]').isVisible(), '"Connected for" shown');
    assert.match(await page.locator('.wpwa-status-duration').innerText(), /less than a minute|minute/);
    assert.equal(await page.locator('.wpwa-qr').isVisible(), false, 'the QR is gone');
    assert.ok(await page.locator('[data-wpwa-action="disconnect"]').isVisible(), 'Disconnect offered');
    // No reload: same document (the marker survived) and no main-frame navigation.
    assert.equal(await page.evaluate(() => window.__wpwaNoReload), 'still here', 'the page was not reloaded');
    assert.equal(tab.navigations(), navBefore, 'no navigation happened');
    await shoot(page, 'session-connected');

    // Requests per minute while idle (connected).
    const i0 = calls.length;
    const idleStart = Date.now();
    await page.waitForTimeout(61000);
    const idlePerMin = ((calls.length - i0) / ((Date.now() - idleStart) / 1000)) * 60;
    figures.push(`panel requests while idle (connected): ${idlePerMin.toFixed(1)}/min`);
    assert.ok(idlePerMin <= 4, `idle polling backs off (${idlePerMin}/min)`);

    // Disconnect, with the inline confirmation.
    await page.locator('[data-wpwa-action="disconnect"]').click();
    const yes = page.locator('[data-wpwa-action="confirm-disconnect"]');
    await yes.waitFor({ state: 'visible' });
    await page.locator('[data-wpwa-action="cancel-disconnect"]').click();
    assert.equal(await state(page), 'connected', 'keeping the connection changes nothing');
    await page.locator('[data-wpwa-action="disconnect"]').click();
    await yes.click();
    await page.waitForFunction(() => document.querySelector('.wpwa-panel--connection .wpwa-status-badge')?.getAttribute('data-state') === 'disconnected', null, { timeout: 15000 });
    assert.equal((await badge(page).innerText()).trim(), 'Not connected');
    assert.ok(await page.locator('[data-wpwa-action="connect"]').isVisible(), 'Connect offered again');
    assert.equal(await page.locator('[data-wpwa-field="phone"]').isVisible(), false, 'no phone shown');
    assert.equal((await sessionOf(vendor)).state, 'disconnected', 'the server agrees');
    const gw = await sandbox('GET', `/api/sessions/${name}`);
    assert.notEqual(gw.status, 'WORKING', 'the gateway session was stopped');
    assert.equal(await page.evaluate(() => window.__wpwaNoReload), 'still here');
    await shoot(page, 'session-disconnected');
    assertClean(problems, 'connect/disconnect');
  } finally {
    await tab.context.close();
  }
});

test('QR rotation and expiry: the QR is replaced in place, then the vendor sees the expiry and generates a new one (screenshot)', async () => {
  await sandboxConfig({ qr_first_ms: 3000, qr_next_ms: 2000, qr_count: 2 });
  await setPolicy({ qr_first_seconds: 3, qr_next_seconds: 2 });
  const vendor = await newVendor('b');
  const tab = await openDashboard(vendor);
  const { page, problems } = tab;
  try {
    await page.locator('[data-wpwa-action="connect"]').click();
    await page.locator('.wpwa-qr__code svg').waitFor({ state: 'visible', timeout: 15000 });
    const firstSvg = await page.locator('.wpwa-qr__code').innerHTML();
    await page.waitForFunction(() => document.querySelector('.wpwa-qr__code')?.getAttribute('data-seq') === '2', null, { timeout: 15000, polling: 100 });
    assert.notEqual(await page.locator('.wpwa-qr__code').innerHTML(), firstSvg, 'the rotated QR is a different code');

    await page.waitForFunction(() => document.querySelector('.wpwa-panel--connection')?.getAttribute('data-state') === 'expired', null, { timeout: 20000, polling: 100 });
    const reason = page.locator('[data-wpwa-field="reason"]');
    assert.ok(await reason.isVisible(), 'the reason is shown');
    assert.equal((await reason.innerText()).trim(), 'The QR code expired before it was scanned. Generate a new one and scan it right away.');
    assert.equal((await sessionOf(vendor)).reason, 'qr_expired');
    assert.equal(await page.locator('.wpwa-qr').isVisible(), false, 'the expired QR is gone');
    assert.equal(await page.locator('[data-wpwa-field="qr-loading"]').isVisible(), false, 'no spinner');
    const again = page.locator('[data-wpwa-action="connect"]');
    assert.equal((await again.innerText()).trim(), 'Generate a new QR code');
    await shoot(page, 'session-qr-expired');

    // A longer-lived QR for the retry.
    await sandboxConfig({ qr_first_ms: 60000, qr_next_ms: 20000, qr_count: 5 });
    await setPolicy({ qr_first_seconds: 60, qr_next_seconds: 20 });
    await again.click();
    await page.locator('.wpwa-qr__code svg').waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await state(page), 'waiting_for_scan');
    assert.equal(await reason.isVisible(), false, 'the expiry message is gone');
    await shoot(page, 'session-qr-new');
    assertClean(problems, 'qr expiry');
  } finally {
    await tab.context.close();
    await sandboxConfig(DEFAULT_SANDBOX);
    await setPolicy(DEFAULT_POLICY);
  }
});

test('pairing code: a vendor who cannot scan links by typing a code on the phone; an expired code ends the session like an expired QR (screenshots)', async () => {
  const vendor = await newVendor('p');
  const other = await newVendor('o');
  const tab = await openDashboard(vendor);
  const { page, problems } = tab;
  try {
    await page.locator('[data-wpwa-action="connect"]').click();
    await page.locator('.wpwa-qr__code svg').waitFor({ state: 'visible', timeout: 15000 });
    const choice = page.locator('[data-wpwa-field="pairing-choice"] summary');
    assert.ok(await choice.isVisible(), 'the pairing-code choice is offered beside the QR code');
    await choice.click();
    const input = page.locator('[data-wpwa-field="pairing-phone"]');
    const ask = page.locator('[data-wpwa-action="pairing-code"]');

    // A number without its country code is refused in words, and nothing is issued.
    await input.fill('12');
    await ask.click();
    const error = page.locator('[data-wpwa-field="error"]');
    await error.waitFor({ state: 'visible', timeout: 10000 });
    assert.equal((await error.innerText()).trim(), 'Enter your WhatsApp number with its country code, for example +49 151 23456789.');
    assert.equal(await page.locator('[data-wpwa-field="pairing-result"]').isVisible(), false);

    // Another vendor cannot ask for a code on this vendor's session.
    const foreign = await other.call('POST', `/session/pairing-code?vendor_id=${vendor.id}`, { phone: phone(31) });
    assert.equal(foreign.status, 403, foreign.text.slice(0, 200));

    const number = phone(30);
    await input.fill(`${number.slice(0, 2)} ${number.slice(2, 5)} ${number.slice(5)}`);
    await ask.click();
    const code = page.locator('[data-wpwa-field="pairing-code"]');
    await code.waitFor({ state: 'visible', timeout: 10000 });
    const shown = (await code.innerText()).trim();
    assert.match(shown, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/, 'the code reads as WhatsApp shows it');
    assert.equal(await error.isVisible(), false, 'the earlier error is gone');
    await page.waitForFunction(() => /The code works for \d:\d\d more/.test(document.querySelector('[data-wpwa-field="pairing-countdown"]')?.textContent || ''), null, { timeout: 5000, polling: 100 });
    assert.ok(await page.locator('.wpwa-qr__code svg').isVisible(), 'the QR code stays usable meanwhile');
    const session = await sessionOf(vendor);
    assert.equal(session.pairing.code, shown);
    assert.equal(session.pairing.phone, number);
    await shoot(page, 'session-pairing-code');

    // The phone types the code: Connected without a reload.
    const typed = await sandbox('POST', `/sandbox/sessions/${session.gateway_session}/enter-code`, { code: shown, pushName: `Paired ${RUN}` });
    assert.equal(typed.status, 'WORKING');
    await page.waitForFunction(() => document.querySelector('.wpwa-panel--connection')?.getAttribute('data-state') === 'connected', null, { timeout: 15000, polling: 100 });
    assert.equal((await page.locator('.wpwa-status-phone').innerText()).trim(), number);
    assert.equal(await page.locator('[data-wpwa-field="pairing"]').isVisible(), false, 'nothing to pair once connected');
    await shoot(page, 'session-pairing-connected');
    assertClean(problems, 'pairing code');
  } finally {
    await tab.context.close();
  }

  // A code not typed in time: the session ends as an expired QR would, and says why.
  // The site counts whole seconds from when it stored the code, so it may call the
  // code expired up to a second early; the phone's code lives a little less.
  await setPolicy({ pairing_code_seconds: 5 });
  await sandboxConfig({ pairing_code_ms: 3000 });
  const late = await newVendor('l');
  const lateTab = await openDashboard(late);
  try {
    const { page } = lateTab;
    await page.locator('[data-wpwa-action="connect"]').click();
    await page.locator('.wpwa-qr__code svg').waitFor({ state: 'visible', timeout: 15000 });
    await page.locator('[data-wpwa-field="pairing-choice"] summary').click();
    await page.locator('[data-wpwa-field="pairing-phone"]').fill(phone(32));
    await page.locator('[data-wpwa-action="pairing-code"]').click();
    await page.locator('[data-wpwa-field="pairing-code"]').waitFor({ state: 'visible', timeout: 10000 });
    const stale = (await sessionOf(late)).pairing;
    await page.waitForFunction(() => document.querySelector('.wpwa-panel--connection')?.getAttribute('data-state') === 'expired', null, { timeout: 20000, polling: 100 });
    const reason = page.locator('[data-wpwa-field="reason"]');
    assert.equal((await reason.innerText()).trim(), 'The pairing code expired before it was entered on your phone. Connect again and ask for a new code; enter it on your phone right away.');
    assert.equal((await sessionOf(late)).reason, 'pairing_code_expired');
    assert.equal(await page.locator('[data-wpwa-field="pairing-result"]').isVisible(), false, 'the expired code is gone');
    assert.equal((await page.locator('[data-wpwa-action="connect"]').innerText()).trim(), 'Connect again');
    const name = (await sessionOf(late)).gateway_session;
    const refused = await fetch(`${SANDBOX}/sandbox/sessions/${name}/enter-code`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': SANDBOX_KEY }, body: JSON.stringify({ code: stale.code }) });
    assert.equal(refused.status, 410, 'the phone refuses the expired code too');
    await shoot(page, 'session-pairing-expired');
    assertClean(lateTab.problems, 'pairing code expiry');
  } finally {
    await lateTab.context.close();
    await setPolicy(DEFAULT_POLICY);
    await sandboxConfig(DEFAULT_SANDBOX);
  }
});

test('gateway down: the vendor sees a clear error, not a spinner (screenshot)', async () => {
  const vendor = await newVendor('c');
  const tab = await openDashboard(vendor);
  const { page, problems } = tab;
  try {
    await sandboxConfig({ fail_mode: 'down' });
    await page.locator('[data-wpwa-action="connect"]').click();
    const error = page.locator('[data-wpwa-field="error"]');
    await error.waitFor({ state: 'visible', timeout: 20000 });
    assert.match(await error.innerText(), /We couldn't reach the WhatsApp service/);
    assert.match(await error.innerText(), /try again/i);
    assert.equal(await page.locator('[data-wpwa-field="qr-loading"]').isVisible(), false, 'no "preparing QR" spinner');
    const connect = page.locator('[data-wpwa-action="connect"]');
    assert.ok(await connect.isVisible() && await connect.isEnabled(), 'the vendor can try again');
    assert.equal((await connect.innerText()).trim(), 'Connect WhatsApp', 'the button label is restored');
    assert.ok(!/127\.0\.0\.1:\d+/.test(await error.innerText()), 'the gateway address is not shown to vendors');
    await shoot(page, 'session-gateway-down');

    // The same over HTTP: 502 with the message.
    const res = await vendor.call('POST', '/session/connect');
    assert.equal(res.status, 502);
    assert.match(res.json().message, /couldn't reach the WhatsApp service/);

    // Back up: connecting works.
    await sandboxConfig({ fail_mode: 'none' });
    await connect.click();
    await page.locator('.wpwa-qr__code svg').waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await error.isVisible(), false, 'the error is cleared');

    // The gateway stops while the QR waits: the next poll says so.
    await sandboxConfig({ fail_mode: 'down' });
    await error.waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await error.innerText(), /We couldn't reach the WhatsApp service/);
    await sandboxConfig({ fail_mode: 'none' });
    await error.waitFor({ state: 'hidden', timeout: 20000 });
    assert.equal(await state(page), 'waiting_for_scan', 'back to normal once the gateway answers');
    assertClean(problems, 'gateway down');
  } finally {
    await sandboxConfig({ fail_mode: 'none' });
    await tab.context.close();
  }
});

test('webhooks: unsigned, forged, oversized and malformed are refused and change nothing; a signed one applies once', async () => {
  const vendor = await newVendor('d');
  let res = await vendor.call('POST', '/session/connect');
  assert.equal(res.status, 200, res.text);
  const name = res.json().session.gateway_session;
  await waitFor(async () => (await sessionOf(vendor)).state === 'waiting_for_scan', 'waiting_for_scan');
  // The key the gateway was given when the session was created (WAHA shows it in the session config).
  const config = await sandbox('GET', `/api/sessions/${name}`);
  const key = config.config.webhooks[0].hmac.key;
  assert.match(key, /^[0-9a-f]{64}$/);

  const me = { id: `${phone(42).slice(1)}@c.us`, pushName: 'Forger' };
  const body = envelope(name, 'WORKING', me);
  res = await postWebhook(body);
  assert.equal(res.status, 401, 'unsigned → 401');
  res = await postWebhook(body, hmac('not-the-key-at-all-0000', body));
  assert.equal(res.status, 401, 'forged → 401');
  res = await postWebhook(body, hmac(key, body + ' '));
  assert.equal(res.status, 401, 'signature of other bytes → 401');
  res = await postWebhook(body, hmac(key, body), 'other-connection');
  assert.equal(res.status, 401, 'signed with another connection\'s key → 401');
  const big = JSON.stringify({ pad: 'x'.repeat(70 * 1024) });
  res = await postWebhook(big, hmac(key, big));
  assert.equal(res.status, 413, 'over 64 KiB → 413');
  res = await postWebhook('{"not":"an envelope"', hmac(key, '{"not":"an envelope"'));
  assert.equal(res.status, 400, 'malformed → 400');
  let s = await sessionOf(vendor);
  assert.equal(s.state, 'waiting_for_scan', 'nothing changed');
  assert.equal(s.phone, null);

  // A genuine event, freshly signed with the connection's key: the gateway
  // reports the session FAILED. (A signed WORKING would be undone by the next
  // status read, which asks the gateway, where nobody scanned.)
  const failed = envelope(name, 'FAILED');
  res = await postWebhook(failed, hmac(key, failed));
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json().outcome, 'applied');
  s = await sessionOf(vendor);
  assert.equal(s.state, res.json().state, 'the status shows what the webhook applied');
  assert.ok(['failed', 'expired'].includes(s.state), `the session ended (${s.state}/${s.reason})`);
  res = await postWebhook(failed, hmac(key, failed), 'central', { 'x-wpwa-test-token': testToken });
  assert.equal(res.status, 200);
  assert.equal(res.json().outcome, 'duplicate', 'a redelivery is acknowledged, not applied twice');
  // Served by a REST server holding only the session routes (the test site's
  // mu-plugin counts them), not WordPress's and WooCommerce's hundreds.
  const routes = Number(res.headers['x-wpwa-test-routes']);
  assert.ok(routes >= 1 && routes <= 20, `routes on the gateway webhook's server: ${res.headers['x-wpwa-test-routes']}`);
  assert.equal((await sessionOf(vendor)).state, s.state);
  await vendor.call('POST', '/session/disconnect');
});

test('isolation: vendor B gets 403 reading, connecting or disconnecting vendor A\'s session; one phone per vendor (screenshot)', async () => {
  const a = await newVendor('e');
  const b = await newVendor('f');
  let res = await a.call('POST', '/session/connect');
  assert.equal(res.status, 200, res.text);
  const name = res.json().session.gateway_session;
  await waitFor(async () => (await sessionOf(a)).state === 'waiting_for_scan', 'A waiting_for_scan');
  await sandbox('POST', `/sandbox/sessions/${name}/scan`, { phone: phone(77), pushName: 'A' });
  await waitFor(async () => (await sessionOf(a)).state === 'connected', 'A connected');

  for (const [method, route] of [['GET', `/session?vendor_id=${a.id}`], ['POST', `/session/connect?vendor_id=${a.id}`], ['POST', `/session/disconnect?vendor_id=${a.id}`]]) {
    res = await b.call(method, route);
    assert.equal(res.status, 403, `${method} ${route} as B: ${res.text.slice(0, 200)}`);
    assert.ok(!res.text.includes(phone(77)), 'nothing of A leaks');
  }
  // The same with vendor_id in a JSON body.
  res = await b.http.request('POST', `${REST}/session/disconnect`, { headers: { 'x-wp-nonce': b.nonce }, body: { vendor_id: a.id } });
  assert.equal(res.status, 403, 'vendor_id in the body → 403');
  // A status:read token cannot change sessions.
  const tok = (await b.call('POST', '/token')).json().token;
  res = await new Client(baseUrl).post(`${REST}/session/disconnect`, { headers: { authorization: `Bearer ${tok}` }, cookies: false });
  assert.equal(res.status, 403, 'a read-only token cannot disconnect');
  // No login at all.
  res = await new Client(baseUrl).get(`${REST}/session?vendor_id=${a.id}`, { cookies: false });
  assert.equal(res.status, 401);
  const sa = await sessionOf(a);
  assert.equal(sa.state, 'connected', 'A is still connected');
  assert.equal(sa.phone, phone(77));

  // An administrator may act for any vendor.
  const adm = await loggedIn(baseUrl, admin.login, admin.password);
  const an = await adm.restNonce();
  res = await adm.get(`${REST}/session?vendor_id=${a.id}`, { headers: { 'x-wp-nonce': an } });
  assert.equal(res.status, 200);
  assert.equal(res.json().session.phone, phone(77));

  // B links the same phone: refused with a clear message.
  res = await b.call('POST', '/session/connect');
  assert.equal(res.status, 200, res.text);
  const nameB = res.json().session.gateway_session;
  await waitFor(async () => (await sessionOf(b)).state === 'waiting_for_scan', 'B waiting_for_scan');
  await sandbox('POST', `/sandbox/sessions/${nameB}/scan`, { phone: phone(77), pushName: 'B' });
  const sb = await waitFor(async () => { const s = await sessionOf(b); return s.state === 'failed' ? s : null; }, 'B refused');
  assert.equal(sb.reason, 'phone_in_use');
  assert.equal((await sessionOf(a)).state, 'connected', 'A keeps the number');

  const tab = await openDashboard(b);
  try {
    const reason = tab.page.locator('[data-wpwa-field="reason"]');
    assert.ok(await reason.isVisible());
    assert.equal((await reason.innerText()).trim(), `This number (${phone(77)}) is already linked to another vendor; use a different number.`);
    assert.equal(await state(tab.page), 'failed');
    await shoot(tab.page, 'session-phone-in-use');
    assertClean(tab.problems, 'phone in use');
  } finally {
    await tab.context.close();
  }
  await a.call('POST', '/session/disconnect');
});

test('too many connect attempts: 429 with Retry-After and a message saying when', async () => {
  await setPolicy({ max_starts_per_hour: 2 });
  const v = await newVendor('g');
  try {
    for (let i = 0; i < 2; i++) {
      let res = await v.call('POST', '/session/connect');
      assert.equal(res.status, 200, `start ${i + 1}: ${res.text.slice(0, 200)}`);
      res = await v.call('POST', '/session/disconnect');
      assert.equal(res.status, 200);
    }
    const res = await v.call('POST', '/session/connect');
    assert.equal(res.status, 429, res.text);
    const retry = Number(res.headers['retry-after']);
    assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 3600, `Retry-After is seconds (${res.headers['retry-after']})`);
    const body = res.json();
    assert.equal(body.code, 'wpwa_rate_limited');
    assert.match(body.message, /Too many connection attempts\. You can try again in \d+ (minutes?|seconds?) \(at \d{1,2}:\d{2}/);
    assert.equal(body.data.retry_after, retry);

    // The panel says it too.
    const tab = await openDashboard(v);
    try {
      await tab.page.locator('[data-wpwa-action="connect"]').click();
      const error = tab.page.locator('[data-wpwa-field="error"]');
      await error.waitFor({ state: 'visible' });
      assert.match(await error.innerText(), /Too many connection attempts\. You can try again in/);
      assertClean(tab.problems, 'rate limited');
    } finally {
      await tab.context.close();
    }
  } finally {
    await setPolicy(DEFAULT_POLICY);
  }
});

test('admin: Vendors page lists sessions with a Disconnect row action; settings test the gateway and never print the key (screenshots)', async () => {
  const v = await newVendor('h');
  let res = await v.call('POST', '/session/connect');
  const name = res.json().session.gateway_session;
  await waitFor(async () => (await sessionOf(v)).state === 'waiting_for_scan', 'waiting');
  await sandbox('POST', `/sandbox/sessions/${name}/scan`, { phone: phone(88), pushName: 'H' });
  await waitFor(async () => (await sessionOf(v)).state === 'connected', 'connected');

  const tab = await openPage();
  const { page, problems } = tab;
  try {
    await logIn(tab.context, admin.login, admin.password);
    await page.goto(`${baseUrl}/wp-admin/admin.php?page=wpwa-vendors`);
    assert.equal(phpErrorsIn(await page.content()), null);
    assert.ok(await page.locator('table.wp-list-table tbody tr').count() >= 1, 'vendors listed');
    await page.fill('#wpwa-vendor-search-input', v.login);
    await Promise.all([page.waitForNavigation(), page.locator('#search-submit').click()]);
    const row = page.locator('tr', { hasText: v.login });
    await row.waitFor();
    assert.match(await row.innerText(), /Connected/);
    assert.ok((await row.innerText()).includes(phone(88)), 'phone shown');
    await shoot(page, 'admin-vendors');
    await row.hover();
    await Promise.all([page.waitForNavigation(), row.locator('a.wpwa-row-disconnect').click({ force: true })]);
    assert.match(await page.locator('.notice-success').innerText(), /was disconnected from WhatsApp/);
    assert.equal((await sessionOf(v)).state, 'disconnected');

    await page.goto(`${baseUrl}/wp-admin/admin.php?page=wpwa-settings`);
    await page.locator('#wpwa-test-gateway').click();
    const result = page.locator('#wpwa-test-gateway-result');
    await page.waitForFunction(() => /Connected to|Test failed/.test(document.getElementById('wpwa-test-gateway-result')?.textContent || ''));
    assert.match(await result.innerText(), /Connected to http:\/\/127\.0\.0\.1:\d+: API key accepted, \d+ sessions on the gateway, answered in \d+ ms\./);

    // Save the key through the form: sealed, masked, never printed back.
    await page.fill('#wpwa_gateway_api_key', SANDBOX_KEY);
    await Promise.all([page.waitForNavigation(), page.locator('form[action$="options.php"] [type=submit]').click()]);
    const html = await page.content();
    assert.ok(!html.includes(SANDBOX_KEY), 'the saved key is not in the page source');
    assert.equal(await page.inputValue('#wpwa_gateway_api_key'), '', 'the key field is blank');
    assert.match(await page.locator('#wpwa_gateway_api_key').getAttribute('placeholder'), /\S/, 'the mask is shown');
    await page.locator('#wpwa-test-gateway').click();
    await page.waitForFunction(() => /Connected to|Test failed/.test(document.getElementById('wpwa-test-gateway-result')?.textContent || ''));
    assert.match(await result.innerText(), /API key accepted/, 'the sealed key works');
    await shoot(page, 'admin-gateway-settings');

    // A wrong key: the test says so.
    await page.fill('#wpwa_gateway_api_key', 'wrong-key-123');
    await page.locator('#wpwa-test-gateway').click();
    await page.waitForFunction(() => /Test failed/.test(document.getElementById('wpwa-test-gateway-result')?.textContent || ''));
    assert.match(await result.innerText(), /refused the API key/);
    assertClean(problems, 'admin pages');
  } finally {
    await tab.context.close();
  }

  // Vendors cannot test gateways.
  res = await v.call('POST', '/gateway/test');
  assert.equal(res.status, 403);
});

test('model 2: a vendor without a gateway connection is told so; an admin defines and assigns one; the vendor connects through it', async () => {
  const v = await newVendor('m');
  const conn = `shop-${RUN}`;
  await setPolicy({ integration_model: 'per_vendor' });
  const tab = await openPage();
  const { page, problems } = tab;
  try {
    let res = await v.call('POST', '/session/connect');
    assert.equal(res.status, 409, res.text);
    assert.match(res.json().message, /No WhatsApp connection has been assigned to your store yet/);

    await logIn(tab.context, admin.login, admin.password);
    await page.goto(`${baseUrl}/wp-admin/admin.php?page=wpwa-settings`);
    await page.fill('#wpwa_conn_id', conn);
    await page.fill('#wpwa_conn_label', 'Shop gateway');
    await page.fill('#wpwa_conn_url', 'https://gateway.shop.example');
    await page.fill('#wpwa_conn_key', SANDBOX_KEY);
    await Promise.all([page.waitForNavigation(), page.locator('#wpwa-connections [type=submit][value="Save connection"]').click()]);
    assert.match(await page.locator('.notice-success').innerText(), /Connection saved/);
    const row = page.locator('#wpwa-connections tr', { hasText: conn });
    assert.ok(!(await row.innerText()).includes(SANDBOX_KEY), 'the key is shown masked only');
    assert.ok(!(await page.content()).includes(SANDBOX_KEY), 'the key is nowhere in the page source');
    await row.locator('.wpwa-test-connection').click();
    await page.waitForFunction((c) => /Connected to|Test failed/.test([...document.querySelectorAll('#wpwa-connections tr')].find((r) => r.textContent.includes(c))?.querySelector('.wpwa-test-result')?.textContent || ''), conn);
    assert.match(await row.locator('.wpwa-test-result').innerText(), /API key accepted/);

    await page.goto(`${baseUrl}/wp-admin/admin.php?page=wpwa-vendors&s=${encodeURIComponent(v.login)}`);
    const vrow = page.locator('tr', { hasText: v.login });
    assert.match(await vrow.innerText(), /Not assigned/);
    await page.selectOption(`#wpwa-assign-${v.id}`, conn);
    await Promise.all([page.waitForNavigation(), page.locator('input[type=submit][value="Save connection assignments"]').click()]);
    assert.match(await page.locator('.notice-success').innerText(), /Connection assignments saved/);
    assertClean(problems, 'model 2 admin');

    res = await v.call('POST', '/session/connect');
    assert.equal(res.status, 200, res.text);
    const name = res.json().session.gateway_session;
    const gw = await sandbox('GET', `/api/sessions/${name}`);
    assert.equal(gw.config.webhooks[0].url, `${baseUrl}/wp-json/wpwa/v1/webhooks/gateway/${conn}`, 'the gateway reports to the connection\'s webhook route');
    await waitFor(async () => (await sessionOf(v)).state === 'waiting_for_scan', 'waiting');
    await sandbox('POST', `/sandbox/sessions/${name}/scan`, { phone: phone(99), pushName: 'M' });
    // The webhook (signed with this connection's key) is what moves it: no status read in between.
    await waitFor(async () => {
      const log = await sandbox('GET', '/sandbox/webhooks');
      return (log.deliveries || []).some((d) => d.session === name && d.body?.payload?.status === 'WORKING' && d.response_status === 200);
    }, 'the WORKING webhook accepted with 200');
    assert.equal((await sessionOf(v)).phone, phone(99));
    res = await v.call('POST', '/session/disconnect');
    assert.equal(res.status, 200);
  } finally {
    await setPolicy({ integration_model: 'central' });
    await tab.context.close();
  }
});
