// Message templates end to end (issue 13): the WhatsApp → Templates screen
// lists the sandbox account's templates with their categories and statuses; a
// category WhatsApp changes is flagged, once through the signed
// `template_category_update` webhook the sandbox emits to the site and once
// through "Refresh now" alone (webhooks held back), with the admin notice of a
// used template; a marketing template goes to `/marketing_messages` and a
// utility one to `/messages` (read from the sandbox's request log); a paused
// template is refused before any call; the daily refresh is on Action Scheduler.
//
// Sends go through the plugin's own Core::message_send with the marketplace's
// message connection (tests/wordpress/templates-cli.php). Everything changed
// in the sandbox and the settings is put back afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, docroot, admin, chromium, artifactsDir } from '../lib/env.js';
import { phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, logIn, sandboxSent } from '../lib/world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');
const EXT = process.env.WPWA_E2E_EXTENSION || path.join(ROOT, 'target', 'release', 'libwpwa.so');
const WEB_USER = process.env.WPWA_WEB_USER || 'www-data';
const uid = Number(execFileSync('id', ['-u', WEB_USER]).toString().trim());
const gid = Number(execFileSync('id', ['-g', WEB_USER]).toString().trim());
const TEMPLATES_URL = `${baseUrl}/wp-admin/admin.php?page=wpwa-templates`;
const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
// The sandbox's account, which the marketplace's connection uses in sandbox mode
// (other e2e files may have saved connections to other accounts).
const WABA = '100000000000009';
const CUSTOMER = `1555${2000000 + crypto.randomInt(7000000)}`;
// A second customer: the sandbox keeps WhatsApp's pair rate limit (131056).
const CUSTOMER2 = `1556${2000000 + crypto.randomInt(7000000)}`;

let browser;
let context;
let page;
let savedMessages;

function cli(command, input) {
  let out;
  try {
    out = execFileSync(
      'php',
      ['-d', `extension=${EXT}`, '-d', 'display_errors=stderr', '-d', 'log_errors=0', path.join(ROOT, 'tests', 'wordpress', 'templates-cli.php'), command, JSON.stringify(input || {})],
      { uid, gid, cwd: '/tmp', env: { ...process.env, WPWA_DOCROOT: docroot, WPWA_SITE_URL: baseUrl }, maxBuffer: 16 << 20 },
    );
  } catch (e) {
    const said = `${e.stdout || ''} ${e.stderr || ''}`.replace(/\s+/g, ' ').trim();
    throw new Error(`templates-cli ${command} failed (exit ${e.status}): ${said.slice(0, 800)}`);
  }
  return JSON.parse(out.toString());
}

/** WhatsApp's review changes a template of the sandbox account. */
const review = (change) => sandbox('POST', '/sandbox/templates/update', { language: 'en_US', ...change });

/** The row of a template on the Templates screen, as shown. */
async function row(name) {
  const tr = page.locator(`tr[data-template="${name}"][data-language="en_US"][data-waba="${WABA}"]`);
  assert.equal(await tr.count(), 1, `the screen lists ${name}`);
  return {
    category: (await tr.locator('.wpwa-template-category').innerText()).trim(),
    status: (await tr.locator('.wpwa-template-status').innerText()).trim(),
    flag: (await tr.locator('.wpwa-template-category-changed').count()) ? (await tr.locator('.wpwa-template-category-changed').innerText()).trim() : '',
    parameters: (await tr.locator('td.column-parameters').innerText()).trim(),
    usedBy: (await tr.locator('td.column-used_by').innerText()).trim(),
    flagged: (await tr.getAttribute('class') || '').includes('wpwa-template-flagged'),
  };
}

async function openScreen() {
  const res = await page.goto(TEMPLATES_URL);
  assert.equal(res.status(), 200);
  assert.equal(phpErrorsIn(await page.content()), null, 'no PHP errors on the Templates screen');
}

async function refreshNow() {
  await Promise.all([page.waitForURL(/refreshed=\d+/), page.click('#wpwa-templates-refresh')]);
  const account = page.locator(`.wpwa-templates-last[data-waba="${WABA}"]`);
  assert.equal(await account.count(), 1, 'the sandbox account was refreshed');
  assert.equal(await account.evaluate((e) => e.classList.contains('wpwa-templates-account-error')), false, await account.innerText());
}

async function shot(name) {
  const file = path.join(artifactsDir, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

// -------------------------------------------------------------------- setup --

before(async () => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  // The sandbox delivers Cloud API webhooks (the template ones too) to the site.
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK });
  // The vendor-notification template is one the site uses: order_shipped.
  savedMessages = await helper('/messages-settings', {});
  await helper('/messages-settings', { notify_template: 'order_shipped', notify_language: 'en_US' });
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
  context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
  await logIn(context, admin.login, admin.password);
  page = await context.newPage();
});

after(async () => {
  try {
    await review({ name: 'order_shipped', category: 'UTILITY' });
    await review({ name: 'order_completed', category: 'UTILITY' });
    // The site's own list back in step with the account for the files that follow.
    cli('refresh');
    await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
    if (savedMessages) {
      await helper('/messages-settings', { notify_template: savedMessages.notify_template ?? '', notify_language: savedMessages.notify_language ?? 'en_US' });
    }
  } finally {
    if (browser) await browser.close();
  }
});

// ------------------------------------------------------------------- tests --

