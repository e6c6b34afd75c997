// [wpwa_vendor_dashboard title="<script>alert(1)</script>" custom_class="x\" onmouseover=\"alert(1)"]
// must come out escaped (HTTP level; the browser test checks no dialog fires).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, vendorA, pageUrl, site } from '../lib/env.js';
import { loggedIn, phpErrorsIn } from '../lib/http.js';

test('the seeded page really holds the hostile shortcode', () => {
  assert.ok(site.pages.hostile.content.includes('title="<script>alert(1)</script>"'));
  assert.ok(site.pages.hostile.content.includes('onmouseover'));
});

test('hostile title and custom_class are escaped in the dashboard HTML', async () => {
  const client = await loggedIn(baseUrl, vendorA.login, vendorA.password);
  const res = await client.get(pageUrl('hostile'));
  assert.equal(res.status, 200);
  assert.equal(phpErrorsIn(res.text), null);

  const container = res.text.match(/<div\b[^>]*\bwpwa-vendor-dashboard\b[^>]*>/);
  assert.ok(container, 'the dashboard rendered');

  assert.ok(!res.text.includes('<script>alert(1)</script>'), 'the raw <script> does not appear');
  assert.ok(!/<script>\s*alert\(1\)/.test(res.text), 'no script element with the payload');
  assert.match(res.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;|&#0?60;script&#0?62;alert\(1\)/, 'the title shows escaped');

  const tag = container[0];
  const cls = tag.match(/\bclass="([^"]*)"/);
  assert.ok(cls, 'container has a class attribute');
  assert.ok(!/["'<>=]/.test(cls[1]), `class attribute holds no quote or markup: ${cls[1]}`);
  assert.ok(!/onmouseover/i.test(tag), `no event handler on the container: ${tag}`);
  assert.ok(!/\son[a-z]+\s*=/i.test(tag), `no on* attribute at all: ${tag}`);
  // Nowhere in the page does the payload become an attribute.
  assert.ok(!/\sonmouseover\s*=\s*["']?alert/i.test(res.text), 'no onmouseover=alert anywhere');
});
