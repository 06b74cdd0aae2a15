import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzParameters, RunCount } from '../support/fuzz.ts';
import { ADMIN_TOKEN } from '../support/httpHarness.ts';
import { seedHealthyState } from '../support/proofFixtures.ts';
import { type RawResponse, rawRequest } from '../support/rawHttp.ts';
import { type ServedHarness, servedHarness } from '../support/servedHarness.ts';

/**
 * Fuzz, over real sockets: every method × route × token state × both read-token settings. With
 * reads protected, no request without the valid token gets a 2xx — except /healthz and the
 * unlock page, which carry no data; in either setting no mutating request without it does, and
 * nothing changes. Random Authorization shapes: only the exact token passes.
 */
const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'PROPFIND',
  'SEARCH',
  'TRACE',
  'FOO',
];
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface TokenState {
  name: string;
  headers: Record<string, string>;
  query: string;
  valid: boolean;
}

const flip = (s: string, i: number) => `${s.slice(0, i)}${s[i] === 'a' ? 'b' : 'a'}${s.slice(i + 1)}`;

const TOKEN_STATES: TokenState[] = [
  { name: 'none', headers: {}, query: '', valid: false },
  { name: 'exact', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, query: '', valid: true },
  {
    name: 'scheme case and spaces',
    headers: { authorization: `bEaReR   ${ADMIN_TOKEN}  ` },
    query: '',
    valid: true,
  },
  { name: 'wrong', headers: { authorization: 'Bearer not-the-token-at-all-0000' }, query: '', valid: false },
  {
    name: 'prefix',
    headers: { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` },
    query: '',
    valid: false,
  },
  { name: 'suffix', headers: { authorization: `Bearer ${ADMIN_TOKEN}x` }, query: '', valid: false },
  {
    name: 'one char off',
    headers: { authorization: `Bearer ${flip(ADMIN_TOKEN, 5)}` },
    query: '',
    valid: false,
  },
  {
    name: 'upper case',
    headers: { authorization: `Bearer ${ADMIN_TOKEN.toUpperCase()}` },
    query: '',
    valid: false,
  },
  {
    name: 'basic',
    headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
    query: '',
    valid: false,
  },
  { name: 'no scheme', headers: { authorization: ADMIN_TOKEN }, query: '', valid: false },
  {
    name: 'two tokens',
    headers: { authorization: `Bearer ${ADMIN_TOKEN} ${ADMIN_TOKEN}` },
    query: '',
    valid: false,
  },
  { name: 'query', headers: {}, query: `token=${ADMIN_TOKEN}&access_token=${ADMIN_TOKEN}`, valid: false },
  {
    name: 'cookie',
    headers: { cookie: `token=${ADMIN_TOKEN}; replywright.token=${ADMIN_TOKEN}` },
    query: '',
    valid: false,
  },
  {
    name: 'x-api-key',
    headers: { 'x-api-key': ADMIN_TOKEN, 'x-admin-token': ADMIN_TOKEN },
    query: '',
    valid: false,
  },
];

let open: ServedHarness;
let locked: ServedHarness;
let paths: string[];

beforeAll(async () => {
  open = await servedHarness({ REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN }, { stream: { pingMs: 60_000 } });
  locked = await servedHarness(
    { REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN, REPLYWRIGHT_READ_TOKEN_REQUIRED: '1' },
    { stream: { pingMs: 60_000 } },
  );
  const permit = seedHealthyState(open.h.fixture).posted[0]!.permitId;
  seedHealthyState(locked.h.fixture);
  // Every route the app declares, its parameters filled with a real id (so a leak would show).
  paths = [
    ...new Set(
      open.h.http.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => r.path.replace(':id', permit).replace(':name', 'permit')),
    ),
    '/api/nope',
    '/healthz/',
    '//api/status',
    '/API/STATUS',
  ];
});
afterAll(async () => {
  await open?.close();
  await locked?.close();
});

async function send(
  s: ServedHarness,
  method: string,
  path: string,
  token: TokenState,
): Promise<RawResponse | null> {
  const target = token.query ? `${path}${path.includes('?') ? '&' : '?'}${token.query}` : path;
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${s.host}`, 'Connection: close'];
  for (const [name, value] of Object.entries(token.headers)) lines.push(`${name}: ${value}`);
  if (MUTATING.has(method)) lines.push('Content-Length: 0');
  // headOnly: a granted event stream never ends by itself.
  return rawRequest(s.url, `${lines.join('\r\n')}\r\n\r\n`, { headOnly: true });
}

/** The one kind of 2xx an unauthenticated reader may get: the health check or the unlock page. */
function allowedWithoutToken(method: string, path: string, res: RawResponse): boolean {
  if (path === '/healthz') return true;
  if ((path === '/' || path === '/proof') && (method === 'GET' || method === 'HEAD')) {
    return (
      method === 'HEAD' || (res.body.includes('Token required') && !res.body.includes('data-testid="funnel"'))
    );
  }
  return false;
}

function stateUnchanged(s: ServedHarness): void {
  expect(s.h.app.controls.isPaused()).toBe(false);
  const operatorEvents = s.h.app.store
    .statement("select count(*) as n from events where type like 'control_%' or type like '%_by_operator'")
    .get() as { n: number };
  expect(operatorEvents.n).toBe(0);
}

describe('fuzz: who gets a 2xx', () => {
  it('sweeps every route × method without a valid token, reads protected: no 2xx but the open ones', async () => {
    for (const path of paths) {
      for (const method of METHODS) {
        for (const token of [TOKEN_STATES[0]!, TOKEN_STATES[3]!]) {
          const res = await send(locked, method, path, token);
          if (res && res.status >= 200 && res.status < 300) {
            expect(
              allowedWithoutToken(method, path, res),
              `${method} ${path} (${token.name}) → ${res.status}`,
            ).toBe(true);
          }
          expect(res?.status ?? 0, `${method} ${path}`).toBeLessThan(500);
        }
      }
    }
    stateUnchanged(locked);
  });

  it('random method × route × token state × read-token setting: a 2xx only with the token, or open by design', async () => {
    const count = new RunCount('method × route × token × setting');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        fc.constantFrom(...paths),
        fc.constantFrom(...TOKEN_STATES.filter((t) => !t.valid)),
        fc.boolean(),
        async (method, path, token, protectedReads) => {
          count.tick();
          const s = protectedReads ? locked : open;
          const res = await send(s, method, path, token);
          if (!res) return;
          expect(res.status, `${method} ${path}`).toBeLessThan(500);
          if (res.status < 200 || res.status >= 300) return;
          expect(MUTATING.has(method), `${method} ${path} (${token.name}) → ${res.status}`).toBe(false);
          if (protectedReads)
            expect(allowedWithoutToken(method, path, res), `${method} ${path} (${token.name})`).toBe(true);
        },
      ),
      fuzzParameters(400, 5_000),
    );
    count.report();
    expect(count.runs).toBeGreaterThan(50);
    stateUnchanged(open);
    stateUnchanged(locked);
  });

  it('the valid token opens the read routes in either shape', async () => {
    for (const token of TOKEN_STATES.filter((t) => t.valid)) {
      for (const path of ['/api/status', '/metrics', '/fragments/live', '/api/events/stream']) {
        expect((await send(locked, 'GET', path, token))?.status, `${path} (${token.name})`).toBe(200);
      }
    }
  });
});

