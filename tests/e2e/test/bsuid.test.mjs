// Customers who never show a phone number (issue 15): since 2026 WhatsApp names
// every customer by a business-scoped user ID (BSUID) and may leave the phone
// out for users with a username. Through the sandbox's Cloud API, in Chromium:
//  - a customer known only by BSUID and username writes to vendor A: the
//    message lands in A's Customer messages panel under the username, with no
//    number and no wa.me link, and not in vendor B's;
//  - A's automatic acknowledgement reaches the BSUID (`recipient` in the
//    sandbox's request log, no `to`);
//  - a second message from the same BSUID continues the same conversation;
//  - after a `user_id_update` (the customer changed number), a message from
//    the new BSUID continues it too;
//  - Tools → Export Personal Data finds the conversation by the WhatsApp
//    username the customer saved in their account, and the export names the
//    WhatsApp user ID instead of a number.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import { baseUrl, admin, pageUrl, chromium, artifactsDir } from '../lib/env.js';
import { phpErrorsIn } from '../lib/http.js';
import { SANDBOX, BROWSER_ARGS, sandbox, helper, waitFor, logIn, newVendor, messagesPanel, savePreferences, sandboxSent, shoot } from '../lib/world.js';

const HOOK = `${baseUrl}/wp-json/wpwa/v1/webhooks/cloud`;
const RUN = Date.now().toString(36).slice(-6);
const digits = (n) => Array.from({ length: n }, () => crypto.randomInt(10)).join('');
const BSUID = `US.${digits(20)}`;
const NEW_BSUID = `US.${digits(20)}`;
const USERNAME = `@dana.${RUN}`;
const ACK = `Thanks, {vendor} will answer soon (${RUN}).`;

let browser;
let acme;
let bolt;
let settingsBefore;
let dana;
let ackSeenAt = 0;


/** The customer, known only by BSUID and username, writes `text`. */
async function writes(bsuid, text) {
  const injected = await sandbox('POST', '/sandbox/messages/inject', { text, user_id: bsuid, username: USERNAME, name: `Dana ${RUN}` });
  assert.equal(injected.messages.length, 1, JSON.stringify(injected));
  return injected.messages[0];
}

/** The panel's entry that holds `text`, with its conversation id. */
function entryWith(panel, text) {
  const m = new RegExp(`<li class="wpwa-conversation[^"]*" data-conversation-id="(\\d+)">(?:(?!</li>)[\\s\\S])*?</li>`, 'g');
  for (const entry of panel.matchAll(m)) {
    if (entry[0].includes(text)) return { id: Number(entry[1]), html: entry[0] };
  }
  return null;
}

/** Reads one file of a zip with PHP's ZipArchive (the test site's own PHP). */
function fromZip(zip, name) {
  return execFileSync('php', ['-r', '$z = new ZipArchive(); if (true !== $z->open($argv[1])) exit(2); echo $z->getFromName($argv[2]);', zip, name], { encoding: 'utf8' });
}

before(async () => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  assert.ok(SANDBOX, 'the seeder recorded the sandbox URL');
  settingsBefore = await helper('/messages-settings', {});
  await helper('/messages-settings', { auto_replies: 1 });
  await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: HOOK });
  acme = await newVendor(`bsacme_${RUN}`, `Acme Lamps ${RUN}`);
  bolt = await newVendor(`bsbolt_${RUN}`, `Bolt Home ${RUN}`);
  const saved = await savePreferences(acme.client, { notify_email: '', acknowledge: '1', acknowledgement: ACK });
  assert.equal(saved.status, 200, saved.text.slice(0, 300));
  dana = { login: `bsdana_${RUN}`, password: crypto.randomBytes(12).toString('hex') };
  await helper('/user', { login: dana.login, password: dana.password, meta: { wpwa_whatsapp_username: USERNAME } });
  browser = await playwrightChromium.launch({ executablePath: chromium, headless: true, args: BROWSER_ARGS, timeout: 60000 });
});

after(async () => {
  try {
    await helper('/messages-settings', { auto_replies: settingsBefore.auto_replies ?? 0 });
    await sandbox('PUT', '/sandbox/config', { cloud_webhook_url: '' });
  } finally {
    if (browser) await browser.close();
  }
});

