#!/usr/bin/env node
// Driver of `scripts/bench-faults node`: a catalog sync whose slice is running
// on one web node when that node is killed; the other node's slices finish it.
// Node's standard library and the e2e suite's HTTP client only.
//
//   node sync-fault.mjs --url LB_URL --sandbox SANDBOX_URL --login L --password P
//        --catalog CATALOG_ID --expect ITEMS.json --node a
//        --kill-ready FILE --killed FILE [--kill-at 0.3]
//
//  1. logs in as the vendor through the load balancer; POST wpwa/v1/sync on
//     node --node (pinned with X-Wpwa-Node-Pin) plans the job;
//  2. GET wpwa/v1/sync on that node runs the job's slice there; once the
//     sandbox catalog has received --kill-at of the items while that request
//     is still open (the slice is mid-work and holds the job's lease), it
//     writes --kill-ready and waits for the calling script to kill the node
//     and write --killed;
//  3. polls GET wpwa/v1/sync through the load balancer (which now sends it to
//     the surviving node) until the job is no longer running;
//  4. prints one JSON line: the job before and after, which nodes answered
//     the polls, the sandbox's counts at the kill and at the end, and the
//     catalog compared with --expect ({retailer_id: {title, price, image_link}}):
//     missing, unexpected and differing items.
import fs from 'node:fs';
import { Client } from '../../tests/e2e/lib/http.js';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const need = (k) => {
  if (!args[k]) {
    console.error(`sync-fault: --${k} is required`);
    process.exit(2);
  }
  return args[k];
};
const base = need('url').replace(/\/+$/, '');
const sandbox = need('sandbox').replace(/\/+$/, '');
const catalog = need('catalog');
const node = need('node');
const expected = JSON.parse(fs.readFileSync(need('expect'), 'utf8'));
const total = Object.keys(expected).length;
const killAt = Number(args['kill-at'] || 0.3);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fail = (message) => {
  console.error(`sync-fault: ${message}`);
  process.exit(1);
};

const sandboxClient = new Client(sandbox);
async function sandboxGet(path) {
  const res = await sandboxClient.request('GET', `${sandbox}${path}`, { cookies: false });
  if (res.status !== 200) fail(`sandbox GET ${path}: HTTP ${res.status}`);
  return res.json();
}
const stats = () => sandboxGet(`/sandbox/catalogs/${catalog}/stats`);

const vendor = new Client(base);
await vendor.login(need('login'), need('password'));
const nonce = await vendor.restNonce();
const call = (method, pin) => vendor.request(method, `${base}/wp-json/wpwa/v1/sync`, {
  headers: { 'x-wp-nonce': nonce, ...(pin ? { 'x-wpwa-node-pin': pin } : {}) },
});

// 1. Plan on the node to be killed.
const planned = await call('POST', node);
if (planned.status !== 200) fail(`POST sync on node ${node}: HTTP ${planned.status} ${planned.text.slice(0, 300)}`);
const before = planned.json().job;
if (!before || before.state !== 'running' || before.total !== total) {
  fail(`POST sync: expected a running job of ${total} items, got ${JSON.stringify(planned.json())}`);
}

// 2. A slice on that node; kill it mid-work. A poll may end without having
// run the slice (Action Scheduler had not queued it yet): poll node a again,
// as the dashboard would, as long as the job is running.
let sliceAnswer = null;
let slices = 0;
let slice = null;
const startSlice = () => {
  sliceAnswer = null;
  slices++;
  slice = call('GET', node).then(
    (res) => { sliceAnswer = { status: res.status, node: res.headers['x-wpwa-node'] || '', job: res.status === 200 ? res.json().job : null }; },
    (err) => { sliceAnswer = { status: 'error', error: String(err.message || err) }; },
  );
};
startSlice();
let atKill = null;
const deadline = Date.now() + 120000;
for (;;) {
  if (sliceAnswer) {
    if (sliceAnswer.status !== 200 || !sliceAnswer.job || sliceAnswer.job.state !== 'running' || slices >= 30) {
      fail(`the slice on node ${node} ended before the kill (${JSON.stringify(sliceAnswer)}, poll ${slices}): nothing was killed mid-sync`);
    }
    startSlice();
  }
  if (Date.now() > deadline) fail('the sandbox received too little within 120 s');
  const s = await stats();
  if (s.requests.CREATE >= Math.ceil(total * killAt)) {
    atKill = s;
    break;
  }
  await sleep(50);
}
fs.writeFileSync(need('kill-ready'), `${JSON.stringify(atKill)}\n`);
const killedBy = Date.now() + 30000;
while (!fs.existsSync(need('killed'))) {
  if (Date.now() > killedBy) fail('the calling script did not kill the node within 30 s');
  await sleep(20);
}
const killedAt = Date.now();
await slice;
delete sliceAnswer.job;

// 3. Poll through the load balancer until the job ends.
const answeredBy = {};
let job = null;
let polls = 0;
const end = Date.now() + 180000;
for (;;) {
  if (Date.now() > end) fail(`the job did not end within 180 s of the kill: ${JSON.stringify(job)}`);
  const res = await call('GET', '');
  polls++;
  const who = `${res.headers['x-wpwa-node'] || '?'} ${res.status}`;
  answeredBy[who] = (answeredBy[who] || 0) + 1;
  if (res.status === 200) {
    job = res.json().job;
    if (job && job.state !== 'running') break;
  }
  await sleep(500);
}
const doneAfterMs = Date.now() - killedAt;

// 4. The catalog against what was expected.
const items = (await sandboxGet(`/sandbox/catalogs/${catalog}/items`)).items;
const seen = new Map();
for (const item of items) seen.set(item.id, (seen.get(item.id) || 0) + 1);
const missing = Object.keys(expected).filter((id) => !seen.has(id));
const unexpected = [...seen.keys()].filter((id) => !expected[id]);
const doubled = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
const differing = [];
for (const item of items) {
  const want = expected[item.id];
  if (!want) continue;
  for (const field of ['title', 'price', 'image_link']) {
    if (String(item[field] ?? '') !== String(want[field])) differing.push(`${item.id}.${field}: ${item[field]} != ${want[field]}`);
  }
}
const final = await stats();
console.log(JSON.stringify({
  expected: total,
  job_before: { job_id: before.job_id, total: before.total },
  slice_on_killed_node: sliceAnswer,
  polls_of_killed_node: slices,
  at_kill: atKill,
  job_after: job && { job_id: job.job_id, state: job.state, total: job.total, processed: job.processed, synced: job.synced, rejected: job.rejected, deleted: job.deleted, error: job.error },
  polls_after_kill: polls,
  answered_by: answeredBy,
  done_after_kill_ms: doneAfterMs,
  sandbox: final,
  catalog_items: items.length,
  missing,
  unexpected,
  doubled,
  differing: differing.slice(0, 20),
}));
