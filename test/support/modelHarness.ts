import { expect } from 'vitest';
import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import type { Store } from '../../db/store.ts';
import { type EntityKind, entityMachines } from '../../machines/registry.ts';
import type { Clock } from '../../src/runtime/clock.ts';
import type { EntityHost, EventOf, InputOf } from '../../src/runtime/entityHost.ts';
import { TransitionRejected } from '../../src/runtime/errors.ts';
import { stateName } from '../../src/runtime/snapshotCodec.ts';
import { takenEdge } from './modelPaths.ts';

/** A clock that moves by hand, synchronously. */
export class ManualClock implements Clock {
  constructor(public at: number) {}
  now(): number {
    return this.at;
  }
  setTimeout() {
    return { cancel() {} };
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

export interface StepTrace {
  /** Clock time of the step that last entered each state. */
  enteredAt: Map<string, number>;
  /** Every value a context field has held, in order (for coalesced columns). */
  seen: Map<string, unknown[]>;
}

export interface PathSpec<K extends EntityKind> {
  store: Store;
  host: EntityHost;
  clock: ManualClock;
  kind: K;
  id: string;
  input: InputOf<K>;
  events: readonly EventOf<K>[];
  /** Every event the model knows, for the rejection matrix. */
  catalog: readonly EventOf<K>[];
  /** States whose rejections were already checked (shared across paths). */
  rejectionsChecked: Set<string>;
  /** Domain rows the actor projects onto, inserted in the create transaction. */
  seed(at: number): void;
  /**
   * For a kind whose domain row is its persisted snapshot (it has no `actors` row): that row
   * read back as the snapshot's value and context, by the test's own SQL. Absent: the snapshot
   * is the kind's `actors` row.
   */
  snapshotRow?(): { value: unknown; context: Record<string, unknown> } | undefined;
  /** Rows that must exist before `event` is applied, inserted in its transaction. */
  beforeStep?(event: EventOf<K>, at: number): void;
  checkDomain(state: string, context: Record<string, unknown>, trace: StepTrace): void;
  expectedTimers(state: string, context: Record<string, unknown>): { event: string; dueAt: number }[];
}

interface ExpectedEvent {
  type: string;
  from: string | null;
  cause: string;
  reasonCode: unknown;
}

/**
 * Walks one path through the pure machine (`transition`) and through EntityHost on the real
 * store, step by step, asserting after each that the persisted snapshot (the actor row, or the
 * domain row of a kind persisted there — `snapshotRow`), the domain rows, the
 * event rows and the timer rows all agree with the pure snapshot. At the first visit of each
 * state it also sends every event the state does not accept and asserts nothing changes.
 * Returns the edges the path took.
 */
export function runPath<K extends EntityKind>(spec: PathSpec<K>): string[] {
  const { store, host, clock, kind, id } = spec;
  const entry = entityMachines[kind];
  const machine = entry.machine;
  let [pure] = initialTransition(machine, spec.input as never) as [AnyMachineSnapshot, unknown];
  const expected: ExpectedEvent[] = [];
  const trace: StepTrace = { enteredAt: new Map(), seen: new Map() };
  const edges: string[] = [];

  const record = (snapshot: AnyMachineSnapshot) => {
    trace.enteredAt.set(stateName(snapshot), clock.now());
    for (const [k, v] of Object.entries(snapshot.context as Record<string, unknown>)) {
      const list = trace.seen.get(k) ?? [];
      if (list.at(-1) !== v) list.push(v);
      trace.seen.set(k, list);
    }
  };

  store.tx(() => {
    spec.seed(clock.now());
    host.create(kind, id, spec.input);
  });
  record(pure);
  agree(spec, pure, expected, trace);
  checkRejections(spec, pure);

  for (const event of spec.events) {
    clock.at += 1_000;
    const edge = takenEdge(machine, pure, event);
    expect(edge, `${kind} in ${stateName(pure)} must accept ${event.type}`).not.toBeNull();
    edges.push(edge!);
    const [next] = transition(machine, pure, event as never) as [AnyMachineSnapshot, unknown];
    store.tx(() => {
      spec.beforeStep?.(event, clock.now());
      host.send(kind, id, event);
    });
    const from = stateName(pure);
    const to = stateName(next);
    if (to !== from && !entry.quietStates.includes(to)) {
      expected.push({
        type: `${kind}_${to}`,
        from,
        cause: event.type,
        reasonCode: (next.context as { reasonCode?: unknown }).reasonCode ?? null,
      });
    }
    pure = next;
    record(pure);
    agree(spec, pure, expected, trace);
    checkRejections(spec, pure);
  }
  return edges;
}

function agree<K extends EntityKind>(
  spec: PathSpec<K>,
  pure: AnyMachineSnapshot,
  expected: ExpectedEvent[],
  trace: StepTrace,
): void {
  const { store, host, kind, id } = spec;
  const state = stateName(pure);
  const context = pure.context as Record<string, unknown>;
  const where = `${kind} ${id} in ${state}`;

  checkSnapshot(spec, pure, where);
  const hosted = host.get(kind, id);
  expect(hosted, where).toEqual({ id, kind, state, context, done: pure.status === 'done' });

  const rows = store
    .statement(
      `select type, severity, candidate_id, queue_entry_id, scheduler_run_id, decision_id, permit_id, post_id, data
       from events where actor_id = ? order by id`,
    )
    .all(id) as { type: string; severity: string; data: string; [column: string]: unknown }[];
  expect(
    rows.map((r) => {
      const data = JSON.parse(r.data) as { from: string | null; cause: string; reasonCode: unknown };
      return { type: r.type, from: data.from, cause: data.cause, reasonCode: data.reasonCode };
    }),
    `${where}: event rows`,
  ).toEqual(expected);
  const last = rows.at(-1);
  if (last && expected.length > 0 && last.type === `${kind}_${state}`) {
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    expect(last, `${where}: trace ids on the last event row`).toMatchObject({
      severity: state === 'failed' || state === 'unconfirmed' ? 'warn' : 'info',
      candidate_id: str(context.candidateId),
      queue_entry_id: str(context.queueEntryId),
      scheduler_run_id: str(context.schedulerRunId),
      decision_id: str(context.decisionId),
      permit_id: str(context.permitId),
      post_id: str(context.postedPostId) ?? str(context.actualPostId),
    });
  }

  const timers = store
    .statement('select event, due_at as dueAt from timers where actor_id = ? order by event')
    .all(id);
  const wanted = spec.expectedTimers(state, context).sort((a, b) => a.event.localeCompare(b.event));
  expect(timers, `${where}: timer rows`).toEqual(wanted);

  spec.checkDomain(state, context, trace);
}

/** The persisted snapshot equals the pure one: in the actors row, or in the kind's own row. */
function checkSnapshot<K extends EntityKind>(
  spec: PathSpec<K>,
  pure: AnyMachineSnapshot,
  where: string,
): void {
  const { store, kind, id } = spec;
  const entry = entityMachines[kind];
  const state = stateName(pure);
  const context = pure.context as Record<string, unknown>;
  const actor = store
    .statement('select kind, machine, version, state, status, snapshot from actors where id = ?')
    .get(id) as
    | { kind: string; machine: string; version: number; state: string; status: string; snapshot: string }
    | undefined;
  if (spec.snapshotRow) {
    expect(actor, `${where}: no actors row, its domain row is its snapshot`).toBeUndefined();
    expect(spec.snapshotRow(), `${where}: snapshot in its domain row`).toEqual({
      value: pure.value,
      context,
    });
    return;
  }
  expect(actor, `${where}: actors row`).toBeDefined();
  expect({ ...actor!, snapshot: JSON.parse(actor!.snapshot) }, where).toEqual({
    kind,
    machine: entry.name,
    version: entry.version,
    state,
    status: pure.status === 'done' ? 'done' : 'active',
    snapshot: { value: pure.value, context },
  });
}

function checkRejections<K extends EntityKind>(spec: PathSpec<K>, pure: AnyMachineSnapshot): void {
  const state = stateName(pure);
  if (spec.rejectionsChecked.has(state)) return;
  spec.rejectionsChecked.add(state);
  const { store, host, kind, id } = spec;
  const machine = entityMachines[kind].machine;
  const rowsOf = () => ({
    actor: store.statement('select * from actors where id = ?').get(id),
    events: store.statement('select count(*) as n from events').get(),
    timers: store.statement('select * from timers where actor_id = ?').all(id),
    domain:
      kind === 'candidate'
        ? store.statement('select * from candidates where id = ?').get(id)
        : store.statement('select * from permits where id = ?').get(id),
  });
  const before = rowsOf();
  for (const event of spec.catalog) {
    if (pure.can(event as never)) continue;
    const [same] = transition(machine, pure, event as never) as [AnyMachineSnapshot, unknown];
    expect({ value: same.value, context: same.context }, `pure ${state} ignores ${event.type}`).toEqual({
      value: pure.value,
      context: pure.context,
    });
    expect(() => store.tx(() => host.send(kind, id, event)), `host ${state} rejects ${event.type}`).toThrow(
      TransitionRejected,
    );
  }
  expect(rowsOf(), `${kind} ${state}: rejected events change nothing`).toEqual(before);
}

/** Gives the ids an event carries a per-path prefix, so paths can share one database. */
export function scopeIds<E extends { type: string }>(event: E, scope: string): E {
  const out: Record<string, unknown> = { ...event };
  for (const key of ['queueEntryId', 'schedulerRunId', 'decisionId', 'permitId', 'postId']) {
    if (typeof out[key] === 'string') out[key] = `${scope}:${out[key] as string}`;
  }
  return out as E;
}
