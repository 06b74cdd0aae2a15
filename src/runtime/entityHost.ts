import { eq, sql } from 'drizzle-orm';
import type { AnyMachineSnapshot } from 'xstate';
import { prepared } from '../../db/prepared.ts';
import { actors, type NewEvent, timers } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type {
  ContextOf,
  EntityKind,
  EntityMachineEntry,
  EventOf,
  InputOf,
  StateOf,
} from '../../machines/registry.ts';
import { QUARANTINED } from '../../machines/stateGroups.ts';
import { type DecodedActorRow, decodeActorRow, decodeDomainRow, type SnapshotProblem } from './actorRow.ts';
import type { Clock } from './clock.ts';
import { type AnyEntityKind, entityKind } from './entityKinds.ts';
import { ActorNotFound, ActorQuarantined, TransitionRejected } from './errors.ts';
import { initialSnapshot, nextSnapshot } from './pureStep.ts';
import { quarantineActor } from './quarantine.ts';
import { encodeSnapshot, reviveSnapshot, stateName } from './snapshotCodec.ts';

export type { ContextOf, EventOf, InputOf, StateOf } from '../../machines/registry.ts';

export interface EntityState<C = unknown, S extends string = string> {
  id: string;
  kind: EntityKind;
  state: S;
  context: C;
  done: boolean;
}

export interface StepOptions {
  /** Extra fields for the transition event rows (e.g. data for the proof). */
  data?: Record<string, unknown>;
}

/** One step of one actor: `events` applied in order to `start`, persisted once. */
interface Step {
  name: EntityKind;
  kind: AnyEntityKind;
  id: string;
  /** The snapshot the events apply to: a new actor's initial one, or the loaded one. */
  start: AnyMachineSnapshot;
  /** A new actor: its `create` event row is written, and it is persisted even with no event. */
  created: boolean;
  events: readonly { type: string }[];
  options: StepOptions;
  /** The caller inserts the domain row itself, in the final state; false: it existed. */
  insertRow?: (state: EntityState) => boolean;
}

