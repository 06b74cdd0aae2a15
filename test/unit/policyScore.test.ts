import { describe, expect, it } from 'vitest';
import type { Consent } from '../../src/policy/consent.ts';
import { scorePost, type Tier, tierOf } from '../../src/policy/score.ts';
import { MINUTE, NOW, post } from '../support/policyFixtures.ts';

const MAX_AGE = 180 * MINUTE;
const quiet = { likes: 0, replies: 0, reposts: 0, followers: 0 };
const plain = (overrides: Parameters<typeof post>[0] = {}) =>
  post({ text: 'a plain statement', createdAt: NOW, metrics: quiet, ...overrides });

describe('scorePost', () => {
  it.each<[string, ReturnType<typeof post>, Consent, number]>([
    ['fresh mention, nothing else', plain(), 'mention', 70],
    ['fresh reply to the account', plain(), 'reply_to_account', 60],
    ['fresh keyword hit', plain(), 'keyword', 40],
    ['no consent', plain(), 'none', 30],
    ['half the max age', plain({ createdAt: NOW - MAX_AGE / 2 }), 'mention', 55],
    ['at the max age', plain({ createdAt: NOW - MAX_AGE }), 'mention', 40],
    ['older than the max age', plain({ createdAt: NOW - 2 * MAX_AGE }), 'mention', 40],
    ['future posts count as fresh', plain({ createdAt: NOW + MINUTE }), 'mention', 70],
    ['question bonus', plain({ text: 'is this durable?' }), 'mention', 75],
    [
      'engagement saturates at 1000',
      plain({ metrics: { ...quiet, likes: 600, replies: 300, reposts: 100 } }),
      'keyword',
      60,
    ],
    ['engagement beyond saturation', plain({ metrics: { ...quiet, likes: 1e9 } }), 'keyword', 60],
    ['reach saturates at 100k', plain({ metrics: { ...quiet, followers: 100_000 } }), 'keyword', 50],
    [
      'everything caps at 100',
      plain({ text: '?', metrics: { likes: 1e6, replies: 0, reposts: 0, followers: 1e7 } }),
      'mention',
      100,
    ],
    [
      'bad metrics count as zero',
      plain({ metrics: { likes: -5, replies: Number.NaN, reposts: Infinity, followers: -1 } }),
      'mention',
      70,
    ],
    ['bad createdAt gives no freshness', plain({ createdAt: Number.NaN }), 'mention', 40],
  ])('%s', (_, p, consent, expected) => {
    expect(scorePost(p, consent, NOW, MAX_AGE).score).toBe(expected);
  });

  it('is log-scaled: ten likes are worth more than a tenth of a thousand', () => {
    const ten = scorePost(plain({ metrics: { ...quiet, likes: 10 } }), 'keyword', NOW, MAX_AGE).score - 40;
    expect(ten).toBeCloseTo((20 * Math.log10(11)) / Math.log10(1001), 1);
    expect(ten).toBeGreaterThan(2);
  });

  it('is deterministic', () => {
    const p = post();
    expect(scorePost(p, 'mention', NOW, MAX_AGE)).toEqual(scorePost(p, 'mention', NOW, MAX_AGE));
  });
});

describe('tierOf', () => {
  it.each<[number, Tier]>([
    [100, 1],
    [75, 1],
    [74.9, 2],
    [55, 2],
    [54.9, 3],
    [35, 3],
    [34.9, 4],
    [0, 4],
  ])('%d → tier %d', (score, tier) => {
    expect(tierOf(score)).toBe(tier);
  });
});
