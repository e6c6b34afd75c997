// The suite's view of the site under test, from the environment scripts/test
// sets. Missing variables fail loudly: these tests are meaningless without a
// running site.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the suite through scripts/test (or set the WPWA_E2E_* variables it documents)`);
  }
  return value;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export const baseUrl = required('WPWA_E2E_BASE_URL').replace(/\/+$/, '');
export const site = JSON.parse(readFileSync(required('WPWA_E2E_SITE_JSON'), 'utf8'));
export const testToken = required('WPWA_E2E_TEST_TOKEN');
export const docroot = required('WPWA_E2E_DOCROOT');
export const noExtUrl = (process.env.WPWA_E2E_NOEXT_URL || '').replace(/\/+$/, '');
export const phpErrorLog = process.env.WPWA_E2E_PHP_ERROR_LOG || '';
export const chromium = process.env.WPWA_E2E_CHROMIUM || '/usr/bin/chromium';
export const artifactsDir = path.resolve(process.env.WPWA_E2E_ARTIFACTS || path.join(here, '..', 'artifacts'));

export const vendorA = site.vendors.find((v) => v.login === 'vendor_a');
export const vendorB = site.vendors.find((v) => v.login === 'vendor_b');
export const customer = site.customer;
export const admin = site.admin;

export function pageUrl(key) {
  const page = site.pages && site.pages[key];
  if (!page || !page.url) {
    throw new Error(`the seeder recorded no "${key}" page (site.json pages: ${JSON.stringify(site.pages)})`);
  }
  return page.url;
}
