import { and, count, eq, gt, gte, inArray, sql } from 'drizzle-orm';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { prepared } from '../db/prepared.ts';
import { candidates, events, ghosts as ghostsTable, jobRuns, permits } from '../db/schema.ts';
import { CANDIDATE, PERMIT } from '../machines/stateGroups.ts';
import type { AppHandle } from '../src/app/types.ts';
import { countRows, queueSize } from '../src/proof/queries.ts';
import { DAY_MS, spendSinceId, spendWindow } from '../src/spend/queries.ts';

/**
 * Prometheus metrics for one app, in a private Registry (two apps in one process never share
 * series). Counters read only what is new since the last scrape: events by id, ghosts by
 * count, finished job runs by start time per job — so a scrape stays cheap as tables grow.
 *
 * @example const metrics = createMetrics(app); c.text(await metrics.render())
 */
export interface Metrics {
  registry: Registry;
  contentType: string;
  render(): Promise<string>;
}

/** The machines' states, each with a series even at 0 (a quarantined row adds its own). */
const PERMIT_STATES = Object.values(PERMIT);
const CANDIDATE_STATES = Object.values(CANDIDATE);
const JOBS = ['fetch', 'scheduler', 'poster', 'reconciler'] as const;

// NOT INDEXED: left to itself SQLite answers the GROUP BY by scanning all of events_type_at
// (every event ever, each scrape); by rowid it reads only the events since the last scrape.
// The fields are `sql` so drizzle accepts a `from` it cannot see as the `events` table.
const newEventsByType = prepared<{ after: number }>()((db, p) =>
  db
    .select({ type: sql<string>`${events.type}`, n: count(), last: sql<number>`max(${events.id})` })
    .from(sql`${events} not indexed`)
    .where(gt(events.id, p.after))
    .groupBy(sql`${events.type}`)
    .prepare(),
);

const RUN_FIELDS = {
  id: jobRuns.id,
  status: jobRuns.status,
  startedAt: jobRuns.startedAt,
  endedAt: jobRuns.endedAt,
};

const runsStartedSince = prepared<{ job: (typeof JOBS)[number]; since: number }>()((db, p) =>
  db
    .select(RUN_FIELDS)
    .from(jobRuns)
    .where(and(eq(jobRuns.job, p.job), gte(jobRuns.startedAt, p.since)))
    .prepare(),
);

const permitsByState = prepared()((db) =>
  db.select({ state: permits.state, n: count() }).from(permits).groupBy(permits.state).prepare(),
);

const candidatesByState = prepared()((db) =>
  db.select({ state: candidates.state, n: count() }).from(candidates).groupBy(candidates.state).prepare(),
);