test('the Templates screen lists the sandbox account\'s templates with categories, statuses and uses', async () => {
  await openScreen();
  await refreshNow();
  assert.match(await page.locator('#wpwa-templates-refreshed').innerText(), /Templates refreshed: \d+ templates/);
  const shipped = await row('order_shipped');
  assert.deepEqual([shipped.category, shipped.status, shipped.parameters], ['UTILITY', 'APPROVED', '2']);
  assert.match(shipped.usedBy, /notification to vendors/, 'the vendor-notification template is shown as used');
  assert.equal((await row('order_processing')).category, 'UTILITY');
  assert.equal((await row('spring_sale')).category, 'MARKETING');
  assert.equal((await row('login_code')).category, 'AUTHENTICATION');
  assert.equal((await row('winter_promo')).status, 'PAUSED');
  assert.equal((await row('back_in_stock')).status, 'PENDING');
  assert.equal((await row('review_request')).status, 'REJECTED');
  assert.equal((await row('delivery_window')).parameters, '2', 'named parameters are counted');
  assert.equal(await page.locator('#wpwa-template-category-notice').count(), 0, 'no changed category yet');
  await shot('templates-screen.png');

  const scheduled = cli('scheduled');
  assert.ok(Number.isInteger(scheduled.next) && scheduled.next > Date.now() / 1000 - 60, `the daily refresh is scheduled: ${JSON.stringify(scheduled)}`);
});

test('a category WhatsApp changes is flagged: by the template_category_update webhook', async () => {
  const answer = await review({ name: 'order_shipped', category: 'MARKETING' });
  assert.deepEqual(answer.webhooks, ['template_category_update']);
  // The signed webhook reaches the site's Cloud API route; the core records it.
  await waitFor(async () => {
    await openScreen();
    return (await row('order_shipped')).category === 'MARKETING';
  }, 'the category change to arrive by webhook');
  // The page that first showed the change may have drawn its notices (above the
  // table) a moment before the webhook's write landed: read it afresh.
  await openScreen();
  const shipped = await row('order_shipped');
  assert.ok(shipped.flagged);
  assert.match(shipped.flag, /Changed by WhatsApp from UTILITY/);
  const notice = page.locator('#wpwa-template-category-notice');
  assert.equal(await notice.count(), 1, 'a used template changed category: admin notice');
  assert.match(await notice.innerText(), /order_shipped \(en_US\): UTILITY → MARKETING/);
  const deliveries = await sandbox('GET', '/sandbox/cloud/webhooks');
  assert.ok(deliveries.deliveries.some((d) => d.kind === 'template_category_update' && d.ok && d.response_status === 200), 'the site accepted the signed webhook');
  await shot('templates-category-changed.png');

  // The activity log says it, worded from the core's code.
  const log = await page.goto(`${baseUrl}/wp-admin/admin.php?page=wpwa-logs&kind=template`);
  assert.equal(log.status(), 200);
  assert.match(await page.locator('.wpwa-logs').innerText(), /WhatsApp changed the category of template order_shipped \(en_US\) from UTILITY to MARKETING\./);
  await openScreen();

  // Acknowledged: the flag and the notice go.
  await Promise.all([page.waitForURL(/page=wpwa-templates/), page.locator(`tr[data-template="order_shipped"][data-language="en_US"][data-waba="${WABA}"] .wpwa-template-acknowledge`).click()]);
  assert.equal((await row('order_shipped')).flagged, false);
  assert.equal(await page.locator('#wpwa-template-category-notice').count(), 0);
});

test('a category WhatsApp changes is flagged: by a refresh, without any webhook', async () => {
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
  const answer = await review({ name: 'order_completed', category: 'MARKETING' });
  assert.deepEqual(answer.webhooks, [], 'no webhook went out');
  await openScreen();
  assert.equal((await row('order_completed')).category, 'UTILITY', 'the site does not know yet');
  await refreshNow();
  assert.match(await page.locator('#wpwa-templates-refreshed').innerText(), /[1-9]\d* changed/);
  const completed = await row('order_completed');
  assert.equal(completed.category, 'MARKETING');
  assert.ok(completed.flagged);
  assert.match(completed.flag, /Changed by WhatsApp from UTILITY/);
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK });
});

test('a marketing template goes to marketing_messages, a utility one to messages, a paused one nowhere', async () => {
  const before = (await sandboxSent()).length;
  // Marketing waits for the customer's marketing consent (WhatsApp's own code for a
  // customer who stopped marketing messages is 131050).
  const unconsented = cli('send', { to: CUSTOMER, name: 'spring_sale', params: ['Dana', '20%'] });
  assert.equal(unconsented.error?.code, 'wpwa_template_refused', JSON.stringify(unconsented));
  assert.equal(unconsented.error.data.api_code, 131050);
  const marketing = cli('send', { to: CUSTOMER, name: 'spring_sale', params: ['Dana', '20%'], marketing_consent: true });
  assert.ok(marketing.sent, JSON.stringify(marketing));
  const utility = cli('send', { to: CUSTOMER2, name: 'order_processing', params: ['#1001', '12.00 USD', '1 × Lamp'] });
  assert.ok(utility.sent, JSON.stringify(utility));
  const sent = await sandboxSent();
  const endpointOf = (wamid) => sent.find((m) => m.wamid === wamid)?.endpoint;
  assert.equal(endpointOf(marketing.sent), 'marketing_messages');
  assert.equal(endpointOf(utility.sent), 'messages');

  // Paused: refused by the core before any call, worded from the API's code.
  const paused = cli('send', { to: CUSTOMER, name: 'winter_promo', params: ['Dana'] });
  assert.equal(paused.error?.code, 'wpwa_template_refused', JSON.stringify(paused));
  assert.equal(paused.error.data.api_code, 132015);
  assert.match(paused.error.message, /paused/i);
  const unknown = cli('send', { to: CUSTOMER, name: 'no_such_template', params: [] });
  assert.equal(unknown.error?.data?.api_code, 132001, JSON.stringify(unknown));
  assert.equal((await sandboxSent()).length, before + 2, 'the refused templates never reached the API');
});
