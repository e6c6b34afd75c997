// Issue 5, the vendor's side of customer messages: the Preferences panel in
// Chromium (saved through the REST route wpwa/v1/preferences, never through
// wp-admin, which marketplaces close to vendors; the outcome shown in the
// panel; refused whole when a field is wrong, each problem next to its field;
// the same without JavaScript), the automatic
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
import { baseUrl, pageUrl, chromium, artifactsDir, site, customer as siteCustomer } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn } from '../lib/http.js';
import {
  SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, sandboxSent, logIn, newVendor, savePreferences, newWcfmVendor, openWcfmWhatsAppTab,
} from '../lib/world.js';

const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const PREFERENCES = `${baseUrl}/wp-json/wpwa/v1/preferences`;
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

/** Records every POST a page sends, and every uncaught page error. */
function watch(page) {
  const seen = { posts: [], bodies: [], errors: [] };
  page.on('request', (r) => {
    if (r.method() === 'POST') {
      seen.posts.push(r.url());
      seen.bodies.push({ url: r.url(), body: r.postData() || '' });
    }
  });
  page.on('pageerror', (e) => {
    if (!/\/wp-admin\/js\/user-profile(\.min)?\.js/.test(`${e.stack || ''}`)) seen.errors.push(String(e));
  });
  return seen;
}

/** The form went to the REST route, and nothing of it to wp-admin (the marketplace's own pages may post there). */
function assertThroughRest(seen) {
  assert.ok(seen.posts.some((u) => /\/wp-json\/wpwa\/v1\/preferences$/.test(u)), `the form went to the REST route: ${seen.posts.join(', ')}`);
  const leaked = seen.bodies.filter((r) => r.url.includes('/wp-admin/') && (/admin-post\.php/.test(r.url) || /acknowledgement|notify_email|wpwa/.test(r.body)));
  assert.deepEqual(leaked, [], 'nothing of the form was posted to wp-admin');
}

