import { and, count, desc, eq, gt, gte, lte } from 'drizzle-orm';
import { events, jobRuns, permits, queueEntries, sloEvents } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { CANDIDATE, PERMIT } from '../../machines/stateGroups.ts';
import { JOB_EVENT } from '../events.ts';
import { candidatesDiscovered, candidatesRejectedByReason } from './candidateCounts.ts';
import {
  countEvents,
  countRows,
  sloReasonsInRange,
  type Tally,
  type TimeRange,
  tally,
  tallyEventField,
} from './queries.ts';

/** The measurements the diagnosis reasons over, and the sentences it names causes with. */
export function reasons(items: Tally[]): string {
  return items.length ? ` (top: ${items.map((t) => `${t.key} ${t.count}`).join(', ')})` : '';
}

export function latestEvent(store: Store, type: string): { at: number; data: string | null } | undefined {
  return store.db
    .select({ at: events.at, data: events.data })
    .from(events)
    .where(eq(events.type, type))
    .orderBy(desc(events.at), desc(events.id))
    .limit(1)
    .get();
}

export interface FetchStats {
  started: number;
  completed: number;
  failed: number;
  unfinished: number;
  failedReasons: Tally[];
}

export function fetchStats(store: Store, range: TimeRange): FetchStats {
  const started = countEvents(store, JOB_EVENT.fetch.started, range);
  const completed = countEvents(store, JOB_EVENT.fetch.completed, range);
  const failed = countEvents(store, JOB_EVENT.fetch.failed, range);
  const fromRuns = store.db
    .select({ key: jobRuns.reason, n: count() })
    .from(jobRuns)
    .where(
      and(
        eq(jobRuns.job, 'fetch'),
        eq(jobRuns.status, 'failed'),
        gte(jobRuns.startedAt, range.since),
        lte(jobRuns.startedAt, range.until),
      ),
    )
    .groupBy(jobRuns.reason)
    .all();
  const failedReasons = fromRuns.length
    ? tally(fromRuns)
    : tallyEventField(store, JOB_EVENT.fetch.failed, 'reason', range);
  return { started, completed, failed, unfinished: Math.max(0, started - completed - failed), failedReasons };
}

export interface SloStats {
  total: number;
  reasons: Tally[];
  latest: { reason: string; detail: string | null; at: number } | undefined;
}

export function sloStats(store: Store, range: TimeRange): SloStats {
  const rows = sloReasonsInRange(store, range);
  const latest = store.db
    .select({ reason: sloEvents.reason, detail: sloEvents.detail, at: sloEvents.at })
    .from(sloEvents)
    .where(lte(sloEvents.at, range.until))
    .orderBy(desc(sloEvents.at), desc(sloEvents.id))
    .limit(1)
    .get();
  return { total: rows.reduce((n, r) => n + r.n, 0), reasons: tally(rows, 20), latest };
}

export function detailOf(latest: SloStats['latest']): string {
  return latest?.detail ? ` (${latest.detail})` : '';
}

export interface CandidateStats {
  discovered: number;
  queued: number;
  rejected: number;
  rejectedReasons: Tally[];
  selected: number;
  expiredUnpicked: number;
}

export function candidateStats(store: Store, range: TimeRange): CandidateStats {
  const discovered = candidatesDiscovered(store, range);
  const rejectedRows = candidatesRejectedByReason(store, range);
  const expiredUnpicked = countRows(
    store,
    queueEntries,
    and(
      eq(queueEntries.status, 'expired'),
      gte(queueEntries.updatedAt, range.since),
      lte(queueEntries.updatedAt, range.until),
    ),
  );
  return {
    discovered,
    queued: countEvents(store, `candidate_${CANDIDATE.queued}`, range),
    rejected: rejectedRows.reduce((n, r) => n + r.n, 0),
    rejectedReasons: tally(rejectedRows),
    selected: countEvents(store, `candidate_${CANDIDATE.selected}`, range),
    expiredUnpicked,
  };
}

/** Every cause that holds, the most upstream first. */
export function starvationCauses(
  fetch: FetchStats,
  c: CandidateStats,
  lowWatermark: number,
  w: string,
): string[] {
  const causes: string[] = [];
  if (fetch.started === 0) causes.push(`fetch not running: no fetch run started in ${w}`);
  else if (fetch.unfinished > 1 || fetch.completed === 0) {
    causes.push(
      `fetch not completing: ${fetch.started} started, ${fetch.completed} completed, ${fetch.failed} failed in ${w}`,
    );
  } else if (fetch.failed > 0) {
    causes.push(
      `fetch failing sometimes: ${fetch.failed} of ${fetch.started} runs failed${reasons(fetch.failedReasons)}`,
    );
  }
  if (c.discovered === 0) causes.push(`no candidates discovered in ${w}`);
  const evaluated = c.rejected + c.queued;
  if (c.rejected > 0 && c.rejected * 2 >= evaluated) {
    causes.push(`evaluations rejected: ${c.rejected} of ${evaluated}${reasons(c.rejectedReasons)}`);
  }
  if (c.expiredUnpicked > 0 && c.expiredUnpicked >= c.selected) {
    causes.push(`entries expiring unpicked: ${c.expiredUnpicked} expired, ${c.selected} selected in ${w}`);
  }
  if (c.discovered > 0 && c.discovered < lowWatermark) {
    causes.push(`few candidates: ${c.discovered} discovered in ${w} (queue target ${lowWatermark})`);
  }
  if (causes.length === 0)
    causes.push(`scheduler finds no pickable entry (${c.queued} queued, ${c.selected} selected in ${w})`);
  return causes;
}

export function capUsage(store: Store, now: number, caps: { perHour: number; perDay: number } | undefined) {
  const usedSince = (since: number) =>
    countRows(store, permits, and(eq(permits.state, PERMIT.used), gt(permits.usedAt, since)));
  const usedLastHour = usedSince(now - 3_600_000);
  const usedLastDay = usedSince(now - 86_400_000);
  return { usedLastHour, usedLastDay, capPerHour: caps?.perHour ?? null, capPerDay: caps?.perDay ?? null };
}

export function capSentence(e: ReturnType<typeof capUsage>): string {
  const hour = `${e.usedLastHour} in the last hour${e.capPerHour === null ? '' : ` (cap ${e.capPerHour})`}`;
  const day = `${e.usedLastDay} in the last 24h${e.capPerDay === null ? '' : ` (cap ${e.capPerDay})`}`;
  return `replies posted: ${hour}, ${day}`;
}
