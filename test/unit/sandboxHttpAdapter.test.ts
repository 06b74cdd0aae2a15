import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import {
  OutcomeUnknown,
  PlatformRejected,
  PlatformUnavailable,
  RateLimited,
} from '../../src/platforms/contract.ts';
import { fetchFailure, rateLimitReset } from '../../src/platforms/httpErrors.ts';
import { createSandboxHttpAdapter } from '../../src/platforms/sandbox/httpAdapter.ts';
import { defaultAccountToken } from '../../src/sandbox/auth.ts';
import type { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { createSandboxApp } from '../../src/sandbox/server.ts';
import { memorySandbox } from '../support/sandbox.ts';

const BOT = 'replywright_bot';
let platform: SandboxPlatform | undefined;
afterEach(() => platform?.close());

/** An adapter whose fetch goes to `app` in-process. */
function adapterFor(app: { request: (url: string, init?: RequestInit) => Response | Promise<Response> }) {
  const fetchStub = (async (input: string | URL | Request, init?: RequestInit) =>
    app.request(String(input), init)) as typeof fetch;
  return createSandboxHttpAdapter({
    baseUrl: 'http://sandbox.test',
    account: BOT,
    token: defaultAccountToken(BOT),
    fetch: fetchStub,
  });
}

const good = {
  id: '1000001',
  author: 'alice',
  text: 'hello @replywright_bot',
  in_reply_to_id: null,
  root_id: '1000001',
  created_at: 1_700_000_000_000,
  mentions: [BOT],
};

describe('sandbox HTTP adapter: malformed platform data', () => {
  it.each([
    ['a missing id', { ...good, id: undefined }, /^id:/],
    ['a numeric created_at string', { ...good, created_at: '2026-01-01' }, /^createdAt:/],
    [
      'no in_reply_to_id at all (root status unknown)',
      { ...good, in_reply_to_id: undefined },
      /^inReplyToId:/,
    ],
    ['a negative metric', { ...good, metrics: { likes: -1 } }, /^metrics\.likes:/],
    ['a string instead of an object', 'oops', /expected an object/],
    ['null', null, /expected an object, got null/],
  ])('puts an item with %s in page.invalid, keeps the good ones', async (_, bad, reason) => {
    const stub = new Hono().get('/api/mentions', (c) =>
      c.json({ posts: [good, bad], next_cursor: '1000001' }),
    );
    const page = await adapterFor(stub).mentions(null);
    expect(page.posts.map((p) => p.id)).toEqual(['1000001']);
    expect(page.invalid).toHaveLength(1);
    expect(page.invalid[0]!.raw).toEqual(bad);
    expect(page.invalid[0]!.reason).toMatch(reason);
    expect(page.nextCursor).toBe('1000001');
  });

  it('reports a page that is not a page, without throwing', async () => {
    const stub = new Hono().get('/api/search', (c) => c.text('<html>maintenance</html>'));
    const page = await adapterFor(stub).search('replywright', '1000005');
    expect(page).toEqual({
      posts: [],
      invalid: [{ raw: '<html>maintenance</html>', reason: 'page: expected { posts: [...] }' }],
      nextCursor: '1000005',
    });
  });

  it('refuses a malformed single post and a create response without an id', async () => {
    const stub = new Hono()
      .get('/api/posts/:id', (c) => c.json({ id: c.req.param('id') }))
      .post('/api/posts', (c) => c.json({ ok: true }, 201));
    const adapter = adapterFor(stub);
    await expect(adapter.getPost('1')).rejects.toBeInstanceOf(PlatformUnavailable);
    await expect(
      adapter.createReply({ targetId: '1', text: 'hi', idempotencyKey: 'k', attempt: 1 }),
    ).rejects.toBeInstanceOf(OutcomeUnknown);
  });
});

describe('sandbox HTTP adapter: statuses', () => {
  async function setup() {
    const s = await memorySandbox();
    platform = s.platform;
    const adapter = adapterFor(createSandboxApp(platform));
    const target = platform.createPost({ author: 'alice', text: 'hey @replywright_bot what is up?' }).post;
    return { ...s, adapter, target };
  }

  it('reads and posts through the API', async () => {
    const { adapter, target } = await setup();
    expect((await adapter.mentions(null)).posts.map((p) => p.id)).toEqual([target.id]);
    expect(await adapter.getPost('424242')).toBeNull();
    const { postId } = await adapter.createReply({
      targetId: target.id,
      text: 'Not much!',
      idempotencyKey: 'p1',
      attempt: 1,
    });
    expect((await adapter.getPost(postId))?.inReplyToId).toBe(target.id);
    expect((await adapter.ownTimeline(0)).map((p) => p.id)).toEqual([postId]);
  });

  it('maps 4xx to PlatformRejected', async () => {
    const { adapter } = await setup();
    const error = await adapter
      .createReply({ targetId: '1', text: 'hi', idempotencyKey: 'k', attempt: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformRejected);
    expect(error).toMatchObject({ status: 404 });
    expect(String((error as Error).message)).toContain('post 1 not found');
  });

  it('maps 5xx to PlatformUnavailable for reads and OutcomeUnknown for a create', async () => {
    const { adapter, target } = await setup();
    platform!.faults.update({ errorRate: 1 });
    await expect(adapter.search('x', null)).rejects.toBeInstanceOf(PlatformUnavailable);
    await expect(
      adapter.createReply({ targetId: target.id, text: 'hi', idempotencyKey: 'k', attempt: 1 }),
    ).rejects.toBeInstanceOf(OutcomeUnknown);
  });

  it('maps 429 to RateLimited at x-ratelimit-reset and remembers it', async () => {
    const { adapter, clock } = await setup();
    platform!.faults.update({ rateLimit: { rate429: 1, resetAfterMs: 7000 } });
    const error = await adapter.mentions(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).resetAt).toBe(clock.now() + 7000);
    expect(adapter.limits().rateLimitedUntil).toBe(clock.now() + 7000);
  });
});

describe('HTTP failure classification', () => {
  const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
  const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } });
  const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
  it.each([
    ['refused, read', refused, 'read', PlatformUnavailable],
    ['refused, create', refused, 'create', PlatformUnavailable],
    ['socket closed, read', reset, 'read', PlatformUnavailable],
    ['socket closed, create', reset, 'create', OutcomeUnknown],
    ['timeout, read', timeout, 'read', PlatformUnavailable],
    ['timeout, create', timeout, 'create', OutcomeUnknown],
  ] as const)('%s', (_, error, kind, expected) => {
    expect(fetchFailure(error, kind, 'call')).toBeInstanceOf(expected);
  });

  it.each([
    [{ 'x-ratelimit-reset': '1700000005000' }, 1_700_000_005_000],
    [{ 'x-ratelimit-reset': '1700000005' }, 1_700_000_005_000],
    [{ 'retry-after': '3' }, 1_000 + 3_000],
    [{}, 1_000 + 60_000],
  ])('reads the reset from %j', (headers, expected) => {
    expect(rateLimitReset(new Headers(headers), 1_000)).toBe(expected);
  });
});
