import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DISCLOSURES, createTemplateGenerator, templateReply } from '../../src/generators/template.ts';
import { truncateOnWord } from '../../src/generators/truncate.ts';
import { GenerationFailed, type GenerationRequest } from '../../src/generators/types.ts';
import { topicPhrase, trimPhrase } from '../../src/generators/topicPhrase.ts';
import { gateContent, similarity } from '../../src/policy/contentGate.ts';

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
    'reply %d addresses the author, echoes the post and is labelled',
    (i, reply) => {
      expect(reply.startsWith('@alice ')).toBe(true);
      expect(reply.endsWith(DISCLOSURES[0]!)).toBe(true);
      const words = topicPhrase(POSTS[i]!);
      expect(words.length).toBeGreaterThan(0);
      expect(reply).toContain(`"${words.join(' ')}"`);
      expect(
        gateContent(reply, {
          maxLength: 280,
          bannedTerms: [],
          recentReplies: [],
          account: 'replywright_bot',
          targetAuthor: 'alice',
        }),
      ).toEqual({ ok: true });
    },
  );

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
