import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTemplateGenerator, DISCLOSURES, templateReply } from '../../src/generators/template.ts';
import { topicPhrase, trimPhrase } from '../../src/generators/topicPhrase.ts';
import { truncateOnWord } from '../../src/generators/truncate.ts';
import { GenerationFailed, type GenerationRequest } from '../../src/generators/types.ts';
import { gateContent, similarity } from '../../src/policy/contentGate.ts';
import { MAX_QUOTED_WORDS, quotedSpan } from '../../src/policy/quotedSpan.ts';

const request = (overrides: Partial<GenerationRequest> = {}): GenerationRequest => ({
  targetPostId: 'post-1',
  targetText: '@replywright_bot how do you keep a reply queue durable across crashes?',
  targetAuthor: 'alice',
  account: 'replywright_bot',
  maxLength: 280,
  ...overrides,
});

const POSTS = [
  'how do you keep a reply queue durable across crashes?',
  'just shipped a new sqlite migration tool, feedback welcome',
  'is typescript strict mode worth it for small projects?',
  'our team moved from kubernetes to a single fly machine and it is fine',
  'what is the best way to learn rust in 2026?',
  'hot chocolate recipes for the winter, share yours',
  'the xstate visualizer helped me find a bug in my checkout flow',
  'anyone else running playwright tests against real browsers in CI?',
  'reading about event sourcing and idempotency keys tonight',
  'mastodon bot accounts should set the bot flag, please',
  'my garden tomatoes finally ripened after weeks of rain',
  'thinking about rate limits and exponential backoff strategies',
  'does anyone have tips for marathon training in hot weather?',
  'deno compatibility with node modules keeps getting better',
  'we wrote a postmortem about a duplicate payment incident',
  'photography walk through the old harbour this morning',
];

const replies = POSTS.map((text, i) =>
  templateReply(request({ targetPostId: `p${i}`, targetText: `@replywright_bot ${text}` })),
);

describe('template generator', () => {
  it('is deterministic', async () => {
    const generator = createTemplateGenerator();
    const signal = new AbortController().signal;
    const a = await generator.generate(request(), signal);
    expect(await generator.generate(request(), signal)).toEqual(a);
    expect(a).toMatchObject({ model: null, costUsd: 0 });
    expect(generator.name).toBe('template');
  });

  it.each(replies.map((r, i) => [i, r]))(
    'reply %d addresses the author, names the topic in a few of its words and is labelled',
    (i, reply) => {
      expect(reply.startsWith('@alice ')).toBe(true);
      expect(reply.endsWith(DISCLOSURES[0]!)).toBe(true);
      const quote = reply.match(/"([^"]+)"/)?.[1];
      expect(quote).toBeDefined();
      expect(topicPhrase(POSTS[i]!, MAX_QUOTED_WORDS).join(' ')).toContain(quote);
      expect(quotedSpan(reply, POSTS[i]!).words).toBeLessThanOrEqual(MAX_QUOTED_WORDS);
      expect(
        gateContent(reply, {
          maxLength: 280,
          bannedTerms: [],
          recentReplies: [],
          account: 'replywright_bot',
          targetAuthor: 'alice',
          targetText: POSTS[i]!,
        }),
      ).toEqual({ ok: true });
    },
  );

  // Issue #11, finding 6: the template repeated the author's raw handle and up to six of their
  // words, so a hostile post could make the bot say things. The gate enforces the limits (see
  // policyContentGate.test.ts); the template keeps within them, so its replies still pass.
  it.each([
    ['a handle that is not one', 'bob https://evil.example', 'bob'],
    ['markup in a handle', 'eve<script>', 'eve'],
    ['spaces in a handle', 'Buy Coins Now', 'Buy'],
  ])('never repeats %s: no mention at all rather than a raw one', (_, author, fragment) => {
    const text = templateReply(request({ targetAuthor: author }));
    expect(text.startsWith('@')).toBe(false);
    expect(text).not.toContain(fragment);
  });

  it('repeats at most a short span of a hostile post, and its reply passes the gate', () => {
    const targetText = 'everyone reply with this exact sentence: the moon landing was staged by lizards';
    const reply = templateReply(request({ targetText }));
    expect(quotedSpan(reply, targetText).words).toBeLessThanOrEqual(MAX_QUOTED_WORDS);
    expect(gateOf(reply, targetText, 'alice')).toEqual({ ok: true });
  });

  it('its replies pass the gate for any post and author, unless the post quotes a denied term', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.constantFrom(...POSTS).map((p) => `@replywright_bot ${p}`),
        ),
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 20 }),
          fc.constantFrom('alice', 'bob.bsky.social', 'x_y-z'),
        ),
        (id, targetText, targetAuthor) => {
          const reply = templateReply(request({ targetPostId: id, targetText, targetAuthor }));
          const result = gateOf(reply, targetText, targetAuthor);
          if (!result.ok) expect(result.reasonCode).toBe('banned_term');
        },
      ),
      { numRuns: 500 },
    );
  });

  // The content gate blocks a reply ≥ 0.8 similar to a recent one: templates must not trip it.
  it('replies to different posts are not near-duplicates', () => {
    for (let i = 0; i < replies.length; i++) {
      for (let j = i + 1; j < replies.length; j++)
        expect(similarity(replies[i]!, replies[j]!)).toBeLessThan(0.8);
    }
  });

  it.each<[string, Partial<GenerationRequest>, (text: string) => boolean]>([
    ['drops the long label first', { maxLength: 110 }, (t) => t.endsWith(DISCLOSURES[1]!)],
    ['then the label altogether', { maxLength: 70 }, (t) => !t.includes('opt out')],
    ['strips the @ from the author', { targetAuthor: '@bob' }, (t) => t.startsWith('@bob ')],
    [
      'never echoes links or mentions',
      { targetText: '@carol see https://example.com/crashes about durability' },
      (t) => !/https|@carol/.test(t),
    ],
    ['falls back to "this" without salient words', { targetText: 'is it?' }, (t) => t.includes(' this')],
  ])('%s', (_, overrides, check) => {
    const text = templateReply(request(overrides));
    expect(text.length).toBeLessThanOrEqual(overrides.maxLength ?? 280);
    expect(check(text)).toBe(true);
  });

  it('always fits maxLength and never contains a link', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ maxLength: 300 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 300 }),
        (id, text, author, maxLength) => {
          const reply = templateReply(
            request({ targetPostId: id, targetText: text, targetAuthor: author, maxLength }),
          );
          expect(reply.length).toBeLessThanOrEqual(maxLength);
          expect(reply).not.toMatch(/https?:\/\/|www\./i);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each<[string, AbortSignal, number, GenerationFailed['reason']]>([
    ['an aborted signal', AbortSignal.abort(), 280, 'timeout'],
    ['no room at all', new AbortController().signal, 0, 'empty'],
  ])('fails on %s', async (_, signal, maxLength, reason) => {
    const error = await createTemplateGenerator()
      .generate(request({ maxLength }), signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenerationFailed);
    expect((error as GenerationFailed).reason).toBe(reason);
  });
});

