// Customer messages end to end (issue 5, first slice): the Cloud API webhook
// route (handshake, signature, size, malformed bodies, duplicates) on the real
// WordPress, and a customer message injected through the sandbox reaching
// vendor A's "Customer messages" panel in Chromium but not vendor B's.
//
// Uses its own vendors (created through the token-guarded test helper). The
// test site runs in sandbox mode, so the app secret is the sandbox's
// `sandbox-app-secret`; the verify token is read from the settings page as an
// administrator would. The sandbox configuration is put back afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, admin, pageUrl, chromium, artifactsDir, testToken } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, logIn, newVendor, messagesPanel as panelHtml, cloudMessage } from '../lib/world.js';

const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const APP_SECRET = 'sandbox-app-secret';
const RUN = Date.now().toString(36).slice(-6);
const CUSTOMER_BASE = 1000000 + crypto.randomInt(8000000);
const customerNumber = (n) => `1555${CUSTOMER_BASE + n}`;

const http = new Client(baseUrl);
let browser;
let vendorA;
let vendorB;
let verifyToken;

// ------------------------------------------------------------------ helpers --

const sign = (body, secret = APP_SECRET) => `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;

const webhookBody = ({ wamid, text, from, name = 'Test Customer' }) => cloudMessage({ wamid, text, from, name }).body;

const post = (body, signature) => http.post(HOOK, {
  body,
  headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
  cookies: false,
});

const wamid = (n) => `wamid.TEST${RUN}${n}${crypto.randomBytes(6).toString('hex')}`;

// -------------------------------------------------------------------- setup --

before(async () => {
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  vendorA = await newVendor(`m5acme_${RUN}`, `Acme${RUN}`);
  vendorB = await newVendor(`m5bolt_${RUN}`, `Bolt${RUN}`);
  assert.notEqual(vendorA.code, vendorB.code);

  const adminClient = await loggedIn(baseUrl, admin.login, admin.password);
  const res = await adminClient.get('/wp-admin/admin.php?page=wpwa-settings');
  assert.equal(res.status, 200);
  assert.equal(phpErrorsIn(res.text), null, 'no PHP errors on the settings page');
  assert.match(res.text, /Customer messages/);
  assert.ok(res.text.includes('/wp-json/wpwa/v1/webhooks/cloud'), 'the settings page shows the callback URL');
  const token = /id="wpwa_messages_verify_token" value="([^"]+)"/.exec(res.text);
  assert.ok(token, 'the settings page shows the verify token');
  verifyToken = token[1];
  assert.match(verifyToken, /^[A-Za-z0-9_-]{16,}$/);

  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    if (SANDBOX) await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
  } finally {
    if (browser) await browser.close();
  }
});

// ---------------------------------------------------------------- handshake --

test('handshake: the right verify token gets exactly the challenge as plain text', async () => {
  const challenge = String(crypto.randomInt(1e9));
  const q = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': challenge });
  const res = await http.get(`${HOOK}?${q}`, { cookies: false });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.equal(res.text, challenge);
  assert.match(String(res.headers['content-type']), /^text\/plain/);
});

test('handshake: a wrong token or mode gets 403 and no challenge', async () => {
  for (const [mode, token] of [['subscribe', `${verifyToken}x`], ['subscribe', ''], ['unsubscribe', verifyToken]]) {
    const q = new URLSearchParams({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': '424242' });
    const res = await http.get(`${HOOK}?${q}`, { cookies: false });
    assert.equal(res.status, 403, `${mode}/${token ? 'token' : 'none'}: ${res.text.slice(0, 200)}`);
    assert.ok(!res.text.includes('424242'));
  }
});

// ------------------------------------------------------------------- POSTs --

test('a forged or missing signature gets 401 and stores nothing', async () => {
  const text = `#${vendorA.code} forged ${RUN}`;
  const body = webhookBody({ wamid: wamid('f'), text, from: customerNumber(1) });
  for (const signature of [null, sign(body, 'not-the-app-secret'), 'sha256=00', sign(`${body} `)]) {
    const res = await post(body, signature);
    assert.equal(res.status, 401, `${signature}: ${res.text.slice(0, 200)}`);
  }
  assert.ok(!(await panelHtml(vendorA)).includes(`forged ${RUN}`), 'nothing stored for vendor A');
});

test('malformed JSON, correctly signed, gets 400 and stores nothing', async () => {
  const body = webhookBody({ wamid: wamid('m'), text: `#${vendorA.code} malformed ${RUN}`, from: customerNumber(2) }).slice(0, -7);
  const res = await post(body, sign(body));
  assert.equal(res.status, 400, res.text.slice(0, 300));
  assert.equal(res.json().code, 'wpwa_webhook_malformed');
  assert.ok(!(await panelHtml(vendorA)).includes(`malformed ${RUN}`), 'nothing stored for vendor A');
});

