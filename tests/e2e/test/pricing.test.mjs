// Cost, not only a count (issue 15): the administrator enters a rate card and a
// monthly cost cap on the settings page; a vendor's month of sends across
// pricing categories (a free reply inside the window, utility templates to
// customers outside it) shows on the Vendors page and in the vendor's dashboard
// with the expected counts and estimated cost per category, once the sandbox's
// status webhooks (per-message pricing: billable, PMP, category, type) have
// reclassified each send; and the cost cap refuses the next billable send with
// the words a vendor reads, while a free reply still goes.
//
// Sends go through the test helper's /message-send route, which sends the way
// order updates do (the vendor's messages connection and MessagesConfig::limits()).
// Prices: marketing 0.03, utility 0.02, service 0 EUR; cap 0.05 EUR. A template is
// counted at its stored category's price when it is sent (utility, 0.02, once the
// account's templates were listed by an earlier suite; else marketing, 0.03, the
// dearest) until its status says utility; each send waits for the statuses of the
// one before:
//   T1: 0.00 + 0.02|0.03 <= 0.05 → sent; status → utility, month 0.02
//   T2: 0.02 + 0.02|0.03 <= 0.05 → sent (at most exactly the cap); status → 0.04
//   T3: 0.04 + 0.02|0.03 >  0.05 → refused, wpwa_cost_cap_reached
// The settings and the sandbox's webhook URL are put back afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, admin, pageUrl, chromium, artifactsDir } from '../lib/env.js';
import { Client, phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, logIn, newVendor, messagesPanel, cloudMessage, shoot } from '../lib/world.js';

const ADMIN = `${baseUrl}/wp-admin`;
const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const RUN = Date.now().toString(36).slice(-6);
const CUSTOMER_BASE = 1000000 + crypto.randomInt(8000000);
const customerNumber = (n) => `1556${CUSTOMER_BASE + n}`;
const PRICE_KEYS = ['price_marketing', 'price_marketing_lite', 'price_utility', 'price_authentication', 'price_authentication_international', 'price_service', 'price_referral_conversion'];

const http = new Client(baseUrl);
let browser;
let vendor;
let settingsBefore;

/** The sandbox account's utility template, with its one body parameter. */
const template = () => ({
  type: 'template',
  name: 'order_update',
  language: 'en_US',
  components: [{ type: 'body', parameters: [{ type: 'text', text: `#${RUN}` }] }],
});

/** Sends for the vendor through the helper: `{ sent }` or `{ error: { code, message, data } }`. */
const send = (to, message) => helper('/message-send', { vendor_id: vendor.id, to, message });

/** The first day of next month (UTC), as WordPress's default date format writes it in English. */
const nextMonth = () => {
  const now = new Date();
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return first.toLocaleDateString('en-US', { timeZone: 'UTC', month: 'long', day: 'numeric', year: 'numeric' });
};

/** Waits until the vendor's dashboard shows `line` among this month's categories. */
const categoryShown = (line) => waitFor(async () => (await messagesPanel(vendor)).includes(line), `"${line}" in the vendor's month`);

async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const problems = [];
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    const text = `${e} ${e.stack || ''}`;
    if (!/\/wp-admin\/js\/user-profile(\.min)?\.js/.test(text)) problems.push(text.slice(0, 600));
  });
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  return { context, page, problems };
}

async function gotoOk(page, url) {
  const res = await page.goto(url);
  assert.equal(res.status(), 200, `GET ${url}`);
  assert.equal(phpErrorsIn(await page.content()), null, `no PHP errors on ${url}`);
}


before(async () => {
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  settingsBefore = await helper('/messages-settings', {});
  // Automatic replies off: the month holds exactly the sends below.
  await helper('/messages-settings', { auto_replies: 0 });
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK });
  vendor = await newVendor(`p15cost_${RUN}`, `Costa${RUN}`);
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    if (SANDBOX) await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
    const back = { auto_replies: settingsBefore?.auto_replies ?? 0, cost_cap: settingsBefore?.cost_cap ?? 0, rate_currency: settingsBefore?.rate_currency ?? 'USD' };
    for (const key of PRICE_KEYS) back[key] = settingsBefore?.[key] ?? 0;
    await helper('/messages-settings', back);
  } finally {
    if (browser) await browser.close();
  }
});

