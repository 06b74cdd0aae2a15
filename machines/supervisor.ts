import { assign, setup } from 'xstate';

/**
 * Tracks the job actors the runtime spawns and decides when a crashed one restarts:
 * exponential backoff from `baseBackoffMs`, capped at `maxBackoffMs`. The runtime performs
 * the restart when `nextRestartAt` comes and reports back with CHILD_STARTED.
 */
export type ChildStatus = 'running' | 'backoff' | 'stopped';

export interface ChildHealth {
  status: ChildStatus;
  restarts: number;
  lastError: string | null;
  nextRestartAt: number | null;
  startedAt: number | null;
}

export interface SupervisorContext {
  children: Record<string, ChildHealth>;
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export interface SupervisorInput {
  children: string[];
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

export type SupervisorEvent =
  | { type: 'CHILD_STARTED'; name: string; at: number }
  | { type: 'CHILD_CRASHED'; name: string; error: string; at: number }
  | { type: 'CHILD_STOPPED'; name: string }
  | { type: 'DRAIN' }
  | { type: 'DRAINED' };

export function backoffMs(restarts: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.min(restarts, 30));
}

const child = (context: SupervisorContext, name: string): ChildHealth =>
  context.children[name] ?? {
    status: 'stopped',
    restarts: 0,
    lastError: null,
    nextRestartAt: null,
    startedAt: null,
  };

export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorInput,
  },
  guards: {
    allStopped: ({ context, event }) =>
      Object.entries(context.children).every(
        ([name, c]) =>
          c.status !== 'running' ||
          ((event.type === 'CHILD_STOPPED' || event.type === 'CHILD_CRASHED') && event.name === name),
      ),
  },
  actions: {
    markStarted: assign({
      children: ({ context, event }) => {
        if (event.type !== 'CHILD_STARTED') return context.children;
        const c = child(context, event.name);
        return {
          ...context.children,
          [event.name]: { ...c, status: 'running', nextRestartAt: null, startedAt: event.at },
        };
      },
    }),
    markCrashed: assign({
      children: ({ context, event }) => {
        if (event.type !== 'CHILD_CRASHED') return context.children;
        const c = child(context, event.name);
        const delay = backoffMs(c.restarts, context.baseBackoffMs, context.maxBackoffMs);
        return {
          ...context.children,
          [event.name]: {
            ...c,
            status: 'backoff',
            restarts: c.restarts + 1,
            lastError: event.error,
            nextRestartAt: event.at + delay,
          },
        };
      },
    }),
    markStopped: assign({
      children: ({ context, event }) => {
        if (event.type !== 'CHILD_STOPPED' && event.type !== 'CHILD_CRASHED') return context.children;
        const c = child(context, event.name);
        return { ...context.children, [event.name]: { ...c, status: 'stopped', nextRestartAt: null } };
      },
    }),
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => ({
    children: Object.fromEntries(
      input.children.map((name) => [
        name,
        {
          status: 'stopped',
          restarts: 0,
          lastError: null,
          nextRestartAt: null,
          startedAt: null,
        } as ChildHealth,
      ]),
    ),
    baseBackoffMs: input.baseBackoffMs ?? 1_000,
    maxBackoffMs: input.maxBackoffMs ?? 60_000,
  }),
  initial: 'supervising',
  states: {
    supervising: {
      on: {
        CHILD_STARTED: { actions: 'markStarted' },
        CHILD_CRASHED: { actions: 'markCrashed' },
        CHILD_STOPPED: { actions: 'markStopped' },
        DRAIN: 'draining',
      },
    },
    draining: {
      on: {
        CHILD_STOPPED: [
          { guard: 'allStopped', target: 'stopped', actions: 'markStopped' },
          { actions: 'markStopped' },
        ],
        CHILD_CRASHED: [
          { guard: 'allStopped', target: 'stopped', actions: 'markStopped' },
          { actions: 'markStopped' },
        ],
        DRAINED: 'stopped',
      },
    },
    stopped: { type: 'final' },
  },
});

/** Healthy when every child runs; a child in backoff makes the whole degraded. */
export function supervisorHealth(context: SupervisorContext): 'healthy' | 'degraded' | 'stopped' {
  const statuses = Object.values(context.children).map((c) => c.status);
  if (statuses.every((s) => s === 'stopped')) return 'stopped';
  return statuses.every((s) => s === 'running') ? 'healthy' : 'degraded';
}
