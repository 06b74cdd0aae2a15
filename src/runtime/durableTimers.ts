import { and, asc, eq, gt, isNull, lte, min, ne, or } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { actors, timers } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { EntityKind } from '../../machines/registry.ts';
import { QUARANTINED } from '../../machines/stateGroups.ts';
import type { Logger } from '../logging.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { isEntityKind } from './entityKinds.ts';
import { describeError, TransitionRejected } from './errors.ts';

export interface DueTimer {
  actorId: string;
  kind: EntityKind;
  event: string;
  dueAt: number;
}

/** Runs inside the transaction that deletes the timer row: the timer fires exactly once. */
export type TimerDispatch = (timer: DueTimer) => void;

/** A dispatch that failed is retried after this long, not at once (no hot loop on a persistent error). */
export const TIMER_RETRY_MS = 1_000;

// Quarantining deletes an actor's timers; should one be left (a row quarantined by hand), it
// neither fires nor keeps the service awake.
const NOT_QUARANTINED = or(isNull(actors.status), ne(actors.status, QUARANTINED));

const dueTimers = prepared<{ now: number }>()((db, p) =>
  db
    .select({ actorId: timers.actorId, kind: actors.kind, event: timers.event, dueAt: timers.dueAt })
    .from(timers)
    .leftJoin(actors, eq(actors.id, timers.actorId))
    .where(and(lte(timers.dueAt, p.now), NOT_QUARANTINED))
    .orderBy(asc(timers.dueAt))
    .limit(500)
    .prepare(),
);

const nextDueAfter = prepared<{ after: number }>()((db, p) =>
  db
    .select({ dueAt: min(timers.dueAt) })
    .from(timers)
    .leftJoin(actors, eq(actors.id, timers.actorId))
    .where(and(NOT_QUARANTINED, gt(timers.dueAt, p.after)))
    .prepare(),
);

/**
 * Deadlines live as rows in `timers` (written with the snapshot that set them); this service
 * keeps one clock timeout armed for the earliest row and, when it comes, fires every due row
 * in its own transaction. After a restart, overdue rows fire at once: XState's own `after`
 * timers are not restored from snapshots, these are.
 */
export class DurableTimers {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #dispatch: TimerDispatch;
  #handle: TimerHandle | null = null;
  #armedFor = Number.POSITIVE_INFINITY;
  #running = false;
  #failedLastPass = 0;
  fired = 0;

  constructor(store: Store, clock: Clock, log: Logger, dispatch: TimerDispatch) {
    this.#store = store;
    this.#clock = clock;
    this.#log = log;
    this.#dispatch = dispatch;
  }

  start(): void {
    this.#running = true;
    this.#rearm();
  }

  stop(): void {
    this.#running = false;
    this.#handle?.cancel();
    this.#handle = null;
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  /** A timer was written: re-arm if it is earlier than the one armed. */
  scheduled(dueAt: number): void {
    if (!this.#running || dueAt >= this.#armedFor) return;
    this.#arm(dueAt);
  }

  /** Fires every timer due now; returns how many fired. */
  fireDue(): number {
    const now = this.#clock.now();
    const due = dueTimers.all(this.#store, { now });
    let count = 0;
    let failed = 0;
    for (const row of due) {
      const kind = row.kind !== null && isEntityKind(row.kind) ? row.kind : null;
      const timer = { actorId: row.actorId, event: row.event, dueAt: row.dueAt };
      try {
        this.#store.tx(() => {
          const removed = this.#store.db
            .delete(timers)
            .where(
              and(
                eq(timers.actorId, timer.actorId),
                eq(timers.event, timer.event),
                eq(timers.dueAt, timer.dueAt),
              ),
            )
            .run();
          if (removed.changes === 0 || kind === null) return;
          try {
            this.#store.tx(() => this.#dispatch({ ...timer, kind }));
          } catch (error) {
            if (!(error instanceof TransitionRejected)) throw error;
          }
        });
        count++;
      } catch (error) {
        failed++;
        this.#log.error({ err: describeError(error), timer }, 'timer dispatch failed; will retry');
      }
    }
    this.fired += count;
    this.#failedLastPass = failed;
    if (due.length === 500 && failed === 0) return count + this.fireDue();
    return count;
  }

  #rearm(): void {
    // After failures, the rows still due are the ones that failed: retry them later, while
    // timers not yet due keep their time.
    const now = this.#clock.now();
    const retrying = this.#failedLastPass > 0;
    const next =
      nextDueAfter.get(this.#store, { after: retrying ? now : Number.MIN_SAFE_INTEGER })?.dueAt ?? null;
    this.#handle?.cancel();
    this.#handle = null;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const at = retrying ? Math.min(next ?? Number.POSITIVE_INFINITY, now + TIMER_RETRY_MS) : next;
    if (at !== null) this.#arm(at);
  }

  #arm(dueAt: number): void {
    this.#handle?.cancel();
    this.#armedFor = dueAt;
    this.#handle = this.#clock.setTimeout(() => {
      this.#handle = null;
      this.#armedFor = Number.POSITIVE_INFINITY;
      if (!this.#running) return;
      this.fireDue();
      this.#rearm();
    }, dueAt - this.#clock.now());
  }
}
