import { acquireInstanceLock, type InstanceLock } from '../../db/instanceLock.ts';
import { migrate } from '../../db/migrate.ts';
import { openStore, type Store } from '../../db/store.ts';
import type { JobName } from '../../machines/job.ts';
import type { Config } from '../config/config.ts';
import { type Intervals, intervalsFor } from '../config/intervals.ts';
import type { ReplyGenerator } from '../generators/types.ts';
import { Controls } from '../jobs/controls.ts';
import type { PipelineDeps } from '../jobs/deps.ts';
import { createFetchWork } from '../jobs/fetch.ts';
import type { IngestDeps } from '../jobs/ingest.ts';
import { apiChannel, createPosterWork } from '../jobs/post.ts';
import { createReconcilerWork } from '../jobs/reconcile.ts';
import { type RecoveryReport, recoverAtBoot } from '../jobs/recovery.ts';
import type { ReplyChannel } from '../jobs/replyChannel.ts';
import { createSchedulerWork, onSchedulerRunFailed } from '../jobs/schedule.ts';
import { createTimerDispatch } from '../jobs/timerHandlers.ts';
import type { Logger } from '../logging.ts';
import type { PlatformAdapter } from '../platforms/contract.ts';
import { capPolicyFrom } from '../policy/caps.ts';
import { evaluationPolicyFrom } from '../policy/evaluate.ts';
import { spendPolicyFrom } from '../policy/spendRules.ts';
import { type Clock, systemClock } from '../runtime/clock.ts';
import { DurableTimers } from '../runtime/durableTimers.ts';
import { EntityHost } from '../runtime/entityHost.ts';
import { describeError } from '../runtime/errors.ts';
import { type IdSource, randomIds } from '../runtime/ids.ts';
import { type Inspection, startInspection } from '../runtime/inspection.ts';
import { type RunContext, type RunStats, runJob } from '../runtime/jobRun.ts';
import { Supervisor } from '../runtime/supervisor.ts';
import type { AppHandle, HealthReport } from './types.ts';

export interface ReplywrightOptions {
  config: Config;
  log: Logger;
  platform: PlatformAdapter;
  generator: ReplyGenerator;
  /**
   * How replies are sent; the platform API by default. A factory gets the pipeline's deps
   * (the browser poster re-checks the permit through them just before its click).
   */
  channel?: ReplyChannel | ((deps: PipelineDeps) => ReplyChannel | Promise<ReplyChannel>);
  clock?: Clock;
  ids?: IdSource;
  intervals?: Intervals;
  /** An already-open store (tests); otherwise config.REPLYWRIGHT_DB is opened and migrated. */
  store?: Store;
  /**
   * The database's instance lock, taken before anything else (`npm start` takes it first
   * thing). Without a store and without this, it is taken here; migrations run under it.
   */
  instanceLock?: InstanceLock;
  /** Start the job actors (default true). Simulations drive `runOnce` instead. */
  supervise?: boolean;
}

export interface Replywright extends AppHandle {
  readonly deps: PipelineDeps;
  readonly recovery: RecoveryReport | null;
  /** Boot: migrate, recover, arm timers, start the supervisor. */
  start(): Promise<void>;
  /** Runs one job once, now, through the same durable run bracket (tests, simulation). */
  runOnce(job: JobName): Promise<RunStats>;
  /** Fires due durable timers now (tests, simulation). */
  fireTimers(): number;
  /** Drain: no new runs, in-flight runs finish; then checkpoint and close. */
  stop(): Promise<void>;
  /** Simulates process death: timers and actors stop at once, nothing more is written by them. */
  abandon(): void;
}

/**
 * Assembles replywright: store, entity host, durable timers, job effects and the supervisor.
 * Everything with a side effect comes in through options, so a test or the simulator can
 * pass a simulated clock, seeded ids and an in-process platform.
 */