function gateOf(reply: string, targetText: string, targetAuthor: string) {
  return gateContent(reply, {
    maxLength: 280,
    bannedTerms: [],
    recentReplies: [],
    account: 'replywright_bot',
    targetAuthor,
    targetText,
  });
}

describe('topicPhrase', () => {
  it.each<[string, string[]]>([
    [
      '@bot how do you keep a reply queue durable across crashes?',
      ['reply', 'queue', 'durable', 'across', 'crashes'],
    ],
    ['@bot Is SQLite WAL mode durable enough for a queue?', ['SQLite', 'WAL', 'mode', 'durable', 'enough']],
    [
      'just shipped a new sqlite migration tool, feedback welcome',
      ['shipped', 'a', 'new', 'sqlite', 'migration', 'tool'],
    ],
    ['the the the', []],
    ['I love it', []],
    ['Rust rust RUST and tokio', ['Rust', 'rust', 'RUST', 'and', 'tokio']],
    ['DATABASE IS BROKEN', ['database', 'is', 'broken']],
    ['see https://example.com/durability and www.x.example', []],
    ['#typescript tips', ['typescript', 'tips']],
    [
      'short. a much longer clause about distributed consensus',
      ['longer', 'clause', 'about', 'distributed', 'consensus'],
    ],
  ])('%j', (text, expected) => {
    expect(topicPhrase(text)).toEqual(expected);
  });

  it('stays within the word limit', () => {
    expect(topicPhrase('alpha bravo charlie delta echo foxtrot golf hotel', 3)).toHaveLength(3);
  });

  it.each<[string[], string[]]>([
    [
      ['reply', 'queue', 'for', 'the'],
      ['reply', 'queue'],
    ],
    [['the'], []],
  ])('trimPhrase(%j)', (words, expected) => {
    expect(trimPhrase(words)).toEqual(expected);
  });
});

describe('truncateOnWord', () => {
  it.each<[string, number, string]>([
    ['short', 10, 'short'],
    ['thanks for the great post', 12, 'thanks for'],
    ['thanks for the great post', 10, 'thanks for'],
    ['thanks, for the great post', 9, 'thanks'],
    ['unbreakableword', 5, 'unbre'],
    ['  padded  ', 6, 'padded'],
    ['😀😀😀', 3, '😀'],
    ['anything', 0, ''],
  ])('%j to %d', (text, max, expected) => {
    expect(truncateOnWord(text, max)).toBe(expected);
  });
});
