import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type HttpHarness, httpHarness } from '../support/httpHarness.ts';
import { seedHealthyState } from '../support/proofFixtures.ts';

/**
 * Finding 4 of issue #11: the dashboard sent no CSP, no frame-ancestors / X-Frame-Options, no
 * nosniff and no Referrer-Policy — it could be framed. Every response now carries them, and the
 * CSP allows exactly the page's own script and stylesheet (by hash), nothing inline besides.
 */
let h: HttpHarness | undefined;
afterEach(() => h?.cleanup());

const PAGES = ['/', '/proof', '/fragments/live', '/api/status', '/healthz', '/api/nope'];

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('security headers', () => {
  it.each(PAGES)('%s carries a strict CSP, frame-ancestors none, nosniff and no-referrer', async (path) => {
    h = await httpHarness();
    seedHealthyState(h.fixture);
    const res = await h.request(path);
    const csp = directives(res.headers.get('content-security-policy') ?? '');
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    for (const source of [...(csp.get('script-src') ?? []), ...(csp.get('style-src') ?? [])]) {
      expect(source).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/);
    }
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it.each([
    ['dashboard', '/', {}],
    ['proof page', '/proof', {}],
    ['unlock page', '/', { REPLYWRIGHT_READ_TOKEN_REQUIRED: '1' }],
  ])(
    'the %s runs under its CSP: every inline script and style is allowed by hash, and no style attribute',
    async (_, path, env) => {
      h = await httpHarness({ REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN, ...env });
      seedHealthyState(h.fixture);
      const res = await h.request(path);
      const html = await res.text();
      const csp = directives(res.headers.get('content-security-policy') ?? '');
      const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
      const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
      expect(scripts.length).toBeGreaterThan(0);
      expect(styles.length).toBe(1);
      for (const script of scripts) expect(csp.get('script-src')).toContain(sha256(script));
      for (const style of styles) expect(csp.get('style-src')).toContain(sha256(style));
      expect(html).not.toMatch(/\sstyle=/);
      expect(html).not.toMatch(/\son[a-z]+=/);
    },
  );

  it('the unlock page may load the dashboard it unlocks: its CSP allows the dashboard script too', async () => {
    h = await httpHarness({ REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN, REPLYWRIGHT_READ_TOKEN_REQUIRED: '1' });
    const locked = await h.request('/');
    const open = await (await h.request('/', { token: ADMIN_TOKEN })).text();
    const script = open.match(/<script>([\s\S]*?)<\/script>/)![1]!;
    expect(directives(locked.headers.get('content-security-policy') ?? '').get('script-src')).toContain(
      sha256(script),
    );
  });
});
