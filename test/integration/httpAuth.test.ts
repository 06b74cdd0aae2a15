import { afterEach, describe, expect, it } from 'vitest';
import { bearerToken, tokenMatches } from '../../http/auth.ts';
import { ADMIN_TOKEN, type HttpHarness, httpHarness } from '../support/httpHarness.ts';
import { MIN, REPORT_NOW, seedHealthyState } from '../support/proofFixtures.ts';

let h: HttpHarness | undefined;
afterEach(() => h?.cleanup());

const headerText = (res: Response) => {
  const lines: string[] = [];
  res.headers.forEach((value, name) => {
    lines.push(`${name}: ${value}`);
  });
  return lines.join('\n');
};

const MUTATING = [
  '/api/control/pause',
  '/api/control/resume',
  '/api/permits/permit_0001/approve',
  '/api/permits/permit_0001/reject',
];

describe('tokens', () => {
  it.each([
    [ADMIN_TOKEN, ADMIN_TOKEN, true],
    [`${ADMIN_TOKEN}x`, ADMIN_TOKEN, false],
    [ADMIN_TOKEN.slice(0, -1), ADMIN_TOKEN, false],
    ['', ADMIN_TOKEN, false],
    [ADMIN_TOKEN.replace('a', 'b'), ADMIN_TOKEN, false],
  ])('tokenMatches(%j) → %s, whatever the lengths', (presented, expected, result) => {
    expect(tokenMatches(presented, expected)).toBe(result);
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer  abc ', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    ['Bearer a b', null],
  ])('bearerToken(%j) → %j', (header, token) => expect(bearerToken(header)).toBe(token));
});

describe('mutating routes', () => {
  it('answer 401 without a valid bearer token and change nothing', async () => {
    h = await httpHarness();
    for (const token of [undefined, 'wrong', `${ADMIN_TOKEN}0`, ADMIN_TOKEN.toUpperCase()]) {
      for (const path of MUTATING) {
        const res = await h.request(path, { method: 'POST', ...(token === undefined ? {} : { token }) });
        expect(res.status, `${path} with ${token}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toContain('Bearer');
        expect(await res.json()).toMatchObject({ error: 'unauthorized' });
      }
    }
    const basic = await h.request('/api/control/pause', {
      method: 'POST',
      headers: { authorization: `Basic ${ADMIN_TOKEN}` },
    });
    expect(basic.status).toBe(401);
    expect(h.app.controls.isPaused()).toBe(false);
    expect(
      h.app.store.statement("select count(*) as n from events where type like 'control_%'").get(),
    ).toEqual({ n: 0 });
  });

  it('answer 403 naming REPLYWRIGHT_ADMIN_TOKEN when no token is configured', async () => {
    h = await httpHarness({});
    for (const path of MUTATING) {
      const res = await h.request(path, { method: 'POST', token: 'anything-at-all-here' });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { message: string };
      expect(body.message).toContain('set REPLYWRIGHT_ADMIN_TOKEN');
    }
    expect(h.app.controls.isPaused()).toBe(false);
  });

  it('accept the admin token', async () => {
    h = await httpHarness();
    const res = await h.request('/api/control/pause', { method: 'POST', token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(h.app.controls.isPaused()).toBe(true);
  });
});

describe('read routes', () => {
  it('are open by default', async () => {
    h = await httpHarness();
    for (const path of ['/api/status', '/api/proof', '/api/actors', '/api/machines', '/metrics', '/']) {
      expect((await h.request(path)).status, path).toBe(200);
    }
  });

  it('need the token when REPLYWRIGHT_READ_TOKEN_REQUIRED=1, except /healthz', async () => {
    h = await httpHarness({ REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN, REPLYWRIGHT_READ_TOKEN_REQUIRED: '1' });
    for (const path of [
      '/api/status',
      '/api/proof',
      '/api/actors',
      '/api/machines',
      '/api/trace/x',
      '/metrics',
      '/fragments/live',
      '/api/events/stream',
    ]) {
      expect((await h.request(path)).status, path).toBe(401);
    }
    expect((await h.request('/api/status', { token: ADMIN_TOKEN })).status).toBe(200);
    expect((await h.request('/metrics', { token: ADMIN_TOKEN })).status).toBe(200);
    expect((await h.request('/healthz')).status).toBe(200);
  });

  it('serve an unlock page instead of the dashboard until the token is given', async () => {
    h = await httpHarness({ REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN, REPLYWRIGHT_READ_TOKEN_REQUIRED: '1' });
    seedHealthyState(h.fixture);
    const locked = await (await h.request('/')).text();
    expect(locked).toContain('Token required');
    expect(locked).not.toContain('data-testid="funnel"');
    const open = await (await h.request('/', { token: ADMIN_TOKEN })).text();
    expect(open).toContain('data-testid="funnel"');
    expect(open).toContain('data-read-protected="1"');
  });
});

describe('secrets', () => {
  it('never appear in a response or a log line', async () => {
    h = await httpHarness({
      REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN,
      REPLYWRIGHT_OPENAI_API_KEY: 'sk-secret-openai-key-42',
    });
    const { posted } = seedHealthyState(h.fixture);
    const c = h.fixture.candidate(REPORT_NOW - 5 * MIN);
    const q = h.fixture.queue(c, REPORT_NOW - 5 * MIN, REPORT_NOW + 30 * MIN);
    const awaiting = h.fixture.permitted(c, q, REPORT_NOW - 4 * MIN, 'manual');
    const gets = [
      '/',
      '/proof',
      '/fragments/live',
      '/healthz',
      '/api/status',
      '/api/proof',
      '/api/actors?limit=500',
      `/api/actors/${posted[0]!.permitId}`,
      `/api/trace/${posted[0]!.permitId}`,
      '/api/machines',
      '/api/machines/permit',
      '/metrics',
      '/api/nope',
      '/api/status?window=bogus',
    ];
    const bodies: string[] = [];
    for (const path of gets) {
      for (const token of [undefined, ADMIN_TOKEN]) {
        const res = await h.request(path, token ? { token } : {});
        bodies.push(await res.text(), headerText(res));
      }
    }
    for (const path of [
      '/api/control/pause',
      '/api/control/resume',
      `/api/permits/${awaiting.permitId}/approve`,
      '/api/permits/x/reject',
    ]) {
      for (const token of [ADMIN_TOKEN, 'wrong']) {
        const res = await h.request(path, { method: 'POST', token, body: '{"reasonCode":"x"}' });
        bodies.push(await res.text(), headerText(res));
      }
    }
    for (const text of [...bodies, ...h.logs]) {
      expect(text).not.toContain(ADMIN_TOKEN);
      expect(text).not.toContain('sk-secret-openai-key-42');
    }
    expect(h.logs.length).toBeGreaterThan(20);
  });
});
