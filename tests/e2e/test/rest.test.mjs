// wpwa/v1/status and wpwa/v1/token: who may see what.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, vendorA, vendorB, customer } from '../lib/env.js';
import { Client, loggedIn } from '../lib/http.js';

const STATUS = '/wp-json/wpwa/v1/status';
const TOKEN = '/wp-json/wpwa/v1/token';

async function vendorSession(vendor) {
  const client = await loggedIn(baseUrl, vendor.login, vendor.password);
  const nonce = await client.restNonce();
  return { client, headers: { 'x-wp-nonce': nonce } };
}

async function issueToken(vendor) {
  const { client, headers } = await vendorSession(vendor);
  const res = await client.post(TOKEN, { headers });
  assert.equal(res.status, 200, `token issue: ${res.text.slice(0, 300)}`);
  const body = res.json();
  assert.match(body.token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'a compact JWT, URL-safe Base64 without padding');
  assert.equal(body.expires_in, 900);
  return body.token;
}

function b64urlJson(part) {
  return JSON.parse(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
}

test('status without auth is 401', async () => {
  const res = await new Client(baseUrl).get(STATUS);
  assert.equal(res.status, 401, res.text.slice(0, 300));
});

test('status with cookies but no nonce is 401 (cookie auth needs the nonce)', async () => {
  const client = await loggedIn(baseUrl, vendorA.login, vendorA.password);
  const res = await client.get(STATUS);
  assert.equal(res.status, 401, res.text.slice(0, 300));
});

test('vendor A with cookie + nonce gets their own status', async () => {
  const { client, headers } = await vendorSession(vendorA);
  const res = await client.get(STATUS, { headers });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  const body = res.json();
  assert.equal(body.vendor_id, vendorA.id);
  assert.equal(body.session.state, 'disconnected');
  assert.equal(body.session.phone, null);
  assert.equal(body.products.published, vendorA.products_published);
});

test('vendor A asking for their own vendor_id explicitly gets 200', async () => {
  const { client, headers } = await vendorSession(vendorA);
  const res = await client.get(`${STATUS}?vendor_id=${vendorA.id}`, { headers });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.equal(res.json().vendor_id, vendorA.id);
});

test("vendor A asking for vendor B's status is 403", async () => {
  const { client, headers } = await vendorSession(vendorA);
  const res = await client.get(`${STATUS}?vendor_id=${vendorB.id}`, { headers });
  assert.equal(res.status, 403, res.text.slice(0, 300));
  assert.ok(!res.text.includes(`"products"`), 'no data of vendor B leaks in the error');
});

test('a logged-in customer (not a vendor) is 403', async () => {
  const client = await loggedIn(baseUrl, customer.login, customer.password);
  const nonce = await client.restNonce();
  const res = await client.get(STATUS, { headers: { 'x-wp-nonce': nonce } });
  assert.equal(res.status, 403, res.text.slice(0, 300));
});

test('a customer cannot get a token', async () => {
  const client = await loggedIn(baseUrl, customer.login, customer.password);
  const nonce = await client.restNonce();
  const res = await client.post(TOKEN, { headers: { 'x-wp-nonce': nonce } });
  assert.equal(res.status, 403, res.text.slice(0, 300));
});

test('a guest cannot get a token', async () => {
  const res = await new Client(baseUrl).post(TOKEN);
  assert.equal(res.status, 401, res.text.slice(0, 300));
});

test('a Bearer JWT from /token gives 200 for its vendor, without cookies', async () => {
  const token = await issueToken(vendorA);
  const [header, payload] = token.split('.');
  assert.equal(b64urlJson(header).alg, 'HS256');
  const claims = b64urlJson(payload);
  assert.equal(Number(claims.vendor_id ?? claims.sub), vendorA.id, `claims name vendor A: ${JSON.stringify(claims)}`);
  const res = await new Client(baseUrl).get(STATUS, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.equal(res.json().vendor_id, vendorA.id);
  assert.equal(res.json().products.published, vendorA.products_published);
});

test("a vendor A JWT asking for vendor B's status is 403", async () => {
  const token = await issueToken(vendorA);
  const res = await new Client(baseUrl).get(`${STATUS}?vendor_id=${vendorB.id}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 403, res.text.slice(0, 300));
});

test('a tampered JWT is 401', async () => {
  const token = await issueToken(vendorA);
  const [h, p, s] = token.split('.');
  // Flip one signature character.
  const flipped = s[0] === 'A' ? `B${s.slice(1)}` : `A${s.slice(1)}`;
  let res = await new Client(baseUrl).get(STATUS, { headers: { authorization: `Bearer ${h}.${p}.${flipped}` } });
  assert.equal(res.status, 401, `flipped signature: ${res.text.slice(0, 300)}`);
  // Claims rewritten to vendor B, original signature.
  const claims = b64urlJson(p);
  if ('vendor_id' in claims) claims.vendor_id = vendorB.id;
  if ('sub' in claims) claims.sub = String(vendorB.id);
  const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
  res = await new Client(baseUrl).get(STATUS, { headers: { authorization: `Bearer ${h}.${forged}.${s}` } });
  assert.equal(res.status, 401, `forged claims: ${res.text.slice(0, 300)}`);
  // Garbage.
  res = await new Client(baseUrl).get(STATUS, { headers: { authorization: 'Bearer not-a-jwt' } });
  assert.equal(res.status, 401, `garbage: ${res.text.slice(0, 300)}`);
});
