import type { AnyStateMachine, ContextFrom, EventFromLogic, InputFrom, StateValueFrom } from 'xstate';
import { type CandidateContext, candidateMachine } from './candidate.ts';
import { createJobMachine } from './job.ts';
import { type PermitContext, permitMachine } from './permit.ts';
import { supervisorMachine } from './supervisor.ts';

/**
 * Every machine replywright runs, with the name and version its persisted snapshots carry.
 * Bump `version` when a change would misread old snapshots, and give `migrate` a way from
 * the old shape; a snapshot with no way forward is quarantined, never loaded half-right.
 */
export interface DurableTimer {
  event: string;
  dueAt: number;
}

export interface PersistedShape {
  value: string;
  context: Record<string, unknown>;
}

export interface EntityMachineEntry<TContext, TMachine extends AnyStateMachine = AnyStateMachine> {
  name: string;
  kind: string;
  version: number;
  machine: TMachine;
  /**
   * Deadlines the runtime must arm for a snapshot in this state (absolute times from context).
   * Absent: the kind never has durable timers, and its steps do not touch the timers table.
   */
  timers?(state: string, context: TContext): DurableTimer[];
  /** States entered without an event row (transient within one commit). */
  quietStates: readonly string[];
  /** States whose event row is a warning (the rest are info). */
  warnStates: readonly string[];
  /** Upgrades a snapshot written by an older version; null when it cannot. */
  migrate?(fromVersion: number, snapshot: PersistedShape): PersistedShape | null;
}

/**
 * A candidate's snapshot is its typed `candidates` row (src/runtime/candidateRow.ts), so its
 * `version` is never compared and it has no `migrate`: a change to its context is a schema
 * migration of those columns, and a state this build lacks is quarantined.
 */
export const candidateEntry: EntityMachineEntry<CandidateContext, typeof candidateMachine> = {
  name: 'candidate',
  kind: 'candidate',
  version: 1,
  machine: candidateMachine,
  quietStates: ['discovered', 'evaluating'],
  warnStates: ['failed'],
};

export const permitEntry: EntityMachineEntry<PermitContext, typeof permitMachine> = {
  name: 'permit',
  kind: 'permit',
  version: 1,
  machine: permitMachine,
  timers(state, context) {
    switch (state) {
      case 'awaiting_approval':
      case 'approved':
        return [{ event: 'EXPIRE', dueAt: context.expiresAt }];
      case 'posting':
        return context.postingDeadlineAt === null
          ? []
          : [{ event: 'POSTING_DEADLINE', dueAt: context.postingDeadlineAt }];
      case 'unconfirmed':
        return context.resolveBy === null ? [] : [{ event: 'UNRESOLVED', dueAt: context.resolveBy }];
      default:
        return [];
    }
  },
  quietStates: ['pending'],
  warnStates: ['failed', 'unconfirmed'],
};

export const entityMachines = {
  candidate: candidateEntry,
  permit: permitEntry,
} as const;

export type EntityKind = keyof typeof entityMachines;

type MachineOf<K extends EntityKind> = (typeof entityMachines)[K]['machine'];
/** An entity kind's context, events and input, read from its machine. */
export type ContextOf<K extends EntityKind> = ContextFrom<MachineOf<K>>;
export type EventOf<K extends EntityKind> = EventFromLogic<MachineOf<K>>;
export type InputOf<K extends EntityKind> = InputFrom<MachineOf<K>>;
export type StateOf<K extends EntityKind> = StateValueFrom<MachineOf<K>>;

export const jobMachines = {
  fetch: createJobMachine('fetch'),
  scheduler: createJobMachine('scheduler'),
  poster: createJobMachine('poster'),
  reconciler: createJobMachine('reconciler'),
} as const;

/** The machines with their names and versions, for the API and the visualizer. */
export const machineRegistry: { name: string; version: number; machine: AnyStateMachine }[] = [
  { name: 'candidate', version: candidateEntry.version, machine: candidateMachine },
  { name: 'permit', version: permitEntry.version, machine: permitMachine },
  { name: 'fetch', version: 1, machine: jobMachines.fetch },
  { name: 'scheduler', version: 1, machine: jobMachines.scheduler },
  { name: 'poster', version: 1, machine: jobMachines.poster },
  { name: 'reconciler', version: 1, machine: jobMachines.reconciler },
  { name: 'supervisor', version: 1, machine: supervisorMachine },
];
