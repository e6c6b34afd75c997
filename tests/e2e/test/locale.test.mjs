// Codes, not English (issue 12): the core stores catalog problems, session
// reasons and activity-log events as codes plus parameters, and the plugin
// words them through its translations. With a test locale loaded from a .po
// file (tests/e2e/fixtures/wpwa-de_DE.po, compiled to .mo here with
// WordPress's own pomo classes) and the site switched to it, a vendor sees in
// Chromium, in German:
//  - a catalog problem naming the admin's image limit (3 MB, not the 5 MB
//    default) for a product whose picture is a real 4 MiB JPEG;
//  - the reason their WhatsApp session ended (the QR code expired);
//  - the activity-log line of that session change.
// Everything changed globally (the .mo files, WPLANG, the image limit, the
// session policy, the sandbox's QR timing) is put back in after().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, docroot, pageUrl, chromium, artifactsDir } from '../lib/env.js';
import { loggedIn, phpErrorsIn } from '../lib/http.js';
import { BROWSER_ARGS, SANDBOX, sandbox, helper, waitFor, logIn } from '../lib/world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');
const EXT = process.env.WPWA_E2E_EXTENSION || path.join(ROOT, 'target', 'release', 'libwpwa.so');
const CLI = path.join(ROOT, 'tests', 'wordpress', 'locale-cli.php');
const PO = path.join(ROOT, 'tests', 'e2e', 'fixtures', 'wpwa-de_DE.po');
const MO = path.join(docroot, 'wp-content', 'languages', 'plugins', 'wpwa-de_DE.mo');
// WordPress accepts de_DE as the site language only once its core translation
// is installed: an empty one (headers only) stands in for it.
const CORE_MO = path.join(docroot, 'wp-content', 'languages', 'de_DE.mo');
const WEB_USER = process.env.WPWA_WEB_USER || 'www-data';
const REST = `${baseUrl}/wp-json/wpwa/v1`;
const RUN = Date.now().toString(36).slice(-6);
const PASSWORD = crypto.randomBytes(12).toString('hex');

// The German of the fixture, as the vendor must read it.
const DE = {
  imageTooLarge: 'Verwenden Sie ein kleineres Bild: Dieses hat 4 MB, erlaubt sind höchstens 3 MB.',
  qrExpired: 'Der QR-Code ist abgelaufen, bevor er gescannt wurde. Erzeugen Sie einen neuen und scannen Sie ihn sofort.',
  sessionLine: 'WhatsApp-Sitzung: Sitzung abgelaufen. Der QR-Code ist abgelaufen, bevor er gescannt wurde. Erzeugen Sie einen neuen und scannen Sie ihn sofort.',
  connectingLine: 'WhatsApp-Verbindung gestartet: Warten auf das Scannen des QR-Codes.',
  attentionTitle: 'Produkte, die Ihre Aufmerksamkeit brauchen',
};

let fx; // what setup made, and the values it replaced
let policyBefore; // the session policy before this file
let sandboxBefore; // the sandbox's QR timing before this file
let browser;

function cli(command, input, asWebUser = true) {
  const args = ['-d', `extension=${EXT}`, '-d', 'display_errors=stderr', '-d', 'log_errors=0', CLI, command, JSON.stringify(input || {})];
  const options = { cwd: '/tmp', env: { ...process.env, WPWA_DOCROOT: docroot, WPWA_SITE_URL: baseUrl }, maxBuffer: 16 << 20 };
  if (asWebUser) {
    options.uid = Number(execFileSync('id', ['-u', WEB_USER]).toString().trim());
    options.gid = Number(execFileSync('id', ['-g', WEB_USER]).toString().trim());
  }
  return JSON.parse(execFileSync('php', args, options).toString());
}

before(async () => {
  assert.ok(SANDBOX, 'site.json names the sandbox URL');
  fs.mkdirSync(artifactsDir, { recursive: true });
  // wp-content/languages belongs to root, as on a site where languages are
  // installed by the admin: the .mo is written as root, readable by php-fpm.
  assert.ok(!fs.existsSync(CORE_MO), 'no German core translation installed before this test');
  const compiled = cli('compile', { po: PO, mo: MO, core_mo: CORE_MO }, false);
  assert.ok(compiled.entries >= 5, `the test .po compiled (${compiled.entries} entries)`);
  assert.ok(fs.statSync(MO).size > 100, 'a .mo file for de_DE exists');

  const config = await sandbox('GET', '/sandbox/config');
  sandboxBefore = { qr_first_ms: config.qr_first_ms, qr_next_ms: config.qr_next_ms, qr_count: config.qr_count };
  const settings = await helper('/settings', {});
  policyBefore = { qr_first_seconds: settings.qr_first_seconds ?? 60, qr_next_seconds: settings.qr_next_seconds ?? 20 };

  fx = cli('setup', { run: RUN, password: PASSWORD, image_max_mb: 3, locale: 'de_DE' });
  assert.equal(fx.image_bytes, 4 * 1024 * 1024, 'the product image is a 4 MiB file');
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    if (fx) cli('restore', fx.before);
    if (sandboxBefore) await sandbox('PUT', '/sandbox/config', sandboxBefore);
    if (policyBefore) await helper('/settings', policyBefore);
  } finally {
    fs.rmSync(MO, { force: true });
    fs.rmSync(CORE_MO, { force: true });
    if (browser) await browser.close();
  }
});

