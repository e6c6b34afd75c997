// The SQLite store exists on disk, outside the docroot, and cannot be fetched
// over HTTP by any path, including decoys planted inside the docroot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { baseUrl, docroot, testToken } from '../lib/env.js';
import { Client } from '../lib/http.js';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
let info;
const planted = [];

before(async () => {
  const res = await new Client(baseUrl).get('/wp-json/wpwa-test/v1/info', { headers: { 'x-wpwa-test-token': testToken } });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  info = res.json();
});

after(() => {
  for (const p of planted.reverse()) fs.rmSync(p, { recursive: true, force: true });
});

function looksLikeSqlite(buf) {
  return buf.length >= 16 && buf.subarray(0, 16).equals(SQLITE_MAGIC);
}

test('the extension is loaded in php-fpm and reports the store', () => {
  assert.equal(info.extension_loaded, true, JSON.stringify(info));
  assert.ok(info.info && typeof info.info.version === 'string', `Wpwa\\info(): ${JSON.stringify(info.info)}`);
  assert.ok(info.info.store_path, 'Wpwa\\info() names the store path (the plugin opened it)');
  assert.ok(info.info.schema_version > 0, 'migrations ran');
});

test('the store file exists on disk, is SQLite, and lives outside the docroot', () => {
  const store = info.info.store_path;
  assert.ok(path.isAbsolute(store));
  assert.ok(fs.existsSync(store), `${store} exists`);
  const fd = fs.openSync(store, 'r');
  const head = Buffer.alloc(16);
  fs.readSync(fd, head, 0, 16, 0);
  fs.closeSync(fd);
  assert.ok(looksLikeSqlite(head), 'starts with the SQLite header');
  const root = path.resolve(docroot) + path.sep;
  assert.ok(!path.resolve(store).startsWith(root), `${store} is outside ${root}`);
});

test('no URL serves the store', async () => {
  const client = new Client(baseUrl);
  const rel = path.relative(docroot, info.info.store_path); // e.g. ../wpwa-data/wpwa.sqlite
  const candidates = [
    '/wpwa-data/wpwa.sqlite',
    '/../wpwa-data/wpwa.sqlite',
    '/%2e%2e/wpwa-data/wpwa.sqlite',
    '/..%2fwpwa-data/wpwa.sqlite',
    `/${rel}`,
    '/wp-content/wpwa-data/wpwa.sqlite',
    '/wp-content/wpwa-data/wpwa.sqlite-wal',
    '/wp-content/wpwa-data/wpwa.sqlite-shm',
    '/wp-content/uploads/wpwa-data/wpwa.sqlite',
    '/wp-content/uploads/wpwa.sqlite',
    '/wpwa.sqlite',
    '/wp-content/plugins/wpwa/wpwa.sqlite',
  ];
  for (const url of candidates) {
    const res = await client.get(url);
    assert.ok(!looksLikeSqlite(res.body), `${url} served SQLite bytes (HTTP ${res.status})`);
    assert.ok([403, 404, 400].includes(res.status) || (res.status === 200 && !res.body.includes(SQLITE_MAGIC)),
      `${url}: HTTP ${res.status}`);
  }
});

test('nginx denies SQLite files, data dirs and dotfiles even inside the docroot', async () => {
  // Decoys with real SQLite bytes where a careless setup could leave them.
  const bytes = fs.readFileSync(info.info.store_path).subarray(0, 4096);
  const plant = (rel) => {
    const p = path.join(docroot, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, bytes);
    planted.push(p);
  };
  // A data dir inside the docroot: the plugin's fallback location if it is
  // free (never overwrite a real store), else one under uploads.
  const fallback = fs.existsSync(path.join(docroot, 'wp-content', 'wpwa-data'))
    ? 'wp-content/uploads/wpwa-data'
    : 'wp-content/wpwa-data';
  planted.push(path.join(docroot, fallback));
  plant(`${fallback}/wpwa.sqlite`);
  plant(`${fallback}/export.bin`);
  plant('wp-content/uploads/decoy.sqlite-wal');
  plant('wp-content/uploads/decoy.SQLite3');
  plant('.wpwa-decoy');

  const client = new Client(baseUrl);
  for (const url of [
    `/${fallback}/wpwa.sqlite`,
    `/${fallback}/export.bin`,
    `/${fallback}/`,
    '/wp-content/uploads/decoy.sqlite-wal',
    '/wp-content/uploads/decoy.SQLite3',
    '/.wpwa-decoy',
  ]) {
    const res = await client.get(url);
    assert.equal(res.status, 403, `${url} must be denied, got HTTP ${res.status}`);
    assert.ok(!looksLikeSqlite(res.body), `${url} leaked SQLite bytes`);
  }
  // Control: a normal upload next to the decoys is served, so the 403s above
  // come from the deny rules, not from permissions.
  plant('wp-content/uploads/control.txt');
  fs.writeFileSync(path.join(docroot, 'wp-content/uploads/control.txt'), 'ok');
  const ok = await client.get('/wp-content/uploads/control.txt');
  assert.equal(ok.status, 200);
  assert.equal(ok.text, 'ok');
});
