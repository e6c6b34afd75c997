// WCFM integration: WCFM builds its vendor menu with
// apply_filters( 'wcfm_menus', $menus ); a test-only route does the same call
// inside the running site and returns the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, testToken, vendorA } from '../lib/env.js';
import { Client } from '../lib/http.js';

test('wcfm_menus gets a wcfm-whatsapp entry with label, url and icon', async () => {
  const res = await new Client(baseUrl).get(`/wp-json/wpwa-test/v1/wcfm-menus?as=${vendorA.login}`, {
    headers: { 'x-wpwa-test-token': testToken },
  });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  const { user, menus } = res.json();
  assert.equal(user, vendorA.id);
  const entry = menus && menus['wcfm-whatsapp'];
  assert.ok(entry, `wcfm-whatsapp in ${JSON.stringify(menus)}`);
  assert.equal(typeof entry.label, 'string');
  assert.ok(entry.label.length > 0, 'label');
  assert.match(String(entry.url), /^https?:\/\/127\.0\.0\.1:\d+\//, `url on this site: ${entry.url}`);
  assert.equal(typeof entry.icon, 'string');
  assert.ok(entry.icon.length > 0, 'icon');
});

test('the test route is closed without the test token', async () => {
  const res = await new Client(baseUrl).get('/wp-json/wpwa-test/v1/wcfm-menus');
  assert.ok([401, 403].includes(res.status), `HTTP ${res.status}`);
});
