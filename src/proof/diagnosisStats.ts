import type { Store } from '../../db/store.ts';
import { JOB_EVENT } from '../events.ts';
import { countEvents, scalar, type Tally, type TimeRange, tally, tallyEventField } from './queries.ts';

/** The measurements the diagnosis reasons over, and the sentences it names causes with. */
export function reasons(items: Tally[]): string {
  return items.length ? ` (top: ${items.map((t) => `${t.key} ${t.count}`).join(', ')})` : '';
}

export function latestEvent(store: Store, type: string): { at: number; data: string | null } | undefined {
  return store.statement('select at, data from events where type = ? order by at desc, id desc limit 1').get(type) as
    | { at: number; data: string | null }
    | undefined;
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
  const fromRuns = store
    .statement(
      `select reason as key, count(*) as n from job_runs where job = 'fetch' and status = 'failed'
       and started_at >= ? and started_at <= ? group by reason`,
    )
    .all(range.since, range.until) as { key: string | null; n: number }[];
  const failedReasons = fromRuns.length ? tally(fromRuns) : tallyEventField(store, JOB_EVENT.fetch.failed, 'reason', range);
  return { started, completed, failed, unfinished: Math.max(0, started - completed - failed), failedReasons };
}

export interface SloStats {
  total: number;
  reasons: Tally[];
  latest: { reason: string; detail: string | null; at: number } | undefined;
}

export function sloStats(store: Store, range: TimeRange): SloStats {
  const rows = store
    .statement('select reason as key, count(*) as n from slo_events where at >= ? and at <= ? group by reason')
    .all(range.since, range.until) as { key: string; n: number }[];
  const latest = store
    .statement('select reason, detail, at from slo_events where at <= ? order by at desc, id desc limit 1')
    .get(range.until) as SloStats['latest'];
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
  const discovered = scalar(
    store,
    'select count(*) as n from candidates where discovered_at >= ? and discovered_at <= ?',
    range.since,
    range.until,
  );
  const rejectedRows = store
    .statement(
      `select reason_code as key, count(*) as n from candidates where state = 'rejected'
       and updated_at >= ? and updated_at <= ? group by reason_code`,
    )
    .all(range.since, range.until) as { key: string | null; n: number }[];
  const expiredUnpicked = scalar(
    store,
    "select count(*) as n from queue_entries where status = 'expired' and updated_at >= ? and updated_at <= ?",
    range.since,
    range.until,
  );
  return {
    discovered,
    queued: countEvents(store, 'candidate_queued', range),
    rejected: rejectedRows.reduce((n, r) => n + r.n, 0),
    rejectedReasons: tally(rejectedRows),
    selected: countEvents(store, 'candidate_selected', range),
    expiredUnpicked,
  };
}

/** Every cause that holds, the most upstream first. */
export function starvationCauses(fetch: FetchStats, c: CandidateStats, lowWatermark: number, w: string): string[] {
  const causes: string[] = [];
  if (fetch.started === 0) causes.push(`fetch not running: no fetch run started in ${w}`);
  else if (fetch.unfinished > 1 || fetch.completed === 0) {
    causes.push(
      `fetch not completing: ${fetch.started} started, ${fetch.completed} completed, ${fetch.failed} failed in ${w}`,
    );
  } else if (fetch.failed > 0) {
    causes.push(`fetch failing sometimes: ${fetch.failed} of ${fetch.started} runs failed${reasons(fetch.failedReasons)}`);
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
  if (causes.length === 0) causes.push(`scheduler finds no pickable entry (${c.queued} queued, ${c.selected} selected in ${w})`);
  return causes;
}

export function capUsage(store: Store, now: number, caps: { perHour: number; perDay: number } | undefined) {
  const usedLastHour = scalar(store, "select count(*) as n from permits where state = 'used' and used_at > ?", now - 3_600_000);
  const usedLastDay = scalar(store, "select count(*) as n from permits where state = 'used' and used_at > ?", now - 86_400_000);
  return { usedLastHour, usedLastDay, capPerHour: caps?.perHour ?? null, capPerDay: caps?.perDay ?? null };
}

export function capSentence(e: ReturnType<typeof capUsage>): string {
  const hour = `${e.usedLastHour} in the last hour${e.capPerHour === null ? '' : ` (cap ${e.capPerHour})`}`;
  const day = `${e.usedLastDay} in the last 24h${e.capPerDay === null ? '' : ` (cap ${e.capPerDay})`}`;
  return `replies posted: ${hour}, ${day}`;
}
