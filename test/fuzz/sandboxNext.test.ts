import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPassword } from '../../src/sandbox/auth.ts';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/main.ts';
import { fuzzParameters, RunCount } from '../support/fuzz.ts';

/**
 * Fuzz, over a real socket: whatever `next` the sandbox's login form carries, a correct login
 * redirects to a page of the sandbox itself — resolved the way a browser resolves the Location
 * — and no `next` makes the login page or the login a 500.
 */
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, dbPath: ':memory:', seed: 1, trafficPerMin: 0 });
});
afterAll(async () => sandbox?.stop());

/** The pieces open redirects are made of, mixed with anything at all. */
const PIECES = [
  '/',
  '//',
  '\\',
  '/\\',
  '\t',
  '\n',
  '\r',
  ' ',
  '%09',
  '%0a',
  '%2f',
  '%5c',
  '.',
  '..',
  '@',
  ':',
  '?',
  '#',
  'evil.example',
  'http:',
  'https:',
  'javascript:',
  '\u3002',
  '\uff0f',
  '\u2215',
  'posts',
  '1',
];
const piece = fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'grapheme', maxLength: 4 }));
/** Mostly a slash, something a browser drops or folds, another slash, and a host: the known shape. */
const shaped = fc
  .tuple(
    fc.constantFrom('/', '/', '/', '//', '/\\', '\\', ' /', ''),
    fc.constantFrom('\t', '\n', '\r\n', '', ' ', '%09', '.', './', '\u3002'),
    fc.constantFrom('/', '\\', '//', '', '\uff0f'),
    fc.array(piece, { maxLength: 4 }),
  )
  .map(([a, b, c, tail]) => `${a}${b}${c}${tail.join('')}`);
const next = fc.oneof(
  { arbitrary: shaped, weight: 3 },
  { arbitrary: fc.array(piece, { maxLength: 8 }).map((p) => p.join('')), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 1 },
);

describe('fuzz: the sandbox login next', () => {
  it('always stays on the sandbox origin, and is never a 500', async () => {
    const origin = new URL(sandbox.url).origin;
    const runs = new RunCount('sandbox next');
    await fc.assert(
      fc.asyncProperty(
        next,
        fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, fc.constant(false)),
        async (value, rightPassword) => {
          runs.tick();
          const page = await fetch(`${sandbox.url}/login?next=${encodeURIComponent(value)}`);
          expect(page.status, JSON.stringify(value)).toBe(200);
          const res = await fetch(`${sandbox.url}/login`, {
            method: 'POST',
            body: new URLSearchParams({
              handle: 'replywright_bot',
              password: rightPassword ? defaultPassword('replywright_bot') : 'wrong-password',
              next: value,
            }),
            redirect: 'manual',
          });
          if (!rightPassword) {
            expect(res.status, JSON.stringify(value)).toBe(401);
            return;
          }
          expect(res.status, JSON.stringify(value)).toBe(303);
          const location = res.headers.get('location')!;
          expect(new URL(location, sandbox.url).origin, `${JSON.stringify(value)} → ${location}`).toBe(
            origin,
          );
          expect(location, JSON.stringify(value)).toMatch(/^\/(?![/\\])/);
        },
      ),
      fuzzParameters(150, 4_000),
    );
    runs.report();
    expect(runs.runs).toBeGreaterThan(30);
  });
});
