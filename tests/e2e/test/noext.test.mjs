// The same site served by a second php-fpm that does NOT load the extension
// (scripts/test starts it on WPWA_E2E_NOEXT_URL): the plugin must not fatal,
// and the admin is told how to install the extension.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noExtUrl, admin, vendorA, pageUrl, baseUrl } from '../lib/env.js';
import { Client, loggedIn, phpErrorsIn } from '../lib/http.js';

const onNoExt = (url) => noExtUrl + new URL(url).pathname + new URL(url).search;

test('without the extension: the front end and the dashboard page do not fatal', { skip: !noExtUrl && 'WPWA_E2E_NOEXT_URL not set' }, async () => {
  const guest = new Client(noExtUrl);
  const info = await guest.get('/wp-json/wpwa-test/v1/info', { headers: { 'x-wpwa-test-token': process.env.WPWA_E2E_TEST_TOKEN } });
  assert.equal(info.status, 200, info.text.slice(0, 200));
  assert.equal(info.json().extension_loaded, false, 'this pool really runs without the extension');

  for (const url of [`${noExtUrl}/`, onNoExt(pageUrl('dashboard'))]) {
    const res = await guest.get(url);
    assert.equal(res.status, 200, `${url}: HTTP ${res.status}`);
    assert.equal(phpErrorsIn(res.text), null, `${url}: PHP error text`);
  }
  const vendor = await loggedIn(noExtUrl, vendorA.login, vendorA.password);
  const res = await vendor.get(onNoExt(pageUrl('dashboard')));
  assert.ok(res.status < 500, `vendor dashboard without extension: HTTP ${res.status}`);
  assert.equal(phpErrorsIn(res.text), null, 'vendor dashboard: PHP error text');
});

test('without the extension: the admin sees the install notice', { skip: !noExtUrl && 'WPWA_E2E_NOEXT_URL not set' }, async () => {
  const client = await loggedIn(noExtUrl, admin.login, admin.password);
  const res = await client.get('/wp-admin/plugins.php');
  assert.equal(res.status, 200);
  assert.equal(phpErrorsIn(res.text), null, 'PHP error text in wp-admin');
  const notices = [...res.text.matchAll(/<div\b[^>]*class="[^"]*\bnotice\b[^"]*"[^>]*>[\s\S]*?<\/div>/g)].map((m) => m[0]);
  const ours = notices.filter((n) => /wpwa|whatsapp/i.test(n) && /extension/i.test(n));
  assert.ok(ours.length > 0, `an admin notice about the wpwa extension (notices: ${notices.map((n) => n.replace(/<[^>]+>/g, '').trim().slice(0, 120)).join(' | ')})`);
  assert.match(ours[0], /notice-(error|warning)/, 'shown as an error or warning');

  // With the extension loaded (the main pool), that notice is absent.
  const withExt = await loggedIn(baseUrl, admin.login, admin.password);
  const normal = await withExt.get('/wp-admin/plugins.php');
  assert.equal(normal.status, 200);
  const normalNotices = [...normal.text.matchAll(/<div\b[^>]*class="[^"]*\bnotice\b[^"]*"[^>]*>[\s\S]*?<\/div>/g)].map((m) => m[0]);
  assert.equal(normalNotices.filter((n) => /wpwa|whatsapp/i.test(n) && /extension/i.test(n) && /install|load/i.test(n)).length, 0,
    'no install notice when the extension is loaded');
});

test('without the extension: the personal data tools say the WhatsApp conversations are out of reach', { skip: !noExtUrl && 'WPWA_E2E_NOEXT_URL not set' }, async () => {
  const helper = new Client(noExtUrl);
  const headers = { 'x-wpwa-test-token': process.env.WPWA_E2E_TEST_TOKEN };
  const call = async (action) => {
    const res = await helper.post('/wp-json/wpwa-test/v1/privacy', { headers, body: { email: `${vendorA.login}@example.test`, action }, cookies: false });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    return res.json().result;
  };
  const exported = await call('export');
  assert.equal(exported.done, true);
  assert.match(JSON.stringify(exported.data), /extension is not loaded/, 'the export says the conversations are not included');
  const erased = await call('erase');
  assert.deepEqual([erased.items_removed, erased.items_retained, erased.done], [false, true, true], 'nothing claimed erased');
  assert.match(erased.messages.join(' '), /extension is not loaded/);
});
