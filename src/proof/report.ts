import { and, asc, desc, eq, gte, isNotNull, lt, lte, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { listMigrations } from '../../db/migrate.ts';
import {
  actors,
  candidates,
  events,
  ghosts,
  jobRuns as jobRunsTable,
  permits,
  schemaMigrations,
  sloEvents,
} from '../../db/schema.ts';
import { hasTable } from '../../db/sqliteMaster.ts';
import type { Store } from '../../db/store.ts';
import { PERMIT, QUARANTINED } from '../../machines/stateGroups.ts';
import { EVENT, JOB_EVENT } from '../events.ts';
import { type SpendWindow, spendWindow } from '../spend/queries.ts';
import { formatDuration } from './duration.ts';
import {
  countEvents,
  countEventsEver,
  countRows,
  eventData,
  queueSize,
  rangeOf,
  sloReasonsInRange,
  type Tally,
  tally,
} from './queries.ts';
import { queueCheck } from './queueCheck.ts';
import { DEFAULT_TARGETS, type ProofTargets } from './targets.ts';
import { latestPostedPermitId, type TraceChain, traceChain } from './traceChain.ts';

/**
 * The production proof the seed's operators wrote by hand, computed from the store.
 *
 * Status:
 * - `OPERATIONAL` — every row passes.
 * - `PARTIALLY OPERATIONAL` — replies are going out correctly (migrations, permits used,
 *   no ghosts, every job run accounted for, a complete trace chain) but a throughput target
 *   (fetch, queue, scheduler, SLO, permits created) is missed, or an actor is quarantined (the
 *   pipeline goes on around it; an operator must look at it).
 * - `NOT OPERATIONAL` — anything else, in particular nothing posted in the window. Unlike
 *   the seed, "the scheduler runs but nothing posts" is never called partially operational.
 *
 * @example
 * const report = buildProofReport(store, { now: Date.now(), windowMs: 30 * 60_000 });
 * if (report.status !== 'OPERATIONAL') console.log(report.rows.filter((r) => !r.pass));
 */
export type ProofStatus = 'OPERATIONAL' | 'PARTIALLY OPERATIONAL' | 'NOT OPERATIONAL';

export interface ProofRow {
  key: string;
  metric: string;
  target: string;
  actual: number | string;
  pass: boolean;
  /** Shown for context; never decides the status. */
  informational?: boolean;
  detail?: string;
}

export interface JobRunBalance {
  job: JobName;
  started: number;
  completed: number;
  failed: number;
  /** started − completed − failed, from events; must be 0 or 1. */
  inFlight: number;
  /** job_runs rows still `running`. */
  running: number;
  /** Running rows already past their deadline (the reaper fails them with reason `timeout`). */
  overdue: number;
  pass: boolean;
}

export interface ProofReport {
  generatedAt: number;
  windowMs: number;
  window: string;
  since: number;
  status: ProofStatus;
  allPass: boolean;
  targets: ProofTargets;
  migrations: {
    known: number;
    applied: { version: number; name: string; appliedAt: number; eventAt: number | null }[];
  };
  counts: {
    fetchStarted: number;
    fetchCompleted: number;
    fetchFailed: number;
    queueSize: number;
    schedulerStarted: number;
    sloEvents: number;
    permitsCreated: number;
    permitsUsed: number;
    ghosts: number;
  };
  sloReasons: Tally[];
  /** Actors this build cannot revive, all time (newest first, at most 20): each needs an operator. */
  quarantined: QuarantinedActor[];
  jobRuns: JobRunBalance[];
  ghosts: { platform: string; postId: string; kind: string; detectedAt: number }[];
  trace: TraceChain | null;
  /** What the platform calls of the window cost (src/spend/). */
  spend: SpendWindow;
  rows: ProofRow[];
}

export interface QuarantinedActor {
  id: string;
  kind: string;
  /** The state its snapshot was in. */
  state: string;
  code: string | null;
}

export interface ProofOptions {
  now: number;
  windowMs: number;
  targets?: Partial<ProofTargets>;
  /** How many migrations the code ships; read from db/migrations by default. */
  knownMigrations?: number;
}

type JobName = keyof typeof JOB_EVENT;
const JOBS = Object.keys(JOB_EVENT) as JobName[];
const SAFETY_ROWS = new Set(['migrations', 'permitsUsed', 'ghosts', 'trace']);

export function buildProofReport(store: Store, options: ProofOptions): ProofReport {
  const { now, windowMs } = options;
  const targets = { ...DEFAULT_TARGETS, ...options.targets };
  const range = rangeOf(now, windowMs);
  const since = range.since;

  const migrations = appliedMigrations(store);
  const known = options.knownMigrations ?? listMigrations().length;

  const counts = {
    fetchStarted: countEvents(store, JOB_EVENT.fetch.started, range),
    fetchCompleted: countEvents(store, JOB_EVENT.fetch.completed, range),
    fetchFailed: countEvents(store, JOB_EVENT.fetch.failed, range),
    queueSize: queueSize(store, now),
    schedulerStarted: countEvents(store, JOB_EVENT.scheduler.started, range),
    sloEvents: countRows(store, sloEvents, and(gte(sloEvents.at, since), lte(sloEvents.at, now))),
    permitsCreated: countRows(
      store,
      permits,
      and(
        eq(permits.pipelineSource, 'scheduler'),
        gte(permits.createdAt, since),
        lte(permits.createdAt, now),
      ),
    ),
    permitsUsed: countRows(
      store,
      permits,
      and(
        eq(permits.state, PERMIT.used),
        eq(permits.pipelineSource, 'scheduler'),
        isNotNull(permits.actualPostId),
        gte(permits.usedAt, since),
        lte(permits.usedAt, now),
      ),
    ),
    ghosts: countRows(
      store,
      ghosts,
      and(eq(ghosts.kind, 'unexplained_post'), gte(ghosts.detectedAt, since), lte(ghosts.detectedAt, now)),
    ),
  };

  const sloReasons = tally(sloReasonsInRange(store, range), 20);
  const jobRuns = JOBS.map((job) => jobRunBalance(store, job, now));
  // A candidate has no actors row: its row's state is its quarantine (src/runtime/candidateRow.ts).
  const quarantinedCount =
    countRows(store, actors, eq(actors.status, QUARANTINED)) +
    countRows(store, candidates, eq(candidates.state, QUARANTINED));
  const quarantined = quarantinedActors(store);
  const ghostRows = store.db
    .select({
      platform: ghosts.platform,
      postId: ghosts.postId,
      kind: ghosts.kind,
      detectedAt: ghosts.detectedAt,
    })
    .from(ghosts)
    .where(and(gte(ghosts.detectedAt, since), lte(ghosts.detectedAt, now)))
    .orderBy(desc(ghosts.detectedAt))
    .limit(50)
    .all();
  const latest = latestPostedPermitId(store, since);
  const trace = latest ? traceChain(store, latest) : null;
  const spend = spendWindow(store, now, windowMs);

  const atLeast = (
    key: keyof typeof counts & keyof ProofTargets,
    metric: string,
    detail?: string,
  ): ProofRow => ({
    key,
    metric,
    target: `>= ${targets[key]}`,
    actual: counts[key],
    pass: counts[key] >= targets[key],
    ...(detail ? { detail } : {}),
  });
  const migrationEventsOk = migrations.every((m) => m.eventAt !== null);
  const rows: ProofRow[] = [
    {
      key: 'migrations',
      metric: 'Migrations applied',
      target: `${known} of ${known}, each with ${EVENT.migrationApplied}`,
      actual: `${migrations.length} of ${known}`,
      pass: migrations.length >= known && migrationEventsOk,
      detail: migrations
        .map((m) => `${m.version} ${m.name}${m.eventAt === null ? ' (no event)' : ''}`)
        .join(', '),
    },
    atLeast('fetchStarted', 'Fetch started'),
    atLeast('fetchCompleted', 'Fetch completed'),
    {
      key: 'fetchFailed',
      metric: 'Fetch failed',
      target: 'report',
      actual: counts.fetchFailed,
      pass: true,
      informational: true,
    },
    {
      key: 'queueSize',
      metric: 'Queue size (queued, not expired)',
      actual: counts.queueSize,
      ...queueCheck(store, {
        range,
        queueSize: counts.queueSize,
        target: targets.queueSize,
        permitsCreated: counts.permitsCreated,
      }),
    },
    atLeast('schedulerStarted', 'Scheduler started'),
    atLeast('sloEvents', 'SLO events', sloReasons.map((r) => `${r.key} ${r.count}`).join(', ')),
    atLeast('permitsCreated', 'Permits created'),
    atLeast('permitsUsed', 'Permits used'),
    {
      key: 'ghosts',
      metric: 'Ghosts detected',
      target: targets.ghostsMax === 0 ? '= 0' : `<= ${targets.ghostsMax}`,
      actual: counts.ghosts,
      pass: counts.ghosts <= targets.ghostsMax,
    },
    {
      key: 'quarantined',
      metric: 'Quarantined actors',
      target: '= 0',
      actual: quarantinedCount,
      pass: quarantinedCount === 0,
      ...(quarantinedCount > 0 ? { detail: describeQuarantined(quarantined, quarantinedCount) } : {}),
    },
    {
      key: 'platformSpend',
      metric: 'Platform spend (priced calls)',
      target: 'report',
      actual: `$${spend.spendUsd.toFixed(3)}`,
      pass: true,
      informational: true,
      detail: `${spend.calls} calls${spend.byOperation.length ? `: ${spend.byOperation.map((o) => `${o.operation} ${o.calls}`).join(', ')}` : ''}`,
    },
    {
      key: 'costPerReply',
      metric: 'Cost per reply',
      target: 'report',
      actual: spend.costPerReplyUsd === null ? 'no reply posted' : `$${spend.costPerReplyUsd.toFixed(4)}`,
      pass: true,
      informational: true,
      detail: `${spend.replies} replies; ${spend.callsPerReply ?? '—'} calls per reply`,
    },
    ...jobRuns.map(
      (b): ProofRow => ({
        key: `jobRuns.${b.job}`,
        metric: `Job runs balanced: ${b.job}`,
        target: 'started = completed + failed + in flight (<= 1)',
        actual: `${b.started} = ${b.completed} + ${b.failed} + ${b.inFlight}`,
        pass: b.pass,
        detail: `all time; ${b.running} running${b.overdue ? `, ${b.overdue} past deadline` : ''}`,
      }),
    ),
    {
      key: 'trace',
      metric: 'Trace chain of latest posted reply',
      target: 'complete',
      actual: trace ? (trace.complete ? 'complete' : 'incomplete') : 'no posted reply',
      pass: trace?.complete ?? false,
      detail: trace
        ? `${trace.permitId} → ${trace.postedPostId ?? '?'}${trace.complete ? '' : `; failing: ${failingChecks(trace)}`}`
        : `no used permit in the last ${formatDuration(windowMs)}`,
    },
  ];

  const decisive = rows.filter((r) => !r.informational);
  const allPass = decisive.every((r) => r.pass);
  const safe = decisive
    .filter((r) => SAFETY_ROWS.has(r.key) || r.key.startsWith('jobRuns.'))
    .every((r) => r.pass);
  const status: ProofStatus = allPass ? 'OPERATIONAL' : safe ? 'PARTIALLY OPERATIONAL' : 'NOT OPERATIONAL';

  return {
    generatedAt: now,
    windowMs,
    window: formatDuration(windowMs),
    since,
    status,
    allPass,
    targets,
    migrations: { known, applied: migrations },
    counts,
    sloReasons,
    quarantined,
    jobRuns,
    ghosts: ghostRows,
    trace,
    spend,
    rows,
  };
}

function failingChecks(trace: TraceChain): string {
  return trace.checks
    .filter((c) => !c.pass)
    .map((c) => c.name)
    .join('; ');
}

function appliedMigrations(store: Store): ProofReport['migrations']['applied'] {
  if (!hasTable(store, 'schema_migrations')) return [];
  const rows = store.db
    .select({
      version: schemaMigrations.version,
      name: schemaMigrations.name,
      appliedAt: schemaMigrations.appliedAt,
    })
    .from(schemaMigrations)
    .orderBy(asc(schemaMigrations.version))
    .all();
  const applied = store.db
    .select({ at: events.at, data: events.data })
    .from(events)
    .where(eq(events.type, EVENT.migrationApplied))
    .all();
  const eventAt = new Map<number, number>();
  for (const e of applied) {
    const version = eventData(e.data).version;
    if (typeof version === 'number') eventAt.set(version, e.at);
  }
  return rows.map((r) => ({ ...r, eventAt: eventAt.get(r.version) ?? null }));
}

/**
 * The newest quarantined actors, with the code of the problem their quarantine event recorded
 * (and, for a candidate, whose row now says `quarantined`, the state it was in).
 */
function quarantinedActors(store: Store): QuarantinedActor[] {
  const latestQuarantineOf = (column: SQLiteColumn, id: SQLiteColumn) =>
    store.db
      .select({ data: events.data })
      .from(events)
      .where(and(eq(column, id), eq(events.type, EVENT.actorQuarantined)))
      .orderBy(desc(events.id))
      .limit(1);
  const fromActors = store.db
    .select({
      id: actors.id,
      kind: actors.kind,
      state: actors.state,
      updatedAt: actors.updatedAt,
      data: sql<string | null>`(${latestQuarantineOf(events.actorId, actors.id)})`,
    })
    .from(actors)
    .where(eq(actors.status, QUARANTINED))
    .orderBy(desc(actors.updatedAt), asc(actors.id))
    .limit(QUARANTINED_LISTED)
    .all();
  const fromCandidates = store.db
    .select({
      id: candidates.id,
      updatedAt: candidates.updatedAt,
      data: sql<string | null>`(${latestQuarantineOf(events.candidateId, candidates.id)})`,
    })
    .from(candidates)
    .where(eq(candidates.state, QUARANTINED))
    .orderBy(desc(candidates.updatedAt), asc(candidates.id))
    .limit(QUARANTINED_LISTED)
    .all()
    .map((row) => {
      const was = eventData(row.data).state;
      return { ...row, kind: 'candidate', state: typeof was === 'string' ? was : QUARANTINED };
    });
  return [...fromActors, ...fromCandidates]
    .sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, QUARANTINED_LISTED)
    .map(({ data, updatedAt: _, ...row }) => {
      const code = eventData(data).code;
      return { ...row, code: typeof code === 'string' ? code : null };
    });
}

const QUARANTINED_LISTED = 20;

function describeQuarantined(listed: QuarantinedActor[], total: number): string {
  const ids = listed.map((q) => `${q.id} (${q.kind}, was ${q.state}${q.code ? `: ${q.code}` : ''})`);
  const more = total > listed.length ? `, and ${total - listed.length} more` : '';
  return `all time; ${ids.join(', ')}${more}`;
}

/** Invariant 6 over all time: every started run ended, except at most one in flight. */
export function jobRunBalance(store: Store, job: JobName, now: number): JobRunBalance {
  const names = JOB_EVENT[job];
  const started = countEventsEver(store, names.started);
  const completed = countEventsEver(store, names.completed);
  const failed = countEventsEver(store, names.failed);
  const runningOf = and(eq(jobRunsTable.status, 'running'), eq(jobRunsTable.job, job));
  const running = countRows(store, jobRunsTable, runningOf);
  const overdue = countRows(store, jobRunsTable, and(runningOf, lt(jobRunsTable.deadlineAt, now)));
  const inFlight = started - completed - failed;
  return {
    job,
    started,
    completed,
    failed,
    inFlight,
    running,
    overdue,
    pass: inFlight >= 0 && inFlight <= 1 && running <= 1,
  };
}
