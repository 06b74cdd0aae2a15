import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CapPolicy, checkCaps, DAY_MS, HOUR_MS, quietUntil } from '../../src/policy/caps.ts';
import { gateContent } from '../../src/policy/contentGate.ts';
import { type EvaluationFacts, type EvaluationPolicy, evaluateCandidate } from '../../src/policy/evaluate.ts';
import type { PostFacts, SourceKind } from '../../src/policy/postFacts.ts';
import { scorePost, TIER_THRESHOLDS } from '../../src/policy/score.ts';
import { type Rankable, tierOrder } from '../../src/policy/tierOrder.ts';
import { ACCOUNT, MINUTE, NOW } from '../support/policyFixtures.ts';

const handle = fc.constantFrom(ACCOUNT, 'ReplyWright_Bot', 'alice', 'bob', 'fake_carol', 'dave_parody');
const number = fc.oneof(fc.nat(), fc.double(), fc.constantFrom(Number.NaN, Infinity, -1));
const text = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    '@replywright_bot how do I keep my reply queue durable across crashes?',
    'anyone know a good way to keep a queue durable in sqlite?',
    'stop',
    'HUGE CRYPTO GIVEAWAY CLICK HERE https://x.example https://y.example',
  ),
);

const postFacts: fc.Arbitrary<PostFacts> = fc.record({
  postId: fc.constantFrom('p1', 'p2'),
  author: handle,
  text,
  createdAt: fc.oneof(
    fc.integer({ min: NOW - 400 * MINUTE, max: NOW + 20 * MINUTE }),
    fc.constant(Number.NaN),
  ),
  inReplyToId: fc.option(fc.constantFrom('p0', 'p9')),
  rootId: fc.option(fc.constantFrom('p0', 'p1', 'p2')),
  isRoot: fc.constantFrom(true, false, null),
  mentions: fc.array(handle, { maxLength: 3 }),
  inReplyToAuthor: fc.option(handle),
  authorIsParody: fc.boolean(),
  metrics: fc.record({ likes: number, replies: number, reposts: number, followers: number }),
});

const evaluationFacts: fc.Arbitrary<EvaluationFacts> = fc.record({
  post: postFacts,
  source: fc.constantFrom<SourceKind>('mentions', 'search', 'author_list'),
  now: fc.constant(NOW),
  optedOut: fc.boolean(),
  authorLastRepliedAt: fc.option(fc.integer({ min: NOW - 200 * MINUTE, max: NOW })),
  alreadyReplied: fc.boolean(),
  account: fc.constant(ACCOUNT),
});

const evaluationPolicy: fc.Arbitrary<EvaluationPolicy> = fc.record({
  account: fc.constant(ACCOUNT),
  maxAgeMs: fc.integer({ min: 1, max: 300 }).map((m) => m * MINUTE),
  maxClockSkewMs: fc.constant(5 * MINUTE),
  minLength: fc.integer({ min: 0, max: 40 }),
  authorCooldownMs: fc.integer({ min: 0, max: 120 }).map((m) => m * MINUTE),
  minScore: fc.integer({ min: 0, max: 100 }),
  allowKeywordReplies: fc.boolean(),
});

describe('evaluation properties', () => {
  it('never queues what the rules forbid', () => {
    fc.assert(
      fc.property(evaluationFacts, evaluationPolicy, (facts, policy) => {
        const result = evaluateCandidate(facts, policy);
        if (result.verdict !== 'queue') return;
        expect(facts.post.isRoot).toBe(true);
        expect(facts.post.inReplyToId).toBeNull();
        expect(facts.optedOut).toBe(false);
        expect(facts.alreadyReplied).toBe(false);
        expect(facts.post.author.toLowerCase()).not.toBe(ACCOUNT);
        expect(result.consent).not.toBe('none');
        if (!policy.allowKeywordReplies) expect(result.consent).not.toBe('keyword');
        expect(result.score).toBeGreaterThanOrEqual(policy.minScore);
      }),
      { numRuns: 2000 },
    );
  });

  it('queues some candidates (the generators are not vacuous)', () => {
    const verdicts = fc
      .sample(fc.tuple(evaluationFacts, evaluationPolicy), { numRuns: 3000, seed: 7 })
      .map(
        ([f, p]) =>
          evaluateCandidate({ ...f, post: { ...f.post, isRoot: true, inReplyToId: null, rootId: null } }, p)
            .verdict,
      );
    expect(verdicts).toContain('queue');
  });
});

