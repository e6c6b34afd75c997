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
//        [--resend-from FILE --copies K]
//
// KIND: message (the body above), status (a `delivered` status for a wamid no
// one sent: exercises the route without storing a message; the warm-up), or
// resend (re-sends, K times each and back to back, the first N bodies saved
// with --wamids-out by an earlier message run, as Meta's at-least-once
// delivery does). --wamids-out saves each message body (wamid TAB body, one a
// line) for the checks and for a later resend.
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
  const from = `1555${String(7000000 + (n % CUSTOMERS)).padStart(7, '0')}`;
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
const bodies = [];
if (kind === 'message') {
  const lines = [];
  for (let n = 1; n <= count; n++) {
    const wamid = `${prefix}.${String(n).padStart(6, '0')}`;
    const body = messageBody(n, wamid);
    bodies.push(body);
    lines.push(`${wamid}\t${body}`);
  }
  if (args['wamids-out']) fs.writeFileSync(args['wamids-out'], `${lines.join('\n')}\n`);
} else if (kind === 'status') {
  for (let n = 1; n <= count; n++) bodies.push(statusBody(`${prefix}.${String(n).padStart(6, '0')}`));
} else if (kind === 'resend') {
  const copies = Number(args.copies || 2);
  const saved = fs.readFileSync(need('resend-from'), 'utf8').split('\n').filter(Boolean);
  // Spread over the whole earlier run, not just its first bodies.
  const step = Math.max(1, Math.floor(saved.length / count));
  for (let i = 0; i < count && i * step < saved.length; i++) {
    const body = saved[i * step].slice(saved[i * step].indexOf('\t') + 1);
    for (let c = 0; c < copies; c++) bodies.push(body);
  }
} else {
  console.error(`webhook-load: unknown --kind ${kind}`);
  process.exit(2);
}
const prepared = bodies.map((body) => {
  const buf = Buffer.from(body);
  return { buf, signature: sign(buf) };
});

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
const statuses = {};
const latencies = [];
const failures = [];
let next = 0;

function send({ buf, signature }) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(url, {
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
      res.on('end', () => {
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        resolve({ status: String(res.statusCode), text: Buffer.concat(chunks).toString() });
      });
      res.on('error', (e) => resolve({ status: 'error', text: String(e) }));
    });
    req.on('error', (e) => resolve({ status: 'error', text: String(e) }));
    req.setTimeout(120000, () => req.destroy(new Error('timeout after 120 s')));
    req.end(buf);
  });
}

// C workers, each taking the next request as soon as its previous one is
// answered: exactly C in flight until the queue runs dry.
async function worker() {
  while (next < prepared.length) {
    const item = prepared[next++];
    const { status, text } = await send(item);
    statuses[status] = (statuses[status] || 0) + 1;
    if (status !== '200' && failures.length < 5) failures.push(`${status}: ${text.slice(0, 300)}`);
  }
}

const start = process.hrtime.bigint();
await Promise.all(Array.from({ length: Math.min(concurrency, prepared.length) }, worker));
const wall = Number(process.hrtime.bigint() - start) / 1e9;
agent.destroy();

latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : 0);
for (const f of failures) console.error(`webhook-load ${kind}: ${f}`);
console.log(JSON.stringify({
  kind,
  requests: prepared.length,
  concurrency,
  body_bytes: prepared.length ? prepared[0].buf.length : 0,
  statuses,
  wall_s: Number(wall.toFixed(3)),
  rps: Number((prepared.length / wall).toFixed(1)),
  p50_ms: Number(pct(50).toFixed(1)),
  p95_ms: Number(pct(95).toFixed(1)),
  p99_ms: Number(pct(99).toFixed(1)),
  max_ms: Number((latencies.at(-1) || 0).toFixed(1)),
}));
