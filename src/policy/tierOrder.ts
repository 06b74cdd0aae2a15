import type { Tier } from './score.ts';

/** What the scheduler ranks a queue entry by. */
export interface Rankable {
  id: string;
  tier: Tier | number;
  score: number;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * The scheduler's pick order as a comparator: lowest tier first, then highest score, then the
 * entry that expires soonest (so it is not wasted), then id so the order is total and the
 * same on every run.
 *
 * @example entries.toSorted(tierOrder)[0] // the entry the scheduler takes
 */
export function tierOrder(a: Rankable, b: Rankable): number {
  if (a.tier !== b.tier) return a.tier - b.tier;
  if (a.score !== b.score) return b.score - a.score;
  if (a.expiresAt !== b.expiresAt) return a.expiresAt - b.expiresAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The entry the scheduler should take, or null for an empty queue. */
export function firstInTierOrder<T extends Rankable>(entries: readonly T[]): T | null {
  let best: T | null = null;
  for (const e of entries) if (best === null || tierOrder(e, best) < 0) best = e;
  return best;
}
