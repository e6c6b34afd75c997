// The vendor dashboard shortcode as vendors, a customer and a guest see it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, vendorA, vendorB, customer, pageUrl } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn } from '../lib/http.js';

function productCount(html) {
  const m = html.match(/<[^>]*class="[^"]*\bwpwa-product-count\b[^"]*"[^>]*>\s*([^<]*?)\s*</);
  assert.ok(m, 'the page has a .wpwa-product-count element');
  return m[1];
}

function panelModifiers(html) {
  return [...html.matchAll(/<section\b[^>]*class="([^"]*\bwpwa-panel\b[^"]*)"/g)].map((m) => m[1]);
}

for (const vendor of [vendorA, vendorB]) {
  test(`${vendor.login}'s dashboard shows the panels and ${vendor.products_published} products`, async () => {
    const client = await loggedIn(baseUrl, vendor.login, vendor.password);
    const res = await client.get(pageUrl('dashboard'));
    assert.equal(res.status, 200);
    assert.equal(phpErrorsIn(res.text), null, 'no PHP error text in the page');
    assert.match(res.text, /<div\b[^>]*class="[^"]*\bwpwa-vendor-dashboard\b/, 'has div.wpwa-vendor-dashboard');
    const panels = panelModifiers(res.text);
    for (const mod of ['wpwa-panel--connection', 'wpwa-panel--products', 'wpwa-panel--logs']) {
      assert.ok(panels.some((c) => c.split(/\s+/).includes(mod)), `has section.wpwa-panel.${mod} (found: ${panels.join(' | ')})`);
    }
    assert.equal(productCount(res.text), String(vendor.products_published), 'product count = the seeded published products');
    assert.match(res.text, /class="[^"]*\bwpwa-status-badge\b[^"]*"[^>]*data-state="disconnected"|data-state="disconnected"[^>]*class="[^"]*\bwpwa-status-badge\b/,
      'session badge says disconnected');
    assert.ok(!res.text.includes('wpwa-notice--not-vendor'), 'a vendor does not get the not-a-vendor notice');
  });
}

test('show_logs="no" leaves the activity log panel out', async () => {
  const client = await loggedIn(baseUrl, vendorA.login, vendorA.password);
  const res = await client.get(pageUrl('no_logs'));
  assert.equal(res.status, 200);
  assert.match(res.text, /\bwpwa-vendor-dashboard\b/);
  assert.match(res.text, /Seller tools/, 'custom title shown');
  const panels = panelModifiers(res.text);
  assert.ok(panels.some((c) => c.includes('wpwa-panel--connection')));
  assert.ok(!panels.some((c) => c.includes('wpwa-panel--logs')), 'no logs panel');
});

test('a customer gets the not-a-vendor message, not the dashboard', async () => {
  const client = await loggedIn(baseUrl, customer.login, customer.password);
  const res = await client.get(pageUrl('dashboard'));
  assert.equal(res.status, 200);
  assert.equal(phpErrorsIn(res.text), null);
  assert.match(res.text, /class="[^"]*\bwpwa-notice\b[^"]*\bwpwa-notice--not-vendor\b|class="[^"]*\bwpwa-notice--not-vendor\b[^"]*\bwpwa-notice\b/);
  assert.ok(!/class="[^"]*\bwpwa-panel\b/.test(res.text), 'no panels for a customer');
  assert.ok(!res.text.includes('wpwa-product-count'), 'no product count for a customer');
});

test('a guest gets the login form', async () => {
  const res = await new Client(baseUrl).get(pageUrl('dashboard'));
  assert.equal(res.status, 200);
  assert.equal(phpErrorsIn(res.text), null);
  assert.match(res.text, /<form\b[^>]*id="loginform"/, 'wp_login_form() rendered');
  assert.match(res.text, /name="log"/);
  assert.match(res.text, /name="pwd"/);
  assert.ok(!/class="[^"]*\bwpwa-panel\b/.test(res.text), 'no panels for a guest');
});