describe('score properties', () => {
  it('stays within 0..100 and agrees with the tier thresholds', () => {
    fc.assert(
      fc.property(
        postFacts,
        fc.constantFrom('mention', 'reply_to_account', 'keyword', 'none' as const),
        fc.oneof(fc.integer({ min: NOW - DAY_MS, max: NOW + DAY_MS }), fc.double()),
        fc.oneof(fc.integer({ min: -1, max: DAY_MS }), fc.double()),
        (post, consent, now, maxAgeMs) => {
          const { score, tier } = scorePost(post, consent, now, maxAgeMs);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(100);
          const expected =
            score >= TIER_THRESHOLDS[0]
              ? 1
              : score >= TIER_THRESHOLDS[1]
                ? 2
                : score >= TIER_THRESHOLDS[2]
                  ? 3
                  : 4;
          expect(tier).toBe(expected);
        },
      ),
    );
  });
});

const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const capPolicy: fc.Arbitrary<CapPolicy> = fc.record({
  perHour: fc.integer({ min: 0, max: 6 }),
  perDay: fc.integer({ min: 0, max: 12 }),
  minSpacingMs: fc.integer({ min: 0, max: 2 * HOUR_MS }),
  quietHours: fc.option(fc.record({ from: hhmm, to: hhmm })),
});

const capCase = fc
  .integer({ min: NOW - DAY_MS, max: NOW + DAY_MS })
  .chain((now) =>
    fc.tuple(
      fc.constant(now),
      fc.array(fc.integer({ min: now - 26 * HOUR_MS, max: now + 60_000 }), { maxLength: 20 }),
      capPolicy,
    ),
  );

describe('caps properties', () => {
  it('ok implies every cap holds; not ok gives a future until after which that reason is gone', () => {
    fc.assert(
      fc.property(capCase, ([now, postTimes, policy]) => {
        const result = checkCaps(now, { postTimes }, policy);
        if (result.ok) {
          expect(postTimes.filter((t) => t > now - HOUR_MS).length).toBeLessThan(policy.perHour);
          expect(postTimes.filter((t) => t > now - DAY_MS).length).toBeLessThan(policy.perDay);
          for (const t of postTimes)
            expect(now - t >= policy.minSpacingMs || policy.minSpacingMs === 0).toBe(true);
          if (policy.quietHours) expect(quietUntil(now, policy.quietHours)).toBeNull();
          return;
        }
        expect(result.until).toBeGreaterThan(now);
        const later = checkCaps(result.until, { postTimes }, policy);
        const capDisabled = policy.perHour === 0 || policy.perDay === 0;
        if (!(result.reason === 'cap_reached' && capDisabled)) {
          expect(later.ok ? null : later.reason).not.toBe(result.reason);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('content gate properties', () => {
  it('never passes text longer than maxLength', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 0, max: 150 }),
        (t, maxLength) => {
          const result = gateContent(t, {
            maxLength,
            bannedTerms: [],
            recentReplies: [],
            account: ACCOUNT,
            targetAuthor: 'alice',
            targetText: '',
          });
          if (result.ok) expect(t.length).toBeLessThanOrEqual(maxLength);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('tier order properties', () => {
  const rankable: fc.Arbitrary<Rankable> = fc.record({
    id: fc.string({ maxLength: 3 }),
    tier: fc.constantFrom(1, 2, 3, 4),
    score: fc.integer({ min: 0, max: 100 }),
    expiresAt: fc.integer({ min: 0, max: 10 }),
  });

  it('is antisymmetric and sorting is order-independent', () => {
    fc.assert(
      fc.property(fc.array(rankable, { maxLength: 12 }), (entries) => {
        for (const a of entries)
          for (const b of entries) expect(Math.sign(tierOrder(a, b))).toBe(-Math.sign(tierOrder(b, a)) || 0);
        const sorted = entries.toSorted(tierOrder);
        expect(entries.toReversed().toSorted(tierOrder)).toEqual(sorted);
      }),
    );
  });
});
