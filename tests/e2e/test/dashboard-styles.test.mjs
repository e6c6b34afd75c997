// The dashboard's controls inside a marketplace's own vendor dashboard (WCFM
// here), read in Chromium rather than only photographed: WCFM's stylesheet
// turns every checkbox of its page into an empty box (appearance: none, a
// tick drawn only for its own .wcfm-checkbox), so a ticked box of ours looked
// unticked and a vendor "ticking" it unticked it. Checks computed styles,
// states, sizes, what a click lands on, and that the box looks different
// ticked and unticked; plus the buttons and the business-hours table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import { chromium, artifactsDir, site } from '../lib/env.js';
import { BROWSER_ARGS, logIn, newWcfmVendor, openWcfmWhatsAppTab } from '../lib/world.js';

const RUN = crypto.randomBytes(3).toString('hex');
const GREEN_DARK = 'rgb(7, 94, 84)';
const WHITE = 'rgb(255, 255, 255)';
const WCFM_HEADING = 'rgb(23, 162, 184)'; // WCFM's colour for table headings

// WCFM is the test site's default marketplace (WPWA_MARKETPLACE picks another).
const ON_WCFM = site.marketplace === 'wcfm';
const SKIP = ON_WCFM ? false : `the site runs ${site.marketplace}, these checks are about WCFM's dashboard`;

let browser;
let vendor;

before(async () => {
  if (!ON_WCFM) return;
  vendor = await newWcfmVendor(`css_${RUN}`, `Style Check ${RUN}`);
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  if (browser) await browser.close();
});

/** What the browser computed for an element: styles, box, and whether a click at its centre reaches it. */
function readControl(el) {
  const cs = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return {
    checked: el.checked,
    appearance: cs.appearance,
    display: cs.display,
    visibility: cs.visibility,
    opacity: cs.opacity,
    accentColor: cs.accentColor,
    background: cs.backgroundColor,
    color: cs.color,
    width: box.width,
    height: box.height,
    reachable: hit === el || (el.labels && [...el.labels].some((l) => l.contains(hit))),
    // WCFM's script unwraps checkboxes from wrapping labels; a label[for] or aria-label survives.
    named: (el.labels && el.labels.length > 0) || el.hasAttribute('aria-label'),
  };
}

test('inside WCFM\'s dashboard, checkboxes show their state and toggle as clicked', { skip: SKIP }, async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 1000 } });
  try {
    await logIn(context, vendor.login, vendor.password);
    const page = await context.newPage();
    const root = await openWcfmWhatsAppTab(page);

    // WCFM's stylesheet is on the page and does hit a plain checkbox of its content area.
    const probe = await page.evaluate(() => {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = true;
      document.querySelector('#wcfm-main-contentainer').appendChild(box);
      const appearance = getComputedStyle(box).appearance;
      box.remove();
      return appearance;
    });
    assert.equal(probe, 'none', 'WCFM turns the native look of checkboxes off in its content area');

    const panel = root.locator('.wpwa-panel--preferences');
    await panel.scrollIntoViewIfNeeded();
    const boxes = panel.locator('input[type="checkbox"]');
    assert.ok(await boxes.count() >= 10, 'the preferences and the seven days have checkboxes');
    for (const box of await boxes.all()) {
      await box.scrollIntoViewIfNeeded();
      const c = await box.evaluate(readControl);
      const name = await box.getAttribute('name');
      assert.equal(c.appearance, 'auto', `${name}: the browser's own checkbox, not WCFM's empty box`);
      assert.notEqual(c.display, 'none', `${name}: displayed`);
      assert.equal(c.visibility, 'visible', `${name}: visible`);
      assert.equal(c.opacity, '1', `${name}: opaque`);
      assert.equal(c.accentColor, GREEN_DARK, `${name}: ticks in the dashboard's colour`);
      assert.ok(c.width >= 12 && c.height >= 12, `${name}: at least 12 px (${c.width}×${c.height})`);
      assert.equal(c.reachable, true, `${name}: a click at its centre reaches it (or its label)`);
      assert.equal(c.named, true, `${name}: still has a label`);
    }

    // E-mail notifications are on by default: the box is ticked, and looks it.
    const email = panel.locator('input[name="notify_email"]');
    await email.scrollIntoViewIfNeeded();
    let state = await email.evaluate(readControl);
    assert.equal(state.checked, true);
    assert.equal(state.reachable, true, 'a click on the box reaches the box');
    const ticked = await email.screenshot();
    await email.click();
    state = await email.evaluate(readControl);
    assert.equal(state.checked, false, 'one click unticks it');
    const unticked = await email.screenshot();
    assert.notEqual(Buffer.compare(ticked, unticked), 0, 'ticked and unticked look different');
    // Its label toggles it too.
    await panel.locator(`label[for="${await email.getAttribute('id')}"]`).click();
    assert.equal(await email.isChecked(), true, 'a click on the label ticks it again');
    // (Pixel equality with the first picture would also compare focus and hover, so: not the unticked look.)
    assert.notEqual(Buffer.compare(await email.screenshot(), unticked), 0, 'and it no longer looks unticked');

    const file = path.join(artifactsDir, 'wcfm-preferences-checkboxes.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
  } finally {
    await context.close();
  }
});

test('inside WCFM\'s dashboard, buttons keep their colours and size, the hours table its look', { skip: SKIP }, async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 1000 } });
  try {
    await logIn(context, vendor.login, vendor.password);
    const page = await context.newPage();
    const root = await openWcfmWhatsAppTab(page);

    const save = root.locator('.wpwa-panel--preferences button[type="submit"]');
    await save.scrollIntoViewIfNeeded();
    const button = await save.evaluate(readControl);
    assert.equal(button.background, GREEN_DARK, 'the primary button is filled');
    assert.equal(button.color, WHITE, 'with white text');
    assert.ok(button.height >= 36 && button.width >= 80, `a button-sized target (${button.width}×${button.height})`);
    assert.equal(button.reachable, true);

    const table = root.locator('table.wpwa-hours');
    const cells = await table.evaluate((t) => {
      const style = (el) => getComputedStyle(el);
      return {
        collapse: style(t).borderCollapse,
        width: t.getBoundingClientRect().width,
        container: t.parentElement.getBoundingClientRect().width,
        headColor: style(t.querySelector('thead th')).color,
        dayColor: style(t.querySelector('tbody th')).color,
        cellBackground: style(t.querySelector('tbody td')).backgroundColor,
        rows: t.querySelectorAll('tbody tr').length,
      };
    });
    assert.equal(cells.rows, 7);
    assert.equal(cells.collapse, 'collapse');
    assert.notEqual(cells.headColor, WCFM_HEADING, 'headings in the dashboard\'s colours, not WCFM\'s');
    assert.notEqual(cells.dayColor, WCFM_HEADING);
    assert.equal(cells.cellBackground, 'rgba(0, 0, 0, 0)', 'no tinted cells');
    assert.ok(cells.width < cells.container, 'the table is as wide as its content, not stretched');

    const file = path.join(artifactsDir, 'wcfm-preferences-buttons-table.png');
    await root.locator('.wpwa-panel--preferences').screenshot({ path: file });
    console.log(`screenshot: ${file}`);
  } finally {
    await context.close();
  }
});
