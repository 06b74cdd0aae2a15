import { afterEach, describe, expect, it } from 'vitest';
import { defaultAccountToken } from '../../src/sandbox/auth.ts';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/main.ts';
import { ADMIN_TOKEN } from '../support/httpHarness.ts';
import { rawRequest, requestHead } from '../support/rawHttp.ts';
import { type ServedHarness, servedHarness } from '../support/servedHarness.ts';

/**
 * Finding 2 of issue #11: no body size limit. An authenticated reject with a 50 MB body was
 * buffered whole before the 400; the sandbox's login and post routes likewise. Every POST of
 * both servers now answers 413 above a few KB, and a body is read only after the token check.
 */
let s: ServedHarness | undefined;
let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
  await sandbox?.stop();
  sandbox = undefined;
});

const big = (bytes: number) => JSON.stringify({ reasonCode: 'off_topic', pad: 'a'.repeat(bytes) });
const FIFTY_MB = String(50 * 1024 * 1024);

describe('replywright POST bodies', () => {
  it('answer 413 above the limit, declared or streamed', async () => {
    s = await servedHarness();
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const declared = await fetch(`${s.url}/api/permits/permit_0001/reject`, {
      method: 'POST',
      headers: auth,
      body: big(64 * 1024),
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: 'payload_too_large' });
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 64; i++) controller.enqueue(new TextEncoder().encode('a'.repeat(1024)));
        controller.close();
      },
    });
    const streamed = await fetch(`${s.url}/api/permits/permit_0001/reject`, {
      method: 'POST',
      headers: auth,
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('answer at once to a declared 50 MB body, without waiting for it', async () => {
    s = await servedHarness();
    for (const token of [ADMIN_TOKEN, undefined]) {
      const head = requestHead('POST', '/api/permits/permit_0001/reject', s.host, {
        'content-type': 'application/json',
        'content-length': FIFTY_MB,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      });
      const res = await rawRequest(s.url, head, { timeoutMs: 2_000 });
      // Refused on the header alone, token or not: nothing of the body is read.
      expect(res?.status, `token ${token ? 'valid' : 'absent'}`).toBe(413);
    }
  });
});

describe('sandbox POST bodies', () => {
  it('answer 413 on login and on posts above the limit', async () => {
    sandbox = await startSandbox({ port: 0, dbPath: ':memory:', seed: 1, trafficPerMin: 0 });
    const login = await fetch(`${sandbox.url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ handle: 'replywright_bot', password: 'x'.repeat(64 * 1024) }),
      redirect: 'manual',
    });
    expect(login.status).toBe(413);
    const post = await fetch(`${sandbox.url}/api/posts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${defaultAccountToken('replywright_bot')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ text: 'hello', pad: 'p'.repeat(64 * 1024) }),
    });
    expect(post.status).toBe(413);
    // A route that reads its body its own way (the X dialect's c.req.json()) is capped too: a
    // valid post padded past the limit, sent without a length, is refused, not created.
    const padded = new TextEncoder().encode(`{"text":"hello from a padded body"}${' '.repeat(64 * 1024)}`);
    const tweet = await fetch(`${sandbox.url}/2/tweets`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${defaultAccountToken('replywright_bot')}`,
        'content-type': 'application/json',
      },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < padded.length; i += 8_192) controller.enqueue(padded.subarray(i, i + 8_192));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect([400, 413]).toContain(tweet.status);
    expect(sandbox.platform.latest(50).some((p) => p.text === 'hello from a padded body')).toBe(false);
    const head = requestHead('POST', '/login', new URL(sandbox.url).host, {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': FIFTY_MB,
    });
    expect((await rawRequest(sandbox.url, head, { timeoutMs: 2_000 }))?.status).toBe(413);
  });
});
