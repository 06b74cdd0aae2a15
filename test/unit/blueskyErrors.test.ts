import { describe, expect, it } from 'vitest';
import { type FetchHandler, xrpc } from '../../src/platforms/bluesky/xrpc.ts';
import {
  OutcomeUnknown,
  PlatformRejected,
  PlatformUnavailable,
  RateLimited,
} from '../../src/platforms/contract.ts';

const now = () => 1_800_000_000_000;
const answer =
  (status: number, body: unknown, headers: Record<string, string> = {}): FetchHandler =>
  async () =>
    Response.json(body, { status, headers });
const failing =
  (error: unknown): FetchHandler =>
  async () => {
    throw error;
  };
const put = { method: 'POST' as const, nsid: 'com.atproto.repo.putRecord', body: {} };
const read = { method: 'GET' as const, nsid: 'app.bsky.notification.listNotifications' };
const create = { kind: 'create' as const, timeoutMs: 1000, now };
const get = { kind: 'read' as const, timeoutMs: 1000, now };

describe('Bluesky XRPC errors as contract errors', () => {
  it('429 is RateLimited until ratelimit-reset (epoch seconds)', async () => {
    const error = await xrpc(
      answer(429, { error: 'RateLimitExceeded' }, { 'ratelimit-reset': '1800000090' }),
      put,
      create,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect(error.resetAt).toBe(1_800_000_090_000);
  });

  it('a connection never made is PlatformUnavailable even for a create', async () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    await expect(xrpc(failing(refused), put, create)).rejects.toBeInstanceOf(PlatformUnavailable);
  });

  it('a create that may have landed (timeout, reset, 5xx) is OutcomeUnknown; a read is PlatformUnavailable', async () => {
    const timeout = new DOMException('timed out', 'TimeoutError');
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
    });
    await expect(xrpc(failing(timeout), put, create)).rejects.toBeInstanceOf(OutcomeUnknown);
    await expect(xrpc(failing(reset), put, create)).rejects.toBeInstanceOf(OutcomeUnknown);
    await expect(xrpc(answer(500, { error: 'InternalServerError' }), put, create)).rejects.toBeInstanceOf(
      OutcomeUnknown,
    );
    await expect(xrpc(answer(502, { error: 'UpstreamFailure' }), read, get)).rejects.toBeInstanceOf(
      PlatformUnavailable,
    );
  });

  it('401 (signed out) means nothing was written: PlatformUnavailable, and the session is dropped', async () => {
    let dropped = false;
    const error = await xrpc(answer(401, { error: 'AuthMissing' }), put, {
      ...create,
      onUnauthorized: () => (dropped = true),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(PlatformUnavailable);
    expect(dropped).toBe(true);
  });

  it('another 4xx is PlatformRejected with the XRPC error name; an expected name is returned', async () => {
    const error = await xrpc(
      answer(400, { error: 'InvalidRequest', message: 'Record/text must not be longer than 300 graphemes' }),
      put,
      create,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(PlatformRejected);
    expect(error.message).toContain('300 graphemes');
    expect(
      await xrpc(answer(400, { error: 'InvalidSwap' }), put, { ...create, expect: ['InvalidSwap'] }),
    ).toEqual({
      ok: false,
      error: 'InvalidSwap',
      status: 400,
    });
  });
});
