import type { AnyMachineSnapshot } from 'xstate';
import type { CandidateContext, CandidateEvent, CandidateInput } from '../../machines/candidate.ts';
import type { PermitContext, PermitEvent, PermitInput } from '../../machines/permit.ts';
import { type EntityKind, type EntityMachineEntry, entityMachines } from '../../machines/registry.ts';
import type { NewEvent } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { Clock } from './clock.ts';
import { decodeActorRow, type SnapshotProblem } from './actorRow.ts';
import { ActorNotFound, ActorQuarantined, TransitionRejected } from './errors.ts';
import { projectCandidate, projectPermit } from './projections.ts';
import { initialSnapshot, nextSnapshot } from './pureStep.ts';
import { quarantineActor } from './quarantine.ts';
import { encodeSnapshot, reviveSnapshot, stateName } from './snapshotCodec.ts';

export interface EntityState<C = unknown> {
  id: string;
  kind: EntityKind;
  state: string;
  context: C;
  done: boolean;
}

export interface StepOptions {
  /** Extra fields for the transition event rows (e.g. data for the proof). */
  data?: Record<string, unknown>;
}

type AnyEntry = EntityMachineEntry<unknown>;

/**
 * The host for candidate and permit actors. Nothing is held in memory between steps
 * (every actor is passivated): a step loads the persisted snapshot, computes the next one
 * with XState's pure `transition()`, and writes snapshot, domain row, event rows and durable
 * timers — all inside the caller's transaction, which must also hold the domain changes
 * that go with it. Must be called inside `store.tx` / `store.durableTx`.
 */
export class EntityHost {
  readonly #store: Store;
  readonly #clock: Clock;
  #onTimer: (dueAt: number) => void = () => {};

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Called with the due time of every timer written, so the timer service can re-arm. */
  onTimerScheduled(listener: (dueAt: number) => void): void {
    this.#onTimer = listener;
  }

  /** Creates an actor and applies `events` to it, persisting once. */
  create<K extends EntityKind>(
    kind: K,
    id: string,
    input: InputOf<K>,
    events: readonly EventOf<K>[] = [],
    options: StepOptions = {},
  ): EntityState<ContextOf<K>> {
    this.#assertInTransaction();
    const entry = entityMachines[kind] as AnyEntry;
    const initial = initialSnapshot(entry.machine, input);
    return this.#apply(entry, id, null, initial, events, options) as EntityState<ContextOf<K>>;
  }

  /**
   * Like create, for a caller that inserts the domain row itself, already in the actor's final
   * state (no projection UPDATE right after the INSERT). The transitions run first (pure);
   * `insertRow` then gets the final state and returns false when the row already existed —
   * nothing is written for the actor then, and the result is null.
   */
  createWithRow<K extends EntityKind>(
    kind: K,
    id: string,
    input: InputOf<K>,
    events: readonly EventOf<K>[],
    insertRow: (state: EntityState<ContextOf<K>>) => boolean,
    options: StepOptions = {},
  ): EntityState<ContextOf<K>> | null {
    this.#assertInTransaction();
    const entry = entityMachines[kind] as AnyEntry;
    const initial = initialSnapshot(entry.machine, input);
    const write = insertRow as (state: EntityState) => boolean;
    return this.#apply(entry, id, null, initial, events, options, undefined, write) as EntityState<ContextOf<K>> | null;
  }

  /** Applies `events` in order to an existing actor. Throws TransitionRejected if one is not accepted. */
  send<K extends EntityKind>(
    kind: K,
    id: string,
    events: EventOf<K> | readonly EventOf<K>[],
    options: StepOptions = {},
  ): EntityState<ContextOf<K>> {
    this.#assertInTransaction();
    const entry = entityMachines[kind] as AnyEntry;
    const current = this.#load(entry, id);
    const list: readonly { type: string }[] = Array.isArray(events) ? events : [events as { type: string }];
    return this.#apply(entry, id, stateName(current), current, list, options, current) as EntityState<ContextOf<K>>;
  }

