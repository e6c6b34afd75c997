// The early ingest path of Cloud API webhooks (issue 16): the fast callback URL
// `wp-content/plugins/wpwa/ingest.php` loads WordPress with SHORTINIT only,
// verifies, checks and queues the delivery, and WordPress handles it in the
// background (the drain the entry point kicks). On the real site:
//  - the Settings page shows both callback URLs;
//  - Meta's handshake works at the fast URL with the same verify token;
//  - it refuses what the REST route refuses, with the same statuses and codes
//    (401 forged or missing signature, 400 malformed, 413 oversized), and a
//    drain cannot be started from outside (403 without the site's token);
//  - a message the sandbox delivers there lands in vendor A's panel in
//    Chromium (not vendor B's), once although Meta delivered it twice, and
//    A's automatic acknowledgement reaches the customer exactly once;
//  - Site Health shows the queue's state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, admin, pageUrl, chromium, artifactsDir } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, logIn, newVendor, messagesPanel, savePreferences, sandboxSent, cloudMessage, shoot } from '../lib/world.js';

const EARLY = `${baseUrl}/wp-content/plugins/wpwa/ingest.php`;
const DRAIN = `${baseUrl}/wp-json/wpwa/v1/webhooks/drain`;
const RUN = Date.now().toString(36).slice(-6);
const CUSTOMER_BASE = 1000000 + crypto.randomInt(8000000);
const customerNumber = (n) => `1556${CUSTOMER_BASE + n}`;
const ACK = `Thanks, {vendor} answers soon (${RUN}).`;
const sign = (body, secret = 'sandbox-app-secret') => `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
const wamid = (n) => `wamid.EARLY${RUN}${n}${crypto.randomBytes(6).toString('hex')}`;

const http = new Client(baseUrl);
let browser;
let adminClient;
let vendorA;
let vendorB;
let settingsBefore;

const post = (body, signature, url = EARLY) => http.post(url, {
  body,
  headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
  cookies: false,
});


before(async () => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  settingsBefore = await helper('/messages-settings', {});
  await helper('/messages-settings', { auto_replies: 1 });
  vendorA = await newVendor(`eiacme_${RUN}`, `Acme Early ${RUN}`);
  vendorB = await newVendor(`eibolt_${RUN}`, `Bolt Early ${RUN}`);
  const saved = await savePreferences(vendorA.client, { notify_email: '', acknowledge: '1', acknowledgement: ACK });
  assert.equal(saved.status, 200, saved.text.slice(0, 300));
  adminClient = await loggedIn(baseUrl, admin.login, admin.password);
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    await helper('/messages-settings', { auto_replies: settingsBefore.auto_replies ?? 0 });
    if (SANDBOX) await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
  } finally {
    if (browser) await browser.close();
  }
});

test('the Settings page shows the fast callback URL beside the REST route\'s', async () => {
  const res = await adminClient.get('/wp-admin/admin.php?page=wpwa-settings');
  assert.equal(res.status, 200);
  assert.equal(phpErrorsIn(res.text), null);
  const early = /id="wpwa_messages_early_callback_url" value="([^"]+)"/.exec(res.text);
  const rest = /id="wpwa_messages_callback_url" value="([^"]+)"/.exec(res.text);
  assert.ok(early && rest, 'both callback URLs are shown');
  assert.equal(early[1], EARLY);
  assert.match(rest[1], /\/wp-json\/wpwa\/v1\/webhooks\/cloud$/);
});

test('Meta\'s handshake works at the fast URL with the same verify token', async () => {
  const res = await adminClient.get('/wp-admin/admin.php?page=wpwa-settings');
  const token = /id="wpwa_messages_verify_token" value="([^"]+)"/.exec(res.text)[1];
  const challenge = String(crypto.randomInt(1e9));
  const ok = await http.get(`${EARLY}?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': challenge })}`, { cookies: false });
  assert.equal(ok.status, 200, ok.text.slice(0, 300));
  assert.equal(ok.text, challenge);
  assert.match(String(ok.headers['content-type']), /^text\/plain/);
  const wrong = await http.get(`${EARLY}?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': `${token}x`, 'hub.challenge': '424242' })}`, { cookies: false });
  assert.equal(wrong.status, 403);
  assert.ok(!wrong.text.includes('424242'));
});