test('the Preferences panel saves through the REST route and says so in place; a wrong form saves nothing and points at the field', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1200 } });
  try {
    const page = await context.newPage();
    const seen = watch(page);
    await logIn(context, vendor.login, vendor.password);
    await page.goto(pageUrl('dashboard'));
    const panel = page.locator('.wpwa-panel--preferences');
    await panel.waitFor();
    assert.equal(await panel.locator('input[name="notify_email"]').isChecked(), true, 'e-mail is on by default');

    await panel.locator('input[name="acknowledge"]').check();
    await panel.locator('textarea[name="acknowledgement"]').fill(ACK);
    await panel.locator('button[type="submit"]').click();
    const saved = panel.locator('.wpwa-notice--success');
    await saved.waitFor();
    assert.equal(await saved.innerText(), 'Your preferences were saved.');
    assert.equal(page.url(), pageUrl('dashboard'), 'no page load: the script sent the form');
    assertThroughRest(seen);
    let file = path.join(artifactsDir, 'preferences-saved.png');
    await panel.screenshot({ path: file });
    assert.ok(fs.statSync(file).size > 1000);
    console.log(`screenshot: ${file}`);

    await page.reload();
    assert.equal(await panel.locator('textarea[name="acknowledgement"]').inputValue(), ACK, 'saved: the reloaded page shows it');
    assert.equal(await panel.locator('input[name="acknowledge"]').isChecked(), true);
    assert.equal(await panel.locator('.wpwa-notice').count(), 0, 'a reload shows no stale notice');

    // Business hours on with every day closed: refused, nothing saved.
    await panel.locator('input[name="use_hours"]').check();
    for (const box of await panel.locator('input[name$="[open_day]"]').all()) await box.uncheck();
    await panel.locator('textarea[name="acknowledgement"]').fill('Should not be saved');
    await panel.locator('button[type="submit"]').click();
    const alert = panel.locator('.wpwa-notice--error');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Nothing was saved[\s\S]*open at least one day/);
    const hoursProblem = panel.locator('[data-wpwa-errors-for="hours"]');
    assert.equal(await hoursProblem.isVisible(), true, 'the problem is shown under the hours');
    assert.match(await hoursProblem.innerText(), /open at least one day/);

    // A day open with the same opening and closing time: that day's row and times are marked.
    await panel.locator('input[name="hours[0][open_day]"]').check();
    await panel.locator('input[name="hours[0][open]"]').fill('10:00');
    await panel.locator('input[name="hours[0][close]"]').fill('10:00');
    await panel.locator('button[type="submit"]').click();
    await waitFor(async () => /Monday/.test(await hoursProblem.innerText()), 'the Monday problem under the hours');
    assert.doesNotMatch(await hoursProblem.innerText(), /open at least one day/, 'the previous problems are gone');
    assert.equal(await panel.locator('tr[data-wpwa-day="0"]').getAttribute('class'), 'wpwa-hours__day--invalid');
    assert.equal(await panel.locator('input[name="hours[0][open]"]').getAttribute('aria-invalid'), 'true');
    assert.equal(await panel.locator('input[name="hours[1][open]"]').getAttribute('aria-invalid'), null);
    file = path.join(artifactsDir, 'preferences-refused.png');
    await panel.screenshot({ path: file });
    console.log(`screenshot: ${file}`);
    assertThroughRest(seen);

    await page.reload();
    assert.equal(await panel.locator('textarea[name="acknowledgement"]').inputValue(), ACK, 'the refused forms changed nothing');
    assert.equal(await panel.locator('input[name="use_hours"]').isChecked(), false);
    assert.deepEqual(seen.errors, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('without JavaScript the form is posted to the same REST route, which brings the vendor back with the outcome', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1200 }, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const seen = watch(page);
    await logIn(context, vendor.login, vendor.password);
    await page.goto(pageUrl('dashboard'));
    const panel = page.locator('.wpwa-panel--preferences');
    const away = `{vendor} is away (${RUN}, no script).`;
    await panel.locator('textarea[name="away_message"]').fill(away);
    await Promise.all([page.waitForURL(/wpwa-preferences=saved/), panel.locator('button[type="submit"]').click()]);
    assert.equal(new URL(page.url()).pathname, new URL(pageUrl('dashboard')).pathname, 'back on the dashboard');
    assert.equal(await panel.locator('.wpwa-notice--success').innerText(), 'Your preferences were saved.');
    assert.equal(await panel.locator('textarea[name="away_message"]').inputValue(), away);
    assert.equal(await panel.locator('textarea[name="acknowledgement"]').inputValue(), ACK, 'the other fields kept their values');
    assertThroughRest(seen);

    // The automatic reply turned on with no text: refused, the field marked, what was typed kept.
    await panel.locator('textarea[name="acknowledgement"]').fill('');
    await Promise.all([page.waitForURL(/wpwa-preferences=error/), panel.locator('button[type="submit"]').click()]);
    assert.match(await panel.locator('.wpwa-notice--error').innerText(), /Write the text of the automatic reply/);
    assert.match(await panel.locator('[data-wpwa-errors-for="acknowledgement"]').innerText(), /Write the text of the automatic reply/);
    assert.equal(await panel.locator('textarea[name="acknowledgement"]').getAttribute('aria-invalid'), 'true');
    await page.goto(pageUrl('dashboard'));
    assert.equal(await panel.locator('textarea[name="acknowledgement"]').inputValue(), ACK, 'nothing was saved');
    assert.equal(await panel.locator('.wpwa-notice').count(), 0, 'the outcome is shown once');
    assert.deepEqual(seen.errors, [], 'no page errors');
  } finally {
    await context.close();
  }
});

