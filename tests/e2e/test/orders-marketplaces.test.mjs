// Who splits a WhatsApp order (issue 13), measured on each real marketplace
// plugin at WordPress level: the site is switched to WCFM, Dokan, MultiVendorX
// and WC Vendors in turn (tests/wordpress/marketplace-cli.php use NAME: two
// vendors made the marketplace's way, products through WooCommerce); a cart
// with one product of each vendor goes through the core's real webhook ingest
// and the plugin's Action Scheduler job (tests/wordpress/orders-cli.php place),
// and the orders WooCommerce then holds are read back:
//  - Dokan and MultiVendorX make one sub-order per vendor, each with that
//    vendor's item only, and the core records each vendor's part as their
//    sub-order;
//  - WCFM keeps one order and records a vendor order per vendor in its own
//    table; WC Vendors keeps one order; each vendor's part is the order itself;
//  - on each, every vendor is e-mailed their own part only.
// Prints the split per marketplace for the closing note. The site is left on WCFM.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseUrl, docroot } from '../lib/env.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');
const EXT = process.env.WPWA_E2E_EXTENSION || path.join(ROOT, 'target', 'release', 'libwpwa.so');
const WEB_USER = process.env.WPWA_WEB_USER || 'www-data';
const RUN = Date.now().toString(36).slice(-6);
const uid = Number(execFileSync('id', ['-u', WEB_USER]).toString().trim());
const gid = Number(execFileSync('id', ['-g', WEB_USER]).toString().trim());

function php(file, args) {
  let out;
  try {
    out = execFileSync('php', ['-d', `extension=${EXT}`, '-d', 'display_errors=stderr', '-d', 'log_errors=0', path.join(ROOT, 'tests', 'wordpress', file), ...args], {
      uid, gid, cwd: '/tmp', env: { ...process.env, WPWA_DOCROOT: docroot, WPWA_SITE_URL: baseUrl, WPWA_EXTENSION: EXT }, maxBuffer: 64 << 20,
    });
  } catch (e) {
    const said = `${e.stdout || ''} ${e.stderr || ''}`.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    throw new Error(`${file} ${args[0]} failed (exit ${e.status}): ${said.slice(0, 800)}`);
  }
  return JSON.parse(out.toString());
}

function useMarketplace(name) {
  const tag = name.slice(0, 4);
  return php('marketplace-cli.php', ['use', name, JSON.stringify({
    vendors: [
      { login: `os${tag}_a_${RUN}`, store_name: `Split A ${tag} ${RUN}` },
      { login: `os${tag}_b_${RUN}`, store_name: `Split B ${tag} ${RUN}` },
    ],
  })]);
}

const SPLITS = { dokan: true, multivendorx: true, wcfm: false, wcvendors: false };
const measured = {};

after(() => {
  useMarketplace('wcfm');
  console.log(`WhatsApp orders split into sub-orders: ${JSON.stringify(measured)}`);
});

for (const [name, splits] of Object.entries(SPLITS)) {
  test(`${name}: a cart of two vendors ${splits ? 'becomes one sub-order per vendor' : 'stays one order with each vendor\'s items'}`, () => {
    const mp = useMarketplace(name);
    const [a, b] = mp.vendors;
    const productOf = (vendor) => Number(Object.values(vendor.product_ids)[0]);
    const pa = productOf(a);
    const pb = productOf(b);
    const from = String(15560000000 + crypto.randomInt(9000000));
    const placed = php('orders-cli.php', ['place', JSON.stringify({ from, items: [[pa, 1], [pb, 2]] })]);
    assert.deepEqual(placed.queued, [placed.wamid], 'the webhook reported the new cart');
    assert.equal(placed.cart.state, 'ordered', JSON.stringify(placed.cart));
    assert.equal(placed.orders.length, 1, 'one order for the cart');
    const [order] = placed.orders;
    assert.deepEqual(order.items.map((i) => [i.product_id, i.quantity]).sort(), [[pa, 1], [pb, 2]].sort(), 'the order holds the whole cart');
    const parts = Object.fromEntries(placed.cart.parts.map((p) => [p.vendor_id, p.order_id]));
    // Each vendor is told of their own part by e-mail (their default preference).
    for (const [vendor, other] of [[a, b], [b, a]]) {
      const mail = placed.mails.find((m) => m.to === vendor.email && m.subject.includes('New WhatsApp order'));
      assert.ok(mail, `${vendor.login} got an e-mail: ${JSON.stringify(placed.mails.map((m) => [m.to, m.subject]))}`);
      assert.ok(mail.message.includes(Object.values(vendor.product_names)[0]), mail.message);
      assert.ok(!mail.message.includes(Object.values(other.product_names)[0]), 'not the other vendor\'s item');
    }
    measured[name] = order.children.length;
    if (splits) {
      assert.equal(order.children.length, 2, `${name} makes a sub-order per vendor`);
      for (const [vendor, product, quantity] of [[a, pa, 1], [b, pb, 2]]) {
        const child = order.children.find((c) => c.vendor.includes(vendor.id));
        assert.ok(child, `a sub-order for ${vendor.login}`);
        assert.deepEqual(child.items.map((i) => [i.product_id, i.quantity]), [[product, quantity]], 'only that vendor\'s item');
        assert.equal(parts[vendor.id], child.id, 'the core records the vendor\'s part as their sub-order');
      }
    } else {
      assert.equal(order.children.length, 0, `${name} keeps one order`);
      assert.deepEqual([parts[a.id], parts[b.id]], [order.id, order.id], 'each vendor\'s part is the order itself');
      if (name === 'wcfm') {
        const [recorded] = php('orders-cli.php', ['orders', JSON.stringify({ wamid: placed.wamid })]).orders;
        assert.deepEqual(recorded.wcfm_vendor_orders, [a.id, b.id].sort((x, y) => x - y), 'WCFM recorded a vendor order for each vendor');
      }
    }
  });
}