describe('fuzz: Authorization shapes', () => {
  /** Variations of a header around the token: schemes, spacing, quoting, damage to the token. */
  const shape = fc.oneof(
    fc.record({
      scheme: fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Bearer:', 'Token', 'Basic', '', 'Bearer\t'),
      before: fc.constantFrom(' ', '  ', '', '\t'),
      token: fc.oneof(
        fc.constant(ADMIN_TOKEN),
        fc.nat(ADMIN_TOKEN.length - 1).map((i) => flip(ADMIN_TOKEN, i)),
        fc.nat(ADMIN_TOKEN.length).map((i) => ADMIN_TOKEN.slice(0, i)),
        fc
          .string({ minLength: 1, maxLength: 4, unit: fc.constantFrom('x', '0', '=', '"', ',') })
          .map((t) => ADMIN_TOKEN + t),
        fc
          .string({ minLength: 1, maxLength: 3, unit: fc.constantFrom('x', '"', ' ') })
          .map((t) => t + ADMIN_TOKEN),
        fc.string({
          maxLength: 40,
          unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split('')),
        }),
      ),
      after: fc.constantFrom('', ' ', ', Bearer x', ' x', '\t'),
    }),
    fc
      .string({ maxLength: 80, unit: 'grapheme-ascii' })
      .map((raw) => ({ scheme: '', before: '', token: raw, after: '' })),
  );

  it('passes only the exact token', async () => {
    const count = new RunCount('authorization shapes');
    await fc.assert(
      fc.asyncProperty(shape, async ({ scheme, before, token, after }) => {
        count.tick();
        const header = `${scheme}${before}${token}${after}`;
        // The oracle is the rule, not the parser: the scheme `Bearer` (any case), spaces or
        // tabs, the token itself (case and all), optional trailing spaces — nothing else.
        const rest = header.slice('bearer'.length);
        const exact =
          header.slice(0, 'bearer'.length).toLowerCase() === 'bearer' &&
          /^[ \t]+/.test(rest) &&
          rest.trim() === ADMIN_TOKEN;
        const res = await rawRequest(
          locked.url,
          `GET /api/status HTTP/1.1\r\nHost: ${locked.host}\r\nConnection: close\r\nAuthorization: ${header}\r\n\r\n`,
        );
        if (!res) return;
        expect(res.status === 200, JSON.stringify(header)).toBe(exact);
      }),
      fuzzParameters(300, 4_000),
    );
    count.report();
    expect(count.runs).toBeGreaterThan(50);
  });
});
