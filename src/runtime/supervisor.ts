import { type Actor, createActor, fromPromise, type InspectionEvent, type Observer } from 'xstate';
import type { Store } from '../../db/store.ts';
import type { JobName } from '../../machines/job.ts';
import { jobMachines } from '../../machines/registry.ts';
import { supervisorHealth, supervisorMachine } from '../../machines/supervisor.ts';
import type { SupervisorView } from '../app/types.ts';
import type { JobTiming } from '../config/intervals.ts';
import { EVENT } from '../events.ts';
import type { Logger } from '../logging.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { describeError } from './errors.ts';

export type JobWork = (job: JobName) => Promise<unknown>;

export interface SupervisedJob {
  name: JobName;
  timing: JobTiming;
  work: JobWork;
}

type JobActor = Actor<(typeof jobMachines)[JobName]>;

/** Bridges our Clock to the clock XState uses for `after` delays. */
function xstateClock(clock: Clock) {
  return {
    setTimeout: (fn: () => void, ms: number) => clock.setTimeout(fn, ms),
    clearTimeout: (handle: TimerHandle) => handle?.cancel(),
  };
}

/**
 * Runs the job actors and restarts a crashed one with backoff. The supervisor machine decides
 * (pure); this class performs: it spawns each job actor with its effect provided, watches it,
 * reports CHILD_STARTED / CHILD_CRASHED, and restarts when the machine's `nextRestartAt` comes.
 */
export class Supervisor {
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #store: Store;
  readonly #jobs = new Map<JobName, SupervisedJob>();
  readonly #actors = new Map<JobName, JobActor>();
  readonly #restartTimers = new Map<JobName, TimerHandle>();
  readonly #machine;
  #draining = false;

  readonly #inspect: Observer<InspectionEvent> | undefined;

  constructor(
    deps: { clock: Clock; log: Logger; store: Store; inspect?: Observer<InspectionEvent> },
    jobs: SupervisedJob[],
    backoff = { baseMs: 1_000, maxMs: 60_000 },
  ) {
    this.#inspect = deps.inspect;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#store = deps.store;
    for (const job of jobs) this.#jobs.set(job.name, job);
    this.#machine = createActor(supervisorMachine, {
      ...(deps.inspect ? { inspect: deps.inspect } : {}),
      input: {
        children: jobs.map((j) => j.name),
        baseBackoffMs: backoff.baseMs,
        maxBackoffMs: backoff.maxMs,
      },
    });
  }

  start(): void {
    this.#machine.start();
    for (const name of this.#jobs.keys()) this.#spawn(name);
  }

  /** Asks a job to run now (e.g. a refill fetch when the queue runs low). No-op while it runs. */
  tick(name: JobName): void {
    const actor = this.#actors.get(name);
    if (actor?.getSnapshot().matches('idle')) actor.send({ type: 'TICK' });
  }

  jobState(name: JobName): string {
    const snapshot = this.#actors.get(name)?.getSnapshot();
    if (!snapshot) return 'absent';
    return typeof snapshot.value === 'string'
      ? snapshot.value
      : `running.${Object.values(snapshot.value)[0]}`;
  }

  view(): SupervisorView {
    const context = this.#machine.getSnapshot().context;
    const children: SupervisorView['children'] = {};
    for (const [name, health] of Object.entries(context.children)) {
      children[name] = { ...health, machineState: this.jobState(name as JobName) };
    }
    const state = String(this.#machine.getSnapshot().value);
    return { state, health: supervisorHealth(context), children };
  }

  /** Stops every actor at once, as if the process died (simulation of a crash). */
  abandon(): void {
    this.#draining = true;
    for (const timer of this.#restartTimers.values()) timer.cancel();
    this.#restartTimers.clear();
    for (const actor of this.#actors.values()) actor.stop();
    this.#machine.stop();
  }

  /** Stops every job after its current run; resolves when all have stopped. */
  async drain(): Promise<void> {
    this.#draining = true;
    for (const timer of this.#restartTimers.values()) timer.cancel();
    this.#restartTimers.clear();
    this.#machine.send({ type: 'DRAIN' });
    const stopped = [...this.#actors.entries()].map(
      ([name, actor]) =>
        new Promise<void>((resolve) => {
          const done = () => {
            this.#machine.send({ type: 'CHILD_STOPPED', name });
            resolve();
          };
          if (actor.getSnapshot().status !== 'active') return done();
          actor.subscribe({ complete: done, error: done });
          actor.send({ type: 'STOP' });
        }),
    );
    await Promise.all(stopped);
    if (this.#machine.getSnapshot().status === 'active') this.#machine.send({ type: 'DRAINED' });
  }

  #spawn(name: JobName): void {
    const job = this.#jobs.get(name)!;
    const machine = jobMachines[name].provide({
      actors: { run: fromPromise(async ({ input }: { input: { job: JobName } }) => job.work(input.job)) },
    });
    const actor = createActor(machine, {
      input: { job: name, intervalMs: job.timing.intervalMs },
      clock: xstateClock(this.#clock),
      ...(this.#inspect ? { inspect: this.#inspect } : {}),
    }) as unknown as JobActor;
    this.#actors.set(name, actor);
    actor.subscribe({
      next: (snapshot) => {
        if (snapshot.status === 'done' && snapshot.value === 'crashed')
          this.#crashed(name, snapshot.context.lastError);
      },
      error: (error) => this.#crashed(name, describeError(error)),
    });
    actor.start();
    const at = this.#clock.now();
    this.#machine.send({ type: 'CHILD_STARTED', name, at });
    this.#record(EVENT.supervisorChildStarted, name, {});
  }

  #crashed(name: JobName, error: string | null): void {
    if (this.#draining) return;
    const at = this.#clock.now();
    this.#machine.send({ type: 'CHILD_CRASHED', name, error: error ?? 'unknown', at });
    const health = this.#machine.getSnapshot().context.children[name];
    this.#log.error(
      { job: name, error, restartAt: health?.nextRestartAt },
      'job crashed; restarting with backoff',
    );
    this.#record(EVENT.supervisorChildCrashed, name, {
      error,
      restarts: health?.restarts,
      nextRestartAt: health?.nextRestartAt,
    });
    const delay = Math.max(0, (health?.nextRestartAt ?? at) - at);
    this.#restartTimers.set(
      name,
      this.#clock.setTimeout(() => {
        this.#restartTimers.delete(name);
        if (!this.#draining) this.#spawn(name);
      }, delay),
    );
  }

  #record(type: string, name: string, data: Record<string, unknown>): void {
    try {
      this.#store.tx(() =>
        this.#store.event({
          at: this.#clock.now(),
          type,
          severity: type === EVENT.supervisorChildCrashed ? 'error' : 'info',
          actorId: name,
          data: JSON.stringify(data),
        }),
      );
    } catch (error) {
      this.#log.error({ err: describeError(error) }, 'could not record supervisor event');
    }
  }
}
