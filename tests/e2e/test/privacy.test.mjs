// A customer's WhatsApp conversations in WordPress's own personal data tools,
// driven in Chromium as an administrator would: Tools → Export Personal Data
// hands back a zip whose export.json holds the customer's messages (and no one
// else's, escaped in index.html); Tools → Erase Personal Data removes them from
// the vendor's panel and leaves the other customer's. The suggested privacy
// policy text is in the policy guide.
//
// Customers are found by their account's billing phone, as WooCommerce keeps it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, admin, chromium, artifactsDir } from '../lib/env.js';
import { phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, logIn, newVendor, messagesPanel, shoot } from '../lib/world.js';

const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const RUN = Date.now().toString(36).slice(-6);
const BASE = 1000000 + crypto.randomInt(8000000);
const XSS = `<img src=x onerror="window.__xss=1">`;

let browser;
let vendor;
const dana = { login: `p6dana_${RUN}`, number: `1333${BASE}`, written: `+1 (333) ${BASE}` };
const erik = { login: `p6erik_${RUN}`, number: `1333${BASE + 1}`, written: `+1 333 ${BASE + 1}` };
const email = (customer) => `${customer.login}@example.test`;


/** The customer writes to the vendor's shop through the sandbox (a signed webhook). */
async function writes(customer, text) {
  const injected = await sandbox('POST', '/sandbox/messages/inject', { text: `#${vendor.code} ${text}`, from: customer.number, name: customer.login });
  assert.equal(injected.messages.length, 1);
}

/** An admin tab; page errors and dialogs recorded. */
async function adminPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  await logIn(context, admin.login, admin.password);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  return { context, page, problems };
}

/** Adds a confirmed request for `customer` on a privacy tools page and returns its row. */
async function confirmedRequest(page, screen, customer) {
  await page.goto(`${baseUrl}/wp-admin/${screen}`);
  await page.fill('#username_or_email_for_privacy_request', email(customer));
  await page.uncheck('#send_confirmation_email');
  // The request list's buttons work once privacy-tools.js has run on the new page:
  // wait for that page's load, not the current one's (already loaded).
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#submit')]);
  assert.equal(phpErrorsIn(await page.content()), null, `no PHP errors on ${screen}`);
  const row = page.locator('table.wp-list-table tbody tr', { hasText: email(customer) }).first();
  await row.waitFor();
  return row;
}

/** Reads one file of a zip with PHP's ZipArchive (the test site's own PHP). */
function fromZip(zip, name) {
  return execFileSync('php', ['-r', '$z = new ZipArchive(); if (true !== $z->open($argv[1])) exit(2); echo $z->getFromName($argv[2]);', zip, name], { encoding: 'utf8' });
}

before(async () => {
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  vendor = await newVendor(`p6v_${RUN}`, `Privacy Shop ${RUN}`);
  for (const customer of [dana, erik]) {
    await helper('/user', { login: customer.login, password: crypto.randomBytes(12).toString('hex'), meta: { billing_phone: customer.written, billing_country: 'US' } });
  }
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK });
  await writes(dana, `is the walnut board oiled? ${RUN}`);
  await writes(dana, `${XSS} and gift wrap? ${RUN}`);
  await writes(erik, `invoice for order 77 ${RUN}`);
  await waitFor(async () => {
    const panel = await messagesPanel(vendor);
    return panel.includes(`gift wrap? ${RUN}`) && panel.includes(`invoice for order 77 ${RUN}`);
  }, 'both customers in the vendor\'s panel');
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    if (SANDBOX) await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
  } finally {
    if (browser) await browser.close();
  }
});

