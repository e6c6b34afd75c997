// Coexistence end to end (issue 15): a model 2 vendor on their own Cloud API
// connection; the sandbox sends the signed `account_update` webhook
// ACCOUNT_OFFBOARDED for that connection's WABA to the real WordPress; in
// Chromium the vendor's dashboard then says what happened and what to do, the
// admin sees a notice on wpwa's pages naming the connection and the vendor, and
// ACCOUNT_RECONNECTED clears the admin notice and turns the vendor's into
// "reconnected: re-link your other devices". A redelivered offboarding, older
// than the reconnection, changes nothing.
//
// Uses its own vendor and connection (the connection is made through the
// settings page as an administrator does, and deleted afterwards); puts the
// integration model and the sandbox's webhook URL back in after().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, admin, pageUrl, chromium, artifactsDir } from '../lib/env.js';
import { phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, logIn, shoot } from '../lib/world.js';

const ADMIN = `${baseUrl}/wp-admin`;
const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const RUN = Date.now().toString(36).slice(-6);
const digits = (n) => String(1 + crypto.randomInt(8)) + Array.from({ length: n - 1 }, () => crypto.randomInt(10)).join('');
const CONNECTION = { id: `coex-${RUN}`, label: `Coexistence ${RUN}`, phone: digits(15), waba: digits(15), catalog: digits(15) };

let browser;
let vendor;

// ------------------------------------------------------------------ helpers --

async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (['127.0.0.1', 'localhost'].includes(new URL(u).hostname) || u.startsWith('data:')) return route.continue();
    return route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => {
    if (!/\/wp-admin\/js\/user-profile(\.min)?\.js/.test(`${e.stack || ''}`)) errors.push(String(e));
  });
  return { context, page, errors };
}

async function gotoOk(page, url) {
  const res = await page.goto(url);
  assert.equal(res.status(), 200, `GET ${url}`);
  assert.equal(phpErrorsIn(await page.content()), null, `no PHP errors on ${url}`);
  return res;
}


/** Sends an `account_update` webhook for the connection's WABA through the sandbox. */
async function accountUpdate(event, time) {
  const answer = await sandbox('POST', '/sandbox/cloud/account-update', { event, waba_id: CONNECTION.waba, time });
  assert.deepEqual(answer.webhooks, ['account_update']);
  return answer;
}

/** The sandbox's answered deliveries of the account_update webhook of `time` for the connection's WABA. */
async function deliveries(time) {
  const log = await sandbox('GET', '/sandbox/cloud/webhooks');
  return (log.deliveries || []).filter((d) => d.ok === true && d.kind === 'account_update'
    && d.body?.entry?.[0]?.id === CONNECTION.waba && d.body?.entry?.[0]?.time === time);
}

/** Waits until WordPress answered 200 to `count` deliveries of the webhook of `time`. */
async function delivered(time, count = 1) {
  return waitFor(async () => (await deliveries(time)).length >= count, `the account_update webhook of ${time} answered 200 (${count}×)`);
}

/** The vendor's dashboard, in Chromium. */
async function vendorDashboard(tab) {
  await gotoOk(tab.page, pageUrl('dashboard'));
  await tab.page.locator('.wpwa-vendor-dashboard').waitFor();
  return tab.page.locator('.wpwa-vendor-dashboard .wpwa-account-notice');
}

// -------------------------------------------------------------------- setup --

before(async () => {
  assert.ok(SANDBOX, 'site.json names the sandbox URL');
  fs.mkdirSync(artifactsDir, { recursive: true });
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });

  // The connection, through the settings page.
  const tab = await openPage();
  try {
    await logIn(tab.context, admin.login, admin.password);
    await gotoOk(tab.page, `${ADMIN}/admin.php?page=wpwa-settings`);
    const form = tab.page.locator('#wpwa-cloud-connection-form');
    await form.locator('#wpwa_cloud_id').fill(CONNECTION.id);
    await form.locator('#wpwa_cloud_label').fill(CONNECTION.label);
    await form.locator('#wpwa_cloud_phone_number_id').fill(CONNECTION.phone);
    await form.locator('#wpwa_cloud_waba_id').fill(CONNECTION.waba);
    await form.locator('#wpwa_cloud_catalog_id').fill(CONNECTION.catalog);
    await form.locator('#wpwa_cloud_access_token').fill('sandbox-token');
    await Promise.all([tab.page.waitForNavigation(), form.locator('#wpwa-cloud-save').click()]);
    assert.ok(await tab.page.locator('.notice-success', { hasText: 'Connection saved.' }).isVisible(), 'the connection was saved');
  } finally {
    await tab.context.close();
  }

  // A model 2 vendor assigned that connection.
  const password = crypto.randomBytes(12).toString('hex');
  const login = `coex_${RUN}`;
  const user = await helper('/user', { login, password, display_name: `Cora ${RUN}`, vendor: true, meta: { wpwa_cloud_connection: CONNECTION.id } });
  vendor = { id: user.id, login, password };
  await helper('/settings', { integration_model: 'per_vendor' });
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK });
});

