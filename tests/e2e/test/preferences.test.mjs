// Issue 5, the vendor's side of customer messages: the Preferences panel in
// Chromium (saved, and refused whole when a field is wrong), the automatic
// acknowledgement naming the vendor (once), the away message outside business
// hours, response metrics from replies on the vendor's linked phone
// (message.any through the sandbox gateway), and the shop menu for messages no
// rule places, whose pick routes to the vendor.
//
// Uses its own vendor; the messages settings are put back afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, pageUrl, chromium, artifactsDir } from '../lib/env.js';
import { phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, sandboxSent, logIn, newVendor } from '../lib/world.js';

const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const RUN = Date.now().toString(36).slice(-6);
const CUSTOMER_BASE = 1000000 + crypto.randomInt(8000000);
const customer = (n) => `1444${CUSTOMER_BASE + n}`;
const ACK = `Thanks! {vendor} has your message (${RUN}).`;

let browser;
let vendor;

/** Messages the sandbox sent to `to` whose JSON contains `needle`. */
async function sentTo(to, needle) {
  return (await sandboxSent()).filter((m) => JSON.stringify(m).includes(to) && JSON.stringify(m).includes(needle));
}

async function dashboardHtml() {
  const res = await vendor.client.get(pageUrl('dashboard'));
  assert.equal(res.status, 200);
  assert.equal(phpErrorsIn(res.text), null, 'no PHP errors in the dashboard');
  return res.text;
}

/** Submits the Preferences form over HTTP with the nonce the dashboard renders. */
async function savePreferences(fields) {
  const html = await dashboardHtml();
  const form = /<form class="wpwa-preferences"[\s\S]*?<\/form>/.exec(html);
  assert.ok(form, 'the dashboard has the Preferences form');
  const nonce = /name="_wpnonce" value="([^"]+)"/.exec(form[0]);
  assert.ok(nonce, 'the form carries a nonce');
  const res = await vendor.client.post('/wp-admin/admin-post.php', {
    form: { action: 'wpwa_save_preferences', _wpnonce: nonce[1], _wp_http_referer: new URL(pageUrl('dashboard')).pathname, ...fields },
  });
  assert.equal(res.status, 302, `the form redirects back: ${res.text.slice(0, 200)}`);
  return res.headers.location;
}

before(async () => {
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  const display = `Pref Shop ${RUN}`;
  vendor = { ...(await newVendor(`p5_${RUN}`, display)), display };
  await helper('/messages-settings', { auto_replies: 1, fallback: 'team' });
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK });
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    await helper('/messages-settings', { fallback: 'team' });
    if (SANDBOX) await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
  } finally {
    if (browser) await browser.close();
  }
});

