import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  OutcomeUnknown,
  PlatformRejected,
  PlatformUnavailable,
  RateLimited,
} from '../../src/platforms/contract.ts';
import { XAuth } from '../../src/platforms/x/auth.ts';
import { XRejected } from '../../src/platforms/x/errors.ts';
import { type Clock, SimulatedClock, systemClock } from '../../src/runtime/clock.ts';
import { defaultAccountToken } from '../../src/sandbox/auth.ts';
import { defaultRefreshToken } from '../../src/sandbox/x/oauth.ts';
import { X_ENDPOINT_LIMITS } from '../../src/sandbox/x/rateLimits.ts';
import { xUserId } from '../../src/sandbox/x/userIds.ts';
import { freePort } from '../support/startProcess.ts';
import { serveXSandbox, X_ACCOUNT, type XSandbox } from '../support/xSandbox.ts';

/**
 * The X adapter on the real twitter-api-v2 client (1.29.1) against the sandbox's X v2 dialect,
 * over real HTTP: every call the adapter makes, what it maps, and how it classifies failures.
 */
let sandbox: XSandbox;
let clock: SimulatedClock;

beforeEach(async () => {
  clock = new SimulatedClock();
  sandbox = await serveXSandbox({ clock });
});
afterEach(async () => {
  await sandbox.stop();
});

const ops = (s: XSandbox) => s.calls.map((c) => c.operation);

describe('X adapter: reads', () => {
  it('checks that the token belongs to the configured account (GET /2/users/me)', async () => {
    const wrong = sandbox.adapter({ account: 'someone_else' });
    await expect(wrong.viewer()).rejects.toBeInstanceOf(XRejected);
    const me = await sandbox.adapter().viewer();
    expect(me).toEqual({ id: xUserId(X_ACCOUNT), username: X_ACCOUNT });
  });

  it('reads mentions newest-first into a durable since_id cursor, oldest first, across pages', async () => {
    const adapter = sandbox.adapter();
    const ids: string[] = [];
    for (let i = 0; i < 230; i++) {
      ids.push(sandbox.post(`user${i % 7}`, `question number ${i} about replies`));
      await clock.advance(1_000);
    }
    sandbox.post('kw_only', 'a keyword-only post about replywright', { mention: false });
    const first = await adapter.mentions(null);
    expect(first.invalid).toEqual([]);
    expect(first.posts.map((p) => p.id)).toEqual(ids);
    expect(first.nextCursor).toBe(ids.at(-1));
    expect(sandbox.calls.filter((c) => c.operation === 'mentions')).toHaveLength(3);

    const later = sandbox.post('late', 'one more question');
    const next = await adapter.mentions(first.nextCursor);
    expect(next.posts.map((p) => p.id)).toEqual([later]);
    expect(next.nextCursor).toBe(later);
    const none = await adapter.mentions(next.nextCursor);
    expect(none).toEqual({ posts: [], invalid: [], nextCursor: later });
  });

  it('without a cursor, looks back only as far as it was told', async () => {
    sandbox.post('old', 'an old question');
    await clock.advance(4 * 3_600_000);
    const recent = sandbox.post('new', 'a recent question');
    const page = await sandbox.adapter({ firstLookbackMs: 3_600_000 }).mentions(null);
    expect(page.posts.map((p) => p.id)).toEqual([recent]);
  });

  it('maps a tweet: author, mentions, metrics, and the root check from conversation_id and replied_to', async () => {
    const adapter = sandbox.adapter();
    const root = sandbox.post('alice', 'how do I keep replies exactly-once?');
    const reply = sandbox.post('bob', 'same question here', { inReplyToId: root });
    const rootPost = await adapter.getPost(root);
    expect(rootPost).toMatchObject({
      id: root,
      author: 'alice',
      inReplyToId: null,
      rootId: root,
      mentions: [X_ACCOUNT],
      deleted: false,
    });
    const replyPost = await adapter.getPost(reply);
    expect(replyPost).toMatchObject({ id: reply, inReplyToId: root, rootId: root, inReplyToAuthor: 'alice' });
  });

  it('answers null for a missing or deleted post (X: 200 with a not-found error)', async () => {
    const adapter = sandbox.adapter();
    const id = sandbox.post('alice', 'soon gone');
    sandbox.platform.deletePost(id);
    expect(await adapter.getPost(id)).toBeNull();
    expect(await adapter.getPost('999999999')).toBeNull();
  });

  it('serves a root seen by getPost again from memory within its TTL, and asks again after', async () => {
    const adapter = sandbox.adapter({ rootTtlMs: 60_000 });
    const root = sandbox.post('alice', 'a root worth answering');
    await adapter.getPost(root);
    await adapter.getPost(root);
    expect(ops(sandbox).filter((o) => o === 'get_post')).toHaveLength(1);
    await clock.advance(61_000);
    await adapter.getPost(root);
    expect(ops(sandbox).filter((o) => o === 'get_post')).toHaveLength(2);
    // A reply is never cached: its facts are re-read every time.
    const reply = sandbox.post('bob', 'a reply', { inReplyToId: root });
    await adapter.getPost(reply);
    await adapter.getPost(reply);
    expect(ops(sandbox).filter((o) => o === 'get_post')).toHaveLength(4);
  });

  it('searches recent posts and reads an author’s posts', async () => {
    const adapter = sandbox.adapter();
    const kw = sandbox.post('carol', 'replywright looks neat', { mention: false });
    sandbox.post('carol', 'unrelated chatter', { mention: false });
    const found = await adapter.search('replywright', null);
    expect(found.posts.map((p) => p.id)).toEqual([kw]);
    expect(found.nextCursor).toBe(kw);
    const byCarol = await adapter.authorPosts('carol', null);
    expect(byCarol.posts).toHaveLength(2);
    expect(await adapter.authorPosts('nobody_here', null)).toEqual({
      posts: [],
      invalid: [],
      nextCursor: null,
    });
  });
});

