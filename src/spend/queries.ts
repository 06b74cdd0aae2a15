import { and, asc, count, desc, eq, gt, lte, max, sql } from 'drizzle-orm';
import { permits, platformCalls } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { PERMIT } from '../../machines/stateGroups.ts';

/**
 * What the platform calls cost, read from `platform_calls`: per window, per operation, and
 * per reply posted (spend over the window ÷ replies the pipeline posted in it).
 */
export interface SpendWindow {
  windowMs: number;
  calls: number;
  spendUsd: number;
  /** Permits used (replies on the platform) in the window. */
  replies: number;
  /** null when no reply was posted in the window. */
  costPerReplyUsd: number | null;
  callsPerReply: number | null;
  byOperation: { operation: string; calls: number; billed: number; spendUsd: number }[];
}

export interface SpendSummary {
  window: SpendWindow;
  day: SpendWindow;
  /** REPLYWRIGHT_DAILY_BUDGET_USD, or null. */
  dailyBudgetUsd: number | null;
  /** Budget left in the rolling 24 h, or null without a budget. */
  budgetLeftUsd: number | null;
}

export const DAY_MS = 86_400_000;

export function spendWindow(store: Store, now: number, windowMs: number): SpendWindow {
  const since = now - windowMs;
  const spend = sql<number>`sum(${platformCalls.costUsd})`;
  const byOperation = store.db
    .select({
      operation: platformCalls.operation,
      calls: count(),
      billed: sql<number>`sum(${platformCalls.billed})`,
      spend,
    })
    .from(platformCalls)
    .where(and(gt(platformCalls.at, since), lte(platformCalls.at, now)))
    .groupBy(platformCalls.operation)
    .orderBy(desc(spend), asc(platformCalls.operation))
    .all()
    .map((r) => ({ operation: r.operation, calls: r.calls, billed: r.billed, spendUsd: usd(r.spend) }));
  const calls = byOperation.reduce((n, r) => n + r.calls, 0);
  const spendUsd = usd(byOperation.reduce((n, r) => n + r.spendUsd, 0));
  const replies =
    store.db
      .select({ n: count() })
      .from(permits)
      .where(and(eq(permits.state, PERMIT.used), gt(permits.usedAt, since), lte(permits.usedAt, now)))
      .get()?.n ?? 0;
  return {
    windowMs,
    calls,
    spendUsd,
    replies,
    costPerReplyUsd: replies > 0 ? usd(spendUsd / replies) : null,
    callsPerReply: replies > 0 ? Math.round((calls / replies) * 10) / 10 : null,
    byOperation,
  };
}

export function spendSummary(
  store: Store,
  options: { now: number; windowMs: number; dailyBudgetUsd: number | null },
): SpendSummary {
  const day = spendWindow(store, options.now, DAY_MS);
  return {
    window: options.windowMs === DAY_MS ? day : spendWindow(store, options.now, options.windowMs),
    day,
    dailyBudgetUsd: options.dailyBudgetUsd,
    budgetLeftUsd:
      options.dailyBudgetUsd === null ? null : usd(Math.max(0, options.dailyBudgetUsd - day.spendUsd)),
  };
}

/** Every charge after `since`, oldest first: what the daily budget counts. */
export function chargesSince(store: Store, since: number): { at: number; usd: number }[] {
  return store.db
    .select({ at: platformCalls.at, usd: platformCalls.costUsd })
    .from(platformCalls)
    .where(and(gt(platformCalls.at, since), gt(platformCalls.costUsd, 0)))
    .orderBy(asc(platformCalls.at))
    .all();
}

/**
 * Calls recorded after row `afterId`, grouped by platform, operation and outcome, and the last
 * id read: /metrics adds them to its counters, so a scrape reads only what is new.
 */
export function spendSinceId(
  store: Store,
  afterId: number,
): {
  lastId: number;
  rows: { platform: string; operation: string; outcome: string; calls: number; spendUsd: number }[];
} {
  const rows = store.db
    .select({
      platform: platformCalls.platform,
      operation: platformCalls.operation,
      outcome: platformCalls.outcome,
      calls: count(),
      spend: sql<number>`sum(${platformCalls.costUsd})`,
      last: max(platformCalls.id),
    })
    .from(platformCalls)
    .where(gt(platformCalls.id, afterId))
    .groupBy(platformCalls.platform, platformCalls.operation, platformCalls.outcome)
    .all();
  return {
    lastId: rows.reduce((n, r) => Math.max(n, r.last ?? n), afterId),
    rows: rows.map((r) => ({
      platform: r.platform,
      operation: r.operation,
      outcome: r.outcome,
      calls: r.calls,
      spendUsd: usd(r.spend),
    })),
  };
}

/** Rounded to a millionth of a dollar: sums of binary fractions drift. */
function usd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