export function createMetrics(app: AppHandle): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const eventsTotal = new Counter({
    name: 'replywright_events_total',
    help: 'Event rows written, by type',
    labelNames: ['type'],
    registers,
  });
  const ghostsTotal = new Counter({
    name: 'replywright_ghosts_total',
    help: 'Posts no used permit explains',
    registers,
  });
  const queue = new Gauge({
    name: 'replywright_queue_size',
    help: 'Queue entries queued and not expired',
    registers,
  });
  const permitGauge = new Gauge({
    name: 'replywright_permits',
    help: 'Permits by state',
    labelNames: ['state'],
    registers,
  });
  const candidateGauge = new Gauge({
    name: 'replywright_candidates',
    help: 'Candidates by state',
    labelNames: ['state'],
    registers,
  });
  const childUp = new Gauge({
    name: 'replywright_supervisor_child_up',
    help: '1 when the job actor runs',
    labelNames: ['child'],
    registers,
  });
  const paused = new Gauge({ name: 'replywright_paused', help: '1 when the kill switch is on', registers });
  const platformCalls = new Counter({
    name: 'replywright_platform_calls_total',
    help: 'Calls the platform adapter made to a paid API, by operation and outcome',
    labelNames: ['platform', 'operation', 'outcome'],
    registers,
  });
  const platformSpend = new Counter({
    name: 'replywright_platform_spend_usd_total',
    help: 'What those calls cost at the configured prices (USD)',
    labelNames: ['platform', 'operation'],
    registers,
  });
  const spend24h = new Gauge({
    name: 'replywright_platform_spend_usd_24h',
    help: 'Platform spend of the last 24 h (USD)',
    registers,
  });
  const costPerReply = new Gauge({
    name: 'replywright_cost_per_reply_usd_24h',
    help: 'Platform spend of the last 24 h per reply posted in it (USD; absent without a reply)',
    registers,
  });
  const budget = new Gauge({
    name: 'replywright_daily_budget_usd',
    help: 'REPLYWRIGHT_DAILY_BUDGET_USD (absent when unset)',
    registers,
  });
  const durations = new Histogram({
    name: 'replywright_job_run_duration_seconds',
    help: 'Duration of finished job runs, by job and status',
    labelNames: ['job', 'status'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });

  let lastEventId = 0;
  let lastCallId = 0;
  let ghostsSeen = 0;
  const runs = new Map(
    JOBS.map((job) => [
      job,
      { watermark: 0, seenAtWatermark: new Set<string>(), pending: new Set<string>() },
    ]),
  );
  const { store } = app;

  const refresh = () => {
    for (const row of newEventsByType.all(store, { after: lastEventId })) {
      eventsTotal.inc({ type: row.type }, row.n);
      lastEventId = Math.max(lastEventId, row.last);
    }
    const ghosts = countRows(store, ghostsTable);
    if (ghosts > ghostsSeen) ghostsTotal.inc(ghosts - ghostsSeen);
    ghostsSeen = Math.max(ghostsSeen, ghosts);

    queue.set(queueSize(store, app.clock.now()));
    setByState(permitGauge, PERMIT_STATES, permitsByState.all(store, {}));
    setByState(candidateGauge, CANDIDATE_STATES, candidatesByState.all(store, {}));
    const health = app.health();
    childUp.reset();
    for (const [child, h] of Object.entries(health.supervisor.children))
      childUp.set({ child }, h.status === 'running' ? 1 : 0);
    paused.set(app.controls.isPaused() ? 1 : 0);

    // Priced platform calls: only rows new since the last scrape are read.
    const calls = spendSinceId(store, lastCallId);
    for (const r of calls.rows) {
      platformCalls.inc({ platform: r.platform, operation: r.operation, outcome: r.outcome }, r.calls);
      if (r.spendUsd > 0) platformSpend.inc({ platform: r.platform, operation: r.operation }, r.spendUsd);
    }
    lastCallId = calls.lastId;
    const day = spendWindow(store, app.clock.now(), DAY_MS);
    spend24h.set(day.spendUsd);
    costPerReply.reset();
    if (day.costPerReplyUsd !== null) costPerReply.set(day.costPerReplyUsd);
    budget.reset();
    if (app.config.REPLYWRIGHT_DAILY_BUDGET_USD !== undefined)
      budget.set(app.config.REPLYWRIGHT_DAILY_BUDGET_USD);

    for (const job of JOBS) {
      const track = runs.get(job)!;
      const rows = runsStartedSince.all(store, { job, since: track.watermark });
      if (track.pending.size) {
        rows.push(
          ...store.db
            .select(RUN_FIELDS)
            .from(jobRuns)
            .where(inArray(jobRuns.id, [...track.pending]))
            .all(),
        );
      }
      const unique = new Map(rows.map((r) => [r.id, r]));
      let watermark = track.watermark;
      for (const r of unique.values()) watermark = Math.max(watermark, r.startedAt);
      const seen = new Set<string>();
      for (const r of unique.values()) {
        const boundary = r.startedAt === track.watermark && track.seenAtWatermark.has(r.id);
        if (boundary) {
          if (r.startedAt === watermark) seen.add(r.id);
          continue;
        }
        if (r.status === 'running' || r.endedAt === null) {
          track.pending.add(r.id);
          continue;
        }
        if (!track.pending.has(r.id) && r.startedAt < track.watermark) continue;
        track.pending.delete(r.id);
        durations.observe({ job, status: r.status }, Math.max(0, r.endedAt - r.startedAt) / 1000);
        if (r.startedAt === watermark) seen.add(r.id);
      }
      track.watermark = watermark;
      track.seenAtWatermark = seen;
    }
  };

  return {
    registry,
    contentType: registry.contentType,
    async render() {
      refresh();
      return registry.metrics();
    },
  };
}

function setByState(
  gauge: Gauge<'state'>,
  known: readonly string[],
  rows: readonly { state: string; n: number }[],
): void {
  gauge.reset();
  for (const state of known) gauge.set({ state }, 0);
  for (const row of rows) gauge.set({ state: row.state }, row.n);
}