describe('X adapter: replies and the own-reply lookup', () => {
  it('posts a reply (201), with no idempotency key, and finds it with ownRepliesTo', async () => {
    const adapter = sandbox.adapter();
    const target = sandbox.post('alice', 'please help with exactly-once');
    const since = clock.now();
    const { postId } = await adapter.createReply({
      targetId: target,
      text: '@alice here is how',
      idempotencyKey: 'pm_1',
      attempt: 1,
    });
    const truth = sandbox.platform.groundTruth({ author: X_ACCOUNT });
    expect(truth.map((p) => [p.id, p.inReplyToId, p.idempotencyKey])).toEqual([[postId, target, null]]);
    const replies = await adapter.ownRepliesTo(target, since);
    expect(replies.map((p) => p.id)).toEqual([postId]);
    expect(await adapter.ownRepliesTo(target, clock.now() + 1_000)).toEqual([]);
    expect(sandbox.calls.find((c) => c.operation === 'create_reply')).toMatchObject({
      outcome: 'ok',
      unit: 'post',
    });
  });

  it('prices a reply to a post that summoned the account as a summoned reply, and one with a link as a URL post', async () => {
    const adapter = sandbox.adapter();
    const target = sandbox.post('alice', 'what do you think, bot?');
    await adapter.getPost(target);
    await adapter.createReply({ targetId: target, text: '@alice thanks!', idempotencyKey: 'a', attempt: 1 });
    const other = sandbox.post('bob', 'and what about me?');
    await adapter.getPost(other);
    await adapter.createReply({
      targetId: other,
      text: '@bob see https://example.com',
      idempotencyKey: 'b',
      attempt: 1,
    });
    expect(sandbox.calls.filter((c) => c.operation === 'create_reply').map((c) => c.unit)).toEqual([
      'reply',
      'urlPost',
    ]);
  });

  it('treats the duplicate-content 403 as an unknown outcome, never as a refusal', async () => {
    const adapter = sandbox.adapter();
    const a = sandbox.post('alice', 'first question');
    const b = sandbox.post('bob', 'second question');
    await adapter.createReply({
      targetId: a,
      text: 'Thanks for asking!',
      idempotencyKey: 'pm_a',
      attempt: 1,
    });
    const again = adapter.createReply({
      targetId: b,
      text: 'Thanks for asking!',
      idempotencyKey: 'pm_b',
      attempt: 1,
    });
    await expect(again).rejects.toBeInstanceOf(OutcomeUnknown);
    await expect(again).rejects.toThrow(/duplicate content/);
    expect(sandbox.calls.at(-1)).toMatchObject({ operation: 'create_reply', outcome: 'unknown' });
    expect(sandbox.platform.groundTruth({ author: X_ACCOUNT })).toHaveLength(1);
  });

  it('is refused (403, x_not_summoned) when the target did not summon the account', async () => {
    const adapter = sandbox.adapter();
    const kw = sandbox.post('carol', 'replywright is a nice name', { mention: false });
    const attempt = adapter.createReply({
      targetId: kw,
      text: '@carol thanks!',
      idempotencyKey: 'k',
      attempt: 1,
    });
    await expect(attempt).rejects.toBeInstanceOf(XRejected);
    await expect(attempt).rejects.toMatchObject({ status: 403, context: { reasonCode: 'x_not_summoned' } });
    expect(sandbox.platform.groundTruth({ author: X_ACCOUNT })).toEqual([]);
  });

  it('is refused (403, target_deleted) when the target is gone', async () => {
    const adapter = sandbox.adapter();
    const id = sandbox.post('alice', 'deleted before the reply');
    sandbox.platform.deletePost(id);
    await expect(
      adapter.createReply({ targetId: id, text: '@alice hi', idempotencyKey: 'k', attempt: 1 }),
    ).rejects.toMatchObject({ context: { reasonCode: 'target_deleted' } });
  });

  it('a response lost after the post was made is an unknown outcome, and the lookup finds the post', async () => {
    const adapter = sandbox.adapter();
    const target = sandbox.post('alice', 'lossy network question');
    sandbox.platform.faults.update({ dropResponseRate: 1 });
    const since = clock.now();
    await expect(
      adapter.createReply({ targetId: target, text: '@alice answer', idempotencyKey: 'k', attempt: 1 }),
    ).rejects.toBeInstanceOf(OutcomeUnknown);
    sandbox.platform.faults.reset();
    const found = await adapter.ownRepliesTo(target, since);
    expect(found.map((p) => p.text)).toEqual(['@alice answer']);
  });

  it('a reply made but not yet visible (indexing lag) is absent from the lookup until the lag passes', async () => {
    const adapter = sandbox.adapter();
    sandbox.platform.behaviour.update({ visibilityLagMs: 10_000 });
    const target = sandbox.post('alice', 'lagging question');
    const since = clock.now();
    await adapter.createReply({ targetId: target, text: '@alice lagged', idempotencyKey: 'k', attempt: 1 });
    expect(await adapter.ownRepliesTo(target, since)).toEqual([]);
    await clock.advance(10_000);
    expect(await adapter.ownRepliesTo(target, since)).toHaveLength(1);
  });

  // 105 replies and their pages over a loopback socket: up to 3 s on a loaded machine.
  it('lists its own timeline newest first, over every page', { timeout: 15_000 }, async () => {
    const adapter = sandbox.adapter();
    const since = clock.now();
    const made: string[] = [];
    // 105 replies, one every 10 s: X allows 100 per 15 minutes.
    for (let i = 0; i < 105; i++) {
      const target = sandbox.post(`u${i}`, `question ${i}`);
      made.push(
        (
          await adapter.createReply({
            targetId: target,
            text: `@u${i} answer ${i}`,
            idempotencyKey: `k${i}`,
            attempt: 1,
          })
        ).postId,
      );
      await clock.advance(10_000);
    }
    const timeline = await adapter.ownTimeline(since);
    expect(timeline.map((p) => p.id)).toEqual([...made].reverse());
  });
});