test('the Preferences panel saves the acknowledgement, and a wrong form saves nothing', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1200 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => {
      if (!/\/wp-admin\/js\/user-profile(\.min)?\.js/.test(`${e.stack || ''}`)) errors.push(String(e));
    });
    await logIn(context, vendor.login, vendor.password);
    await page.goto(pageUrl('dashboard'));
    const panel = page.locator('.wpwa-panel--preferences');
    await panel.waitFor();
    assert.equal(await panel.locator('input[name="notify_email"]').isChecked(), true, 'e-mail is on by default');

    await panel.locator('input[name="acknowledge"]').check();
    await panel.locator('textarea[name="acknowledgement"]').fill(ACK);
    await Promise.all([page.waitForNavigation(), panel.locator('button[type="submit"]').click()]);
    await page.locator('.wpwa-panel--preferences .wpwa-notice--success').waitFor();
    assert.equal(await page.locator('.wpwa-panel--preferences textarea[name="acknowledgement"]').inputValue(), ACK);
    let file = path.join(artifactsDir, 'preferences-saved.png');
    await page.locator('.wpwa-panel--preferences').screenshot({ path: file });
    assert.ok(fs.statSync(file).size > 1000);
    console.log(`screenshot: ${file}`);

    // Business hours on with every day closed: refused, nothing saved.
    await page.locator('.wpwa-panel--preferences input[name="use_hours"]').check();
    for (const box of await page.locator('.wpwa-panel--preferences input[name$="[open_day]"]').all()) await box.uncheck();
    await page.locator('.wpwa-panel--preferences textarea[name="acknowledgement"]').fill('Should not be saved');
    await Promise.all([page.waitForNavigation(), page.locator('.wpwa-panel--preferences button[type="submit"]').click()]);
    const alert = page.locator('.wpwa-panel--preferences .wpwa-notice--error');
    await alert.waitFor();
    assert.match(await alert.innerText(), /open at least one day/);
    file = path.join(artifactsDir, 'preferences-refused.png');
    await page.locator('.wpwa-panel--preferences').screenshot({ path: file });
    console.log(`screenshot: ${file}`);
    await page.goto(pageUrl('dashboard'));
    assert.equal(await page.locator('.wpwa-panel--preferences textarea[name="acknowledgement"]').inputValue(), ACK, 'the refused form changed nothing');
    assert.equal(await page.locator('.wpwa-panel--preferences input[name="use_hours"]').isChecked(), false);
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('a forged or missing nonce and a non-vendor are refused', async () => {
  let res = await vendor.client.post('/wp-admin/admin-post.php', { form: { action: 'wpwa_save_preferences', _wpnonce: 'forged', acknowledge: '1', acknowledgement: 'x' } });
  assert.equal(res.status, 403, 'a forged nonce is refused');
  res = await vendor.client.post('/wp-admin/admin-post.php', { form: { action: 'wpwa_save_preferences', acknowledge: '1', acknowledgement: 'x' } });
  assert.equal(res.status, 403, 'a missing nonce is refused');
  const html = await dashboardHtml();
  assert.ok(html.includes(ACK.replace(/'/g, '&#039;')) || html.includes(ACK), 'the saved text is untouched');
});

test('a customer gets the acknowledgement naming the vendor, once', async () => {
  const from = customer(1);
  await sandbox('POST', '/sandbox/messages/inject', { text: `Hi #${vendor.code}, is the lamp in stock? ${RUN}`, from, name: `Ana ${RUN}` });
  const expected = `Thanks! ${vendor.display} has your message (${RUN}).`;
  const [ack] = await waitFor(async () => {
    const found = await sentTo(from, expected);
    return found.length ? found : null;
  }, 'the acknowledgement in the sandbox outbox');
  assert.equal(ack.to, from);

  await sandbox('POST', '/sandbox/messages/inject', { text: `And in blue? ${RUN}`, from, name: `Ana ${RUN}` });
  await waitFor(async () => (await dashboardHtml()).includes(`And in blue? ${RUN}`), 'the second message in the panel');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await sentTo(from, expected)).length, 1, 'no second automatic reply within 12 hours');
});

test('outside business hours the away message goes out instead', async () => {
  // Open only on a day three days from today (the test site's time zone is UTC).
  const today = (new Date().getUTCDay() + 6) % 7;
  const fields = {
    notify_email: '1', acknowledge: '1', acknowledgement: ACK, use_hours: '1', away: '1',
    away_message: `{vendor} is closed now (${RUN}); we answer on our next business day.`,
  };
  for (let d = 0; d < 7; d++) {
    fields[`hours[${d}][open]`] = '09:00';
    fields[`hours[${d}][close]`] = '17:00';
    if (d === (today + 3) % 7) fields[`hours[${d}][open_day]`] = '1';
  }
  const location = await savePreferences(fields);
  assert.match(location, /wpwa-preferences=saved/);

  const from = customer(2);
  await sandbox('POST', '/sandbox/messages/inject', { text: `#${vendor.code} hello? ${RUN}`, from, name: `Ben ${RUN}` });
  const away = `${vendor.display} is closed now (${RUN})`;
  await waitFor(async () => (await sentTo(from, away)).length === 1, 'the away message in the sandbox outbox');
  assert.equal((await sentTo(from, 'has your message')).length, 0, 'no acknowledgement while closed');
});

test('replies from the vendor\'s phone give the response rate in the Customer messages panel', async () => {
  const nonce = await vendor.client.restNonce();
  const call = (method, route) => vendor.client.request(method, `${baseUrl}/wp-json/wpwa/v1${route}`, { headers: { 'x-wp-nonce': nonce } });
  let res = await call('POST', '/session/connect');
  assert.equal(res.status, 200, `connect: ${res.text.slice(0, 300)}`);
  const name = await waitFor(async () => {
    const s = (await call('GET', '/session')).json().session;
    return s.state === 'waiting_for_scan' && s.gateway_session;
  }, 'a QR code to scan');
  await sandbox('POST', `/sandbox/sessions/${name}/scan`, { phone: `+1999${CUSTOMER_BASE}` });
  await waitFor(async () => (await call('GET', '/session')).json().session.state === 'connected', 'the session to connect');

  await sandbox('POST', `/sandbox/sessions/${name}/send`, { to: customer(1), text: `Yes, in stock! ${RUN}` });
  // Customer 1 answered within seconds; customer 2 still waiting (pending, not counted).
  const html = await waitFor(async () => {
    const text = await dashboardHtml();
    return /wpwa-metric--rate[\s\S]*?<dd>100%<\/dd>/.test(text) ? text : null;
  }, 'the response rate in the panel');
  assert.match(html, /wpwa-metric--time[\s\S]*?<dd>(under a minute|\d+ (sec|min)[^<]*)<\/dd>/);
  assert.match(html, /wpwa-metric--waiting[\s\S]*?<dd>1<\/dd>/);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await logIn(context, vendor.login, vendor.password);
    await page.goto(pageUrl('dashboard'));
    const metrics = page.locator('.wpwa-panel--messages .wpwa-metrics');
    await metrics.waitFor();
    assert.equal(await metrics.locator('.wpwa-metric--rate dd').innerText(), '100%');
    const file = path.join(artifactsDir, 'messages-metrics.png');
    await page.locator('.wpwa-panel--messages').screenshot({ path: file });
    console.log(`screenshot: ${file}`);
  } finally {
    await context.close();
  }
  res = await call('POST', '/session/disconnect');
  assert.equal(res.status, 200);
});

test('with the menu fallback, a customer who names no shop gets the list and their pick routes', async () => {
  await helper('/messages-settings', { fallback: 'menu' });
  const from = customer(3);
  await sandbox('POST', '/sandbox/messages/inject', { text: `Hello, anyone there? ${RUN}`, from, name: `Cleo ${RUN}` });
  const [menu] = await waitFor(async () => {
    const found = await sentTo(from, '"list"');
    return found.length ? found : null;
  }, 'the shop menu in the sandbox outbox');
  const rows = JSON.stringify(menu).match(/wpwa-vendor:\d+/g) || [];
  assert.ok(rows.length >= 1 && rows.length <= 10, `the list has 1 to 10 shops: ${JSON.stringify(menu).slice(0, 400)}`);
  assert.equal((await dashboardHtml()).includes(`anyone there? ${RUN}`), false, 'not routed before the pick');

  await sandbox('POST', '/sandbox/messages/inject', {
    from, name: `Cleo ${RUN}`,
    message: { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: `wpwa-vendor:${vendor.id}`, title: vendor.display } } },
  });
  await waitFor(async () => /wpwa-conversation[\s\S]*?Cleo /.test(await dashboardHtml()), 'the picked shop\'s panel to show the customer');
});