test('in a de_DE site, the vendor reads the catalog problem with the admin\'s 3 MB limit, the session reason and the activity log in German (screenshot)', async () => {
  // The session ends for a reason: a QR code that expires unscanned.
  await sandbox('PUT', '/sandbox/config', { qr_first_ms: 2000, qr_next_ms: 1000, qr_count: 1 });
  await helper('/settings', { qr_first_seconds: 2, qr_next_seconds: 1 });
  const http = await loggedIn(baseUrl, fx.login, PASSWORD);
  const nonce = await http.restNonce();
  const call = (method, route) => http.request(method, `${REST}${route}`, { headers: { 'x-wp-nonce': nonce } });
  const connect = await call('POST', '/session/connect');
  assert.equal(connect.status, 200, `connect: ${connect.text.slice(0, 300)}`);
  const ended = await waitFor(async () => {
    const s = (await call('GET', '/session')).json().session;
    return s.state === 'expired' ? s : null;
  }, 'the session to expire', 30000, 500);
  assert.equal(ended.reason, 'qr_expired', 'the core reports the reason as a code');

  // The REST routes carry codes beside the worded text.
  const products = await call('GET', '/products');
  assert.equal(products.status, 200, `GET products: ${products.text.slice(0, 300)}`);
  const item = products.json().attention.find((a) => a.product_id === fx.product_id);
  assert.ok(item, 'the product with the large image needs attention');
  assert.deepEqual(item.problem_codes, [{ code: 'image_too_large', bytes: 4 * 1024 * 1024, max: 3 * 1024 * 1024 }],
    "the problem travels as its code, with the image's size and the admin's limit");
  assert.deepEqual(item.problems, [DE.imageTooLarge], 'and worded in the site language');

  const context = await browser.newContext({ viewport: { width: 1280, height: 1200 } });
  const problems = { pageErrors: [], external: [] };
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (['127.0.0.1', 'localhost'].includes(new URL(u).hostname) || u.startsWith('data:')) return route.continue();
    problems.external.push(u);
    return route.abort();
  });
  try {
    await logIn(context, fx.login, PASSWORD);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.pageErrors.push(String(e).slice(0, 300)));
    const res = await page.goto(pageUrl('dashboard'));
    assert.equal(res.status(), 200);
    assert.equal(phpErrorsIn(await page.content()), null, 'no PHP errors in the dashboard');
    assert.equal(await page.locator('html').getAttribute('lang'), 'de-DE', 'the site speaks German');

    // The catalog problem, with the admin's limit in the words.
    const row = page.locator(`[data-wpwa-attention-list] > li[data-product-id="${fx.product_id}"]`);
    await row.waitFor();
    assert.equal((await row.locator('.wpwa-attention__problems li').allInnerTexts()).map((t) => t.trim()).join('|'), DE.imageTooLarge);
    assert.equal((await page.locator('.wpwa-attention__title').innerText()).trim(), DE.attentionTitle);

    // The session reason.
    const reason = page.locator('.wpwa-panel--connection [data-wpwa-field="reason"]');
    await reason.waitFor({ state: 'visible' });
    assert.equal((await reason.innerText()).trim(), DE.qrExpired);

    // The activity-log lines: the core's session change and the plugin's own.
    const log = page.locator('.wpwa-panel--logs .wpwa-log__message');
    const lines = (await log.allInnerTexts()).map((t) => t.trim());
    assert.ok(lines.includes(DE.sessionLine), `the session change in German (log: ${JSON.stringify(lines)})`);
    assert.ok(lines.includes(DE.connectingLine), `the connection start in German (log: ${JSON.stringify(lines)})`);
    const text = await page.locator('.wpwa-vendor-dashboard').innerText();
    for (const english of ['the limit is', 'The QR code expired', 'WhatsApp session is now', 'waiting for the QR code']) {
      assert.ok(!text.includes(english), `no English "${english}" left in the dashboard`);
    }

    await page.locator('.wpwa-panel--logs').scrollIntoViewIfNeeded();
    const file = path.join(artifactsDir, 'locale-de-dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(fs.statSync(file).size > 1000, `${file} is a real image`);
    console.log(`screenshot: ${file}`);
    assert.deepEqual(problems.pageErrors, [], 'no page errors');
    assert.deepEqual(problems.external, [], 'no requests off this machine');
  } finally {
    await context.close();
  }
});
