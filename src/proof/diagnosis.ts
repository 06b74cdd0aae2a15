import { and, count, desc, eq, gte, lte, min } from 'drizzle-orm';
import { controls, jobRuns, permits } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { PERMIT } from '../../machines/stateGroups.ts';
import { EVENT, JOB_EVENT } from '../events.ts';
import { restoreReconcileSince } from '../jobs/restoreMarker.ts';
import { DAY_MS, spendWindow } from '../spend/queries.ts';
import {
  candidateStats,
  capSentence,
  capUsage,
  detailOf,
  fetchStats,
  latestEvent,
  reasons,
  sloStats,
  starvationCauses,
} from './diagnosisStats.ts';
import { formatDuration } from './duration.ts';
import {
  countEvents,
  countRows,
  eventData,
  isPausedInStore,
  queueSize,
  rangeOf,
  tally,
  tallyEventField,
} from './queries.ts';

/**
 * "Why is nothing posting?" — the single blocking reason, computed from the store.
 *
 * Checked in this order; the first that holds wins:
 *  1. `paused` — the kill switch is on.
 *  2. `rate_limited` — the platform said to wait until a time still in the future.
 *  3. `scheduler_not_running` — no scheduler run started in the window.
 *  4. `fetch_failing` — at least half of the window's fetch runs failed (top reasons, incl. timeout).
 *  5. `queue_starvation` — the scheduler finds nothing to pick (latest SLO reason `queue_empty` /
 *     `all_expired`, or the queue is under its watermark and no permit was created). Its cause
 *     is named: fetch not completing, no candidates discovered, evaluations rejected (top
 *     reason codes), entries expiring unpicked, or too few candidates.
 *  6. `cap_reached`, `budget_reached` (REPLYWRIGHT_DAILY_BUDGET_USD), `quiet_hours` — the latest
 *     scheduler run said so; `spacing` only when
 *     nothing was posted in the window (otherwise it is the normal pause between replies).
 *  7. `generator_failing` — the latest run, or half of the window's runs, ended `generation_failed`.
 *  8. `scheduler_blocked` — the latest run ended with another non-progress reason.
 *  9. `permits_rejected` — permits were rejected and none used (top reason codes).
 * 10. `poster_failing` — posting failed at least as often as it succeeded (top error classes).
 * 11. `poster_waiting` — approved permits wait because a rule checked when a reply is spent
 *     holds (quiet hours, caps, spacing, the author's cooldown), as the latest poster run said.
 * 12. `awaiting_approval` — permits wait for an operator (manual mode).
 * 13. `none` — healthy.
 * Right after `paused`: `restore_reconcile_pending` — a restored database has not yet been
 * reconciled with the platform, and nothing posts until it has.
 *
 * @example
 * const d = diagnose(store, { now: Date.now(), windowMs: 30 * 60_000 });
 * d.blocking // 'Queue starvation' ; d.cause // 'fetch not completing: 4 started, 1 completed, 0 failed in 30m; …'
 */
export type DiagnosisCode =
  | 'paused'
  | 'rate_limited'
  | 'scheduler_not_running'
  | 'fetch_failing'
  | 'queue_starvation'
  | 'cap_reached'
  | 'budget_reached'
  | 'spacing'
  | 'quiet_hours'
  | 'generator_failing'
  | 'scheduler_blocked'
  | 'permits_rejected'
  | 'poster_failing'
  | 'awaiting_approval'
  | 'restore_reconcile_pending'
  | 'poster_waiting'
  | 'none';

export interface Diagnosis {
  /** A short title of what blocks posting; null when nothing does. */
  blocking: string | null;
  code: DiagnosisCode;
  /** One sentence naming the cause, with numbers. */
  cause: string;
  evidence: Record<string, unknown>;
}

export interface DiagnoseOptions {
  now: number;
  windowMs: number;
  /** The kill switch; read from the `controls` table when omitted. */
  paused?: boolean;
  /** The queue's low watermark (config REPLYWRIGHT_QUEUE_LOW_WATERMARK). */
  lowWatermark?: number;
  caps?: { perHour: number; perDay: number };
  /** REPLYWRIGHT_DAILY_BUDGET_USD, for the budget's sentence. */
  dailyBudgetUsd?: number | null;
}

const STARVED = new Set(['queue_empty', 'all_expired']);
const PROGRESS = new Set(['posted', 'permitted', 'awaiting_approval']);

