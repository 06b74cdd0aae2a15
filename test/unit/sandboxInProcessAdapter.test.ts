import { afterEach, describe, expect, it } from 'vitest';
import {
  OutcomeUnknown,
  PlatformRejected,
  PlatformUnavailable,
  RateLimited,
} from '../../src/platforms/contract.ts';
import { createSandboxInProcessAdapter } from '../../src/platforms/sandbox/inProcessAdapter.ts';
import type { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { memorySandbox } from '../support/sandbox.ts';

let platform: SandboxPlatform;
afterEach(() => platform?.close());

async function setup() {
  const s = await memorySandbox();
  platform = s.platform;
  const adapter = createSandboxInProcessAdapter({ platform });
  const target = platform.createPost({
    author: 'alice',
    text: 'hey @replywright_bot, how does this work?',
  }).post;
  return { ...s, adapter, target };
}

describe('sandbox in-process adapter', () => {
  it('reads mentions, search, posts and the own timeline as validated PlatformPosts', async () => {
    const { adapter, target } = await setup();
    const mentions = await adapter.mentions(null);
    expect(mentions.invalid).toEqual([]);
    expect(mentions.nextCursor).toBe(target.id);
    expect(mentions.posts[0]).toMatchObject({
      id: target.id,
      author: 'alice',
      inReplyToId: null,
      rootId: target.id,
      mentions: ['replywright_bot'],
      authorIsParody: false,
    });
    expect((await adapter.search('HOW DOES', null)).posts).toHaveLength(1);
    expect((await adapter.authorPosts('alice', target.id)).posts).toEqual([]);
    expect(await adapter.getPost('999')).toBeNull();
    const { postId } = await adapter.createReply({
      targetId: target.id,
      text: 'Like this.',
      idempotencyKey: 'p1',
      attempt: 1,
    });
    expect((await adapter.ownTimeline(0)).map((p) => p.id)).toEqual([postId]);
    expect(adapter.limits()).toEqual({ maxTextLength: 500, rateLimitedUntil: null });
    expect(adapter.capabilities()).toEqual({
      idempotency: { kind: 'permanent' },
      visibilityLagMs: 0,
      responseTimeoutMs: 10_000,
    });
  });

  it('lists its own replies to a target since the given time, whoever made them', async () => {
    const { adapter, target, clock } = await setup();
    const since = clock.now();
    const { postId } = await adapter.createReply({
      targetId: target.id,
      text: 'Like this.',
      idempotencyKey: 'p1',
      attempt: 1,
    });
    platform.createPost({ author: 'alice', text: 'me too', inReplyToId: target.id });
    expect((await adapter.ownRepliesTo(target.id, since)).map((p) => p.id)).toEqual([postId]);
    expect(await adapter.ownRepliesTo(target.id, since + 1)).toEqual([]);
    expect(await adapter.ownRepliesTo('1', since)).toEqual([]);
  });

  it('declares what the sandbox plays: keys and visibility lag follow its behaviour', async () => {
    const { adapter, target, clock } = await setup();
    platform.behaviour.update({ idempotency: 'window:60', visibilityLagMs: 1500 });
    expect(adapter.capabilities()).toMatchObject({
      idempotency: { kind: 'window', seconds: 60 },
      visibilityLagMs: 1500,
    });
    const request = { targetId: target.id, text: 'Once.', idempotencyKey: 'k', attempt: 1 };
    const first = await adapter.createReply(request);
    expect(await adapter.ownRepliesTo(target.id, 0)).toEqual([]);
    await clock.advance(1500);
    expect((await adapter.ownRepliesTo(target.id, 0)).map((p) => p.id)).toEqual([first.postId]);
    expect(await adapter.createReply(request)).toEqual(first);
    await clock.advance(60_000);
    expect((await adapter.createReply(request)).postId).not.toBe(first.postId);
    platform.behaviour.update({ idempotency: 'none' });
    await adapter.createReply({ ...request, text: 'Twice.' });
    await adapter.createReply({ ...request, text: 'Twice.' });
    expect(platform.groundTruth({ author: 'replywright_bot' })).toHaveLength(4);
  });

  it('maps platform refusals to PlatformRejected', async () => {
    const { adapter, target } = await setup();
    const reply = (targetId: string, text: string) =>
      adapter.createReply({ targetId, text, idempotencyKey: text, attempt: 1 });
    await expect(reply('999', 'hello')).rejects.toMatchObject({ name: 'PlatformRejected', status: 404 });
    await expect(reply(target.id, ' ')).rejects.toBeInstanceOf(PlatformRejected);
    await expect(adapter.search('x', 'not-a-cursor')).rejects.toMatchObject({ status: 400 });
  });

  it('an injected error fails reads and creates before anything happens', async () => {
    const { adapter, target } = await setup();
    platform.faults.update({ errorRate: 1 });
    await expect(adapter.mentions(null)).rejects.toBeInstanceOf(PlatformUnavailable);
    await expect(
      adapter.createReply({ targetId: target.id, text: 'hi', idempotencyKey: 'k', attempt: 1 }),
    ).rejects.toBeInstanceOf(PlatformUnavailable);
    expect(platform.groundTruth({ author: 'replywright_bot' })).toEqual([]);
  });

  it('a rate limit throws RateLimited with its reset and shows in limits()', async () => {
    const { adapter, clock } = await setup();
    platform.faults.update({ rateLimit: { rate429: 1, resetAfterMs: 5000 } });
    const error = await adapter.mentions(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).resetAt).toBe(clock.now() + 5000);
    expect(adapter.limits().rateLimitedUntil).toBe(clock.now() + 5000);
    platform.faults.update({ rateLimit: null });
    await adapter.mentions(null);
    expect(adapter.limits().rateLimitedUntil).toBeNull();
  });

  it('a dropped response stores the post, throws OutcomeUnknown, and a retry with the same key does not duplicate', async () => {
    const { adapter, target, clock } = await setup();
    const since = clock.now();
    platform.faults.update({ dropResponseRate: 1 });
    const request = { targetId: target.id, text: 'Here is how.', idempotencyKey: 'permit-7', attempt: 1 };
    await expect(adapter.createReply(request)).rejects.toBeInstanceOf(OutcomeUnknown);
    const [found] = await adapter.ownRepliesTo(target.id, since);
    expect(found?.inReplyToId).toBe(target.id);
    platform.faults.update({ dropResponseRate: 0 });
    expect(await adapter.createReply(request)).toEqual({ postId: found!.id });
    expect(platform.groundTruth({ author: 'replywright_bot' })).toHaveLength(1);
  });

  it('sleeps latency on the injected clock, never on a real timer', async () => {
    const { adapter, clock } = await setup();
    platform.faults.update({ latencyMs: 3000 });
    let done = false;
    const call = adapter.mentions(null).then(() => {
      done = true;
    });
    await clock.advance(2999);
    expect(done).toBe(false);
    await clock.advance(1);
    await call;
    expect(done).toBe(true);
  });
});