/**
 * The host for entity actors (the kinds in src/runtime/entityKinds.ts). Nothing is held in
 * memory between steps (every actor is passivated): a step loads the persisted snapshot,
 * computes the next one with XState's pure transition, and writes snapshot, domain row (the
 * kind's projection), event rows and durable timers (the kind's `timers`) — all inside the
 * caller's transaction, which must also hold the domain changes that go with it. Must be
 * called inside `store.tx` / `store.durableTx`.
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
    name: K,
    id: string,
    input: InputOf<K>,
    events: readonly EventOf<K>[] = [],
    options: StepOptions = {},
  ): EntityState<ContextOf<K>> {
    this.#assertInTransaction();
    const kind = entityKind(name);
    const start = initialSnapshot(kind.entry.machine, input);
    return this.#apply({ name, kind, id, start, created: true, events, options }) as EntityState<
      ContextOf<K>
    >;
  }

  /**
   * Like create, for a caller that inserts the domain row itself, already in the actor's final
   * state (no projection UPDATE right after the INSERT). The transitions run first (pure);
   * `insertRow` then gets the final state and returns false when the row already existed —
   * nothing is written for the actor then, and the result is null.
   */
  createWithRow<K extends EntityKind>(
    name: K,
    id: string,
    input: InputOf<K>,
    events: readonly EventOf<K>[],
    insertRow: (state: EntityState<ContextOf<K>, StateOf<K>>) => boolean,
    options: StepOptions = {},
  ): EntityState<ContextOf<K>, StateOf<K>> | null {
    this.#assertInTransaction();
    const kind = entityKind(name);
    const start = initialSnapshot(kind.entry.machine, input);
    return this.#apply({
      name,
      kind,
      id,
      start,
      created: true,
      events,
      options,
      // The host hands `insertRow` this kind's state: its context is the kind's.
      insertRow: insertRow as (state: EntityState) => boolean,
    }) as EntityState<ContextOf<K>, StateOf<K>> | null;
  }

  /** Applies `events` in order to an existing actor. Throws TransitionRejected if one is not accepted. */
  send<K extends EntityKind>(
    name: K,
    id: string,
    events: EventOf<K> | readonly EventOf<K>[],
    options: StepOptions = {},
  ): EntityState<ContextOf<K>> {
    this.#assertInTransaction();
    const kind = entityKind(name);
    const start = this.#load(kind, id);
    const list: readonly EventOf<K>[] = isList(events) ? events : [events];
    return this.#apply({ name, kind, id, start, created: false, events: list, options }) as EntityState<
      ContextOf<K>
    >;
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
  get<K extends EntityKind>(name: K, id: string): EntityState<ContextOf<K>> | null {
    try {
      return toState(name, id, this.#load(entityKind(name), id)) as EntityState<ContextOf<K>>;
    } catch (error) {
      if (error instanceof ActorNotFound) return null;
      throw error;
    }
  }

  #load(kind: AnyEntityKind, id: string): AnyMachineSnapshot {
    const { entry } = kind;
    const decoded = kind.loadRow ? this.#fromDomainRow(kind, id) : this.#fromActorRow(entry, id);
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

  #fromActorRow(entry: EntityMachineEntry<unknown>, id: string): DecodedActorRow {
    const row = actorById.get(this.#store, { id });
    if (!row || row.kind !== entry.kind) {
      throw new ActorNotFound(`no ${entry.kind} actor ${id}`, { context: { id } });
    }
    if (row.status === QUARANTINED) {
      throw new ActorQuarantined(`${entry.kind} ${id} is quarantined`, { context: { id } });
    }
    return decodeActorRow(row);
  }

  #fromDomainRow(kind: AnyEntityKind, id: string): DecodedActorRow {
    const { entry } = kind;
    const row = kind.loadRow?.(this.#store, id);
    if (!row) throw new ActorNotFound(`no ${entry.kind} actor ${id}`, { context: { id } });
    if (row.state === QUARANTINED) {
      throw new ActorQuarantined(`${entry.kind} ${id} is quarantined`, { context: { id } });
    }
    return decodeDomainRow(entry, row);
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

  #apply(step: Step): EntityState | null {
    const { kind, id, start, created, events, options, insertRow } = step;
    const { entry } = kind;
    const at = this.#clock.now();
    const fromState = created ? null : stateName(start);
    let snapshot = start;
    const rows: NewEvent[] = [];
    if (created) rows.push(...eventRows(entry, id, null, snapshot, 'create', at, options));
    for (const event of events) {
      if (!snapshot.can(event)) {
        throw new TransitionRejected(
          `${entry.kind} ${id} in ${stateName(snapshot)} does not accept ${event.type}`,
          {
            context: { id, state: stateName(snapshot), event: event.type },
          },
        );
      }
      const next = nextSnapshot(entry.machine, snapshot, event);
      if (stateName(next) !== stateName(snapshot)) {
        rows.push(...eventRows(entry, id, stateName(snapshot), next, event.type, at, options));
      }
      snapshot = next;
    }
    const result = toState(step.name, id, snapshot);
    if (!created && snapshot === start) return result;
    if (insertRow && !insertRow(result)) return null;
    if (!kind.loadRow) this.#upsertActor(step, result, snapshot, at);
    if (!insertRow && kind.project(this.#store, result.state, result.context, at) === 0 && kind.loadRow) {
      // The domain row is this kind's snapshot: without it the step would persist nothing.
      throw new ActorNotFound(`no ${entry.kind} row ${id} to persist the actor in`, { context: { id } });
    }
    for (const row of rows) this.#store.event(row);
    if (result.state !== fromState) this.#syncTimers(entry, id, result.state, result.context);
    return result;
  }

  #upsertActor(step: Step, result: EntityState, snapshot: AnyMachineSnapshot, at: number): void {
    const { entry } = step.kind;
    upsertActor.run(this.#store, {
      id: step.id,
      kind: step.name,
      machine: entry.name,
      version: entry.version,
      state: result.state,
      status: result.done ? 'done' : 'active',
      snapshot: encodeSnapshot(snapshot),
      at,
    });
  }

  #syncTimers(entry: EntityMachineEntry<unknown>, id: string, state: string, context: unknown): void {
    if (!entry.timers) return;
    deleteTimers.run(this.#store, { id });
    for (const timer of entry.timers(state, context)) {
      insertTimer.run(this.#store, { id, event: timer.event, dueAt: timer.dueAt });
      this.#onTimer(timer.dueAt);
    }
  }

  #assertInTransaction(): void {
    if (!this.#store.driver.inTransaction) throw new Error('EntityHost steps must run inside store.tx()');
  }
}

const actorById = prepared<{ id: string }>()((db, p) =>
  db
    .select({
      kind: actors.kind,
      machine: actors.machine,
      version: actors.version,
      status: actors.status,
      snapshot: actors.snapshot,
    })
    .from(actors)
    .where(eq(actors.id, p.id))
    .prepare(),
);

const upsertActor = prepared<{
  id: string;
  kind: string;
  machine: string;
  version: number;
  state: string;
  status: 'active' | 'done';
  snapshot: string;
  at: number;
}>()((db, p) =>
  db
    .insert(actors)
    .values({
      id: p.id,
      kind: p.kind,
      machine: p.machine,
      version: p.version,
      state: p.state,
      status: p.status,
      snapshot: p.snapshot,
      updatedAt: p.at,
    })
    .onConflictDoUpdate({
      target: actors.id,
      set: {
        version: sql`excluded.${sql.identifier(actors.version.name)}`,
        state: sql`excluded.${sql.identifier(actors.state.name)}`,
        status: sql`excluded.${sql.identifier(actors.status.name)}`,
        snapshot: sql`excluded.${sql.identifier(actors.snapshot.name)}`,
        updatedAt: sql`excluded.${sql.identifier(actors.updatedAt.name)}`,
      },
    })
    .prepare(),
);

const deleteTimers = prepared<{ id: string }>()((db, p) =>
  db.delete(timers).where(eq(timers.actorId, p.id)).prepare(),
);

const insertTimer = prepared<{ id: string; event: string; dueAt: number }>()((db, p) =>
  db.insert(timers).values({ actorId: p.id, event: p.event, dueAt: p.dueAt }).prepare(),
);

/** The event row of entering `snapshot`'s state (none for a quiet state), with the trace chain's ids. */
function eventRows(
  entry: EntityMachineEntry<unknown>,
  id: string,
  from: string | null,
  snapshot: AnyMachineSnapshot,
  cause: string,
  at: number,
  options: StepOptions,
): NewEvent[] {
  const state = stateName(snapshot);
  if (entry.quietStates.includes(state)) return [];
  const c: Record<string, unknown> = snapshot.context;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return [
    {
      at,
      type: `${entry.kind}_${state}`,
      severity: entry.warnStates.includes(state) ? 'warn' : 'info',
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

function isList<T>(events: T | readonly T[]): events is readonly T[] {
  return Array.isArray(events);
}

function toState(kind: EntityKind, id: string, snapshot: AnyMachineSnapshot): EntityState {
  return {
    id,
    kind,
    state: stateName(snapshot),
    context: snapshot.context,
    done: snapshot.status === 'done',
  };
}
