import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { SandboxError } from '../../src/sandbox/types.ts';
import { memorySandbox } from '../support/sandbox.ts';

let platform: SandboxPlatform;
afterEach(() => platform?.close());

describe('SandboxFaults', () => {
  it('starts with no faults and admits every request', async () => {
    ({ platform } = await memorySandbox());
    expect(platform.faults.config).toEqual({
      errorRate: 0,
      latencyMs: 0,
      rateLimit: null,
      dropResponseRate: 0,
    });
    for (let i = 0; i < 20; i++) expect(platform.faults.admit()).toEqual({ kind: 'ok' });
    expect(platform.faults.dropResponse()).toBe(false);
  });

  it('fails requests at the configured error rate, reproducibly', async () => {
    const decisions = async () => {
      const s = await memorySandbox(9);
      s.platform.faults.update({ errorRate: 0.3 });
      const kinds = Array.from({ length: 200 }, () => s.platform.faults.admit().kind);
      s.platform.close();
      return kinds;
    };
    const a = await decisions();
    expect(a).toEqual(await decisions());
    const errors = a.filter((k) => k === 'error').length;
    expect(errors).toBeGreaterThan(30);
    expect(errors).toBeLessThan(90);
  });

  it('keeps a triggered rate limit for resetAfterMs of the clock', async () => {
    const s = await memorySandbox();
    platform = s.platform;
    platform.faults.update({ rateLimit: { rate429: 1, resetAfterMs: 5000 } });
    const first = platform.faults.admit();
    expect(first).toEqual({ kind: 'rate_limited', resetAt: s.clock.now() + 5000 });
    platform.faults.update({ rateLimit: { rate429: 0, resetAfterMs: 5000 } });
    await s.clock.advance(4999);
    expect(platform.faults.admit()).toEqual(first);
    await s.clock.advance(1);
    expect(platform.faults.admit()).toEqual({ kind: 'ok' });
    expect(platform.faults.rateLimitedUntil).toBeNull();
  });

  it('refuses an invalid config and keeps the old one', async () => {
    ({ platform } = await memorySandbox());
    platform.faults.update({ latencyMs: 20 });
    expect(() => platform.faults.update({ errorRate: 2 })).toThrow(SandboxError);
    expect(platform.faults.config.latencyMs).toBe(20);
    expect(platform.faults.config.errorRate).toBe(0);
  });

  it('posts a ghost on the bot account: root or reply', async () => {
    ({ platform } = await memorySandbox());
    const target = platform.createPost({ author: 'alice', text: 'something to reply to' }).post;
    const root = platform.faults.ghost('root');
    const reply = platform.faults.ghost('reply');
    expect(root).toMatchObject({ author: 'replywright_bot', inReplyToId: null, origin: 'ghost' });
    expect(reply).toMatchObject({ author: 'replywright_bot', inReplyToId: target.id, origin: 'ghost' });
    expect(platform.faults.ghost().author).toBe('replywright_bot');
  });

  it('mutates targets: delete, and make_reply on a root post', async () => {
    ({ platform } = await memorySandbox());
    const a = platform.createPost({ author: 'alice', text: 'first root' }).post;
    const b = platform.createPost({ author: 'bob_builds', text: 'second root' }).post;
    const moved = platform.faults.mutateTarget(b.id, 'make_reply');
    expect(moved).toMatchObject({ id: b.id, inReplyToId: a.id, rootId: a.id });
    expect(platform.faults.mutateTarget(a.id, 'delete').deleted).toBe(true);
    expect(platform.getPost(a.id)).toBeNull();
    expect(() => platform.faults.mutateTarget(a.id, 'delete')).toThrow(/not found/);
  });
});
