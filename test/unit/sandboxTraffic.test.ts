import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { TrafficGenerator } from '../../src/sandbox/traffic.ts';
import { memorySandbox } from '../support/sandbox.ts';

const opened: SandboxPlatform[] = [];
afterEach(() => {
  for (const p of opened.splice(0)) p.close();
});

async function generated(seed: number, n: number) {
  const s = await memorySandbox(seed);
  opened.push(s.platform);
  const traffic = new TrafficGenerator(s.platform, { seed });
  for (let i = 0; i < n; i += 10) {
    // Bot replies now and then, so replies to it and "stop" opt-outs have something to answer.
    const target = s.platform.latest(5).find((p) => p.author !== 'replywright_bot' && p.inReplyToId === null);
    if (target)
      s.platform.createPost({
        author: 'replywright_bot',
        text: `@${target.author} thanks!`,
        inReplyToId: target.id,
      });
    traffic.generate(10);
  }
  return {
    ...s,
    posts: s.platform.groundTruth().map((p) => [p.id, p.author, p.text, p.inReplyToId, p.origin]),
  };
}

describe('TrafficGenerator', () => {
  it('makes the same posts from the same seed, and different ones from another', async () => {
    const a = await generated(42, 60);
    const b = await generated(42, 60);
    const c = await generated(43, 60);
    expect(a.posts).toEqual(b.posts);
    expect(a.posts).not.toEqual(c.posts);
  });

  it('mixes every kind of post', async () => {
    const { platform } = await generated(7, 300);
    const origins = new Set(platform.groundTruth().map((p) => p.origin));
    for (const kind of [
      'mention',
      'keyword',
      'reply_other',
      'reply_other_mention',
      'reply_to_account',
      'spam',
      'too_short',
      'parody',
      'stop',
    ]) {
      expect(origins, kind).toContain(`traffic:${kind}`);
    }
  });

  it('posts shaped by their kind', async () => {
    const { platform } = await generated(3, 300);
    const byKind = (kind: string) => platform.groundTruth().filter((p) => p.origin === `traffic:${kind}`);
    for (const p of byKind('mention')) {
      expect(p).toMatchObject({ inReplyToId: null, mentions: ['replywright_bot'] });
      expect(p.text.length).toBeGreaterThanOrEqual(40);
    }
    for (const p of byKind('keyword')) expect(p.text.toLowerCase()).toContain('replywright');
    for (const p of byKind('keyword')) expect(p.mentions).toEqual([]);
    for (const p of byKind('too_short')) expect(p.text.length).toBeLessThan(20);
    for (const p of byKind('parody')) expect(p.authorIsParody).toBe(true);
    for (const p of byKind('spam')) expect(p.text).toMatch(/BUY NOW/);
    for (const p of byKind('reply_to_account')) expect(p.inReplyToAuthor).toBe('replywright_bot');
    for (const p of byKind('stop')) {
      expect(p.inReplyToAuthor).toBe('replywright_bot');
      expect(p.text.toLowerCase()).toContain('stop');
    }
  });

  it('posts at the configured rate of the injected clock, and stops', async () => {
    const { platform, clock } = await memorySandbox(5);
    opened.push(platform);
    const traffic = new TrafficGenerator(platform, { seed: 5, perMin: 30 });
    traffic.start();
    await clock.advance(60_000);
    expect(platform.groundTruth()).toHaveLength(30);
    traffic.setRate(60);
    await clock.advance(60_000);
    expect(platform.groundTruth()).toHaveLength(90);
    traffic.stop();
    await clock.advance(60_000);
    expect(platform.groundTruth()).toHaveLength(90);
    expect(clock.pending).toBe(0);
  });

  it('continues its sequence after a restart instead of repeating posts', async () => {
    const { platform } = await memorySandbox(11);
    opened.push(platform);
    const first = new TrafficGenerator(platform, { seed: 11 }).generate(5).map((p) => p.text);
    const second = new TrafficGenerator(platform, { seed: 11 }).generate(5).map((p) => p.text);
    expect(second).not.toEqual(first);
  });
});
