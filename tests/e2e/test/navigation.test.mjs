// The vendors-only dashboard page ("WhatsApp Management") stays out of the
// site's navigation: Twenty Twenty-Five's header Navigation block falls back
// to a Page List of every published page, which listed it for every visitor.
// The page itself stays reachable by its URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, pageUrl, chromium, artifactsDir, vendorA } from '../lib/env.js';
import { BROWSER_ARGS, logIn } from '../lib/world.js';

let browser;

before(async () => {
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  if (browser) await browser.close();
});

/** Every link of the front page's navigation blocks and page lists, as the browser resolved them. */
async function navigationLinks(page) {
  await page.goto(`${baseUrl}/`);
  const nav = page.locator('header nav, nav.wp-block-navigation, ul.wp-block-page-list');
  assert.ok(await nav.count() > 0, 'the front page has a navigation');
  return nav.locator('a').evaluateAll((links) => links.map((a) => ({ href: a.href, text: a.textContent.trim() })));
}

function samePage(href, url) {
  const a = new URL(href);
  const b = new URL(url);
  return a.host === b.host && a.pathname.replace(/\/+$/, '') === b.pathname.replace(/\/+$/, '');
}

for (const who of ['a visitor', 'a vendor']) {
  test(`the front page's navigation does not list the vendor dashboard page, for ${who}`, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      if (who === 'a vendor') await logIn(context, vendorA.login, vendorA.password);
      const page = await context.newPage();
      const links = await navigationLinks(page);
      // The page list does list the site's other pages: the check below is about this one page.
      assert.ok(links.some((l) => new URL(l.href).host === new URL(baseUrl).host && new URL(l.href).pathname !== '/'),
        `the navigation lists the site's pages: ${JSON.stringify(links)}`);
      const dashboard = links.filter((l) => samePage(l.href, pageUrl('dashboard')) || /WhatsApp Management/i.test(l.text));
      assert.deepEqual(dashboard, [], 'the vendors-only page is not in the navigation');
      const file = path.join(artifactsDir, `navigation-${who === 'a vendor' ? 'vendor' : 'visitor'}.png`);
      await page.locator('header').first().screenshot({ path: file });
      console.log(`screenshot: ${file}`);
    } finally {
      await context.close();
    }
  });
}

test('the vendor dashboard page is still reachable by its URL', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const res = await page.goto(pageUrl('dashboard'));
    assert.equal(res.status(), 200);
    await page.locator('.wpwa-vendor-dashboard--guest').waitFor();
  } finally {
    await context.close();
  }
});