// WCFM is the test site's default marketplace (WPWA_MARKETPLACE picks another).
const NOT_WCFM = site.marketplace === 'wcfm' ? false : `the site runs ${site.marketplace}, not WCFM`;
test('a vendor whom WCFM keeps out of wp-admin saves preferences inside WCFM\'s dashboard (reloaded and checked)', { skip: NOT_WCFM }, async () => {
  const wcfmVendor = await newWcfmVendor(`p5w_${RUN}`, `Pref WCFM ${RUN}`);
  // The site is as after WCFM's setup wizard with its defaults: "Backend Access" off for vendors.
  const context = await browser.newContext({ viewport: { width: 1366, height: 1100 } });
  try {
    const http = await loggedIn(baseUrl, wcfmVendor.login, wcfmVendor.password);
    const dashboard = site.dashboard_url.replace(/\/+$/, '');
    let res = await http.get('/wp-admin/');
    assert.equal(res.status, 302, 'WCFM sends the vendor away from wp-admin');
    assert.ok(String(res.headers.location).startsWith(dashboard), `to WCFM's dashboard: ${res.headers.location}`);
    res = await http.post('/wp-admin/admin-post.php', { form: { action: 'wpwa_anything' } });
    assert.equal(res.status, 302, 'admin-post.php too, before any handler could run');
    assert.ok(String(res.headers.location).startsWith(dashboard), `to WCFM's dashboard: ${res.headers.location}`);

    const page = await context.newPage();
    const seen = watch(page);
    await logIn(context, wcfmVendor.login, wcfmVendor.password);
    const root = await openWcfmWhatsAppTab(page);
    const tab = page.url();
    const panel = root.locator('.wpwa-panel--preferences');
    const text = `{vendor} answers from WCFM (${RUN}).`;
    assert.equal(await panel.locator('input[name="notify_email"]').isChecked(), true, 'e-mail is on by default');
    await panel.locator('input[name="notify_email"]').uncheck();
    await panel.locator('input[name="acknowledge"]').check();
    await panel.locator('textarea[name="acknowledgement"]').fill(text);
    await panel.locator('input[name="use_hours"]').check();
    await panel.locator('input[name="hours[6][open_day]"]').uncheck();
    await panel.locator('button[type="submit"]').click();
    await panel.locator('.wpwa-notice--success').waitFor();
    assert.equal(page.url(), tab, 'still in WCFM\'s WhatsApp tab');
    assertThroughRest(seen);

    await page.reload();
    await panel.waitFor();
    assert.equal(await panel.locator('input[name="notify_email"]').isChecked(), false, 'e-mail off, as saved');
    assert.equal(await panel.locator('input[name="acknowledge"]').isChecked(), true);
    assert.equal(await panel.locator('textarea[name="acknowledgement"]').inputValue(), text);
    assert.equal(await panel.locator('input[name="use_hours"]').isChecked(), true);
    assert.equal(await panel.locator('input[name="hours[6][open_day]"]').isChecked(), false, 'closed on Sunday');
    assert.equal(await panel.locator('input[name="hours[5][open_day]"]').isChecked(), true);
    assert.equal(await page.locator('#wcfm_menu').isVisible(), true, 'WCFM\'s own menu is there');
    const file = path.join(artifactsDir, 'wcfm-preferences-saved.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
    assert.deepEqual(seen.errors, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('the REST route: own preferences only, a forged or missing nonce, a token and a non-vendor are refused', async () => {
  const nonce = await vendor.client.restNonce();
  let res = await vendor.client.get(PREFERENCES, { headers: { 'x-wp-nonce': nonce } });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.equal(res.json().preferences.acknowledgement, ACK, 'GET gives the caller\'s own preferences');
  assert.equal(res.json().preferences.acknowledge, true);

  const change = { acknowledge: '1', acknowledgement: 'x' };
  res = await vendor.client.post(PREFERENCES, { form: change, headers: { 'x-wp-nonce': 'forged' } });
  assert.equal(res.status, 403, 'a forged nonce is refused');
  assert.equal(res.json().code, 'rest_cookie_invalid_nonce');
  res = await vendor.client.post(PREFERENCES, { form: change });
  assert.equal(res.status, 401, 'without the nonce the cookie does not count');

  const token = await vendor.client.post(`${baseUrl}/wp-json/wpwa/v1/token`, { headers: { 'x-wp-nonce': nonce } });
  assert.equal(token.status, 200, token.text.slice(0, 300));
  res = await new Client(baseUrl).post(PREFERENCES, { form: change, headers: { authorization: `Bearer ${token.json().token}` } });
  assert.equal(res.status, 401, 'an access token cannot change preferences');
  assert.equal(res.json().code, 'wpwa_bearer_not_accepted');

  const shopper = await loggedIn(baseUrl, siteCustomer.login, siteCustomer.password);
  res = await shopper.post(PREFERENCES, { form: change, headers: { 'x-wp-nonce': await shopper.restNonce() } });
  assert.equal(res.status, 403, 'a customer is not a vendor');
  assert.equal(res.json().code, 'wpwa_not_a_vendor');

  // A JSON body works as the form does; a wrong field is refused whole, with codes.
  res = await vendor.client.post(PREFERENCES, { body: { acknowledge: true, acknowledgement: ACK, use_hours: true, hours: [] }, headers: { 'x-wp-nonce': nonce } });
  assert.equal(res.status, 400);
  assert.equal(res.json().code, 'wpwa_preferences_invalid');
  assert.deepEqual(res.json().data.errors.map((e) => [e.code, e.field]), [['no_open_day', 'hours']]);
  res = await vendor.client.get(PREFERENCES, { headers: { 'x-wp-nonce': nonce } });
  assert.equal(res.json().preferences.use_hours, false, 'nothing was saved');
  assert.equal(res.json().preferences.acknowledgement, ACK, 'the saved text is untouched');
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
  const saved = await savePreferences(vendor.client, fields);
  assert.equal(saved.status, 200, saved.text.slice(0, 300));
  assert.equal(saved.json().saved, true);

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
    const metrics = page.locator('.wpwa-panel--messages .wpwa-metrics--response');
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
