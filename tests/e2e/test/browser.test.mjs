// Chromium (Debian's, driven by playwright-core) through the pages people use:
// log in, look at the vendor dashboard and the admin pages, take screenshots.
// Fails on PHP error text, JS console errors, uncaught page errors, any
// dialog (the escaping payload must not run) and any non-loopback request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, vendorA, customer, admin, pageUrl, chromium, artifactsDir, site } from '../lib/env.js';
import { phpErrorsIn } from '../lib/http.js';
import { logIn, shoot } from '../lib/world.js';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Containers often have a tiny /dev/shm.
  '--disable-dev-shm-usage',
  // Nothing off this machine can even be resolved.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

let browser;
const screenshots = [];

before(async () => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  // launch() gives every run a fresh temporary user-data-dir.
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: ARGS, timeout: 60000 });
});

after(async () => {
  if (browser) await browser.close();
  if (screenshots.length) {
    console.log(`screenshots (${screenshots.length}) in ${artifactsDir}:`);
    for (const s of screenshots) console.log(`  ${s}`);
  }
});

/** A fresh context and page with every problem recorded. */
async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const problems = { console: [], pageErrors: [], dialogs: [], external: [], failed: [] };
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (['127.0.0.1', 'localhost'].includes(host) || route.request().url().startsWith('data:')) {
      return route.continue();
    }
    problems.external.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.console.push(`${msg.text()} @ ${JSON.stringify(msg.location())}`);
  });
  page.on('pageerror', (err) => problems.pageErrors.push(String(err)));
  page.on('dialog', async (d) => {
    problems.dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  page.on('requestfailed', (req) => problems.failed.push(`${req.url()} ${req.failure()?.errorText}`));
  return { context, page, problems };
}

function assertClean(problems, where) {
  assert.deepEqual(problems.dialogs, [], `${where}: dialogs fired`);
  assert.deepEqual(problems.pageErrors, [], `${where}: uncaught page errors`);
  assert.deepEqual(problems.console, [], `${where}: console errors`);
  assert.deepEqual(problems.external, [], `${where}: requests off this machine`);
}

async function assertNoPhpErrors(page, where) {
  const html = await page.content();
  assert.equal(phpErrorsIn(html), null, `${where}: PHP error text in the page`);
}


test('vendor A logs in and sees their dashboard (screenshot)', async () => {
  const { context, page, problems } = await openPage();
  try {
    await logIn(context, vendorA.login, vendorA.password);
    const res = await page.goto(pageUrl('dashboard'));
    assert.equal(res.status(), 200);
    await page.waitForSelector('.wpwa-vendor-dashboard');
    assert.ok(await page.locator('.wpwa-vendor-dashboard .wpwa-panel').count() >= 3, 'panels visible');
    assert.equal((await page.locator('.wpwa-product-count').first().innerText()).trim(), String(vendorA.products_published));
    assert.equal(await page.locator('.wpwa-status-badge').first().getAttribute('data-state'), 'disconnected');
    // Let the dashboard script run (it may poll the REST status).
    await page.waitForLoadState('networkidle');
    await assertNoPhpErrors(page, 'vendor dashboard');
    screenshots.push(await shoot(page, 'vendor-dashboard'));
    assertClean(problems, 'vendor dashboard');
  } finally {
    await context.close();
  }
});

test('the hostile shortcode page runs no script, even on hover (screenshot)', async () => {
  const { context, page, problems } = await openPage();
  try {
    await logIn(context, vendorA.login, vendorA.password);
    await page.goto(pageUrl('hostile'));
    const box = page.locator('.wpwa-vendor-dashboard').first();
    await box.waitFor();
    await box.hover();
    await page.mouse.move(5, 5);
    await box.hover({ position: { x: 20, y: 20 } });
    await page.waitForTimeout(300);
    const onAttrs = await box.evaluate((el) => [...el.attributes].map((a) => a.name).filter((n) => n.startsWith('on')));
    assert.deepEqual(onAttrs, [], 'no event handler attributes on the container');
    assert.equal(await page.locator('.wpwa-vendor-dashboard script').count(), 0, 'no script inside the dashboard');
    screenshots.push(await shoot(page, 'escaping-test'));
    assertClean(problems, 'hostile page');
  } finally {
    await context.close();
  }
});

test('a customer sees the not-a-vendor notice (screenshot)', async () => {
  const { context, page, problems } = await openPage();
  try {
    await logIn(context, customer.login, customer.password);
    await page.goto(pageUrl('dashboard'));
    await page.waitForSelector('.wpwa-notice--not-vendor');
    assert.equal(await page.locator('.wpwa-panel').count(), 0);
    await assertNoPhpErrors(page, 'customer view');
    screenshots.push(await shoot(page, 'customer-not-vendor'));
    assertClean(problems, 'customer view');
  } finally {
    await context.close();
  }
});

test('a guest gets the login form and can log in from it', async () => {
  const { context, page, problems } = await openPage();
  try {
    await page.goto(pageUrl('dashboard'));
    await page.waitForSelector('form#loginform');
    screenshots.push(await shoot(page, 'guest-login-form'));
    await page.fill('form#loginform input[name="log"]', vendorA.login);
    await page.fill('form#loginform input[name="pwd"]', vendorA.password);
    await Promise.all([page.waitForNavigation(), page.click('form#loginform [type="submit"]')]);
    await page.goto(pageUrl('dashboard'));
    await page.waitForSelector('.wpwa-vendor-dashboard');
    assertClean(problems, 'guest login');
  } finally {
    await context.close();
  }
});

test('the admin sees the wpwa Settings page and every wpwa admin page (screenshots)', async () => {
  const { context, page, problems } = await openPage();
  try {
    await logIn(context, admin.login, admin.password);
    const res = await page.goto(site.settings_url);
    assert.equal(res.status(), 200);
    await page.waitForSelector('#wpbody-content');
    const body = await page.locator('#wpbody-content').innerText();
    assert.ok(!/Sorry, you are not allowed/i.test(body), 'admin may open the settings page');
    assert.ok(await page.locator('#wpbody-content form').count() >= 1, 'settings page has a form');
    assert.ok(!/extension is not (loaded|installed)/i.test(body), 'no missing-extension notice while it is loaded');
    await assertNoPhpErrors(page, 'settings');
    screenshots.push(await shoot(page, 'admin-settings'));

    // The other pages under the wpwa menu (Vendors, Logs, …).
    const links = await page.$$eval('a[href*="admin.php?page=wpwa"]', (as) => [...new Set(as.map((a) => a.href))]);
    const others = links.filter((l) => !l.includes('page=wpwa-settings'));
    for (const href of others) {
      const r = await page.goto(href);
      assert.equal(r.status(), 200, href);
      await assertNoPhpErrors(page, href);
      const slug = new URL(href).searchParams.get('page');
      screenshots.push(await shoot(page, `admin-${slug.replace(/[^a-z0-9-]/gi, '_')}`));
    }
    await page.goto(`${baseUrl}/wp-admin/`);
    await assertNoPhpErrors(page, 'wp-admin dashboard');
    assertClean(problems, 'admin pages');
  } finally {
    await context.close();
  }
});
