import type { Config } from '../config/config.ts';

/** A daily UTC window; `from` > `to` wraps midnight, `from` = `to` is empty. */
export interface QuietHours {
  from: string;
  to: string;
}

export interface CapPolicy {
  /** Permits in any rolling 60 minutes. 0 stops posting. */
  perHour: number;
  /** Permits in any rolling 24 hours. 0 stops posting. */
  perDay: number;
  /** Minimum time between two permits. */
  minSpacingMs: number;
  quietHours: QuietHours | null;
  /** Platform spend (USD) allowed in any rolling 24 hours; null or absent: no budget. */
  dailyBudgetUsd?: number | null;
}

export interface CapHistory {
  /** Times of permits granted or used in the last 24 h, including in-flight ones. */
  postTimes: number[];
}

export type CapCheck =
  | { ok: true }
  | { ok: false; reason: 'cap_reached' | 'spacing' | 'quiet_hours'; until: number };

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export function capPolicyFrom(config: Config): CapPolicy {
  return {
    perHour: config.REPLYWRIGHT_CAP_PER_HOUR,
    perDay: config.REPLYWRIGHT_CAP_PER_DAY,
    minSpacingMs: config.REPLYWRIGHT_MIN_SPACING_SEC * 1000,
    quietHours: config.REPLYWRIGHT_QUIET_HOURS,
    dailyBudgetUsd: config.REPLYWRIGHT_DAILY_BUDGET_USD ?? null,
  };
}

/** Minutes after midnight of an 'HH:MM' string; throws on anything else (config validates it first). */
export function minuteOfDay(hhmm: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new RangeError(`invalid time of day '${hhmm}', expected HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The end of the quiet window `now` falls in, or null when `now` is outside it. */
export function quietUntil(now: number, quiet: QuietHours): number | null {
  const from = minuteOfDay(quiet.from) * 60_000;
  const to = minuteOfDay(quiet.to) * 60_000;
  if (from === to) return null;
  const msOfDay = ((now % DAY_MS) + DAY_MS) % DAY_MS;
  const inside = from < to ? msOfDay >= from && msOfDay < to : msOfDay >= from || msOfDay < to;
  if (!inside) return null;
  const end = now - msOfDay + to;
  return end > now ? end : end + DAY_MS;
}

/**
 * When the rolling window of `windowMs` next holds fewer than `cap` permits, or null when it
 * already does. Times in the future (a skewed in-flight permit) count, which only errs on the
 * side of posting less.
 */
function capUntil(now: number, times: readonly number[], cap: number, windowMs: number): number | null {
  const inWindow = times.filter((t) => t > now - windowMs).sort((a, b) => a - b);
  if (inWindow.length < cap) return null;
  if (cap <= 0) return now + windowMs;
  return inWindow[inWindow.length - cap]! + windowMs;
}

/**
 * May one more permit be granted at `now`? Checks quiet hours, the daily cap, the hourly cap
 * and the spacing since the latest permit, in that order; when not, `until` is the earliest
 * time that reason stops holding (another may still hold then).
 *
 * @example checkCaps(now, { postTimes: [now - 5_000] }, { perHour: 6, perDay: 40, minSpacingMs: 20_000, quietHours: null })
 * // { ok: false, reason: 'spacing', until: now + 15_000 }
 */
export function checkCaps(now: number, history: CapHistory, policy: CapPolicy): CapCheck {
  if (policy.quietHours !== null) {
    const until = quietUntil(now, policy.quietHours);
    if (until !== null) return { ok: false, reason: 'quiet_hours', until };
  }
  const times = history.postTimes.filter((t) => Number.isFinite(t));
  const day = capUntil(now, times, policy.perDay, DAY_MS);
  const hour = capUntil(now, times, policy.perHour, HOUR_MS);
  if (day !== null || hour !== null) {
    return { ok: false, reason: 'cap_reached', until: Math.max(day ?? 0, hour ?? 0) };
  }
  if (times.length > 0 && policy.minSpacingMs > 0) {
    const latest = times.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
    if (now - latest < policy.minSpacingMs)
      return { ok: false, reason: 'spacing', until: latest + policy.minSpacingMs };
  }
  return { ok: true };
}

/** One platform charge: when, and how much (USD). */
export interface Charge {
  at: number;
  usd: number;
}

/**
 * The daily budget, checked like a cap: when the platform spend of the rolling 24 hours has
 * reached `budgetUsd`, the time it next drops below it (the earliest charges leaving the
 * window); null while below, or without a budget.
 *
 * @example budgetUntil(now, [{ at: now - 3_600_000, usd: 5 }], 5) // now + 23 h
 */
export function budgetUntil(
  now: number,
  charges: readonly Charge[],
  budgetUsd: number | null,
): number | null {
  if (budgetUsd === null) return null;
  // In millionths of a dollar, so that sums of prices like 0.001 compare exactly.
  const micros = (usd: number) => Math.round(usd * 1e6);
  const inWindow = charges
    .filter((c) => c.at > now - DAY_MS && Number.isFinite(c.at) && Number.isFinite(c.usd))
    .sort((a, b) => a.at - b.at);
  const budget = micros(budgetUsd);
  let total = inWindow.reduce((n, c) => n + micros(c.usd), 0);
  if (total < budget) return null;
  for (const charge of inWindow) {
    total -= micros(charge.usd);
    if (total < budget) return charge.at + DAY_MS;
  }
  return now + DAY_MS;
}
