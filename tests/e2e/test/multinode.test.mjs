// Two web nodes of one site on one MariaDB (issue 14), wpwa's store in the
// WordPress database: what one node stores, the other serves.
//  - a signed customer message webhook POSTed to node A directly appears in
//    the vendor's Customer messages panel that node B serves (Chromium);
//  - a catalog sync started on node B (planned, some batches perhaps sent
//    while it read), continued by a slice on node A (which sends the rest)
//    and finished by slices on node B (which see the batches through) ends
//    with the exact catalog in the sandbox, each item sent once;
//  - a vendor connected through node A (QR scanned in the sandbox gateway)
//    shows Connected on the dashboard node B serves (Chromium).
// Every node answers with `X-Wpwa-Node: NAME`: the tests assert it on every
// response they rely on. HTTP clients talk to a node on its own port
// (WPWA_E2E_NODES); Chromium stays on the site's URL (the load balancer, so
// the page's REST calls are same-origin) pinned to node B by the load
// balancer's `wpwa_node` cookie, and every response it gets from the site
// must come from node B.
//
// Run by scripts/test in its second e2e pass (scripts/lib/multinode.sh);
// skipped where WPWA_E2E_NODES names fewer than two nodes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, docroot, pageUrl, chromium, artifactsDir } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, logIn, newVendor, cloudMessage, shoot } from '../lib/world.js';

const NODES = Object.fromEntries((process.env.WPWA_E2E_NODES || '').split(/\s+/).filter(Boolean).map((kv) => kv.split('=')));
const skip = !(NODES.a && NODES.b) && 'WPWA_E2E_NODES names no nodes a and b (run through scripts/test)';
const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');
const EXT = process.env.WPWA_E2E_EXTENSION || path.join(ROOT, 'target', 'release', 'libwpwa.so');
const CLI = path.join(ROOT, 'tests', 'wordpress', 'catalog-cli.php');
const WEB_USER = process.env.WPWA_WEB_USER || 'www-data';
const RUN = Date.now().toString(36).slice(-6);
const R = RUN.toUpperCase();
const SANDBOX_DEFAULTS = { cloud_latency_ms: 0, catalog_batch_limit: 20, catalog_window_ms: 1000, batch_processing_ms: 200 };
let browser;

// ------------------------------------------------------------------ helpers --

const nodeOf = (res) => res.headers['x-wpwa-node'];