  /**
   * Like send, but returns null instead of throwing when the state does not accept the event,
   * or the actor is quarantined (it accepts nothing). Nothing is written before that check, so
   * the caller's transaction is untouched. For follow-ups that may already have happened, e.g.
   * failing a candidate that already failed — and that must not undo the step they follow
   * when the other actor is quarantined (a permit is `used` even if its candidate is not).
   */
  sendIfAccepted<K extends EntityKind>(
    kind: K,
    id: string,
    events: EventOf<K> | readonly EventOf<K>[],
    options: StepOptions = {},
  ): EntityState<ContextOf<K>> | null {
    try {
      return this.send(kind, id, events, options);
    } catch (error) {
      if (error instanceof TransitionRejected || error instanceof ActorQuarantined) return null;
      throw error;
    }
  }

  /** sendIfAccepted in a transaction of its own. */
  trySend<K extends EntityKind>(
    kind: K,
    id: string,
    events: EventOf<K> | readonly EventOf<K>[],
    options: StepOptions = {},
  ): EntityState<ContextOf<K>> | null {
    return this.#store.tx(() => this.sendIfAccepted(kind, id, events, options));
  }

  /** The actor's current state, read the way a step reads it (migrating an older version); null if none. */
  get<K extends EntityKind>(kind: K, id: string): EntityState<ContextOf<K>> | null {
    try {
      return toState(kind, id, this.#load(entityMachines[kind] as AnyEntry, id)) as EntityState<ContextOf<K>>;
    } catch (error) {
      if (error instanceof ActorNotFound) return null;
      throw error;
    }
  }

  #load(entry: AnyEntry, id: string): AnyMachineSnapshot {
    const row = this.#store
      .statement('select kind, machine, version, status, snapshot from actors where id = ?')
      .get(id) as { kind: string; machine: string; version: number; status: string; snapshot: string } | undefined;
    if (!row || row.kind !== entry.kind) {
      throw new ActorNotFound(`no ${entry.kind} actor ${id}`, { context: { id } });
    }
    if (row.status === 'quarantined') {
      throw new ActorQuarantined(`${entry.kind} ${id} is quarantined`, { context: { id } });
    }
    const decoded = decodeActorRow(row);
    let problem: SnapshotProblem;
    if (decoded.ok) {
      try {
        return reviveSnapshot(entry, decoded.shape);
      } catch (error) {
        problem = { code: 'unknown_state', reason: (error as Error).message };
      }
    } else {
      problem = decoded.problem;
    }
    this.#quarantineLater(id, problem);
    throw new ActorQuarantined(`${entry.kind} ${id} cannot be revived (${problem.reason}): quarantined`, {
      context: { id, code: problem.code },
    });
  }