test('an oversized body gets 413', async () => {
  const body = webhookBody({ wamid: wamid('o'), text: `#${vendorA.code} ${'x'.repeat(300 * 1024)}`, from: customerNumber(3) });
  const res = await post(body, sign(body));
  assert.equal(res.status, 413, res.text.slice(0, 300));
});

test('a signed message is stored once: a duplicate webhook adds nothing', async () => {
  const text = `#${vendorA.code} first ${RUN}`;
  const body = webhookBody({ wamid: wamid('d'), text, from: customerNumber(4), name: 'Dana Dup' });
  for (let i = 0; i < 2; i++) {
    const res = await post(body, sign(body));
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.deepEqual(res.json(), { ok: true });
  }
  let html = await panelHtml(vendorA);
  assert.ok(html.includes(`first ${RUN}`), 'the message is in vendor A\'s panel');
  const item = (h) => /<li class="wpwa-conversation[^"]*"[^>]*>[\s\S]*?Dana Dup[\s\S]*?<\/li>/.exec(h)[0];
  assert.match(item(html), /1 unread/, 'one message after two deliveries');
  assert.ok(item(html).includes(`https://wa.me/${customerNumber(4)}`), 'reply link to the customer');

  // A different message id from the same customer counts: the counter is real.
  const next = webhookBody({ wamid: wamid('e'), text: `#${vendorA.code} second ${RUN}`, from: customerNumber(4), name: 'Dana Dup' });
  assert.equal((await post(next, sign(next))).status, 200);
  html = await panelHtml(vendorA);
  assert.match(item(html), /2 unread/);
  assert.ok(item(html).includes(`second ${RUN}`), 'the last message is shown');
  assert.ok(!(await panelHtml(vendorB)).includes('Dana Dup'), 'vendor B does not see it');
});

test('the webhook route is served by a REST server holding only its own route; other routes keep the full server', async () => {
  const withToken = { 'content-type': 'application/json', 'x-wpwa-test-token': testToken };
  const body = webhookBody({ wamid: wamid('l'), text: `#${vendorA.code} lean ${RUN}`, from: customerNumber(5) });
  const hook = await http.post(HOOK, { body, headers: { ...withToken, 'x-hub-signature-256': sign(body) }, cookies: false });
  assert.equal(hook.status, 200, hook.text.slice(0, 300));
  assert.deepEqual(hook.json(), { ok: true });
  const hookRoutes = Number(hook.headers['x-wpwa-test-routes']);
  // The index, the batch route, wpwa/v1's namespace index and the webhook route.
  assert.ok(hookRoutes >= 1 && hookRoutes <= 4, `routes on the webhook's server: ${hook.headers['x-wpwa-test-routes']}`);
  const forged = await http.post(HOOK, { body, headers: { ...withToken, 'x-hub-signature-256': sign(body, 'not-the-app-secret') }, cookies: false });
  assert.equal(forged.status, 401, 'the lean server refuses a forged signature as the full one does');

  const other = await http.get(`${baseUrl}/wp-json/wpwa/v1/status`, { headers: withToken, cookies: false });
  assert.equal(other.status, 401);
  const otherRoutes = Number(other.headers['x-wpwa-test-routes']);
  assert.ok(otherRoutes > 100, `WordPress's and WooCommerce's routes on any other route's server: ${other.headers['x-wpwa-test-routes']}`);
  assert.ok((await panelHtml(vendorA)).includes(`lean ${RUN}`), 'the message is in vendor A\'s panel');
});

test('customer-supplied name and text are escaped in the panel', async () => {
  const name = `<img src=x onerror=alert(1)>Eve${RUN}`;
  const body = webhookBody({ wamid: wamid('x'), text: `#${vendorA.code} <script>alert(2)</script> ${RUN}`, from: customerNumber(6), name });
  assert.equal((await post(body, sign(body))).status, 200);
  const html = await panelHtml(vendorA);
  assert.ok(html.includes(`&lt;img src=x onerror=alert(1)&gt;Eve${RUN}`), 'the name is shown escaped');
  assert.ok(html.includes('&lt;script&gt;alert(2)&lt;/script&gt;'), 'the text is shown escaped');
  assert.ok(!html.includes('<img src=x') && !html.includes('<script>alert(2)'), 'no markup from the customer');
});

// ----------------------------------------------------------------- browser --

