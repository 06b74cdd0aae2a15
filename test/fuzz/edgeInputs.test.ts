import { maxHeaderSize } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from '../../http/bodyLimit.ts';
import { fuzzParameters, RunCount } from '../support/fuzz.ts';
import { ADMIN_TOKEN } from '../support/httpHarness.ts';
import { MIN, REPORT_NOW, seedHealthyState } from '../support/proofFixtures.ts';
import { type RawResponse, rawRequest } from '../support/rawHttp.ts';
import { type ServedHarness, servedHarness } from '../support/servedHarness.ts';

/**
 * Fuzz, over real sockets: what a client puts in a path, a query or a body. Ids and query
 * strings (unicode, percent-encoding valid and not, overlong UTF-8, duplicate keys, huge) are
 * always answered 200/400/404 in JSON, never 500. Bodies of any content type and size are
 * 400/401/413 (or the action's own answer when they are valid and authorised), and memory
 * stays bounded however much is sent.
 */
let s: ServedHarness;
let awaiting: string;
let posted: string;

beforeAll(async () => {
  s = await servedHarness(undefined, { stream: { pingMs: 60_000 } });
  const f = s.h.fixture;
  posted = seedHealthyState(f).posted[0]!.permitId;
  const c = f.candidate(REPORT_NOW - 5 * MIN);
  awaiting = f.permitted(
    c,
    f.queue(c, REPORT_NOW - 5 * MIN, REPORT_NOW + 30 * MIN),
    REPORT_NOW - 4 * MIN,
    'manual',
  ).permitId;
});
afterAll(async () => s?.close());

/** Percent-encodes every byte outside a small safe set, so the request line stays one line. */
const encode = (text: string) =>
  [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_.~:-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

const hex = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
/** An id or value as it reaches the server: already encoded, valid or broken. */
const component = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(encode),
  fc.string({ unit: 'binary', maxLength: 20 }).map(encode),
  fc.stringMatching(/^[A-Za-z0-9_.:-]{1,140}$/),
  fc.constantFrom(
    '%',
    '%G0',
    '%C0%AF',
    '%E0%80%AF',
    '%FF%FE',
    '%00',
    '%2F',
    '%2e%2e%2f',
    '..',
    '%ED%A0%80',
    '%F4%90%80%80',
    '%E2%80%AE',
  ),
  fc.tuple(fc.constant('%'), hex, fc.option(hex, { nil: '' })).map((parts) => parts.join('')),
  fc.integer({ min: 200, max: 6_000 }).map((n) => 'a'.repeat(n)),
  fc.constantFrom('permit', 'candidate', '-1', '1e9', 'NaN', ''),
  // A real id, read when the case is drawn (after the fixture exists).
  fc.constant(null).map(() => posted),
);
const QUERY_KEYS = [
  'window',
  'kind',
  'state',
  'limit',
  'cursor',
  'token',
  'x',
  '__proto__',
  'constructor',
  '',
];
const query = fc
  .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), component), { maxLength: 5 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));

const target = fc.oneof(
  fc
    .tuple(fc.constantFrom('/api/actors/', '/api/trace/', '/api/machines/'), component)
    .map(([p, id]) => `${p}${id}`),
  fc
    .tuple(
      fc.constantFrom(
        '/api/actors',
        '/api/status',
        '/api/proof',
        '/api/machines',
        '/metrics',
        '/',
        '/proof',
        '/fragments/live',
        '/healthz',
      ),
      query,
    )
    .map(([p, q]) => `${p}?${q}`),
);

describe('fuzz: paths and queries', () => {
  it('are always 200, 400 or 404 (431 over the header limit) — JSON for the API and for every refusal — never 500', async () => {
    const runs = new RunCount('ids and query strings');
    await fc.assert(
      fc.asyncProperty(target, async (path) => {
        runs.tick();
        const request = `GET ${path} HTTP/1.1\r\nHost: ${s.host}\r\nConnection: close\r\n\r\n`;
        const res = await rawRequest(s.url, request);
        expect(res, path).not.toBeNull();
        // Node counts the request line and headers against maxHeaderSize; near it, either answer.
        const size = Buffer.byteLength(request);
        const expected =
          size > maxHeaderSize + 64
            ? [431]
            : size < maxHeaderSize - 64
              ? [200, 400, 404]
              : [200, 400, 404, 431];
        expect(expected, `${path.slice(0, 200)} (${size} bytes) → ${res!.status}`).toContain(res!.status);
        const type = res!.headers.get('content-type') ?? '';
        if (path.startsWith('/api/') || res!.status !== 200) expect(type, path).toContain('application/json');
        if (res!.status !== 200) expect(JSON.parse(res!.body)).toHaveProperty('error');
      }),
      fuzzParameters(500, 5_000),
    );
    runs.report();
    expect(runs.runs).toBeGreaterThan(50);
  });
});

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  '',
  '\u00ff/\u00fe',
];