export function diagnose(store: Store, options: DiagnoseOptions): Diagnosis {
  const { now, windowMs } = options;
  const range = rangeOf(now, windowMs);
  const w = formatDuration(windowMs);
  const lowWatermark = options.lowWatermark ?? 10;

  const paused = options.paused ?? isPausedInStore(store);
  if (paused) {
    const row = store.db
      .select({ at: controls.updatedAt })
      .from(controls)
      .where(eq(controls.key, 'paused'))
      .get();
    return result('paused', 'Paused (kill switch)', 'the kill switch is on: no new permits or posts', {
      pausedSince: row?.at ?? null,
    });
  }

  const restoredSince = restoreReconcileSince(store);
  if (restoredSince !== null) {
    return result(
      'restore_reconcile_pending',
      'Reconciling after a restore',
      `a restored database must read the account's posts since ${iso(restoredSince)} before it posts again (the next reconciler run)`,
      { since: restoredSince },
    );
  }

  const limited = latestEvent(store, EVENT.platformRateLimited);
  const until = limited ? timeOf(eventData(limited.data).until) : null;
  if (until !== null && until > now) {
    return result(
      'rate_limited',
      `Platform rate-limited until ${iso(until)}`,
      `the platform asked to wait ${formatDuration(until - now)}`,
      {
        until,
        reportedAt: limited?.at,
      },
    );
  }

  const schedulerStarted = countEvents(store, JOB_EVENT.scheduler.started, range);
  if (schedulerStarted === 0) {
    const last = latestEvent(store, JOB_EVENT.scheduler.started);
    return result(
      'scheduler_not_running',
      'Scheduler not running',
      `no scheduler run started in the last ${w}`,
      {
        lastSchedulerStartedAt: last?.at ?? null,
      },
    );
  }

  const fetch = fetchStats(store, range);
  if (fetch.started > 0 && fetch.failed / fetch.started >= 0.5) {
    return result(
      'fetch_failing',
      'Fetch failing',
      `${fetch.failed} of ${fetch.started} fetch runs failed in ${w}${reasons(fetch.failedReasons)}`,
      { fetch },
    );
  }

  const slo = sloStats(store, range);
  const queue = queueSize(store, now);
  const permitsCreated = countRows(
    store,
    permits,
    and(gte(permits.createdAt, range.since), lte(permits.createdAt, now)),
  );
  if ((slo.latest && STARVED.has(slo.latest.reason)) || (queue < lowWatermark && permitsCreated === 0)) {
    const funnel = candidateStats(store, range);
    const causes = starvationCauses(fetch, funnel, lowWatermark, w);
    return result('queue_starvation', 'Queue starvation', causes.join('; '), {
      queueSize: queue,
      lowWatermark,
      latestSloReason: slo.latest?.reason ?? null,
      sloReasons: slo.reasons,
      fetch,
      candidates: funnel,
    });
  }

  const used = countRows(
    store,
    permits,
    and(eq(permits.state, PERMIT.used), gte(permits.usedAt, range.since), lte(permits.usedAt, now)),
  );
  const latestReason = slo.latest?.reason ?? null;
  const capEvidence = {
    latestSloReason: latestReason,
    sloReasons: slo.reasons,
    ...capUsage(store, now, options.caps),
  };
  if (latestReason === 'cap_reached') {
    return result('cap_reached', 'Cap reached', capSentence(capEvidence), capEvidence);
  }
  if (latestReason === 'budget_reached') {
    const spend = spendWindow(store, now, DAY_MS);
    const until = timeOf(eventData(slo.latest?.detail ?? null).until);
    const budget = options.dailyBudgetUsd ?? null;
    const of = budget === null ? '' : ` of the $${budget} daily budget`;
    const waits = until === null ? '' : `; new permits wait until ${iso(until)}`;
    return result(
      'budget_reached',
      'Daily budget reached',
      `platform spend of the last 24 h is $${spend.spendUsd.toFixed(3)}${of}${waits}`,
      {
        latestSloReason: latestReason,
        spendUsd: spend.spendUsd,
        dailyBudgetUsd: budget,
        until,
      },
    );
  }
  if (latestReason === 'quiet_hours') {
    return result(
      'quiet_hours',
      'Quiet hours',
      `the scheduler is in quiet hours${detailOf(slo.latest)}`,
      capEvidence,
    );
  }
  if (latestReason === 'spacing' && used === 0) {
    return result(
      'spacing',
      'Minimum spacing',
      `every recent run waited for the minimum spacing and nothing was posted in ${w}`,
      capEvidence,
    );
  }

  const generationFailed = slo.reasons.find((r) => r.key === 'generation_failed')?.count ?? 0;
  if (latestReason === 'generation_failed' || (slo.total > 0 && generationFailed / slo.total >= 0.5)) {
    const errors = tallyEventField(store, EVENT.generationFailed, 'errorClass', range);
    return result(
      'generator_failing',
      'Generator failing',
      `${generationFailed} of ${slo.total} scheduler runs ended generation_failed in ${w}${reasons(errors)}`,
      { sloReasons: slo.reasons, latestDetail: slo.latest?.detail ?? null, errorClasses: errors },
    );
  }

  if (latestReason !== null && !PROGRESS.has(latestReason) && latestReason !== 'spacing') {
    return result(
      'scheduler_blocked',
      `Scheduler blocked: ${latestReason}`,
      `the latest scheduler run ended ${latestReason}${detailOf(slo.latest)}`,
      {
        sloReasons: slo.reasons,
        latestDetail: slo.latest?.detail ?? null,
      },
    );
  }

  const rejected = tally(
    store.db
      .select({ key: permits.reasonCode, n: count() })
      .from(permits)
      .where(
        and(
          eq(permits.state, PERMIT.rejected),
          gte(permits.updatedAt, range.since),
          lte(permits.updatedAt, now),
        ),
      )
      .groupBy(permits.reasonCode)
      .all(),
  );
  const rejectedTotal = rejected.reduce((n, r) => n + r.count, 0);
  if (rejectedTotal > 0 && used === 0) {
    return result(
      'permits_rejected',
      'Permits rejected',
      `${rejectedTotal} permit${rejectedTotal === 1 ? '' : 's'} rejected and none used in ${w}${reasons(rejected)}`,
      {
        rejected,
      },
    );
  }

  const postingFailed = countEvents(store, EVENT.postingFailed, range);
  const postingSuccess = countEvents(store, EVENT.postingSuccess, range);
  if (postingFailed > 0 && postingFailed >= postingSuccess) {
    const errorClasses = tallyEventField(store, EVENT.postingFailed, 'errorClass', range);
    return result(
      'poster_failing',
      'Poster failing',
      `${postingFailed} posts failed, ${postingSuccess} succeeded in ${w}${reasons(errorClasses)}`,
      { postingFailed, postingSuccess, errorClasses },
    );
  }

  const approved = countRows(store, permits, eq(permits.state, PERMIT.approved));
  const held = approved > 0 ? latestPosterSkip(store) : null;
  if (held) {
    return result(
      'poster_waiting',
      `Poster waiting: ${held}`,
      `${approved} approved permit${approved === 1 ? '' : 's'} wait: the latest poster run held them (${held}), a rule checked again when a reply is spent`,
      { approved, reason: held },
    );
  }

  const awaiting = store.db
    .select({ n: count(), oldest: min(permits.createdAt) })
    .from(permits)
    .where(eq(permits.state, PERMIT.awaiting_approval))
    .get() ?? { n: 0, oldest: null };
  if (awaiting.n > 0) {
    return result(
      'awaiting_approval',
      'Awaiting manual approval',
      `${awaiting.n} permit${awaiting.n === 1 ? '' : 's'} wait for an operator${awaiting.oldest ? ` (oldest since ${iso(awaiting.oldest)})` : ''}`,
      { awaiting: awaiting.n, oldestCreatedAt: awaiting.oldest },
    );
  }

  return {
    blocking: null,
    code: 'none',
    cause: `healthy: ${used} repl${used === 1 ? 'y' : 'ies'} posted in ${w}, queue ${queue}`,
    evidence: { used, queueSize: queue, sloReasons: slo.reasons },
  };
}

/** Why the latest completed poster run posted nothing, when it said so (its `skipped` stat). */
function latestPosterSkip(store: Store): string | null {
  const row = store.db
    .select({ stats: jobRuns.stats })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, 'poster'), eq(jobRuns.status, 'completed')))
    .orderBy(desc(jobRuns.startedAt))
    .limit(1)
    .get();
  const skipped = eventData(row?.stats).skipped;
  return typeof skipped === 'string' && skipped !== '' ? skipped : null;
}

function result(
  code: DiagnosisCode,
  blocking: string,
  cause: string,
  evidence: Record<string, unknown>,
): Diagnosis {
  return { blocking, code, cause, evidence };
}

const iso = (ms: number) => new Date(ms).toISOString();

function timeOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}