describe('X adapter: failures', () => {
  it('a 429 is RateLimited until x-rate-limit-reset (Unix seconds), and success carries the headers', async () => {
    await sandbox.stop();
    clock = new SimulatedClock();
    sandbox = await serveXSandbox({
      clock,
      x: {
        limits: {
          ...X_ENDPOINT_LIMITS,
          'POST /2/tweets': [{ name: '15min', limit: 2, windowMs: 900_000, scope: 'user' }],
        },
      },
    });
    const adapter = sandbox.adapter();
    const start = clock.now();
    for (let i = 0; i < 2; i++) {
      const t = sandbox.post(`a${i}`, `q${i}`);
      await adapter.createReply({ targetId: t, text: `@a${i} ok ${i}`, idempotencyKey: `k${i}`, attempt: 1 });
    }
    const t = sandbox.post('a9', 'q9');
    const limited = adapter.createReply({ targetId: t, text: '@a9 ok', idempotencyKey: 'k9', attempt: 1 });
    await expect(limited).rejects.toBeInstanceOf(RateLimited);
    await expect(limited).rejects.toMatchObject({ resetAt: Math.ceil((start + 900_000) / 1000) * 1000 });
    expect(adapter.limits().rateLimitedUntil).toBe(Math.ceil((start + 900_000) / 1000) * 1000);
    expect(sandbox.platform.groundTruth({ author: X_ACCOUNT })).toHaveLength(2);
    const raw = await fetch(`${sandbox.url}/2/users/me`, {
      headers: { authorization: `Bearer ${defaultAccountToken(X_ACCOUNT)}` },
    });
    expect(raw.headers.get('x-rate-limit-limit')).toBe('75');
    expect(raw.headers.get('x-rate-limit-remaining')).toBe('74');
    expect(Number(raw.headers.get('x-rate-limit-reset'))).toBe(Math.ceil((clock.now() + 900_000) / 1000));
  });

  it('a 5xx is an unknown outcome for a create and an unavailable platform for a read', async () => {
    const adapter = sandbox.adapter();
    const target = sandbox.post('alice', 'q');
    await adapter.viewer();
    sandbox.platform.faults.update({ errorRate: 1 });
    await expect(adapter.getPost(target)).rejects.toBeInstanceOf(PlatformUnavailable);
    await expect(
      adapter.createReply({ targetId: target, text: '@alice hi', idempotencyKey: 'k', attempt: 1 }),
    ).rejects.toBeInstanceOf(OutcomeUnknown);
  });

  it('a connection never made proves nothing was posted: PlatformUnavailable, even for a create', async () => {
    const port = await freePort();
    const adapter = sandbox.adapter({ baseUrl: `http://127.0.0.1:${port}` });
    const attempt = adapter.createReply({ targetId: '1000001', text: 'hi', idempotencyKey: 'k', attempt: 1 });
    await expect(attempt).rejects.toBeInstanceOf(PlatformUnavailable);
    await expect(attempt).rejects.not.toBeInstanceOf(OutcomeUnknown);
  });

  it('a create slower than the adapter’s deadline is an unknown outcome', async () => {
    await sandbox.stop();
    sandbox = await serveXSandbox({ clock: systemClock as Clock });
    const adapter = sandbox.adapter({ timeoutMs: 300, now: Date.now });
    const target = sandbox.post('alice', 'slow question');
    await adapter.viewer();
    sandbox.platform.faults.update({ latencyMs: 1_500 });
    await expect(
      adapter.createReply({ targetId: target, text: '@alice slow', idempotencyKey: 'k', attempt: 1 }),
    ).rejects.toThrow(OutcomeUnknown);
    expect(adapter.capabilities()).toEqual({
      idempotency: { kind: 'none' },
      visibilityLagMs: 0,
      responseTimeoutMs: 300,
    });
  });

  it('a bad token is refused (401) and nothing is posted', async () => {
    const adapter = sandbox.adapter({ auth: new XAuth({ accessToken: 'not-the-token' }) });
    await expect(adapter.viewer()).rejects.toMatchObject({ status: 401 });
    await expect(adapter.viewer()).rejects.toBeInstanceOf(PlatformRejected);
  });
});