export async function createReplywright(options: ReplywrightOptions): Promise<Replywright> {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds(() => clock.now());
  const intervals = options.intervals ?? intervalsFor(config);
  const instance =
    options.instanceLock ?? (options.store ? null : await acquireInstanceLock(config.REPLYWRIGHT_DB));
  const store = options.store ?? (await openStore(config.REPLYWRIGHT_DB));
  migrate(store, () => clock.now());
  instance?.attach(store);
  const host = new EntityHost(store, clock);
  const controls = new Controls(store, host, clock);
  const resolveWindowMs = Math.max(10 * intervals.reconciler.intervalMs, 10 * 60_000);
  const timers = new DurableTimers(
    store,
    clock,
    log,
    createTimerDispatch({ store, host, clock, resolveWindowMs }),
  );
  host.onTimerScheduled((dueAt) => timers.scheduled(dueAt));

  const deps: PipelineDeps = {
    config,
    intervals,
    store,
    host,
    clock,
    ids,
    log,
    platform: options.platform,
    generator: options.generator,
    controls,
  };
  const ingest: IngestDeps = {
    store,
    host,
    clock,
    ids,
    platformName: options.platform.name,
    policy: evaluationPolicyFrom(config),
    queueTtlMs: config.REPLYWRIGHT_QUEUE_TTL_MIN * 60_000,
  };
  const channel =
    typeof options.channel === 'function'
      ? await options.channel(deps)
      : (options.channel ?? apiChannel(deps));
  let supervisor: Supervisor | null = null;
  // A run that made work for the next job wakes it now rather than at its next interval: a
  // queued candidate ticks the scheduler, a granted permit the poster.
  const thenWake =
    (next: JobName, madeWork: (stats: RunStats) => boolean, job: (run: RunContext) => Promise<RunStats>) =>
    async (run: RunContext): Promise<RunStats> => {
      const stats = await job(run);
      if (madeWork(stats)) supervisor?.tick(next);
      return stats;
    };
  const work: Record<JobName, (run: RunContext) => Promise<RunStats>> = {
    fetch: thenWake('scheduler', (stats) => Number(stats.queued) > 0, createFetchWork(deps, ingest)),
    scheduler: thenWake(
      'poster',
      (stats) => stats.reason === 'permitted',
      createSchedulerWork(deps, {
        caps: capPolicyFrom(config),
        onQueueLow: () => supervisor?.tick('fetch'),
      }),
    ),
    poster: createPosterWork(deps, {
      channel,
      resolveWindowMs,
      policy: spendPolicyFrom(config, intervals.postingDeadlineMs + channel.responseTimeoutMs),
    }),
    reconciler: createReconcilerWork(deps, {
      lookbackMs: 24 * 3_600_000,
      settleMs: intervals.postingDeadlineMs + channel.responseTimeoutMs,
      keyCarried: channel.carriesKey,
    }),
  };
  const runOnce = (job: JobName) =>
    runJob({ store, clock, ids, log }, job, intervals[job].deadlineMs, work[job], {
      onFailed: (run, reason) => {
        if (job === 'scheduler') onSchedulerRunFailed(deps, run.runId, reason);
      },
    });

  let recovery: RecoveryReport | null = null;
  let inspection: Inspection | null = null;
  let stopped = false;

  const health = (): HealthReport => {
    let dbWritable = false;
    try {
      store.tx(() => store.statement('select 1').get());
      dbWritable = true;
    } catch (error) {
      log.error({ err: describeError(error) }, 'database is not writable');
    }
    const view = supervisor?.view() ?? { state: 'not_started', health: 'stopped' as const, children: {} };
    const supervised = options.supervise !== false;
    return {
      live: !stopped,
      ready: !stopped && dbWritable && (!supervised || view.health === 'healthy'),
      dbWritable,
      supervisor: view,
    };
  };

  return {
    config,
    store,
    clock,
    log,
    host,
    controls,
    deps,
    get recovery() {
      return recovery;
    },
    health,
    onEvent: (listener) => store.onEventsCommitted(listener),
    async start() {
      recovery = recoverAtBoot({ ...deps, resolveWindowMs }, log);
      timers.start();
      timers.fireDue();
      if (options.supervise === false) return;
      inspection = config.INSPECT
        ? startInspection({ store, url: config.REPLYWRIGHT_INSPECT_URL, log })
        : null;
      supervisor = new Supervisor(
        { clock, log, store, ...(inspection ? { inspect: inspection.inspect } : {}) },
        (['fetch', 'scheduler', 'poster', 'reconciler'] as const).map((name) => ({
          name,
          timing: intervals[name],
          work: () => runOnce(name),
        })),
      );
      supervisor.start();
    },
    runOnce,
    fireTimers: () => timers.fireDue(),
    abandon() {
      stopped = true;
      timers.stop();
      supervisor?.abandon();
      // A dead process's lock is gone at once; its holder row stays, as after a kill -9.
      instance?.release();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await supervisor?.drain();
      inspection?.stop();
      timers.stop();
      await channel.close?.();
      instance?.detach();
      if (!options.store) store.close();
      instance?.release();
    },
  };
}
