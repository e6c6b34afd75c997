// Moving an existing site's store from its SQLite file into the WordPress
// database (issue 14), in Chromium on the real WordPress and MariaDB:
//  - a demo-like site on SQLite: a vendor with a synced catalog, a linked
//    WhatsApp session and customer conversations;
//  - the administrator clicks "Move to the WordPress database" on the
//    Settings page and confirms; while the move runs, both webhook routes
//    answer 503 with Retry-After (nothing is read or stored);
//  - the result table lists every table of the store with its row counts and
//    content hashes on both sides, all equal (printed); the site then runs on
//    the WordPress database (the same database WordPress uses, its prefix);
//  - the vendor dashboard reads the same before and after (conversations,
//    session state, catalog counts), and a new message lands in the database;
//  - Site Health shows the WordPress database and a good wpwa_store test;
//  - tables a killed move left in the database: a new move refuses to copy
//    over them, the administrator removes them (only after ticking that their
//    data may go) and moves again.
// Afterwards the site is put back on its SQLite file (test helper route), for
// the files that run after this one. When WPWA_STORE fixes the engine (a pass
// of the suite on the WordPress database), there is nothing to move: skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, admin, docroot, pageUrl, chromium, artifactsDir } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, logIn, messagesPanel, shoot } from '../lib/world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');
const EXT = process.env.WPWA_E2E_EXTENSION || path.join(ROOT, 'target', 'release', 'libwpwa.so');
const CLI = path.join(ROOT, 'tests', 'wordpress', 'catalog-cli.php');
const WEB_USER = process.env.WPWA_WEB_USER || 'www-data';
const REST = `${baseUrl}/wp-json/wpwa/v1`;
const ADMIN = `${baseUrl}/wp-admin`;
const CLOUD_HOOK = `${REST}/webhooks/cloud`;
const GATEWAY_HOOK = `${REST}/webhooks/gateway/central`;
const RUN = Date.now().toString(36).slice(-6);
const PASSWORD = crypto.randomBytes(12).toString('hex');
const PHONE = `+1${2000000 + crypto.randomInt(7000000)}`;
const CUSTOMERS = [`1555${1000000 + crypto.randomInt(8000000)}`, `1556${1000000 + crypto.randomInt(8000000)}`];

let skip = '';
let browser;
let vendor;
let catalogBefore;
let sandboxBefore;
const plain = new Client(baseUrl);

// ------------------------------------------------------------------ helpers --

function cli(command, input) {
  const uid = Number(execFileSync('id', ['-u', WEB_USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', WEB_USER]).toString().trim());
  const out = execFileSync('php', ['-d', `extension=${EXT}`, '-d', 'display_errors=stderr', '-d', 'log_errors=0', CLI, command, JSON.stringify(input || {})], {
    uid, gid, cwd: '/tmp', env: { ...process.env, WPWA_DOCROOT: docroot, WPWA_SITE_URL: baseUrl }, maxBuffer: 64 << 20,
  });
  return JSON.parse(out.toString());
}

async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const problems = { pageErrors: [], dialogs: [], external: [] };
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (['127.0.0.1', 'localhost'].includes(new URL(u).hostname) || u.startsWith('data:')) return route.continue();
    problems.external.push(u);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    const text = `${e} ${e.stack || ''}`;
    if (/\/wp-admin\/js\/user-profile(\.min)?\.js/.test(text)) return;
    problems.pageErrors.push(text.slice(0, 600));
  });
  page.on('dialog', async (d) => { problems.dialogs.push(d.message()); await d.dismiss(); });
  return { context, page, problems };
}

function assertClean(problems, where) {
  assert.deepEqual(problems.dialogs, [], `${where}: no dialog opened`);
  assert.deepEqual(problems.pageErrors, [], `${where}: page errors`);
  assert.deepEqual(problems.external, [], `${where}: requests off this machine`);
}

async function gotoOk(page, url) {
  const res = await page.goto(url);
  assert.equal(res.status(), 200, `GET ${url}`);
  assert.equal(phpErrorsIn(await page.content()), null, `no PHP errors on ${url}`);
}

/** A screenshot of the page, or of one element of it (a locator). */

