import type { Store } from '../../db/store.ts';
import { CANDIDATE } from '../../machines/stateGroups.ts';
import { permitTimesAgainstCaps } from '../jobs/targetFacts.ts';
import { candidatesDiscovered, candidatesRejectedByReason } from './candidateCounts.ts';
import { countEventsByType, rangeOf, type Tally, tally } from './queries.ts';

/**
 * The pipeline funnel over a window: how many candidates were discovered, queued, rejected
 * (by reason), selected, permitted and posted — from transition events, so a candidate that
 * moved on still counts at every stage it passed.
 *
 * @example funnel(store, { now, windowMs: 30 * 60_000 }).posted
 */
export interface Funnel {
  discovered: number;
  queued: number;
  rejected: number;
  rejectedByReason: Tally[];
  expired: number;
  selected: number;
  permitted: number;
  posted: number;
  failed: number;
}

export interface CapBudget {
  perHour: { cap: number; used: number; left: number };
  perDay: { cap: number; used: number; left: number };
  /** When the oldest reply counted against a full hourly cap leaves the window. */
  nextHourlySlotAt: number | null;
}

const STAGES = [
  CANDIDATE.queued,
  CANDIDATE.rejected,
  CANDIDATE.expired,
  CANDIDATE.selected,
  CANDIDATE.permitted,
  CANDIDATE.posted,
  CANDIDATE.failed,
] as const;

export function funnel(store: Store, options: { now: number; windowMs: number }): Funnel {
  const range = rangeOf(options.now, options.windowMs);
  const counts = countEventsByType(
    store,
    STAGES.map((s) => `candidate_${s}`),
    range,
  );
  const rejectedByReason = tally(candidatesRejectedByReason(store, range), 10);
  const stage = (s: (typeof STAGES)[number]) => counts[`candidate_${s}`] ?? 0;
  return {
    discovered: candidatesDiscovered(store, range),
    queued: stage('queued'),
    rejected: stage('rejected'),
    rejectedByReason,
    expired: stage('expired'),
    selected: stage('selected'),
    permitted: stage('permitted'),
    posted: stage('posted'),
    failed: stage('failed'),
  };
}

/**
 * Replies counted against the hourly and daily caps (rolling 1 h and 24 h windows): the same
 * permits the scheduler counts — granted or spent — so "left" is what it will still allow.
 */
export function capBudget(store: Store, now: number, caps: { perHour: number; perDay: number }): CapBudget {
  const times = permitTimesAgainstCaps(store, now);
  const inHour = times.filter((t) => t > now - 3_600_000);
  const usedHour = inHour.length;
  const usedDay = times.length;
  const nextHourlySlotAt =
    caps.perHour > 0 && usedHour >= caps.perHour ? inHour[usedHour - caps.perHour]! + 3_600_000 : null;
  const budget = (cap: number, used: number) => ({ cap, used, left: Math.max(0, cap - used) });
  return { perHour: budget(caps.perHour, usedHour), perDay: budget(caps.perDay, usedDay), nextHourlySlotAt };
}
