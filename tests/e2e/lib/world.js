// What the end-to-end tests share beyond HTTP: the sandbox's control API, the
// token-guarded test helper routes, polling, and Chromium's launch flags.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { baseUrl, site, testToken, pageUrl, artifactsDir } from './env.js';
import { Client, loggedIn, phpErrorsIn } from './http.js';

export const SANDBOX = String(site.sandbox_url || '').replace(/\/+$/, '');
export const SANDBOX_KEY = 'sandbox-key';

/** Headless Chromium, offline except for loopback. */
export const BROWSER_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

const sandboxHttp = new Client(SANDBOX || 'http://127.0.0.1:1');
const helperHttp = new Client(baseUrl);

/**
 * Logs `user` into a browser context through wp-login.php's form handler. The
 * request runs on the context's own cookie jar, so every page of the context is
 * logged in afterwards. Tests of the login form itself fill it in a page instead;
 * everywhere else this keeps a page load's timing out of the set-up.
 */
export async function logIn(context, user, password) {
  const url = `${baseUrl}/wp-login.php`;
  await context.request.get(url); // sets wordpress_test_cookie, which the POST must carry
  const res = await context.request.post(url, {
    form: { log: user, pwd: password, 'wp-submit': 'Log In', testcookie: '1', redirect_to: `${baseUrl}/` },
    maxRedirects: 0,
  });
  assert.equal(res.status(), 302, `${user} logs in (wp-login.php answered ${res.status()})`);
  const cookies = await context.cookies(baseUrl);
  assert.ok(cookies.some((c) => c.name.startsWith('wordpress_logged_in_')), `${user} is logged in`);
}

/** Calls the sandbox's API (its control routes under /sandbox/ included); asserts success. */
export async function sandbox(method, p, body) {
  const res = await sandboxHttp.request(method, `${SANDBOX}${p}`, { body, headers: { 'x-api-key': SANDBOX_KEY }, cookies: false });
  assert.ok(res.status < 300, `sandbox ${method} ${p}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  return res.text ? res.json() : null;
}

/** Calls a token-guarded route of the test site's helper mu-plugins (wpwa-test/v1). */
export async function helper(p, body) {
  const res = await helperHttp.post(`${baseUrl}/wp-json/wpwa-test/v1${p}`, { body, headers: { 'x-wpwa-test-token': testToken }, cookies: false });
  assert.equal(res.status, 200, `test helper ${p}: ${res.text.slice(0, 300)}`);
  return res.json();
}

/**
 * A customer's text message as the WhatsApp Cloud API delivers it to the
 * webhook route, signed with the sandbox-mode app secret: { body, signature }
 * (the signature goes in X-Hub-Signature-256).
 */
export function cloudMessage({ wamid, from, name, text }, secret = 'sandbox-app-secret') {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{
      id: '100000000000009',
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550000000', phone_number_id: '100000000000002' },
          contacts: [{ profile: { name }, wa_id: from }],
          messages: [{ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
        },
      }],
    }],
  });
  return { body, signature: `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}` };
}

/** Polls `fn` until it returns something truthy; throws with the last value after `timeout` ms. */
export async function waitFor(fn, what, timeout = 30000, every = 300) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** The messages the sandbox's Cloud API accepted for sending, oldest first. */
export async function sandboxSent() {
  const outbox = await sandbox('GET', '/sandbox/messages/sent');
  return Array.isArray(outbox) ? outbox : (outbox.messages || []);
}

/**
 * A new vendor, logged in over HTTP (`client`), with the code customers type
 * (`#CODE`) read from their Customer messages panel.
 */
export async function newVendor(login, displayName) {
  const password = crypto.randomBytes(12).toString('hex');
  const { id } = await helper('/vendor', { login, password, display_name: displayName });
  const vendor = { id, login, password, client: await loggedIn(baseUrl, login, password) };
  const code = /<code>#([A-Z0-9]+)<\/code>/.exec(await messagesPanel(vendor));
  assert.ok(code, `the Customer messages panel shows ${login}'s code`);
  vendor.code = code[1];
  return vendor;
}

/** The vendor's Customer messages panel, as the server renders it. */
export async function messagesPanel(vendor) {
  const res = await vendor.client.get(pageUrl('dashboard'));
  assert.equal(res.status, 200);
  assert.equal(phpErrorsIn(res.text), null, 'no PHP errors in the dashboard');
  const m = /<section class="wpwa-panel wpwa-panel--messages"[\s\S]*?<\/section>/.exec(res.text);
  assert.ok(m, 'the dashboard has a Customer messages panel');
  return m[0];
}

/**
 * Saves a vendor's preferences the way the dashboard's script does: the
 * Preferences form of `url` gives the REST route and its nonce (sent as
 * X-WP-Nonce), `fields` go form-encoded. Returns the route's answer.
 */
export async function savePreferences(client, fields, url = pageUrl('dashboard')) {
  const res = await client.get(url);
  assert.equal(res.status, 200, `${url} answers`);
  assert.equal(phpErrorsIn(res.text), null, 'no PHP errors in the dashboard');
  const form = /<form class="wpwa-preferences"[^>]*action="([^"]+)"[\s\S]*?<\/form>/.exec(res.text);
  assert.ok(form, `${url} has the Preferences form`);
  const nonce = /name="_wpnonce" value="([^"]+)"/.exec(form[0]);
  assert.ok(nonce, 'the form carries the REST nonce');
  const action = form[1].replace(/&#0?38;|&amp;/g, '&');
  assert.match(action, /\/wpwa\/v1\/preferences$/, 'the form is sent to the REST route, not to wp-admin');
  return client.post(action, { form: fields, headers: { 'x-wp-nonce': nonce[1], accept: 'application/json' } });
}

