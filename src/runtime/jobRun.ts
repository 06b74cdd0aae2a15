import { and, eq, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { jobRuns } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { JobName } from '../../machines/job.ts';
import { JOB_EVENT } from '../events.ts';
import type { Logger } from '../logging.ts';
import type { Clock } from './clock.ts';
import { describeError, TimeoutError } from './errors.ts';
import type { IdSource } from './ids.ts';

export interface RunContext {
  runId: string;
  job: JobName;
  startedAt: number;
  deadlineAt: number;
  /** Aborted when the run passes its deadline: stop starting new effects. */
  signal: AbortSignal;
}

export type RunStats = Record<string, unknown>;

export interface JobRunDeps {
  store: Store;
  clock: Clock;
  ids: IdSource;
  log: Logger;
}

/** Raised by a run's work to end the run as failed with a known reason (not a crash). */
export class RunFailed extends Error {
  override name = 'RunFailed';
  constructor(
    readonly reason: string,
    readonly stats: RunStats = {},
  ) {
    super(reason);
  }
}

/**
 * One run of a job, bracketed durably: `<job>_started` is committed before the work, and
 * exactly one of `<job>_completed` / `<job>_failed` after it — a run past its deadline ends
 * as failed with reason `timeout`. (The old system lost completions for lack of a `finally`.)
 * A run interrupted by a crash is closed at the next boot by `closeOrphanRuns`.
 */
export async function runJob(
  deps: JobRunDeps,
  job: JobName,
  deadlineMs: number,
  work: (run: RunContext) => Promise<RunStats>,
  hooks: { onFailed?: (run: RunContext, reason: string) => void } = {},
): Promise<RunStats> {
  const { store, clock, ids } = deps;
  const startedAt = clock.now();
  const controller = new AbortController();
  const run: RunContext = {
    runId: ids.next(`run_${job}`),
    job,
    startedAt,
    deadlineAt: startedAt + deadlineMs,
    signal: controller.signal,
  };
  store.tx(() => {
    insertRun.run(store, { id: run.runId, job, startedAt, deadlineAt: run.deadlineAt });
    store.event({ at: startedAt, ...runIds(job, run.runId), type: JOB_EVENT[job].started });
  });

  let timer: { cancel(): void } | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => {
      controller.abort();
      reject(new TimeoutError(`${job} run passed its deadline of ${deadlineMs} ms`, { runId: run.runId }));
    }, deadlineMs);
  });
  try {
    const stats = await Promise.race([work(run), deadline]);
    finish(deps, run, 'completed', null, stats);
    return stats;
  } catch (error) {
    const reason =
      error instanceof TimeoutError
        ? 'timeout'
        : error instanceof RunFailed
          ? error.reason
          : describeError(error);
    const stats = error instanceof RunFailed ? error.stats : {};
    controller.abort();
    hooks.onFailed?.(run, reason);
    finish(deps, run, 'failed', reason, stats);
    throw error;
  } finally {
    timer?.cancel();
  }
}

function finish(
  deps: JobRunDeps,
  run: RunContext,
  status: 'completed' | 'failed',
  reason: string | null,
  stats: RunStats,
): void {
  const at = deps.clock.now();
  deps.store.tx(() => {
    const updated = finishRun.run(deps.store, {
      id: run.runId,
      status,
      endedAt: at,
      reason,
      stats: JSON.stringify(stats),
    });
    if (updated.changes === 0) return;
    deps.store.event({
      at,
      ...runIds(run.job, run.runId),
      type: status === 'completed' ? JOB_EVENT[run.job].completed : JOB_EVENT[run.job].failed,
      severity: status === 'completed' ? 'info' : 'warn',
      data: JSON.stringify({ reason, durationMs: at - run.startedAt, ...stats }),
    });
  });
  if (status === 'failed') deps.log.warn({ job: run.job, runId: run.runId, reason }, 'job run failed');
}

export function runIds(
  job: JobName,
  runId: string,
): { fetchRunId?: string; schedulerRunId?: string; actorId: string } {
  if (job === 'fetch') return { fetchRunId: runId, actorId: job };
  if (job === 'scheduler') return { schedulerRunId: runId, actorId: job };
  return { actorId: job };
}

/**
 * Boot: runs a crashed process left `running` are closed as failed (`timeout` when past
 * their deadline, else `crashed`), keeping started = completed + failed (+ in flight).
 * Returns the closed runs.
 */
export function closeOrphanRuns(
  deps: Pick<JobRunDeps, 'store' | 'clock'>,
): { id: string; job: JobName; reason: string }[] {
  const now = deps.clock.now();
  const rows = deps.store.db
    .select({
      id: jobRuns.id,
      job: jobRuns.job,
      deadlineAt: jobRuns.deadlineAt,
      startedAt: jobRuns.startedAt,
    })
    .from(jobRuns)
    .where(eq(jobRuns.status, 'running'))
    .all();
  const closed: { id: string; job: JobName; reason: string }[] = [];
  deps.store.tx(() => {
    for (const row of rows) {
      const reason = now > row.deadlineAt ? 'timeout' : 'crashed';
      deps.store.db
        .update(jobRuns)
        .set({ status: 'failed', endedAt: now, reason })
        .where(eq(jobRuns.id, row.id))
        .run();
      deps.store.event({
        at: now,
        ...runIds(row.job, row.id),
        type: JOB_EVENT[row.job].failed,
        severity: 'warn',
        data: JSON.stringify({ reason, durationMs: now - row.startedAt, recoveredAtBoot: true }),
      });
      closed.push({ id: row.id, job: row.job, reason });
    }
  });
  return closed;
}

// Prepared once per store: every job run writes these two (several per second in a simulation).
const insertRun = prepared<{ id: string; job: JobName; startedAt: number; deadlineAt: number }>()((db, p) =>
  db
    .insert(jobRuns)
    .values({ id: p.id, job: p.job, status: 'running', startedAt: p.startedAt, deadlineAt: p.deadlineAt })
    .prepare(),
);

const finishRun = prepared<{
  id: string;
  status: 'completed' | 'failed';
  endedAt: number;
  reason: string | null;
  stats: string;
}>()((db, p) =>
  db
    .update(jobRuns)
    // set() takes no placeholders by type: each goes through sql`` (a bound parameter all the same)
    .set({
      status: sql`${p.status}`,
      endedAt: sql`${p.endedAt}`,
      reason: sql`${p.reason}`,
      stats: sql`${p.stats}`,
    })
    .where(and(eq(jobRuns.id, p.id), eq(jobRuns.status, 'running')))
    .prepare(),
);
