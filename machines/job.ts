import { assign, fromPromise, setup, stateIn } from 'xstate';

/**
 * A long-lived job actor (fetch, scheduler, poster, reconciler): waits its interval, runs
 * once through the injected `run` actor, and goes back to waiting. The run itself records its
 * start and end durably; this machine only sequences runs and counts failures. After
 * `maxConsecutiveFailures` failures in a row it stops in `crashed`, and the supervisor
 * restarts it with backoff. STOP while running drains: the run finishes first.
 */
export type JobName = 'fetch' | 'scheduler' | 'poster' | 'reconciler';

export interface JobContext {
  job: JobName;
  intervalMs: number;
  runs: number;
  failures: number;
  consecutiveFailures: number;
  maxConsecutiveFailures: number;
  lastError: string | null;
}

export interface JobInput {
  job: JobName;
  intervalMs: number;
  maxConsecutiveFailures?: number;
}

export type JobEvent = { type: 'TICK' } | { type: 'STOP' };

export interface RunInput {
  job: JobName;
}

export const JOB_STATES = ['idle', 'running.active', 'running.draining', 'crashed', 'stopped'] as const;

export function createJobMachine(name: JobName) {
  return setup({
    types: {
      context: {} as JobContext,
      events: {} as JobEvent,
      input: {} as JobInput,
    },
    actors: {
      // Replaced with the job's effect by src/jobs through machine.provide().
      run: fromPromise<unknown, RunInput>(async () => {
        throw new Error(`no run effect provided for job ${name}`);
      }),
    },
    delays: {
      interval: ({ context }) => context.intervalMs,
    },
    guards: {
      tooManyFailures: ({ context }) => context.consecutiveFailures + 1 >= context.maxConsecutiveFailures,
    },
    actions: {
      recordSuccess: assign({
        runs: ({ context }) => context.runs + 1,
        consecutiveFailures: 0,
      }),
      recordFailure: assign({
        runs: ({ context }) => context.runs + 1,
        failures: ({ context }) => context.failures + 1,
        consecutiveFailures: ({ context }) => context.consecutiveFailures + 1,
        lastError: ({ event }) => errorMessage((event as { error?: unknown }).error),
      }),
    },
  }).createMachine({
    id: name,
    context: ({ input }) => ({
      job: input.job,
      intervalMs: input.intervalMs,
      runs: 0,
      failures: 0,
      consecutiveFailures: 0,
      maxConsecutiveFailures: input.maxConsecutiveFailures ?? 5,
      lastError: null,
    }),
    initial: 'running',
    states: {
      idle: {
        after: { interval: 'running' },
        on: { TICK: 'running', STOP: 'stopped' },
      },
      running: {
        initial: 'active',
        states: {
          active: { on: { STOP: 'draining' } },
          draining: {},
        },
        invoke: {
          src: 'run',
          input: ({ context }) => ({ job: context.job }),
          onDone: [
            { guard: stateIn({ running: 'draining' }), target: 'stopped', actions: 'recordSuccess' },
            { target: 'idle', actions: 'recordSuccess' },
          ],
          onError: [
            { guard: stateIn({ running: 'draining' }), target: 'stopped', actions: 'recordFailure' },
            { guard: 'tooManyFailures', target: 'crashed', actions: 'recordFailure' },
            { target: 'idle', actions: 'recordFailure' },
          ],
        },
      },
      crashed: { type: 'final' },
      stopped: { type: 'final' },
    },
  });
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export type JobMachine = ReturnType<typeof createJobMachine>;