test('a customer with only a BSUID and a username is routed, answered and followed across a new BSUID', async () => {
  const first = await writes(BSUID, `#${acme.code} is the reading lamp dimmable? ${RUN}`);
  assert.equal(first.from, undefined, 'the webhook carries no phone number');
  assert.equal(first.from_user_id, BSUID);

  // In vendor A's panel, in Chromium, under the username.
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const problems = [];
  try {
    await logIn(context, acme.login, acme.password);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(String(e)));
    const conversation = page.locator('.wpwa-conversation', { hasText: `dimmable? ${RUN}` });
    await waitFor(async () => {
      await page.goto(pageUrl('dashboard'));
      return (await conversation.count()) === 1;
    }, 'the message in vendor A\'s panel');
    assert.equal(phpErrorsIn(await page.content()), null, 'no PHP errors in the dashboard');
    const who = await conversation.locator('.wpwa-conversation__who').innerText();
    assert.ok(who.includes(`Dana ${RUN}`) && who.includes(USERNAME), `the panel names the customer by name and username: ${who}`);
    assert.equal(await conversation.locator('.wpwa-conversation__number').count(), 0, 'no number is shown');
    assert.equal(await conversation.locator('a[href^="https://wa.me/"]').count(), 0, 'no wa.me link can exist');
    assert.ok(!(await conversation.innerText()).includes(BSUID.slice(3)), 'the BSUID is not shown as if it were a number');
    await shoot(page, 'bsuid-customer-panel');
  } finally {
    await context.close();
  }
  assert.equal(entryWith(await messagesPanel(bolt), `dimmable? ${RUN}`), null, 'vendor B does not see it');

  // A's acknowledgement went to the BSUID, as `recipient`.
  const [ack] = await waitFor(async () => {
    const sent = (await sandboxSent()).filter((m) => m.recipient === BSUID);
    return sent.length ? sent : null;
  }, 'the automatic reply to the BSUID');
  assert.ok(JSON.stringify(ack.body).includes(`will answer soon (${RUN})`), JSON.stringify(ack));
  assert.equal(ack.request.to, undefined, 'sent without a phone number');
  assert.equal(ack.request.recipient, BSUID);

  // The same BSUID again, without the shop code: the ongoing conversation.
  const opened = entryWith(await messagesPanel(acme), `dimmable? ${RUN}`);
  assert.ok(opened, 'the conversation is in A\'s panel');
  await writes(BSUID, `and does it come in brass? ${RUN}`);
  await waitFor(async () => entryWith(await messagesPanel(acme), `brass? ${RUN}`), 'the second message in A\'s panel');
  assert.equal(entryWith(await messagesPanel(acme), `brass? ${RUN}`).id, opened.id, 'the second message continues the conversation');

  // She changes number: WhatsApp announces her new BSUID, then she writes with it.
  await sandbox('POST', '/sandbox/customers/user-id-update', { previous: BSUID, current: NEW_BSUID, username: USERNAME, name: `Dana ${RUN}` });
  await writes(NEW_BSUID, `new phone, same Dana ${RUN}`);
  await waitFor(async () => entryWith(await messagesPanel(acme), `same Dana ${RUN}`), 'the message from the new BSUID in A\'s panel');
  const panel = await messagesPanel(acme);
  assert.equal(entryWith(panel, `same Dana ${RUN}`).id, opened.id, 'the new BSUID continues the same conversation');
  assert.equal((panel.match(new RegExp(USERNAME.replace('.', '\\.'), 'g')) || []).length >= 1, true);
  assert.equal(entryWith(await messagesPanel(bolt), `same Dana ${RUN}`), null, 'vendor B still sees nothing');
  assert.deepEqual(problems, []);
  ackSeenAt = Date.now();
});

test('without a number to open a chat with, the vendor answers from the panel through the marketplace\'s number', async () => {
  // WhatsApp paces messages to one person (131056): leave the acknowledgement room.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 7500 - (Date.now() - ackSeenAt))));
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const problems = [];
  try {
    await logIn(context, acme.login, acme.password);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(pageUrl('dashboard'));
    const conversation = page.locator('.wpwa-conversation', { hasText: `same Dana ${RUN}` });
    const form = conversation.locator('form.wpwa-reply');
    assert.equal(await form.count(), 1, 'the conversation offers the marketplace\'s own way to answer');
    await form.locator('textarea').fill(`Yes, brass too! ${RUN}`);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), form.locator('button[type=submit]').click()]);
    assert.equal(phpErrorsIn(await page.content()), null, 'no PHP errors after sending');
    const outcome = await page.locator('.wpwa-reply__outcome').innerText();
    assert.match(outcome, /Your answer was sent on WhatsApp/, outcome);
    await shoot(page, 'bsuid-reply-sent');
    const sent = (await sandboxSent()).filter((m) => m.recipient === NEW_BSUID && JSON.stringify(m.body).includes(`brass too! ${RUN}`));
    assert.equal(sent.length, 1, 'the answer went to the customer\'s new BSUID, once');
    assert.equal(sent[0].request.to, undefined);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('Export Personal Data finds the conversation by the WhatsApp username saved in the account', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  const problems = [];
  try {
    await logIn(context, admin.login, admin.password);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
    await page.goto(`${baseUrl}/wp-admin/export-personal-data.php`);
    await page.fill('#username_or_email_for_privacy_request', `${dana.login}@example.test`);
    await page.uncheck('#send_confirmation_email');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#submit')]);
    assert.equal(phpErrorsIn(await page.content()), null, 'no PHP errors on the export screen');
    const row = page.locator('table.wp-list-table tbody tr', { hasText: `${dana.login}@example.test` }).first();
    await row.waitFor();
    await row.hover();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60000 }),
      row.locator('.row-actions .export-personal-data-handle').first().click(),
    ]);
    const zip = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wpwa-export-')), 'export.zip');
    await download.saveAs(zip);
    await shoot(page, 'bsuid-privacy-export');

    const exported = JSON.parse(fromZip(zip, 'export.json'));
    const group = Object.values(exported)[0]['wpwa-whatsapp'];
    assert.ok(group, `export.json has a WhatsApp conversations group: ${Object.keys(Object.values(exported)[0]).join(', ')}`);
    const pairs = Object.values(group.items).flat();
    const fields = Object.fromEntries(pairs.map((f) => [f.name, f.value]));
    assert.equal(fields['WhatsApp user ID'], BSUID, 'the conversation is the BSUID customer\'s');
    assert.equal(fields['WhatsApp number'], undefined, 'no number is invented');
    const written = pairs.filter((f) => f.name.endsWith('You wrote')).map((f) => f.value);
    assert.deepEqual(written.sort(), [
      `#${acme.code} is the reading lamp dimmable? ${RUN}`,
      `and does it come in brass? ${RUN}`,
      `new phone, same Dana ${RUN}`,
    ].sort());
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
