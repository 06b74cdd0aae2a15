import { describe, expect, it } from 'vitest';
import {
  CONTENT_REJECT_REASONS,
  type ContentGateOptions,
  type ContentRejectReason,
  gateContent,
  similarity,
} from '../../src/policy/contentGate.ts';
import { hasThreadMarker } from '../../src/policy/threadMarker.ts';

const options: ContentGateOptions = {
  maxLength: 120,
  bannedTerms: ['darn', 'hot take'],
  recentReplies: ['@bob Thanks for sharing your thoughts on sqlite durability and crash recovery.'],
  account: 'replywright_bot',
  targetAuthor: 'alice',
  targetText: 'I think we should burn down the old build server tonight, honestly',
};

const rejections: [ContentRejectReason, string, Partial<ContentGateOptions>?][] = [
  ['empty', ''],
  ['empty', '   '],
  ['empty', '@alice'],
  ['empty', '@alice !!! 👍'],
  ['too_long', `@alice ${'word '.repeat(30)}`],
  ['too_long', '@alice hello', { maxLength: 5 }],
  ['contains_link', '@alice see https://example.com'],
  ['contains_link', '@alice see http://example.com'],
  ['contains_link', '@alice see www.example.com'],
  ['thread_marker', '1/ here is why durability matters'],
  ['thread_marker', '@alice (1/3) here is why'],
  ['thread_marker', '@alice here is why 2/5'],
  ['thread_marker', '@alice a few thoughts 🧵'],
  ['thread_marker', '@alice Thread: why queues stall'],
  ['banned_term', '@alice well DARN, that is annoying'],
  ['banned_term', '@alice here is my hot   take on it'],
  ['mentions_unrelated', '@alice you should ask @carol about this'],
  ['mentions_unrelated', '@alice @dave great point'],
  ['near_duplicate', '@alice thanks for sharing your thoughts on SQLite durability, and crash recovery!'],
  // Issue #11, finding 6: the gate — not the template — keeps a hostile post from putting words
  // in the bot's mouth: no third party's @mention however it is written, no link, no more than
  // a short span of the target's own words, and a default deny-list on top of the configured one.
  ['mentions_unrelated', '@alice ask ＠carol about it'],
  ['contains_link', '@alice see ｈｔｔｐｓ://evil.example'],
  ['contains_link', '@alice see free-coins.xyz/claim today'],
  ['contains_link', '@alice details at evil.com'],
  ['quotes_target', '@alice thanks for "burn down the old build server"'],
  ['quotes_target', '@alice re: we should burn down the old build'],
  ['banned_term', '@alice please send me your seed phrase'],
  ['banned_term', '@alice great crypto giveaway'],
  ['banned_term', '@kill_yourself thanks', { targetAuthor: 'kill_yourself', targetText: 'hi' }],
];

describe('gateContent', () => {
  it.each(rejections)('%s: %j', (reasonCode, text, overrides = {}) => {
    expect(gateContent(text, { ...options, ...overrides })).toEqual({ ok: false, reasonCode });
  });

  it('covers every reason code', () => {
    expect(new Set(rejections.map(([r]) => r))).toEqual(new Set(CONTENT_REJECT_REASONS));
  });

  it.each([
    ['@alice great point on queue design!'],
    ['@Alice thanks — from @replywright_bot'],
    ['@alice darning socks is a skill'],
    ['@alice we are open 24/7 for questions'],
    ['@alice what a great thread, thanks'],
    ['@alice Thanks for sharing your thoughts on rust, async runtimes and tokio.'],
    ['x'.repeat(120)],
    ['@alice thanks for "the old build server"'],
    ['@alice.bsky.social thanks, from @replywright_bot', { targetAuthor: 'alice.bsky.social' }],
    ['@alice node.js and e.g. next.js are fine'],
  ])('passes %j', (text, overrides: Partial<ContentGateOptions> = {}) => {
    expect(gateContent(text, { ...options, ...overrides })).toEqual({ ok: true });
  });

  it('applies the default deny-list unless told not to', () => {
    const text = '@alice great crypto giveaway';
    expect(gateContent(text, { ...options, defaultDenyList: false })).toEqual({ ok: true });
  });
});

describe('hasThreadMarker', () => {
  it.each([
    ['1/', true],
    ['1/n the thing', true],
    ['(2/3)', true],
    ['the end 3/3', true],
    ['the end 3/', true],
    ['open 24/7', false],
    ['rated 9/10 would read again', false],
    ['12/5 was a tuesday', false],
    ['needle thread, strong', false],
  ])('%j → %s', (text, expected) => {
    expect(hasThreadMarker(text)).toBe(expected);
  });
});

describe('similarity', () => {
  it.each<[string, string, string, number]>([
    ['identical', 'the quick brown fox', 'the quick brown fox', 1],
    ['case, punctuation and mentions ignored', '@a The QUICK, brown fox!', '@b the quick brown fox', 1],
    ['disjoint', 'the quick brown fox', 'lazy dogs sleep all day', 0],
    ['both empty', '', '!!!', 1],
    ['one empty', '', 'words', 0],
    ['short texts compare by words', 'hello', 'hello', 1],
    ['half the trigrams shared', 'a b c d', 'a b c e', 1 / 3],
  ])('%s', (_, a, b, expected) => {
    expect(similarity(a, b)).toBeCloseTo(expected, 5);
    expect(similarity(b, a)).toBeCloseTo(expected, 5);
  });
});