/** `res` (node:http answer) came from `node` with `status`. */
function servedBy(res, node, status, what) {
  assert.equal(res.status, status, `${what}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  assert.equal(nodeOf(res), node, `${what} was answered by node ${node}`);
}

/** A vendor's REST client on one node's own URL (cookie + wp_rest nonce from that node). */
async function onNode(node, login, password) {
  const http = await loggedIn(NODES[node], login, password);
  const nonce = await http.restNonce();
  return {
    node,
    call: (method, route, body) => http.request(method, `${NODES[node]}/wp-json/wpwa/v1${route}`, { headers: { 'x-wp-nonce': nonce }, body }),
  };
}

/**
 * A Chromium context on the site's URL, pinned to `node` by the load
 * balancer's cookie; records the X-Wpwa-Node of every response from the site.
 */
async function pinnedContext(node) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  await context.addCookies([{ name: 'wpwa_node', value: node, url: baseUrl }]);
  const served = [];
  context.on('response', (r) => {
    if (r.url().startsWith(`${baseUrl}/`)) served.push({ url: r.url(), node: r.headers()['x-wpwa-node'] || '(none)' });
  });
  const problems = [];
  context.on('page', (p) => p.on('pageerror', (e) => {
    if (!/\/wp-admin\/js\/user-profile(\.min)?\.js/.test(`${e.stack || ''}`)) problems.push(String(e));
  }));
  return { context, served, problems };
}

function assertAllFrom(served, node, where) {
  assert.ok(served.length > 0, `${where}: responses were seen`);
  const others = served.filter((s) => s.node !== node);
  assert.deepEqual(others, [], `${where}: every response of the site came from node ${node}`);
}


function catalogCli(command, input) {
  const uid = Number(execFileSync('id', ['-u', WEB_USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', WEB_USER]).toString().trim());
  const out = execFileSync('php', ['-d', `extension=${EXT}`, '-d', 'display_errors=stderr', '-d', 'log_errors=0', CLI, command, JSON.stringify(input || {})], {
    uid, gid, cwd: '/tmp', env: { ...process.env, WPWA_DOCROOT: docroot, WPWA_SITE_URL: baseUrl }, maxBuffer: 64 << 20,
  });
  return JSON.parse(out.toString());
}

// -------------------------------------------------------------------- setup --

before(async () => {
  if (skip) return;
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  // Both nodes answer, each naming itself, and round robin reaches both.
  for (const node of ['a', 'b']) {
    const res = await new Client(NODES[node]).get('/wp-login.php', { cookies: false });
    servedBy(res, node, 200, `node ${node}'s own URL`);
  }
  const seen = new Set();
  for (let i = 0; i < 4; i++) seen.add(nodeOf(await new Client(baseUrl).get('/wp-login.php', { cookies: false })));
  assert.deepEqual([...seen].sort(), ['a', 'b'], 'the load balancer sends requests to both nodes');
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  if (skip) return;
  try {
    await sandbox('PUT', '/sandbox/config', { ...SANDBOX_DEFAULTS, cloud_webhook_url: '' });
  } finally {
    if (browser) await browser.close();
  }
});

// -------------------------------------------------------------------- tests --