describe('X adapter: OAuth 2.0 refresh', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'x-token-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refreshes an expired token once, persists the rotated refresh token (mode 600), and restarts from the file', async () => {
    const tokenFile = join(dir, 'x-token.json');
    const env = {
      accessToken: 'expired-access-token',
      refreshToken: defaultRefreshToken(X_ACCOUNT),
      clientId: 'client-123',
      tokenFile,
      now: () => clock.now(),
    };
    const first = sandbox.adapter({ auth: new XAuth(env) });
    const target = sandbox.post('alice', 'refresh me');
    await first.createReply({ targetId: target, text: '@alice refreshed', idempotencyKey: 'k', attempt: 1 });
    expect(ops(sandbox)).toContain('token_refresh');
    const saved = JSON.parse(readFileSync(tokenFile, 'utf8')) as {
      accessToken: string;
      refreshToken: string;
    };
    expect(saved.accessToken).toMatch(/^xat_/);
    expect(saved.refreshToken).toMatch(/^xrt_/);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(tokenFile, 'utf8')).not.toContain(env.refreshToken);

    // The environment's refresh token is spent; a restart works only through the file.
    const restarted = sandbox.adapter({ auth: new XAuth(env) });
    await expect(restarted.viewer()).resolves.toMatchObject({ username: X_ACCOUNT });
    const withoutFile = sandbox.adapter({ auth: new XAuth({ ...env, tokenFile: undefined }) });
    await expect(withoutFile.viewer()).rejects.toMatchObject({ status: 401 });
  });

  it('refreshes before the token expires', async () => {
    const tokenFile = join(dir, 'x-token.json');
    const env = {
      accessToken: 'expired',
      refreshToken: defaultRefreshToken(X_ACCOUNT),
      clientId: 'c',
      tokenFile,
      now: () => clock.now(),
    };
    const adapter = sandbox.adapter({ auth: new XAuth(env) });
    await adapter.viewer();
    const refreshes = () => ops(sandbox).filter((o) => o === 'token_refresh').length;
    expect(refreshes()).toBe(1);
    await clock.advance(7_200_000 - 30_000);
    await adapter.getPost(sandbox.post('alice', 'later'));
    expect(refreshes()).toBe(2);
  });
});