test('a customer message through the sandbox reaches vendor A\'s panel, not vendor B\'s', async () => {
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK });
  const text = `Hello #${vendorA.code}, is the blue mug still available? ${RUN}`;
  const from = customerNumber(5);
  const injected = await sandbox('POST', '/sandbox/messages/inject', { text, from, name: `Carla ${RUN}` });
  assert.equal(injected.messages.length, 1);

  await waitFor(async () => (await panelHtml(vendorA)).includes(`blue mug still available? ${RUN}`), 'the message in vendor A\'s panel');
  const log = await sandbox('GET', '/sandbox/cloud/webhooks');
  const ours = (log.deliveries || []).filter((d) => JSON.stringify(d).includes(injected.messages[0].id));
  assert.ok(ours.length >= 1, `the sandbox delivered the webhook (log: ${JSON.stringify(log).slice(0, 400)})`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => {
      if (!/\/wp-admin\/js\/user-profile(\.min)?\.js/.test(`${e.stack || ''}`)) errors.push(String(e));
    });
    const login = async (vendor) => {
      await context.clearCookies();
      await logIn(context, vendor.login, vendor.password);
      const res = await page.goto(pageUrl('dashboard'));
      assert.equal(res.status(), 200);
      await page.waitForSelector('.wpwa-panel--messages');
    };

    await login(vendorA);
    const panel = page.locator('.wpwa-panel--messages');
    const convo = panel.locator('.wpwa-conversation', { hasText: `Carla ${RUN}` });
    await convo.waitFor();
    assert.ok((await convo.locator('.wpwa-conversation__text').innerText()).includes(`blue mug still available? ${RUN}`));
    assert.equal(await convo.locator('.wpwa-conversation__number').innerText(), `+${from}`);
    assert.equal(await convo.locator('a.wpwa-conversation__reply').getAttribute('href'), `https://wa.me/${from}`);
    assert.match(await convo.locator('.wpwa-conversation__time').innerText(), /ago/);
    await convo.scrollIntoViewIfNeeded();
    const file = path.join(artifactsDir, 'messages-vendor-a.png');
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(fs.statSync(file).size > 1000, `${file} is a real image`);
    console.log(`screenshot: ${file}`);

    await login(vendorB);
    assert.equal(await page.locator('.wpwa-panel--messages .wpwa-conversation', { hasText: `Carla ${RUN}` }).count(), 0, 'vendor B does not see it');
    assert.ok(!(await page.locator('.wpwa-panel--messages').innerText()).includes(`blue mug still available? ${RUN}`));
    await page.screenshot({ path: path.join(artifactsDir, 'messages-vendor-b.png'), fullPage: true });
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('an answer the vendor sends from their WhatsApp Business app (an echo) shows in their panel as such, once, and not in the other vendor\'s', async () => {
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK });
  const from = customerNumber(6);
  await sandbox('POST', '/sandbox/messages/inject', { text: `#${vendorA.code} do you ship to Lyon? ${RUN}`, from, name: `Elif ${RUN}` });
  await waitFor(async () => (await panelHtml(vendorA)).includes(`ship to Lyon? ${RUN}`), 'the question in vendor A\'s panel');
  // Delivered twice, as Meta may: one answer.
  const echoed = await sandbox('POST', '/sandbox/messages/inject', { echo: true, to: from, text: `Yes, in 3 days ${RUN}`, duplicate: true });
  assert.equal(echoed.messages.length, 1);
  await waitFor(async () => (await panelHtml(vendorA)).includes(`Yes, in 3 days ${RUN}`), 'the app\'s answer in vendor A\'s panel');

  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  try {
    const page = await context.newPage();
    await logIn(context, vendorA.login, vendorA.password);
    assert.equal((await page.goto(pageUrl('dashboard'))).status(), 200);
    const convo = page.locator('.wpwa-panel--messages .wpwa-conversation', { hasText: `Elif ${RUN}` });
    await convo.waitFor();
    const reply = convo.locator('.wpwa-conversation__app-reply');
    assert.equal(await reply.count(), 1, 'one answer shown, though delivered twice');
    assert.match(await reply.innerText(), new RegExp(`^You answered from your WhatsApp app:\\s+Yes, in 3 days ${RUN}`));
    assert.ok((await convo.locator('.wpwa-conversation__text').innerText()).includes(`ship to Lyon? ${RUN}`), 'the customer\'s question stays shown');
    await convo.scrollIntoViewIfNeeded();
    const file = path.join(artifactsDir, 'messages-app-echo.png');
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(fs.statSync(file).size > 1000, `${file} is a real image`);
    console.log(`screenshot: ${file}`);
  } finally {
    await context.close();
  }
  assert.ok(!(await panelHtml(vendorB)).includes(`Yes, in 3 days ${RUN}`), 'vendor B does not see vendor A\'s answer');
});
