import type { EntityKind } from '../../machines/registry.ts';
import type { Store } from '../../db/store.ts';
import type { Logger } from '../logging.ts';
import type { Clock, TimerHandle } from './clock.ts';
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
const NOT_QUARANTINED = "(a.status is null or a.status != 'quarantined')";

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
    const due = this.#store
      .statement(
        `select t.actor_id as actorId, a.kind as kind, t.event as event, t.due_at as dueAt
         from timers t left join actors a on a.id = t.actor_id where t.due_at <= ? and ${NOT_QUARANTINED}
         order by t.due_at limit 500`,
      )
      .all(now) as DueTimer[];
    let count = 0;
    let failed = 0;
    for (const timer of due) {
      try {
        this.#store.tx(() => {
          const removed = this.#store
            .statement('delete from timers where actor_id = ? and event = ? and due_at = ?')
            .run(timer.actorId, timer.event, timer.dueAt);
          if (removed.changes === 0 || !timer.kind) return;
          try {
            this.#store.tx(() => this.#dispatch(timer));
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
    const row = this.#store
      .statement(
        `select min(t.due_at) as dueAt from timers t left join actors a on a.id = t.actor_id
         where ${NOT_QUARANTINED} and t.due_at > ?`,
      )
      .get(retrying ? now : Number.MIN_SAFE_INTEGER) as { dueAt: number | null };
    this.#handle?.cancel();
    this.#handle = null;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const at = retrying ? Math.min(row.dueAt ?? Number.POSITIVE_INFINITY, now + TIMER_RETRY_MS) : row.dueAt;
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