/** What the vendor's dashboard shows, read in Chromium: conversations, connection, catalog figures. */
async function dashboard(name) {
  const tab = await openPage();
  try {
    await logIn(tab.context, vendor.login, PASSWORD);
    await gotoOk(tab.page, pageUrl('dashboard'));
    await tab.page.waitForSelector('.wpwa-panel--messages');
    await tab.page.waitForFunction(() => document.querySelector('.wpwa-panel--connection .wpwa-status-badge')?.getAttribute('data-state') === 'connected', null, { timeout: 15000 });
    const read = await tab.page.evaluate(() => ({
      conversations: [...document.querySelectorAll('.wpwa-panel--messages li.wpwa-conversation')].map((li) => ({
        id: li.getAttribute('data-conversation-id'),
        customer: li.querySelector('.wpwa-conversation__number')?.textContent.trim(),
        text: li.querySelector('.wpwa-conversation__text')?.textContent.trim(),
      })),
      connection: document.querySelector('.wpwa-panel--connection .wpwa-status-badge')?.getAttribute('data-state'),
      counts: Object.fromEntries([...document.querySelectorAll('[data-wpwa-count]')].map((el) => [el.getAttribute('data-wpwa-count'), el.textContent.trim()])),
    }));
    const session = (await vendor.call('GET', '/session')).json().session;
    read.session = { state: session.state, phone: session.phone, since: session.since };
    await shoot(tab.page, `store-move-dashboard-${name}`);
    assertClean(tab.problems, `vendor dashboard (${name})`);
    return read;
  } finally {
    await tab.context.close();
  }
}

const store = () => helper('/store', {});

// -------------------------------------------------------------------- setup --

before(async () => {
  const state = await store();
  if (state.fixed) {
    skip = `WPWA_STORE fixes the engine (${state.engine}): nothing to move`;
    return;
  }
  // A crashed earlier run may have left the site on the database, or tables there.
  await helper('/store-reset', {});
  fs.mkdirSync(artifactsDir, { recursive: true });
  sandboxBefore = await sandbox('GET', '/sandbox/config');
  catalogBefore = cli('settings', {});
  browser = await playwrightChromium.launch({ executablePath: chromium, args: BROWSER_ARGS });

  // A vendor with a catalog (its products made through WooCommerce's API).
  const fx = cli('fixtures', { run: `mv${RUN}`, password: PASSWORD });
  const http = await loggedIn(baseUrl, fx.vendor_a.login, PASSWORD);
  const nonce = await http.restNonce();
  vendor = {
    id: fx.vendor_a.id, login: fx.vendor_a.login, client: http,
    call: (m, r, body) => http.request(m, `${REST}${r}`, { headers: { 'x-wp-nonce': nonce }, body }),
  };
  const catalogId = `7${String(Date.now()).slice(-9)}${crypto.randomInt(1000, 9999)}`;
  cli('settings', { catalog_id: catalogId, batch_size: 100 });
  let res = await vendor.call('POST', '/sync');
  assert.equal(res.status, 200, `POST sync: ${res.text.slice(0, 300)}`);
  const job = await waitFor(async () => {
    const j = (await vendor.call('GET', '/sync')).json().job;
    return j && j.state !== 'running' ? j : null;
  }, 'the catalog sync to finish', 90000);
  assert.ok(job.synced > 0, `the catalog synced: ${JSON.stringify(job)}`);

  // A linked WhatsApp session.
  res = await vendor.call('POST', '/session/connect');
  assert.equal(res.status, 200, res.text.slice(0, 300));
  const name = res.json().session.gateway_session;
  await waitFor(async () => (await vendor.call('GET', '/session')).json().session.state === 'waiting_for_scan', 'waiting_for_scan');
  await sandbox('POST', `/sandbox/sessions/${name}/scan`, { phone: PHONE, pushName: `Move Store ${RUN}` });
  await waitFor(async () => (await vendor.call('GET', '/session')).json().session.state === 'connected', 'the session connected');

  // Customer conversations, routed by the vendor's code.
  const code = /<code>#([A-Z0-9]+)<\/code>/.exec(await messagesPanel(vendor));
  assert.ok(code, 'the Customer messages panel shows the vendor code');
  vendor.code = code[1];
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: CLOUD_HOOK });
  for (const [from, text] of [[CUSTOMERS[0], `#${vendor.code} first ${RUN}`], [CUSTOMERS[1], `#${vendor.code} second ${RUN}`], [CUSTOMERS[0], `#${vendor.code} again ${RUN}`]]) {
    await sandbox('POST', '/sandbox/messages/inject', { text, from, name: `Customer ${RUN}` });
  }
  await waitFor(async () => {
    const panel = await messagesPanel(vendor);
    return panel.includes(`second ${RUN}`) && panel.includes(`again ${RUN}`);
  }, 'the three messages in the vendor panel');
});