after(async () => {
  try {
    if (SANDBOX) await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
    await helper('/settings', { integration_model: 'central' });
    if (browser) {
      const tab = await openPage();
      try {
        await logIn(tab.context, admin.login, admin.password);
        await gotoOk(tab.page, `${ADMIN}/admin.php?page=wpwa-settings`);
        const remove = tab.page.locator(`tr[data-connection="${CONNECTION.id}"] .button-link-delete`);
        if (await remove.count()) await Promise.all([tab.page.waitForNavigation(), remove.click()]);
      } finally {
        await tab.context.close();
      }
    }
  } finally {
    if (browser) await browser.close();
  }
});

// -------------------------------------------------------------------- tests --

test('ACCOUNT_OFFBOARDED: the vendor is told what happened and what to do; the admin sees which connection and vendor', async () => {
  const vendorTab = await openPage();
  const adminTab = await openPage();
  try {
    await logIn(vendorTab.context, vendor.login, vendor.password);
    await logIn(adminTab.context, admin.login, admin.password);

    // Before: nothing to say.
    assert.equal(await (await vendorDashboard(vendorTab)).count(), 0, 'no account notice while the account is connected');

    const offboardedAt = Math.floor(Date.now() / 1000) - 60;
    await accountUpdate('ACCOUNT_OFFBOARDED', offboardedAt);
    await delivered(offboardedAt);

    const notice = await vendorDashboard(vendorTab);
    await notice.waitFor();
    assert.equal(await notice.getAttribute('data-state'), 'offboarded');
    const words = await notice.innerText();
    assert.match(words, /WhatsApp messaging through the marketplace is paused/);
    assert.match(words, /reinstalled or moved to another phone/, 'says what happened');
    assert.match(words, /Open the WhatsApp Business app on your phone and accept the prompt to reconnect/, 'says what to do');
    assert.match(words, /usually takes a few minutes/);
    assert.deepEqual(vendorTab.errors, [], 'no script errors on the dashboard');
    await shoot(vendorTab.page, 'coexistence-vendor-offboarded');

    // The admin, on a wpwa page.
    await gotoOk(adminTab.page, `${ADMIN}/admin.php?page=wpwa-settings`);
    const adminNotice = adminTab.page.locator(`.wpwa-admin-notice--business-account[data-waba-id="${CONNECTION.waba}"]`);
    await adminNotice.waitFor();
    assert.equal(await adminNotice.getAttribute('data-state'), 'offboarded');
    const adminWords = await adminNotice.innerText();
    assert.ok(adminWords.includes(`WhatsApp connection "${CONNECTION.label}" (account ${CONNECTION.waba})`), adminWords);
    assert.ok(adminWords.includes(`Vendors concerned: Cora ${RUN}.`), adminWords);
    assert.match(adminWords, /accept the prompt to reconnect/);
    await shoot(adminTab.page, 'coexistence-admin-offboarded');

    // Not on other admin screens.
    await gotoOk(adminTab.page, `${ADMIN}/index.php`);
    assert.equal(await adminTab.page.locator('.wpwa-admin-notice--business-account').count(), 0, 'only on wpwa\'s pages');

    // The activity log has the change, worded, for the vendor.
    await gotoOk(adminTab.page, `${ADMIN}/admin.php?page=wpwa-logs&vendor=${vendor.id}`);
    const logText = await adminTab.page.locator('table.wp-list-table tbody').innerText();
    assert.ok(logText.includes(`WhatsApp suspended messaging for connection "${CONNECTION.label}" (account ${CONNECTION.waba})`), logText.slice(0, 600));

    // ACCOUNT_RECONNECTED clears the admin notice; the vendor is told to re-link devices.
    const reconnectedAt = offboardedAt + 30;
    await accountUpdate('ACCOUNT_RECONNECTED', reconnectedAt);
    await delivered(reconnectedAt);
    const after = await vendorDashboard(vendorTab);
    await after.waitFor();
    assert.equal(await after.getAttribute('data-state'), 'connected');
    const afterWords = await after.innerText();
    assert.match(afterWords, /Your WhatsApp number is reconnected/);
    assert.match(afterWords, /link them again/);
    assert.doesNotMatch(afterWords, /accept the prompt to reconnect/);
    await shoot(vendorTab.page, 'coexistence-vendor-reconnected');
    await gotoOk(adminTab.page, `${ADMIN}/admin.php?page=wpwa-settings`);
    assert.equal(await adminTab.page.locator(`.wpwa-admin-notice--business-account[data-waba-id="${CONNECTION.waba}"]`).count(), 0, 'the admin notice is gone');

    // The offboarding delivered again (older than the reconnection): nothing changes.
    await accountUpdate('ACCOUNT_OFFBOARDED', offboardedAt);
    await delivered(offboardedAt, 2);
    assert.equal(await (await vendorDashboard(vendorTab)).getAttribute('data-state'), 'connected', 'an older event changes nothing');
  } finally {
    await vendorTab.context.close();
    await adminTab.context.close();
  }
});