test('it refuses what the REST route refuses, with the same statuses and codes, and stores nothing', async () => {
  const text = `#${vendorA.code} refused ${RUN}`;
  const body = cloudMessage({ wamid: wamid('f'), text, from: customerNumber(1), name: 'Fay Forged' }).body;
  for (const signature of [null, sign(body, 'not-the-app-secret'), 'sha256=00', sign(`${body} `)]) {
    const early = await post(body, signature);
    const rest = await post(body, signature, `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`);
    assert.equal(early.status, 401, `${signature}: ${early.text.slice(0, 200)}`);
    assert.equal(early.json().code, rest.json().code);
  }
  const malformed = body.slice(0, -7);
  const bad = await post(malformed, sign(malformed));
  assert.equal(bad.status, 400, bad.text.slice(0, 300));
  assert.equal(bad.json().code, 'wpwa_webhook_malformed');
  const huge = cloudMessage({ wamid: wamid('o'), text: `#${vendorA.code} ${'x'.repeat(300 * 1024)}`, from: customerNumber(1), name: 'Olga Oversize' }).body;
  const large = await post(huge, sign(huge));
  assert.equal(large.status, 413, large.text.slice(0, 300));
  assert.equal(large.json().code, 'wpwa_webhook_too_large');
  const put = await http.request('PUT', EARLY, { body, cookies: false });
  assert.equal(put.status, 405);

  // A drain cannot be started from outside.
  for (const headers of [{}, { 'x-wpwa-drain': 'guess' }]) {
    const drain = await http.post(DRAIN, { body: '', headers, cookies: false });
    assert.equal(drain.status, 403, drain.text.slice(0, 200));
  }

  // A good delivery afterwards is drained; the refused ones never show.
  const good = cloudMessage({ wamid: wamid('g'), text: `#${vendorA.code} after the refusals ${RUN}`, from: customerNumber(2), name: 'Gus Good' }).body;
  assert.equal((await post(good, sign(good))).status, 200);
  await waitFor(async () => (await messagesPanel(vendorA)).includes(`after the refusals ${RUN}`), 'the good delivery in vendor A\'s panel');
  const panel = await messagesPanel(vendorA);
  assert.ok(!panel.includes(`refused ${RUN}`) && !panel.includes('Olga Oversize'), 'nothing refused was stored');
});

test('a message delivered twice to the fast URL lands once in vendor A\'s panel, and the acknowledgement goes once', async () => {
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: EARLY });
  const from = customerNumber(3);
  const injected = await sandbox('POST', '/sandbox/messages/inject', { text: `Hi #${vendorA.code}, do you have the oak shelf? ${RUN}`, from, name: `Ines ${RUN}`, duplicate: true });
  assert.equal(injected.messages.length, 1);
  // Meta's retry of the same message with other bytes: stored once all the same.
  const retry = cloudMessage({ wamid: injected.messages[0].id, text: `Hi #${vendorA.code}, do you have the oak shelf? ${RUN}`, from, name: `Ines ${RUN} ` }).body;
  assert.equal((await post(retry, sign(retry))).status, 200);

  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const problems = [];
  try {
    await logIn(context, vendorA.login, vendorA.password);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(String(e)));
    const conversation = page.locator('.wpwa-panel--messages .wpwa-conversation', { hasText: `Ines ${RUN}` });
    await waitFor(async () => {
      await page.goto(pageUrl('dashboard'));
      return (await conversation.count()) === 1;
    }, 'the message in vendor A\'s panel');
    assert.equal(phpErrorsIn(await page.content()), null);
    assert.ok((await conversation.locator('.wpwa-conversation__text').innerText()).includes(`oak shelf? ${RUN}`));
    assert.match(await conversation.innerText(), /1 unread/, 'one message, though delivered three times');
    await conversation.scrollIntoViewIfNeeded();
    await shoot(page, 'early-ingest-panel');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
  assert.ok(!(await messagesPanel(vendorB)).includes(`oak shelf? ${RUN}`), 'vendor B does not see it');

  const acknowledgements = async () => (await sandboxSent()).filter((m) => m.to === from && JSON.stringify(m).includes(`answers soon (${RUN})`));
  await waitFor(async () => (await acknowledgements()).length > 0, 'the acknowledgement to the customer');
  // Whatever drains still run have finished by now; the acknowledgement went once.
  await new Promise((resolve) => { setTimeout(resolve, 3000); });
  assert.equal((await acknowledgements()).length, 1, 'one acknowledgement for one message');
});

test('Site Health shows the webhook queue', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
  try {
    await logIn(context, admin.login, admin.password);
    const page = await context.newPage();
    assert.equal((await page.goto(`${baseUrl}/wp-admin/site-health.php`)).status(), 200);
    const passed = page.locator('#health-check-issues-good');
    await page.locator('.site-health-view-passed').click();
    const item = passed.locator('.health-check-accordion-trigger', { hasText: 'WhatsApp webhooks are handled as they arrive' });
    await item.waitFor({ timeout: 30000 });
    await item.click();
    const panelId = await item.getAttribute('aria-controls');
    assert.match(await page.locator(`#${panelId}`).innerText(), /No webhook is waiting\.|webhooks? (is|are) waiting; the oldest for/);
    await shoot(page, 'early-ingest-site-health');
  } finally {
    await context.close();
  }
});