after(async () => {
  if (skip) return;
  try {
    const back = await helper('/store-reset', {});
    assert.equal(back.engine, 'sqlite', 'the site is back on its SQLite file for the files after this one');
    assert.equal(back.info.store_engine, 'sqlite');
    if (sandboxBefore) await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: sandboxBefore.cloud_webhook_url || '' });
    if (catalogBefore) cli('settings', catalogBefore);
  } finally {
    if (browser) await browser.close();
  }
});

// -------------------------------------------------------------------- tests --

test('the administrator moves the store to the WordPress database; every table is copied with equal counts and hashes; dashboards read the same', async (t) => {
  if (skip) return t.skip(skip);
  const sqlite = await store();
  assert.equal(sqlite.engine, 'sqlite');
  assert.equal(sqlite.info.store_engine, 'sqlite');
  const tableNames = Object.keys(sqlite.stats.tables).sort();
  assert.ok(tableNames.length > 0, 'the store lists its tables');
  for (const [table, min] of [['message', 3], ['conversation', 2], ['vendor_session', 1], ['catalog_item', 1], ['sync_job', 1]]) {
    assert.ok(sqlite.stats.tables[table] >= min, `the SQLite store holds ${table} rows: ${sqlite.stats.tables[table]}`);
  }
  const before = await dashboard('before');
  assert.equal(before.session.state, 'connected');
  assert.ok(before.conversations.length >= 2, `conversations before: ${JSON.stringify(before.conversations)}`);
  assert.ok(Number(before.counts.synced) > 0, `catalog before: ${JSON.stringify(before.counts)}`);

  const { page, context, problems } = await openPage();
  let result;
  try {
    await logIn(context, admin.login, admin.password);
    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-settings`);
    const box = page.locator('#wpwa-storage');
    await box.scrollIntoViewIfNeeded();
    // The fixed admin bar would cover the box in its screenshots.
    const hideBar = () => page.addStyleTag({ content: '#wpadminbar { display: none !important; }' });
    await hideBar();
    assert.equal(await box.locator('tr[data-wpwa-store="engine"]').getAttribute('data-value'), 'sqlite');
    assert.equal(await box.locator('tr[data-wpwa-store="source"]').getAttribute('data-value'), 'default');
    assert.match(await box.locator('tr[data-wpwa-store="schema"] td').innerText(), /^[1-9]\d*$/);
    await Promise.all([page.waitForNavigation(), box.locator('#wpwa-store-move-start').click()]);
    const confirm = page.locator('#wpwa-storage .wpwa-storage__confirm');
    await confirm.waitFor({ state: 'visible' });
    await hideBar();
    assert.match(await confirm.innerText(), /row count and content hash/);
    await shoot(box, 'store-move-confirm');

    // Move now; while it runs, the webhook routes turn deliveries away.
    const moved = page.waitForNavigation({ timeout: 180000 });
    await confirm.locator('#wpwa-store-move').click({ noWaitAfter: true });
    const refused = await waitFor(async () => {
      const r = await plain.post(CLOUD_HOOK, { body: '{"object":"whatsapp_business_account","entry":[]}', headers: { 'content-type': 'application/json' }, cookies: false });
      return r.status === 503 ? r : null;
    }, 'the Cloud API webhook answering 503 during the move', 30000, 100);
    assert.equal(refused.headers['retry-after'], '60', 'Retry-After on the Cloud API webhook');
    assert.equal(refused.json().code, 'wpwa_store_moving');
    const gateway = await plain.post(GATEWAY_HOOK, { body: '{"event":"session.status"}', headers: { 'content-type': 'application/json' }, cookies: false });
    assert.equal(gateway.status, 503, `the gateway webhook during the move: ${gateway.text.slice(0, 200)}`);
    assert.equal(gateway.headers['retry-after'], '60', 'Retry-After on the gateway webhook');
    await moved;
    assert.equal(phpErrorsIn(await page.content()), null, 'no PHP errors after the move');

    const notice = page.locator('.notice-success').filter({ hasText: 'now in the WordPress database' });
    await notice.waitFor({ state: 'visible' });
    await hideBar();
    assert.equal(await box.locator('tr[data-wpwa-store="engine"]').getAttribute('data-value'), 'wordpress');
    assert.equal(await box.locator('tr[data-wpwa-store="source"]').getAttribute('data-value'), 'moved');
    assert.match(await box.locator('tr[data-wpwa-store="location"]').innerText(), /wp_wpwa_\*/);
    assert.equal(await box.locator('.wpwa-storage__outcome').getAttribute('data-ok'), '1');
    assert.equal(await box.locator('#wpwa-store-move-start').count(), 0, 'no move button once on the database');
    result = await box.locator('.wpwa-storage__tables tbody tr').evaluateAll((rows) => rows.map((r) => ({
      table: r.getAttribute('data-table'),
      source_rows: Number(r.getAttribute('data-source-rows')),
      target_rows: Number(r.getAttribute('data-target-rows')),
      source_hash: r.getAttribute('data-source-hash'),
      target_hash: r.getAttribute('data-target-hash'),
      match: r.getAttribute('data-match'),
      shown: r.innerText,
    })));
    await shoot(notice, 'store-move-notice');
    await shoot(box, 'store-move-result');
    assertClean(problems, 'settings page (move)');
  } finally {
    await context.close();
  }

  console.log(`store move: ${result.length} tables`);
  for (const r of result) console.log(`  ${r.table.padEnd(20)} ${String(r.source_rows).padStart(6)} → ${String(r.target_rows).padStart(6)}  ${r.source_hash.slice(0, 16)} ${r.source_hash === r.target_hash ? '=' : '≠'} ${r.target_hash.slice(0, 16)}`);
  assert.deepEqual(result.map((r) => r.table).sort(), tableNames, 'every table of the store is in the result');
  for (const r of result) {
    assert.equal(r.target_rows, r.source_rows, `${r.table}: rows`);
    assert.match(r.source_hash, /^[0-9a-f]{64}$/, `${r.table}: a SHA-256 of the rows`);
    assert.equal(r.target_hash, r.source_hash, `${r.table}: content hash`);
    assert.equal(r.match, '1', `${r.table}: shown as equal`);
    assert.match(r.shown, /equal/, `${r.table}: the page says equal`);
  }
  const copied = Object.fromEntries(result.map((r) => [r.table, r.target_rows]));
  for (const table of ['message', 'conversation', 'vendor_session', 'catalog_item', 'sync_job']) {
    assert.ok(copied[table] >= sqlite.stats.tables[table], `${table}: ${copied[table]} rows copied (${sqlite.stats.tables[table]} before)`);
  }

  // The site now runs on the WordPress database, with the rows copied.
  const db = await store();
  assert.equal(db.engine, 'wordpress');
  assert.equal(db.source, 'moved');
  assert.equal(db.info.store_engine, 'mariadb');
  assert.ok(db.info.store_location.includes(db.database), `${db.info.store_location} is the WordPress database ${db.database}`);
  assert.ok(db.info.store_location.includes(`${db.prefix}wpwa_*`), `${db.info.store_location} carries the site's prefix`);
  // Event logs may have grown since the copy (a dashboard's or the queue's session
  // poll adds a session_event row); every other table holds exactly what was copied.
  const growing = ['activity_log', 'session_event'];
  for (const table of tableNames) {
    if (growing.includes(table)) {
      assert.ok(db.stats.tables[table] >= copied[table], `${table} in the database holds at least what was copied`);
    } else {
      assert.equal(db.stats.tables[table], copied[table], `${table} in the database holds what was copied`);
    }
  }

  const afterMove = await dashboard('after');
  assert.deepEqual(afterMove, before, 'the vendor dashboard reads the same before and after the move');

  // A new message after the move is stored in the database and shown.
  await sandbox('POST', '/sandbox/messages/inject', { text: `#${vendor.code} after the move ${RUN}`, from: CUSTOMERS[1], name: `Customer ${RUN}` });
  await waitFor(async () => (await messagesPanel(vendor)).includes(`after the move ${RUN}`), 'a message after the move in the vendor panel');
  assert.ok((await store()).stats.tables.message > copied.message, 'the new message is in the database');
});

test('Site Health shows the store in the WordPress database, and a moved store is not moved twice', async (t) => {
  if (skip) return t.skip(skip);
  const { page, context, problems } = await openPage();
  try {
    await logIn(context, admin.login, admin.password);
    await gotoOk(page, `${ADMIN}/site-health.php?tab=debug`);
    await page.locator('button[aria-controls="health-check-accordion-block-wpwa"]').click();
    const section = page.locator('#health-check-accordion-block-wpwa');
    await section.waitFor({ state: 'visible' });
    const text = await section.innerText();
    console.log(`site health (WhatsApp (wpwa)) after the move:\n${text.split('\n').map((l) => `  ${l}`).join('\n')}`);
    assert.match(text, /Store engine\s+WordPress database \(MariaDB\/MySQL\)/);
    assert.match(text, /Store engine chosen by\s+a completed move to the WordPress database/);
    assert.match(text, /Store schema version\s+[1-9]\d*/);
    assert.match(text, /Store\s+.*wp_wpwa_\*/);
    await shoot(page, 'store-move-site-health');
    await gotoOk(page, `${ADMIN}/site-health.php`);
    const direct = await page.evaluate(() => (window.SiteHealth && window.SiteHealth.site_status && window.SiteHealth.site_status.direct) || []);
    const ours = direct.find((d) => d.test === 'wpwa_store');
    assert.ok(ours, 'the wpwa_store test ran');
    assert.equal(`${ours.status}: ${ours.label}`, 'good: The WhatsApp store is available: WordPress database (MariaDB/MySQL)');
    await page.waitForLoadState('networkidle');
    assertClean(problems, 'site health');
  } finally {
    await context.close();
  }

  // The action refuses a second move (no button, and a forged post changes nothing).
  const adminHttp = await loggedIn(baseUrl, admin.login, admin.password);
  const page2 = await adminHttp.get(`${ADMIN}/admin.php?page=wpwa-settings&wpwa_store_move=confirm`);
  assert.equal(page2.status, 200);
  assert.ok(!page2.text.includes('id="wpwa-store-move"'), 'no Move now button on the database');
  const noNonce = await adminHttp.post(`${ADMIN}/admin-post.php`, { form: { action: 'wpwa_store_move' } });
  assert.equal(noNonce.status, 403, 'admin-post without a nonce');
  const still = await store();
  assert.equal(still.engine, 'wordpress');
});

test('tables a killed move left behind: the move refuses to copy over them; the administrator removes them, after ticking that their data may go, and moves again', async (t) => {
  if (skip) return t.skip(skip);
  // Back on the SQLite file with wpwa's tables left in the database, as a move
  // killed after its copy would leave them.
  const back = await helper('/store-reset', { keep_tables: true });
  assert.equal(back.engine, 'sqlite');
  assert.equal(back.dropped, 0);

  const { page, context, problems } = await openPage();
  try {
    await logIn(context, admin.login, admin.password);
    await gotoOk(page, `${ADMIN}/admin.php?page=wpwa-settings&wpwa_store_move=confirm`);
    const box = page.locator('#wpwa-storage');
    const hideBar = () => page.addStyleTag({ content: '#wpadminbar { display: none !important; }' });
    await Promise.all([page.waitForNavigation({ timeout: 180000 }), box.locator('#wpwa-store-move').click()]);
    assert.equal(await box.locator('.wpwa-storage__outcome').getAttribute('data-error'), 'target_not_empty');
    assert.equal(await box.locator('tr[data-wpwa-store="engine"]').getAttribute('data-value'), 'sqlite', 'the site stays on its SQLite file');
    const form = box.locator('#wpwa-store-leftovers');
    await form.waitFor({ state: 'visible' });
    await hideBar();
    await shoot(box, 'store-move-leftovers');

    // Without the box ticked (the browser asks for it; a post without it too), nothing goes.
    await form.locator('input[name="wpwa_leftovers_understood"]').evaluate((el) => el.removeAttribute('required'));
    await Promise.all([page.waitForNavigation(), form.locator('#wpwa-store-remove-leftovers').click()]);
    await page.locator('.notice-error').filter({ hasText: 'Nothing was removed' }).waitFor({ state: 'visible' });
    await form.waitFor({ state: 'visible' });

    await form.locator('input[name="wpwa_leftovers_understood"]').check();
    await Promise.all([page.waitForNavigation(), form.locator('#wpwa-store-remove-leftovers').click()]);
    const removed = page.locator('.notice-success').filter({ hasText: 'You can move the store now' });
    await removed.waitFor({ state: 'visible' });
    const count = Number(/Removed (\d+) wpwa tables/.exec(await removed.innerText())?.[1]);
    assert.ok(count >= Object.keys(back.stats.tables).length, `every wpwa table removed: ${count}`);
    assert.equal(await box.locator('#wpwa-store-leftovers').count(), 0, 'the form is gone with the tables');
    assert.equal(await box.locator('.wpwa-storage__outcome').count(), 0, 'the refused move is forgotten');

    await Promise.all([page.waitForNavigation(), box.locator('#wpwa-store-move-start').click()]);
    await Promise.all([page.waitForNavigation({ timeout: 180000 }), box.locator('#wpwa-store-move').click()]);
    await page.locator('.notice-success').filter({ hasText: 'now in the WordPress database' }).waitFor({ state: 'visible' });
    assert.equal(await box.locator('tr[data-wpwa-store="engine"]').getAttribute('data-value'), 'wordpress');
    assertClean(problems, 'settings page (leftover tables)');
  } finally {
    await context.close();
  }
  console.log('store move over leftover tables: refused, tables removed after confirmation, moved again');
});
