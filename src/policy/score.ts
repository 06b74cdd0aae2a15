import type { Consent } from './consent.ts';
import type { PostFacts } from './postFacts.ts';

/**
 * ## How a candidate is scored
 *
 * Every candidate that passes the evaluation gets a score from 0 to 100, the sum of five parts,
 * capped at 100 and rounded to one decimal:
 *
 * | part | points | how |
 * |---|---|---|
 * | consent | 40 / 30 / 10 / 0 | mention / reply to the account / keyword only / none |
 * | freshness | 0–30 | 30 for a brand-new post, falling linearly to 0 at the maximum age |
 * | engagement | 0–20 | 20 × log10(1 + likes + replies + reposts) / log10(1 + 1000), saturating at 1000 |
 * | author reach | 0–10 | 10 × log10(1 + followers) / log10(1 + 100 000), saturating at 100 000 |
 * | question | 0 / 5 | +5 when the text contains '?': a question invites an answer |
 *
 * The tier follows the score: 75 or more is tier 1, 55 or more tier 2, 35 or more tier 3,
 * anything lower tier 4. The scheduler always takes the lowest tier first, so consent and
 * freshness dominate: a fresh mention (70) from a modest account beats a week-old viral
 * keyword hit. Logarithms keep one viral post or celebrity author from drowning the rest.
 * Missing, negative or non-finite inputs count as zero.
 */
export const CONSENT_POINTS: Readonly<Record<Consent, number>> = {
  mention: 40,
  reply_to_account: 30,
  keyword: 10,
  none: 0,
};

export const FRESHNESS_POINTS = 30;
export const ENGAGEMENT_POINTS = 20;
export const ENGAGEMENT_SATURATION = 1000;
export const REACH_POINTS = 10;
export const REACH_SATURATION = 100_000;
export const QUESTION_POINTS = 5;

export type Tier = 1 | 2 | 3 | 4;

/** Lowest score of tiers 1, 2 and 3; everything below the last is tier 4. */
export const TIER_THRESHOLDS = [75, 55, 35] as const;

export interface Score {
  score: number;
  tier: Tier;
}

const nonNegative = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);

function logShare(value: number, saturation: number): number {
  return Math.min(1, Math.log10(1 + nonNegative(value)) / Math.log10(1 + saturation));
}

function freshness(createdAt: number, now: number, maxAgeMs: number): number {
  if (!Number.isFinite(createdAt) || !Number.isFinite(now) || !(maxAgeMs > 0)) return 0;
  const age = Math.max(0, now - createdAt);
  return Math.max(0, 1 - age / maxAgeMs);
}

/** @example tierOf(80) // 1 */
export function tierOf(score: number): Tier {
  if (score >= TIER_THRESHOLDS[0]) return 1;
  if (score >= TIER_THRESHOLDS[1]) return 2;
  if (score >= TIER_THRESHOLDS[2]) return 3;
  return 4;
}

/**
 * Scores a post (see the table above). Pure: the same arguments always give the same score.
 *
 * @example scorePost(post, 'mention', post.createdAt, 3 * 3_600_000) // { score: 70, tier: 2 } with no engagement
 */
export function scorePost(post: PostFacts, consent: Consent, now: number, maxAgeMs: number): Score {
  const m = post.metrics;
  const raw =
    (CONSENT_POINTS[consent] ?? 0) +
    FRESHNESS_POINTS * freshness(post.createdAt, now, maxAgeMs) +
    ENGAGEMENT_POINTS *
      logShare(
        nonNegative(m.likes) + nonNegative(m.replies) + nonNegative(m.reposts),
        ENGAGEMENT_SATURATION,
      ) +
    REACH_POINTS * logShare(m.followers, REACH_SATURATION) +
    (post.text.includes('?') ? QUESTION_POINTS : 0);
  const score = Math.round(Math.min(100, Math.max(0, raw)) * 10) / 10;
  return { score, tier: tierOf(score) };
}