test('the administrator enters the rate card and the cost cap; bad amounts are refused in words', async () => {
  const { context, page, problems } = await openPage();
  try {
    await logIn(context, admin.login, admin.password);
    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-settings`);
    // Bounds come from the extension (HTML attributes), not from PHP literals.
    assert.equal(await page.getAttribute('#wpwa_messages_price_marketing', 'step'), '0.000001');
    assert.equal(await page.getAttribute('#wpwa_messages_price_marketing', 'min'), '0');
    assert.equal(await page.getAttribute('#wpwa_messages_rate_card', 'pattern'), '[A-Z]{3}');

    await page.fill('#wpwa_messages_rate_card', 'EUR');
    for (const key of PRICE_KEYS) await page.fill(`#wpwa_messages_${key}`, '0');
    await page.fill('#wpwa_messages_price_marketing', '0.03');
    await page.fill('#wpwa_messages_price_utility', '0.02');
    await page.fill('#wpwa_messages_cost_cap', '0.05');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="options.php"] #submit')]);
    assert.equal(await page.inputValue('#wpwa_messages_rate_card'), 'EUR');
    assert.equal(await page.inputValue('#wpwa_messages_price_marketing'), '0.03');
    assert.equal(await page.inputValue('#wpwa_messages_price_utility'), '0.02');
    assert.equal(await page.inputValue('#wpwa_messages_cost_cap'), '0.05');
    const saved = await helper('/messages-settings', {});
    assert.equal(saved.price_marketing, 30000, 'stored in micro-units');
    assert.equal(saved.cost_cap, 50000);
    await shoot(page, 'pricing-settings');

    // Seven decimals are refused (the browser's own check is bypassed on purpose).
    await page.evaluate(() => document.querySelector('form[action$="options.php"]').setAttribute('novalidate', ''));
    await page.fill('#wpwa_messages_price_utility', '0.0000001');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="options.php"] #submit')]);
    assert.match(await page.locator('.settings-error', { hasText: 'Utility message' }).first().innerText(), /price of a Utility message must be an amount from 0 to [\d,]+ with at most six decimals; the previous value was kept/);
    assert.equal(await page.inputValue('#wpwa_messages_price_utility'), '0.02', 'the previous price was kept');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('a month of sends across categories: counts and cost per category; the cost cap refuses the next send in words', async () => {
  // Customer A writes to the vendor: a free-form reply inside the window is a free service message.
  const a = customerNumber(1);
  const wrote = cloudMessage({ wamid: `wamid.P15${RUN}${crypto.randomBytes(6).toString('hex')}`, from: a, name: `Ana ${RUN}`, text: `#${vendor.code} do you ship to Lisbon? ${RUN}` });
  const res = await http.post(HOOK, { body: wrote.body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': wrote.signature }, cookies: false });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  const repliedAt = Date.now();
  const reply = await send(a, { type: 'text', body: `Yes, we do. ${RUN}` });
  assert.ok(reply.sent, JSON.stringify(reply));
  assert.equal(reply.sent.budget_left_micros, 50000, 'a free reply leaves the budget whole');
  await categoryShown('Service (replies): 1 message, 0.00 EUR');

  // Utility templates to customers who never wrote: billable.
  const t1 = await send(customerNumber(2), template());
  assert.ok(t1.sent, JSON.stringify(t1));
  assert.ok([20000, 30000].includes(t1.sent.budget_left_micros), `counted at 0.02 or 0.03 until its status says: ${JSON.stringify(t1.sent)}`);
  await categoryShown('Utility: 1 message, 0.02 EUR');
  const t2 = await send(customerNumber(3), template());
  assert.ok(t2.sent, `exactly at the cap: ${JSON.stringify(t2)}`);
  assert.ok([0, 10000].includes(t2.sent.budget_left_micros), JSON.stringify(t2.sent));
  await categoryShown('Utility: 2 messages, 0.04 EUR');

  // The next one would pass the cap.
  const t3 = await send(customerNumber(4), template());
  assert.ok(t3.error, JSON.stringify(t3));
  assert.equal(t3.error.code, 'wpwa_cost_cap_reached');
  assert.equal(t3.error.message, `This month's WhatsApp budget of 0.05 EUR is used up; messages can be sent again on ${nextMonth()}.`);
  assert.equal(t3.error.data.status, 429);
  assert.ok(t3.error.data.retry_after > 0 && t3.error.data.retry_after <= 31 * 86400, JSON.stringify(t3.error.data));
  // A free reply still goes (once the per-customer pacing of 6 s, plus one, has passed).
  await new Promise((r) => setTimeout(r, Math.max(0, repliedAt + 8000 - Date.now())));
  const again = await send(a, { type: 'text', body: `Anything else? ${RUN}` });
  assert.ok(again.sent, JSON.stringify(again));
  await categoryShown('Service (replies): 2 messages, 0.00 EUR');

  const { context, page, problems } = await openPage();
  try {
    // The Vendors page: this month's messages and cost per category, against the cap.
    await logIn(context, admin.login, admin.password);
    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-vendors&s=${encodeURIComponent(`Costa${RUN}`)}`);
    const headers = await page.locator('table.wp-list-table thead th').allInnerTexts();
    assert.ok(headers.includes('Estimated cost this month'), headers.join(' | '));
    const row = page.locator('table.wp-list-table tbody tr').first();
    assert.equal(await row.locator('td.column-messages').innerText(), '4 / 1000');
    const cost = row.locator('td.column-cost');
    assert.equal(await cost.locator('.wpwa-cost').innerText(), '0.04 EUR of 0.05 EUR');
    assert.equal(await cost.locator('.wpwa-cost').getAttribute('data-cost-micros'), '40000');
    assert.deepEqual(await cost.locator('.wpwa-cost__categories li').allInnerTexts(), [
      'Utility: 2 messages, 0.04 EUR',
      'Service (replies): 2 messages, 0.00 EUR',
    ]);
    await shoot(page, 'pricing-vendors-page');

    // The vendor's dashboard: the same month.
    await context.clearCookies();
    await logIn(context, vendor.login, vendor.password);
    await gotoOk(page, pageUrl('dashboard'));
    const usage = page.locator('.wpwa-panel--messages .wpwa-usage');
    await usage.waitFor();
    assert.equal(await usage.locator('.wpwa-metric--sent dd').innerText(), '4 of 1,000 messages');
    assert.equal(await usage.locator('.wpwa-metric--cost dd').innerText(), '0.04 EUR of 0.05 EUR');
    assert.deepEqual(await usage.locator('.wpwa-usage__categories li').allInnerTexts(), [
      'Utility: 2 messages, 0.04 EUR',
      'Service (replies): 2 messages, 0.00 EUR',
    ]);
    await usage.scrollIntoViewIfNeeded();
    await shoot(page, 'pricing-vendor-dashboard');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('a vendor\'s own limits: the administrator raises this vendor\'s cap on the Vendors page and the next send goes', async () => {
  const { context, page, problems } = await openPage();
  try {
    await logIn(context, admin.login, admin.password);
    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-vendors&s=${encodeURIComponent(`Costa${RUN}`)}`);
    const row = page.locator('table.wp-list-table tbody tr').first();
    await Promise.all([page.waitForNavigation(), row.locator('a.wpwa-limits__edit', { hasText: 'Site limits' }).click()]);
    assert.equal(phpErrorsIn(await page.content()), null, 'no PHP errors on the limits form');
    assert.equal(await page.inputValue('#wpwa_vendor_cost_cap'), '', 'blank: the site\'s cap applies');

    // A wrong amount is refused in words and nothing changes.
    await page.evaluate(() => { document.querySelector('#wpwa_vendor_cost_cap').type = 'text'; });
    await page.fill('#wpwa_vendor_cost_cap', 'ten euros');
    await Promise.all([page.waitForNavigation(), page.click('#submit')]);
    assert.ok(await page.locator('.notice-error', { hasText: 'Monthly cost cap' }).isVisible(), await page.locator('.wrap').innerText());
    assert.equal(await page.inputValue('#wpwa_vendor_cost_cap'), '');
    const refused = await send(customerNumber(5), template());
    assert.equal(refused.error?.code, 'wpwa_cost_cap_reached', JSON.stringify(refused));

    await page.fill('#wpwa_vendor_cost_cap', '0.10');
    await page.fill('#wpwa_vendor_allowance', '50');
    await Promise.all([page.waitForNavigation(), page.click('#submit')]);
    assert.ok(await page.locator('.notice-success', { hasText: 'The vendor\'s limits were saved.' }).isVisible());
    assert.equal(await page.inputValue('#wpwa_vendor_cost_cap'), '0.1', 'shown as the settings page shows amounts');
    assert.equal(await page.inputValue('#wpwa_vendor_allowance'), '50');
    await shoot(page, 'pricing-vendor-limits');

    const t4 = await send(customerNumber(5), template());
    assert.ok(t4.sent, `under the vendor's own cap: ${JSON.stringify(t4)}`);
    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-vendors&s=${encodeURIComponent(`Costa${RUN}`)}`);
    const vendorRow = page.locator('table.wp-list-table tbody tr').first();
    assert.match(await vendorRow.locator('td.column-cost .wpwa-cost').innerText(), / of 0\.10 EUR$/);
    assert.equal(await vendorRow.locator('td.column-messages').innerText(), '5 / 50');
    assert.ok(await vendorRow.locator('a.wpwa-limits__edit', { hasText: 'Own limits' }).isVisible());
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});