test('a customer message POSTed to node A appears in the vendor\'s panel served by node B (Chromium)', { skip }, async () => {
  const vendor = await newVendor(`mnmsg_${RUN}`, `Node${RUN}`);
  const from = `1555${1000000 + crypto.randomInt(8000000)}`;
  const text = `Hello #${vendor.code}, sent to node A ${RUN}`;
  const wamid = `wamid.MN${RUN}${crypto.randomBytes(6).toString('hex')}`;
  const { body, signature } = cloudMessage({ wamid, from, name: `Nadia ${RUN}`, text });
  const res = await new Client(NODES.a).post('/wp-json/wpwa/v1/webhooks/cloud', {
    body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, cookies: false,
  });
  servedBy(res, 'a', 200, 'the webhook POSTed to node A');
  assert.deepEqual(res.json(), { ok: true });

  // The same delivery again, now to node B: stored once.
  const again = await new Client(NODES.b).post('/wp-json/wpwa/v1/webhooks/cloud', {
    body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, cookies: false,
  });
  servedBy(again, 'b', 200, 'the redelivery POSTed to node B');

  const { context, served, problems } = await pinnedContext('b');
  try {
    const page = await context.newPage();
    await logIn(context, vendor.login, vendor.password);
    const dash = await page.goto(pageUrl('dashboard'));
    assert.equal(dash.status(), 200);
    assert.equal(dash.headers()['x-wpwa-node'], 'b', 'the dashboard page was served by node B');
    assert.equal(phpErrorsIn(await page.content()), null, 'no PHP errors in the dashboard');
    const convo = page.locator('.wpwa-panel--messages .wpwa-conversation', { hasText: `Nadia ${RUN}` });
    await convo.waitFor();
    assert.equal(await convo.count(), 1, 'one conversation');
    assert.ok((await convo.locator('.wpwa-conversation__text').innerText()).includes(`sent to node A ${RUN}`), 'the message node A stored');
    assert.match(await convo.innerText(), /1 unread/, 'one message after deliveries to both nodes');
    assert.equal(await convo.locator('.wpwa-conversation__number').innerText(), `+${from}`);
    await shoot(page, 'multinode-message-on-node-b');
    assertAllFrom(served, 'b', 'the vendor\'s browser');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('a catalog sync started on node B, continued by a slice on node A and finished on node B ends with the exact catalog', { skip }, async () => {
  const password = crypto.randomBytes(12).toString('hex');
  const fx = catalogCli('fixtures', { run: RUN, password });
  const img = fx.image_url;
  const expected = {
    [`CA-${R}-TEE`]: { price: '19.99 USD', image_link: img.tee },
    [`CA-${R}-MUG`]: { price: '30.00 USD', sale_price: '24.50 USD', image_link: img.mug },
    [`CA-${R}-CAP`]: { price: '15.00 USD', image_link: img.cap },
    [`CA-${R}-HOOD-RED`]: { price: '40.00 USD', image_link: img.red },
    [`wc_${fx.hoodie.blue}`]: { price: '42.00 USD', sale_price: '39.00 USD', image_link: img.hoodie },
  };
  const CAT = `7${String(Date.now()).slice(-9)}9${crypto.randomInt(1000, 9999)}`;
  catalogCli('settings', { catalog_id: CAT, batch_size: 1 });
  // The Cloud API takes 23 s to process a batch: longer than a slice's
  // budget (Sync::BACKGROUND_SLICE_MS, 20 s, what a GET wpwa/v1/sync runs
  // through Action Scheduler), so the slice that sends the batches ends
  // before they are processed, and another slice must see them through.
  await sandbox('PUT', '/sandbox/config', { ...SANDBOX_DEFAULTS, batch_processing_ms: 23000 });
  try {
    const b = await onNode('b', fx.vendor_a.login, password);
    const a = await onNode('a', fx.vendor_a.login, password);
    const sent = async () => (await sandbox('GET', `/sandbox/catalogs/${CAT}/stats`)).batches || 0;
    const slices = [];
    // Runs GET wpwa/v1/sync on `node` until `done(job, batches)`; every answer from that node.
    const slicesOn = async (node, done) => {
      const end = Date.now() + 90000;
      for (;;) {
        const res = await node.call('GET', '/sync');
        servedBy(res, node.node, 200, `GET sync (a slice) on node ${node.node}`);
        const job = res.json().job;
        const batches = await sent();
        slices.push(`${node.node}:${job.processed}/${job.total},${batches} sent`);
        if (done(job, batches)) return { job, batches };
        assert.ok(Date.now() < end, `node ${node.node}: ${slices.join(' ')}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    };

    const first = await b.call('POST', '/sync');
    servedBy(first, 'b', 200, 'POST sync on node B');
    assert.equal(first.json().started, true, 'node B started a new job');
    const start = first.json().job;
    assert.equal(start.state, 'running', JSON.stringify(start));
    assert.equal(start.total, 5, 'five items planned');
    // The read sends what it planned while it goes on reading: as many of
    // the five batches as it had time for before the plan closed.
    const sentByB = await sent();
    assert.ok(sentByB <= 5, `node B sent at most the five batches while reading (${sentByB})`);
    slices.push(`b(start):${start.processed}/${start.total},${sentByB} sent`);

    // Node A's slice sends the rest, and its budget runs out while they are processed.
    const onA = await slicesOn(a, (job, batches) => batches >= 5 || job.state !== 'running');
    assert.equal(onA.job.job_id, start.job_id, 'node A continues the job node B started');
    assert.equal(onA.job.state, 'running', `work remains after node A's slice: ${slices.join(' ')}`);
    assert.equal(onA.batches, 5, `the five batches (batch size 1) are sent, ${5 - sentByB} of them by node A`);
    assert.equal(onA.job.processed, 0, 'none processed yet');

    // Node B's slices see them through.
    const onB = await slicesOn(b, (job) => job.state !== 'running');
    console.log(`slices (node:processed/total,batches sent): ${slices.join(' ')}`);
    const job = onB.job;
    assert.equal(job.job_id, start.job_id, 'node B finishes the same job');
    assert.equal(job.state, 'done', JSON.stringify(job));
    assert.equal(job.synced, 5, 'five items synced');
    assert.equal(job.rejected, 0);
    assert.equal(onB.batches, 5, 'node B sent nothing again');

    const { items } = await sandbox('GET', `/sandbox/catalogs/${CAT}/items`);
    assert.deepEqual(items.map((i) => i.id).sort(), Object.keys(expected).sort(), 'the catalog holds exactly vendor A\'s valid published products');
    for (const item of items) {
      const want = expected[item.id];
      assert.equal(item.price, want.price, `price of ${item.id}`);
      assert.equal(item.sale_price || '', want.sale_price || '', `sale price of ${item.id}`);
      assert.equal(item.image_link, want.image_link, `image of ${item.id}`);
    }
    const stats = await sandbox('GET', `/sandbox/catalogs/${CAT}/stats`);
    assert.equal(stats.requests.CREATE, 5, `each item sent once (${JSON.stringify(stats.requests)})`);
    assert.equal(stats.batches, 5, 'batch size 1: five batches, none sent twice');
  } finally {
    await sandbox('PUT', '/sandbox/config', SANDBOX_DEFAULTS);
  }
});

test('a vendor connected through node A shows Connected on the dashboard node B serves (Chromium)', { skip }, async () => {
  const login = `mnsess_${RUN}`;
  const password = crypto.randomBytes(12).toString('hex');
  await helper('/vendor', { login, password, display_name: `Node Session ${RUN}` });
  const phone = `+1${1000000 + crypto.randomInt(8000000)}`;
  const a = await onNode('a', login, password);
  const res = await a.call('POST', '/session/connect');
  servedBy(res, 'a', 200, 'POST session/connect on node A');
  const name = res.json().session.gateway_session;
  assert.ok(name, 'the session names its gateway session');
  await waitFor(async () => {
    const s = await a.call('GET', '/session');
    servedBy(s, 'a', 200, 'GET session on node A');
    return s.json().session.state === 'waiting_for_scan';
  }, 'waiting_for_scan on node A');
  await sandbox('POST', `/sandbox/sessions/${name}/scan`, { phone, pushName: `Node ${RUN}` });
  await waitFor(async () => (await a.call('GET', '/session')).json().session.state === 'connected', 'connected on node A');

  const { context, served, problems } = await pinnedContext('b');
  try {
    const page = await context.newPage();
    await logIn(context, login, password);
    const dash = await page.goto(pageUrl('dashboard'));
    assert.equal(dash.status(), 200);
    assert.equal(dash.headers()['x-wpwa-node'], 'b', 'the dashboard page was served by node B');
    await page.waitForSelector('.wpwa-panel--connection');
    const badge = page.locator('.wpwa-panel--connection .wpwa-status-badge').first();
    await page.waitForFunction(() => document.querySelector('.wpwa-panel--connection .wpwa-status-badge')?.getAttribute('data-state') === 'connected', null, { timeout: 15000 });
    assert.equal((await badge.innerText()).trim(), 'Connected');
    assert.equal((await page.locator('.wpwa-status-phone').innerText()).trim(), phone);
    // The panel's own status call, answered by node B as well.
    const status = await page.evaluate(async () => {
      const r = await fetch(window.location.origin + '/wp-json/wpwa/v1/session', { headers: { 'X-WP-Nonce': window.wpApiSettings?.nonce || '' }, credentials: 'same-origin' });
      return { status: r.status, node: r.headers.get('x-wpwa-node') };
    });
    assert.equal(status.node, 'b', `a REST call from the page went to node B (HTTP ${status.status})`);
    await shoot(page, 'multinode-session-on-node-b');
    assertAllFrom(served, 'b', 'the vendor\'s browser');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
  const off = await a.call('POST', '/session/disconnect');
  servedBy(off, 'a', 200, 'POST session/disconnect on node A');
});