  /**
   * A snapshot that went bad after boot (the boot check quarantines the rest). The quarantine
   * is written once the caller's transaction has ended: that transaction usually rolls back on
   * the error thrown here, and the quarantine must not roll back with it — else every later
   * run would meet the same actor and fail the same way.
   */
  #quarantineLater(id: string, problem: SnapshotProblem): void {
    this.#store.afterTransaction(() => {
      try {
        quarantineActor(this.#store, this.#clock.now(), id, problem);
      } catch {
        // The store refused the write (busy, closed): the next load of this actor tries again.
      }
    });
  }

  #apply(
    entry: AnyEntry,
    id: string,
    fromState: string | null,
    start: AnyMachineSnapshot,
    events: readonly { type: string }[],
    options: StepOptions,
    loaded?: AnyMachineSnapshot,
    insertRow?: (state: EntityState) => boolean,
  ): EntityState | null {
    const at = this.#clock.now();
    let snapshot = start;
    const rows: NewEvent[] = [];
    if (fromState === null) rows.push(...this.#eventRows(entry, id, null, snapshot, 'create', at, options));
    for (const event of events) {
      if (!snapshot.can(event as never)) {
        throw new TransitionRejected(`${entry.kind} ${id} in ${stateName(snapshot)} does not accept ${event.type}`, {
          context: { id, state: stateName(snapshot), event: event.type },
        });
      }
      const next = nextSnapshot(entry.machine, snapshot, event);
      const nextState = stateName(next);
      if (nextState !== stateName(snapshot)) {
        rows.push(...this.#eventRows(entry, id, stateName(snapshot), next, event.type, at, options));
      }
      snapshot = next;
    }
    if (loaded && snapshot === loaded) return toState(entry.kind, id, snapshot);
    if (insertRow && !insertRow(toState(entry.kind, id, snapshot))) return null;
    const state = stateName(snapshot);
    const done = snapshot.status === 'done';
    this.#store
      .statement(
        `insert into actors (id, kind, machine, version, state, status, snapshot, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?)
         on conflict(id) do update set version = excluded.version, state = excluded.state,
           status = excluded.status, snapshot = excluded.snapshot, updated_at = excluded.updated_at`,
      )
      .run(id, entry.kind, entry.name, entry.version, state, done ? 'done' : 'active', encodeSnapshot(snapshot), at);
    if (!insertRow) {
      if (entry.kind === 'candidate') projectCandidate(this.#store, state, snapshot.context as CandidateContext, at);
      else projectPermit(this.#store, state, snapshot.context as PermitContext, at);
    }
    for (const row of rows) this.#store.event(row);
    if (state !== fromState) this.#syncTimers(entry, id, state, snapshot.context);
    return toState(entry.kind, id, snapshot);
  }

  #syncTimers(entry: AnyEntry, id: string, state: string, context: unknown): void {
    if (entry.kind === 'candidate') return;
    this.#store.statement('delete from timers where actor_id = ?').run(id);
    for (const timer of entry.timers(state, context)) {
      this.#store
        .statement('insert into timers (actor_id, event, due_at) values (?, ?, ?)')
        .run(id, timer.event, timer.dueAt);
      this.#onTimer(timer.dueAt);
    }
  }

  #eventRows(
    entry: AnyEntry,
    id: string,
    from: string | null,
    snapshot: AnyMachineSnapshot,
    cause: string,
    at: number,
    options: StepOptions,
  ): NewEvent[] {
    const state = stateName(snapshot);
    if (entry.quietStates.includes(state)) return [];
    const c = snapshot.context as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    return [
      {
        at,
        type: `${entry.kind}_${state}`,
        severity: state === 'failed' || state === 'unconfirmed' ? 'warn' : 'info',
        actorId: id,
        candidateId: str(c.candidateId),
        queueEntryId: str(c.queueEntryId),
        schedulerRunId: str(c.schedulerRunId),
        decisionId: str(c.decisionId),
        permitId: str(c.permitId),
        postId: str(c.postedPostId) ?? str(c.actualPostId),
        data: JSON.stringify({ from, cause, reasonCode: c.reasonCode ?? null, ...options.data }),
      },
    ];
  }

  #assertInTransaction(): void {
    if (!this.#store.driver.inTransaction) throw new Error('EntityHost steps must run inside store.tx()');
  }
}

export type ContextOf<K extends EntityKind> = K extends 'candidate' ? CandidateContext : PermitContext;
export type EventOf<K extends EntityKind> = K extends 'candidate' ? CandidateEvent : PermitEvent;
export type InputOf<K extends EntityKind> = K extends 'candidate' ? CandidateInput : PermitInput;

function toState(kind: EntityKind, id: string, snapshot: AnyMachineSnapshot): EntityState {
  return {
    id,
    kind,
    state: stateName(snapshot),
    context: snapshot.context as unknown,
    done: snapshot.status === 'done',
  };
}
