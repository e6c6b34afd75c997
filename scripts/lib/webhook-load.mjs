#!/usr/bin/env node
// Load generator of scripts/bench-webhooks: POSTs N signed WhatsApp Cloud API
// webhook bodies to one URL with exactly C requests in flight over C
// keep-alive connections, and prints one JSON line with every HTTP status
// seen, the wall time and the throughput. Node's standard library only.
//
// Every body is built and signed before the clock starts (so the generator's
// own work is not timed): a text message from one of a pool of customers, a
// unique wamid (PREFIX.000001…), and a text that names vendor A's code, vendor
// B's code or no vendor at all (the marketplace team's fallback), in turn.
//
//   node webhook-load.mjs --url URL --count N --concurrency C --kind KIND
//        --secret S --prefix P [--codes A,B] [--wamids-out FILE]
//        [--resend-from FILE --copies K [--other-node a=URLA,b=URLB]]
//        [--baseline URL2 --rounds R] [--statuses-out FILE] [--rate R]
//        [--customers-from N]
//
// With --baseline URL2 (message kind only), the very same bodies go to URL2 as
// well, in --rounds R alternating
// slices (URL2 first in even rounds, URL first in odd ones), so both routes
// are measured under the same background load on a shared machine; one JSON
// line is printed for URL2 (kind "baseline"), then one for URL.
//
// KIND: message (the body above), status (a `delivered` status for a wamid no
// one sent: exercises the route without storing a message; the warm-up), or
// resend (re-sends, K times each and back to back, the first N bodies saved
// with --wamids-out by an earlier message run, as Meta's at-least-once
// delivery does). --wamids-out saves each message body (wamid TAB node TAB
// body, one a line; node is the X-Wpwa-Node header of the answer, or -) for
// the checks and for a later resend. With --other-node, each redelivery goes
// straight to a node other than the one that answered the first delivery
// (several web nodes behind a load balancer, scripts/lib/multinode.sh).
// The report counts the answers per X-Wpwa-Node (`nodes`). --statuses-out
// saves the HTTP status each request got (wamid TAB status, one a request;
// message and resend kinds), for checks that need to know which deliveries
// were refused (scripts/bench-faults). --rate R starts at most R requests a
// second (still at most C in flight), so that a load lasts through a fault
// even when every request is refused at once. --customers-from N numbers the
// pool of customers from N (7 digits after 1555; default 7000000), so that a
// run's customers are new to the site (their automatic replies are due).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  args[key] = process.argv[i + 1];
}
const need = (k) => {
  if (args[k] === undefined || args[k] === '') {
    console.error(`webhook-load: --${k} is required`);
    process.exit(2);
  }
  return args[k];
};

const url = new URL(need('url'));
const count = Number(need('count'));
const concurrency = Number(need('concurrency'));
const kind = need('kind');
const secret = need('secret');
const prefix = args.prefix || `wamid.BENCH${Date.now().toString(36)}`;
const codes = (args.codes || '').split(',').filter(Boolean);
const CUSTOMERS = 500;
const firstCustomer = Number(args['customers-from'] || 7000000);
if (!Number.isInteger(firstCustomer) || firstCustomer < 0 || firstCustomer + CUSTOMERS > 9999999) {
  console.error('webhook-load: --customers-from takes 0 to 9999499');
  process.exit(2);
}

const sign = (body) => `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;

function envelope(value) {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{
      id: '100000000000009',
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550000000', phone_number_id: '100000000000002' },
          ...value,
        },
      }],
    }],
  });
}

function messageBody(n, wamid) {
  const from = `1555${String(firstCustomer + (n % CUSTOMERS)).padStart(7, '0')}`;
  const slot = n % 3;
  const text = slot < codes.length
    ? `Hello #${codes[slot]}, is item ${n} still available? Can you ship it this week?`
    : `Hello, I have a question about my order number ${n}; who can help me with it?`;
  return envelope({
    contacts: [{ profile: { name: `Bench Customer ${n % CUSTOMERS}` }, wa_id: from }],
    messages: [{ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
  });
}

function statusBody(wamid) {
  return envelope({
    statuses: [{ id: wamid, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '15557000000' }],
  });
}

// The requests, built and signed up front.
let bodies = [];
let baseline = [];
const wamids = [];
const targets = []; // per body: where to send it instead of --url (resends to the other node)
const ids = []; // per body: its wamid, for --statuses-out
if (kind === 'message') {
  for (let n = 1; n <= count; n++) {
    const wamid = `${prefix}.${String(n).padStart(6, '0')}`;
    bodies.push(messageBody(n, wamid));
    wamids.push(wamid);
    ids.push(wamid);
  }
  // The very same bytes: the baseline route stores nothing.
  if (args.baseline) baseline = bodies;
} else if (kind === 'status') {
  for (let n = 1; n <= count; n++) bodies.push(statusBody(`${prefix}.${String(n).padStart(6, '0')}`));
} else if (kind === 'resend') {
  const copies = Number(args.copies || 2);
  const saved = fs.readFileSync(need('resend-from'), 'utf8').split('\n').filter(Boolean);
  const nodes = Object.fromEntries((args['other-node'] || '').split(',').filter(Boolean).map((kv) => kv.split('=')));
  const names = Object.keys(nodes);
  // Spread over the whole earlier run, not just its first bodies.
  const step = Math.max(1, Math.floor(saved.length / count));
  for (let i = 0; i < count && i * step < saved.length; i++) {
    const [wamid, first, ...rest] = saved[i * step].split('\t');
    const body = rest.join('\t');
    let target = null;
    if (names.length) {
      const other = names.find((n) => n !== first);
      if (!other || !names.includes(first)) {
        console.error(`webhook-load: ${saved[i * step].slice(0, 40)}… was first answered by node '${first}', not one of ${names.join(',')}`);
        process.exit(2);
      }
      // The node's own address, the route's path.
      target = new URL(`${url.pathname}${url.search}`, nodes[other]);
    }
    for (let c = 0; c < copies; c++) {
      bodies.push(body);
      targets.push(target);
      ids.push(wamid);
    }
  }
} else {
  console.error(`webhook-load: unknown --kind ${kind}`);
  process.exit(2);
}
const prepare = (list, withTargets = false) => list.map((body, i) => {
  const buf = Buffer.from(body);
  return { buf, signature: sign(buf), index: i, target: withTargets ? targets[i] : null };
});

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });

function send(target, { buf, signature }) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const done = (status, text, node = '-') => resolve({ status, text, node, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    const req = http.request(target, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': buf.length,
        'x-hub-signature-256': signature,
        'user-agent': 'facebookexternalua',
      },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => done(String(res.statusCode), Buffer.concat(chunks).toString(), String(res.headers['x-wpwa-node'] || '-')));
      res.on('error', (e) => done('error', String(e)));
    });
    req.on('error', (e) => done('error', String(e)));
    req.setTimeout(120000, () => req.destroy(new Error('timeout after 120 s')));
    req.end(buf);
  });
}

/** Totals of one route over its slices. */
function tally(label) {
  return { label, requests: 0, statuses: {}, nodes: {}, answeredBy: [], answers: [], latencies: [], wall: 0, failures: [], bytes: 0 };
}

// Sends `items` to `target` with C workers, each taking the next request as
// soon as its previous one is answered: exactly C in flight until the slice
// runs dry. Adds to `t`.
const rate = Number(args.rate || 0);
async function run(target, items, t) {
  let next = 0;
  const began = Date.now();
  const worker = async () => {
    while (next < items.length) {
      const k = next;
      const item = items[next++];
      if (rate > 0) {
        const due = began + (k * 1000) / rate - Date.now();
        if (due > 0) await new Promise((r) => setTimeout(r, due));
      }
      const { status, text, node, ms } = await send(item.target || target, item);
      t.statuses[status] = (t.statuses[status] || 0) + 1;
      t.nodes[node] = (t.nodes[node] || 0) + 1;
      t.answeredBy[item.index] = node;
      t.answers.push(`${ids[item.index] || ''}\t${status}`);
      t.latencies.push(ms);
      if (status !== '200' && t.failures.length < 5) t.failures.push(`${status}: ${text.slice(0, 300)}`);
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  t.wall += Number(process.hrtime.bigint() - start) / 1e9;
  t.requests += items.length;
  if (items.length) t.bytes = items[0].buf.length;
}

function report(t) {
  const l = t.latencies.sort((a, b) => a - b);
  const pct = (p) => (l.length ? l[Math.min(l.length - 1, Math.floor((p / 100) * l.length))] : 0);
  for (const f of t.failures) console.error(`webhook-load ${t.label}: ${f}`);
  console.log(JSON.stringify({
    kind: t.label,
    requests: t.requests,
    concurrency,
    body_bytes: t.bytes,
    statuses: t.statuses,
    nodes: t.nodes,
    wall_s: Number(t.wall.toFixed(3)),
    rps: Number((t.wall > 0 ? t.requests / t.wall : 0).toFixed(1)),
    p50_ms: Number(pct(50).toFixed(1)),
    p95_ms: Number(pct(95).toFixed(1)),
    p99_ms: Number(pct(99).toFixed(1)),
    max_ms: Number((l.at(-1) || 0).toFixed(1)),
  }));
}

const main = tally(kind);
const items = prepare(bodies, true);
if (baseline.length) {
  const base = tally('baseline');
  const baseItems = prepare(baseline);
  const baseUrl = new URL(args.baseline);
  const rounds = Math.max(1, Number(args.rounds || 1));
  const slice = (list, r) => list.slice(Math.floor((r * list.length) / rounds), Math.floor(((r + 1) * list.length) / rounds));
  for (let r = 0; r < rounds; r++) {
    const pair = [[baseUrl, slice(baseItems, r), base], [url, slice(items, r), main]];
    if (r % 2) pair.reverse();
    for (const [target, part, t] of pair) await run(target, part, t);
  }
  report(base);
} else {
  await run(url, items, main);
}
agent.destroy();
if (args['wamids-out'] && kind === 'message') {
  const lines = wamids.map((w, i) => `${w}\t${main.answeredBy[i] || '-'}\t${bodies[i]}`);
  fs.writeFileSync(args['wamids-out'], `${lines.join('\n')}\n`);
}
if (args['statuses-out']) fs.writeFileSync(args['statuses-out'], main.answers.length ? `${main.answers.join('\n')}\n` : '');
report(main);