test('Export Personal Data: the zip holds the customer\'s WhatsApp conversation, escaped, and nobody else\'s', async () => {
  const { context, page, problems } = await adminPage();
  try {
    const row = await confirmedRequest(page, 'export-personal-data.php', dana);
    await row.hover();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60000 }),
      row.locator('.row-actions .export-personal-data-handle').first().click(),
    ]);
    const zip = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wpwa-export-')), 'export.zip');
    await download.saveAs(zip);
    await shoot(page, 'privacy-export');

    const exported = JSON.parse(fromZip(zip, 'export.json'));
    const group = Object.values(exported)[0]['wpwa-whatsapp'];
    assert.ok(group, `export.json has a WhatsApp conversations group: ${Object.keys(Object.values(exported)[0]).join(', ')}`);
    assert.equal(group.group_label, 'WhatsApp conversations');
    // items: { item_id: [{ name, value }, …] }
    const pairs = Object.values(group.items).flat();
    const fields = Object.fromEntries(pairs.map((f) => [f.name, f.value]));
    assert.equal(fields['WhatsApp number'], `+${dana.number}`);
    assert.equal(fields.Shop, `Privacy Shop ${RUN}`);
    const written = pairs.filter((f) => f.name.endsWith('You wrote')).map((f) => f.value);
    assert.deepEqual(written.sort(), [`#${vendor.code} ${XSS} and gift wrap? ${RUN}`, `#${vendor.code} is the walnut board oiled? ${RUN}`].sort());
    assert.ok(!JSON.stringify(exported).includes('invoice for order 77'), 'Erik\'s message is not in Dana\'s export');

    const html = fromZip(zip, 'index.html');
    assert.ok(html.includes(`gift wrap? ${RUN}`), 'the report shows the messages');
    assert.ok(!html.includes(XSS), 'the message\'s markup is escaped in the report');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('Erase Personal Data: the customer\'s conversation leaves the vendor\'s panel, the other customer\'s stays', async () => {
  const { context, page, problems } = await adminPage();
  try {
    const row = await confirmedRequest(page, 'erase-personal-data.php', dana);
    await row.locator('.remove-personal-data-idle .remove-personal-data-handle', { hasText: 'Erase personal data' }).click();
    await row.locator('.remove-personal-data-success').waitFor({ state: 'visible', timeout: 60000 });
    await shoot(page, 'privacy-erase');
    assert.deepEqual(problems, []);

    const panel = await messagesPanel(vendor);
    assert.ok(!panel.includes(`gift wrap? ${RUN}`) && !panel.includes(`walnut board oiled? ${RUN}`), 'Dana\'s messages are gone');
    assert.ok(!panel.includes(dana.number), 'her number is gone');
    assert.ok(panel.includes(`invoice for order 77 ${RUN}`), 'Erik\'s conversation stays');

    await page.goto(`${baseUrl}/wp-admin/admin.php?page=wpwa-logs&kind=privacy`);
    const entries = await page.locator('table.wp-list-table tbody').innerText();
    assert.match(entries, /erased on request: 1 conversation, [2-9] messages/, 'the activity log records the erasure');
    assert.ok(!entries.includes(dana.number), 'without the number');
  } finally {
    await context.close();
  }
});

test('Message history: a retention under a month is refused, a valid one saved and applied by the daily clean-up', async () => {
  const { context, page, problems } = await adminPage();
  const save = async (days) => {
    await page.goto(`${baseUrl}/wp-admin/admin.php?page=wpwa-settings`);
    await page.fill('#wpwa_messages_retention_days', String(days));
    await Promise.all([page.waitForNavigation(), page.click('form[action$="options.php"] #submit')]);
    assert.equal(phpErrorsIn(await page.content()), null);
  };
  try {
    await save(10);
    assert.match(await page.locator('#setting-error-wpwa_invalid_retention_days').innerText(), /at least 31 days/);
    assert.equal(await page.inputValue('#wpwa_messages_retention_days'), '0', 'the previous value was kept');
    await shoot(page, 'privacy-retention-refused');

    await save(90);
    assert.equal(await page.locator('#setting-error-wpwa_invalid_retention_days').count(), 0);
    assert.equal(await page.inputValue('#wpwa_messages_retention_days'), '90');
    const cleanup = await helper('/daily-cleanup', {});
    assert.ok(Array.isArray(cleanup.messages), `the clean-up purged messages: ${JSON.stringify(cleanup)}`);
    const [at, conversations] = cleanup.messages;
    assert.ok(Math.abs(at - Date.now() / 1000) < 300, 'just now');
    assert.equal(conversations, 0, 'nothing is 90 days old on this site');
    assert.ok((await messagesPanel(vendor)).includes(`invoice for order 77 ${RUN}`), 'recent conversations stay');

    await save(0);
    assert.equal((await helper('/daily-cleanup', {})).messages, null, 'with 0 nothing is purged');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the privacy policy guide suggests the WhatsApp text', async () => {
  const { context, page, problems } = await adminPage();
  try {
    await page.goto(`${baseUrl}/wp-admin/options-privacy.php?tab=policyguide`);
    const section = page.locator('.privacy-settings-accordion-panel, .policy-text', { hasText: 'When you write to us on WhatsApp' }).first();
    await section.waitFor({ state: 'attached' });
    assert.equal(phpErrorsIn(await page.content()), null);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