/**
 * A new WCFM vendor (role wcfm_vendor and a store name, as WCFM keeps them;
 * store setup done, so WCFM's first-login wizard does not take over), with a
 * random password. The site must run WCFM.
 */
export async function newWcfmVendor(login, storeName) {
  const password = crypto.randomBytes(12).toString('hex');
  const { id } = await helper('/user', {
    login, password, role: 'wcfm_vendor', display_name: login,
    meta: { store_name: storeName, wcfmmp_store_name: storeName, _store_setup: 'yes' },
  });
  return { id, login, password, storeName };
}

/**
 * Opens the WhatsApp tab inside WCFM's vendor dashboard through WCFM's own
 * menu, as a vendor does; returns the dashboard's root inside WCFM's frame.
 */
export async function openWcfmWhatsAppTab(page) {
  const res = await page.goto(site.dashboard_url);
  assert.equal(res.status(), 200, `WCFM's dashboard ${site.dashboard_url}`);
  const entry = page.locator('#wcfm_menu .wcfm_menu_wcfm-whatsapp a.wcfm_menu_item');
  await entry.waitFor();
  await Promise.all([page.waitForURL((u) => u.href !== site.dashboard_url), entry.click()]);
  const root = page.locator('#wcfm-main-contentainer .wpwa-vendor-dashboard');
  await root.waitFor();
  // WCFM's page template itself draws deprecations on block themes (no header.php); none may be wpwa's.
  const html = await page.content();
  assert.doesNotMatch(html, /(?:Fatal error|Parse error|Warning|Notice|Deprecated)<\/b>:[^\n]*\/plugins\/wpwa\//, 'no PHP error of wpwa in the WhatsApp tab');
  assert.doesNotMatch(html, /There has been a critical error on this website/);
  return root;
}

/**
 * Saves a screenshot in the artifacts folder and checks it is a real image: a
 * page's whole length, or a locator's own box. Returns the file.
 */
export async function shoot(target, name) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await target.screenshot(target.page ? { path: file } : { path: file, fullPage: true });
  assert.ok(fs.statSync(file).size > 1000, `${file} is a real image`);
  console.log(`screenshot: ${file}`);
  return file;
}
