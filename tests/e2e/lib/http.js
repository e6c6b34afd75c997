// A small HTTP client with a cookie jar, on node:http so it behaves the same on
// every Node version we support and gives raw bytes and every Set-Cookie.
// Loopback only: refuses any other host.
import http from 'node:http';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) wpwa-e2e';

export class Client {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  storeCookies(setCookie) {
    for (const line of setCookie || []) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v] = a.split('=');
        return k.trim().toLowerCase() === 'expires' && Date.parse(v) < Date.now();
      }) || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === 'deleted' || value === '') {
        this.cookies.delete(name);
      } else {
        this.cookies.set(name, value);
      }
    }
  }

  /**
   * @returns {Promise<{status:number, headers:object, body:Buffer, text:string, json:()=>any}>}
   */
  request(method, url, { headers = {}, body, cookies = true, form } = {}) {
    const target = new URL(url, this.base);
    if (!LOOPBACK.has(target.hostname)) {
      return Promise.reject(new Error(`refusing non-loopback request to ${target.href}`));
    }
    // Like every browser, say who is asking: WCFM's device detection logs
    // PHP deprecations for requests without a User-Agent.
    const hdrs = { 'user-agent': USER_AGENT, ...headers };
    let payload = body;
    if (form) {
      payload = new URLSearchParams(form).toString();
      hdrs['content-type'] = 'application/x-www-form-urlencoded';
    }
    if (payload !== undefined && typeof payload !== 'string' && !Buffer.isBuffer(payload)) {
      payload = JSON.stringify(payload);
      hdrs['content-type'] = hdrs['content-type'] || 'application/json';
    }
    if (payload !== undefined) hdrs['content-length'] = Buffer.byteLength(payload);
    if (cookies && this.cookies.size) hdrs.cookie = this.cookieHeader();
    return new Promise((resolve, reject) => {
      const req = http.request(target, { method, headers: hdrs, timeout: 30000 }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          if (cookies) this.storeCookies(res.headers['set-cookie']);
          const buf = Buffer.concat(chunks);
          const text = buf.toString('utf8');
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: buf,
            text,
            json: () => JSON.parse(text),
          });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${target.href}`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  get(url, opts) {
    return this.request('GET', url, opts);
  }

  post(url, opts) {
    return this.request('POST', url, opts);
  }

  /** Logs in through wp-login.php as a person would (test cookie first). */
  async login(user, password) {
    await this.get('/wp-login.php');
    this.cookies.set('wordpress_test_cookie', 'WP%20Cookie%20check');
    const res = await this.post('/wp-login.php', {
      form: { log: user, pwd: password, 'wp-submit': 'Log In', redirect_to: `${this.base}/wp-admin/`, testcookie: '1' },
    });
    const loggedIn = [...this.cookies.keys()].some((k) => k.startsWith('wordpress_logged_in_'));
    if (res.status !== 302 || !loggedIn) {
      throw new Error(`login as ${user} failed: HTTP ${res.status}, cookies ${[...this.cookies.keys()].join(',')}`);
    }
    return this;
  }

  /** A wp_rest nonce for the logged-in user, from WordPress core's own endpoint. */
  async restNonce() {
    const res = await this.get('/wp-admin/admin-ajax.php?action=rest-nonce');
    if (res.status !== 200 || !/^[0-9a-f]{10}$/.test(res.text.trim())) {
      throw new Error(`no REST nonce: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    }
    return res.text.trim();
  }
}

export async function loggedIn(base, user, password) {
  return new Client(base).login(user, password);
}

// PHP's displayed errors (WP_DEBUG_DISPLAY is on for the test site) and
// WordPress's fatal-error page.
const PHP_ERROR_RE = /<b>(?:Fatal error|Parse error|Warning|Notice|Deprecated|Recoverable fatal error)<\/b>:|(?:^|\n)(?:PHP )?(?:Fatal error|Warning|Notice|Deprecated): .* in \/.* on line \d+|There has been a critical error on this website/;

export function phpErrorsIn(html) {
  const m = html.match(PHP_ERROR_RE);
  if (!m) return null;
  const at = Math.max(0, m.index - 100);
  return html.slice(at, m.index + 400);
}

/**
 * PHP errors a page displays that come from wpwa (its files or its classes) or
 * that broke the page, or null. Marketplaces' own notices on a block theme
 * (WCFM and WC Vendors call get_header()) are theirs; the run's PHP error log
 * check holds wpwa to none at all.
 */
export function wpwaErrorsIn(html) {
  if (/There has been a critical error on this website/.test(html)) return 'WordPress critical error page';
  const errors = html.match(/<b>(?:Fatal error|Parse error|Warning|Notice|Deprecated|Recoverable fatal error)<\/b>:[\s\S]*? on line <b>\d+<\/b>/g) || [];
  const ours = errors.filter((e) => /\/plugins\/wpwa\/|Wpwa\\|<b>Fatal error<\/b>|<b>Parse error<\/b>/.test(e));
  return ours.length ? ours.join('\n') : null;
}