interface BodyCase {
  path: string;
  token: 'valid' | 'none' | 'wrong';
  contentType: string;
  body: Buffer;
  chunked: boolean;
}

const body = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc
    .constantFrom(
      '{}',
      '{"reasonCode":"off_topic"}',
      '{"reasonCode":"BAD CODE"}',
      'null',
      '[]',
      '{"reasonCode":',
      '\u0000',
    )
    .map((t) => Buffer.from(t)),
  fc.json({ maxDepth: 3 }).map((t) => Buffer.from(t)),
  fc.uint8Array({ maxLength: 6_000 }).map((a) => Buffer.from(a)),
  fc.integer({ min: BODY_LIMIT_BYTES - 10, max: 2 * 1024 * 1024 }).map((n) => Buffer.alloc(n, 0x61)),
);

const bodyCase: fc.Arbitrary<BodyCase> = fc.record({
  path: fc.constantFrom(
    '/api/control/pause',
    '/api/control/resume',
    '/api/permits/AWAITING/approve',
    '/api/permits/AWAITING/reject',
    '/api/permits/nope/reject',
  ),
  token: fc.constantFrom('valid' as const, 'none' as const, 'wrong' as const),
  contentType: fc.constantFrom(...CONTENT_TYPES),
  body,
  chunked: fc.boolean(),
});

function requestBytes(c: BodyCase): Buffer {
  const lines = [
    `POST ${c.path.replace('AWAITING', awaiting)} HTTP/1.1`,
    `Host: ${s.host}`,
    'Connection: close',
  ];
  if (c.contentType) lines.push(`Content-Type: ${c.contentType}`);
  if (c.token === 'valid') lines.push(`Authorization: Bearer ${ADMIN_TOKEN}`);
  if (c.token === 'wrong') lines.push('Authorization: Bearer wrong-token-wrong-token');
  if (!c.chunked) lines.push(`Content-Length: ${c.body.length}`);
  else lines.push('Transfer-Encoding: chunked');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (!c.chunked) return Buffer.concat([head, c.body]);
  const chunks: Buffer[] = [head];
  for (let i = 0; i < c.body.length; i += 16_384) {
    const part = c.body.subarray(i, i + 16_384);
    chunks.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(chunks);
}

describe('fuzz: bodies', () => {
  it('are 400, 401 or 413 unless valid and authorised; never 500; memory bounded', async () => {
    const runs = new RunCount('bodies, content types and sizes');
    let sent = 0;
    let peak = 0;
    global.gc?.();
    const before = process.memoryUsage().rss;
    await fc.assert(
      fc.asyncProperty(bodyCase, async (c) => {
        runs.tick();
        sent += c.body.length;
        let res: RawResponse | null = null;
        try {
          res = await rawRequest(s.url, requestBytes(c), { timeoutMs: 5_000 });
        } catch {
          // A refused body may reset the connection before the answer is read: only for one
          // the server had no reason to read.
          expect(c.body.length > BODY_LIMIT_BYTES || c.token !== 'valid').toBe(true);
          return;
        }
        peak = Math.max(peak, process.memoryUsage().rss - before);
        expect(res, JSON.stringify({ ...c, body: c.body.length })).not.toBeNull();
        const status = res!.status;
        const label = `${c.path} token=${c.token} ${c.chunked ? 'chunked' : 'length'} ${c.body.length} B → ${status}`;
        expect(status, label).toBeLessThan(500);
        if (c.token !== 'valid') {
          expect([401, 413], label).toContain(status);
          if (status === 413) expect(c.body.length > BODY_LIMIT_BYTES && !c.chunked, label).toBe(true);
          return;
        }
        if (c.body.length > BODY_LIMIT_BYTES && c.path.endsWith('/reject')) expect(status, label).toBe(413);
        else if (c.body.length > BODY_LIMIT_BYTES && !c.chunked) expect(status, label).toBe(413);
        else expect([200, 400, 404, 409, 413], label).toContain(status);
      }),
      fuzzParameters(150, 8_000),
    );
    runs.report();
    if (process.env.FUZZ_REPORT === '1') {
      process.stdout.write(
        `fuzz bodies: ${Math.round(sent / 1e6)} MB sent, peak RSS growth ${Math.round(peak / 1e6)} MB\n`,
      );
    }
    expect(runs.runs).toBeGreaterThan(20);
    expect(peak).toBeLessThan(96 * 1024 * 1024);
  });
});
