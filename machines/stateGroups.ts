import type { AnyStateMachine, StateValueFrom } from 'xstate';
import { candidateMachine } from './candidate.ts';
import { permitMachine } from './permit.ts';

/**
 * The groups of states the rest of the code asks about ("holds its target", "may still post",
 * "terminal"…), read from the machine definitions: a group is a tag on the states that
 * belong to it, or the machine's `final` states. SQL and code name a group, never a list of
 * state names, so adding or renaming a state changes every query that depends on it.
 *
 * `quarantined` is not a machine state: the runtime writes it on a row whose snapshot this
 * build cannot revive (see src/runtime/quarantine.ts). Such a row is terminal, and a
 * quarantined permit still holds its target (it may have been posting).
 */

export type PermitState = StateValueFrom<typeof permitMachine>;
export type CandidateState = StateValueFrom<typeof candidateMachine>;
export const QUARANTINED = 'quarantined';
export type Quarantined = typeof QUARANTINED;
export type PermitRowState = PermitState | Quarantined;
export type CandidateRowState = CandidateState | Quarantined;

/** Tags a permit's states carry in `machines/permit.ts`. */
export type PermitTag = 'holds_target' | 'unspent' | 'may_post' | 'attempted' | 'in_flight' | 'succeeded';
/** Tags a candidate's states carry in `machines/candidate.ts`. */
export type CandidateTag = 'admitted' | 'in_queue' | 'picked' | 'succeeded';

interface StateNodeLike {
  key: string;
  type: string;
  tags: readonly string[];
}

function topLevelStates(machine: AnyStateMachine): StateNodeLike[] {
  return Object.values(machine.root.states as Record<string, StateNodeLike>);
}

function tagged<S extends string>(machine: AnyStateMachine, tag: string): readonly S[] {
  return topLevelStates(machine)
    .filter((s) => s.tags.includes(tag))
    .map((s) => s.key as S);
}

function finals<S extends string>(machine: AnyStateMachine): readonly S[] {
  return topLevelStates(machine)
    .filter((s) => s.type === 'final')
    .map((s) => s.key as S);
}

function open<S extends string>(machine: AnyStateMachine): readonly S[] {
  return topLevelStates(machine)
    .filter((s) => s.type !== 'final')
    .map((s) => s.key as S);
}

/** One name per state, checked against the machine by the type: a renamed state fails typecheck. */
function names<S extends string>(
  machine: AnyStateMachine,
  record: { readonly [K in S]: K },
): { readonly [K in S]: K } {
  const known = new Set(topLevelStates(machine).map((s) => s.key));
  for (const name of Object.keys(record)) {
    if (!known.has(name)) throw new Error(`${machine.id}: no state named ${name}`);
  }
  return record;
}

export const PERMIT = names<PermitState>(permitMachine, {
  pending: 'pending',
  awaiting_approval: 'awaiting_approval',
  approved: 'approved',
  posting: 'posting',
  unconfirmed: 'unconfirmed',
  used: 'used',
  rejected: 'rejected',
  expired: 'expired',
  failed: 'failed',
});

export const CANDIDATE = names<CandidateState>(candidateMachine, {
  discovered: 'discovered',
  evaluating: 'evaluating',
  queued: 'queued',
  selected: 'selected',
  decided: 'decided',
  permitted: 'permitted',
  rejected: 'rejected',
  expired: 'expired',
  posted: 'posted',
  failed: 'failed',
});

const permitTag = (tag: PermitTag) => tagged<PermitState>(permitMachine, tag);
const candidateTag = (tag: CandidateTag) => tagged<CandidateState>(candidateMachine, tag);

export const PERMIT_GROUPS = {
  /** Every state a permit row can have. */
  all: [...topLevelStates(permitMachine).map((s) => s.key as PermitState), QUARANTINED],
  /** Nothing more will happen to it. */
  terminal: [...finals<PermitState>(permitMachine), QUARANTINED],
  /** Still moving: a timer or a job owes it a step. */
  open: open<PermitState>(permitMachine),
  /** At most one permit per target in these states, ever (the unique index `permits_one_per_target`). */
  holdsTarget: [...permitTag('holds_target'), QUARANTINED],
  /** Granted, no attempt made yet: an opt-out or kill switch can still take it back. */
  unspent: permitTag('unspent'),
  /** Its reply may be posted or may already be out there without our record of it. */
  mayPost: permitTag('may_post'),
  /** Made a post attempt: its reply is, or may be, on the platform (counts against caps). */
  attempted: permitTag('attempted'),
  /** Between the durable `posting` commit and the platform's answer. */
  inFlight: permitTag('in_flight'),
  /** Its reply is on the platform and recorded. */
  succeeded: permitTag('succeeded'),
} as const satisfies Record<string, readonly PermitRowState[]>;

export const CANDIDATE_GROUPS = {
  all: [...topLevelStates(candidateMachine).map((s) => s.key as CandidateState), QUARANTINED],
  terminal: [...finals<CandidateState>(candidateMachine), QUARANTINED],
  open: open<CandidateState>(candidateMachine),
  /** Passed evaluation and not yet finished: queued, picked, decided or permitted. */
  admitted: candidateTag('admitted'),
  /** Waiting in the queue or picked from it by a scheduler run not yet decided. */
  inQueue: candidateTag('in_queue'),
  /** Taken by a scheduler run that has not yet carried it to a permit: released if the run ends without one. */
  picked: candidateTag('picked'),
  succeeded: candidateTag('succeeded'),
} as const satisfies Record<string, readonly CandidateRowState[]>;

/** `('a', 'b')` for an SQL `in` list. State names are identifiers from the machines, never input. */
export function sqlList(states: readonly string[]): string {
  if (states.length === 0) throw new Error('an empty state group has no SQL list');
  for (const s of states) if (!/^[a-z_]+$/.test(s)) throw new Error(`not a state name: ${s}`);
  return `(${states.map((s) => `'${s}'`).join(', ')})`;
}
