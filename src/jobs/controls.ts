import type { Store } from '../../db/store.ts';
import { EVENT } from '../events.ts';
import type { Clock } from '../runtime/clock.ts';
import type { EntityHost } from '../runtime/entityHost.ts';
import { ActorNotFound, TransitionRejected } from '../runtime/errors.ts';
import { readControl, writeControl } from './controlValues.ts';

/**
 * Operator controls: the pause (kill) switch and manual approval. Each is one transaction
 * with its event; the scheduler and poster read the switch at the start of every tick, so a
 * pause stops new permits and posts within one tick.
 */
export class Controls {
  readonly #store: Store;
  readonly #host: EntityHost;
  readonly #clock: Clock;

  constructor(store: Store, host: EntityHost, clock: Clock) {
    this.#store = store;
    this.#host = host;
    this.#clock = clock;
  }

  isPaused(): boolean {
    return isPaused(this.#store);
  }

  pause(by: string, reason = 'operator'): void {
    this.#setPaused(true, by, reason);
  }

  resume(by: string): void {
    this.#setPaused(false, by, 'operator');
  }

  #setPaused(paused: boolean, by: string, reason: string): void {
    const at = this.#clock.now();
    this.#store.tx(() => {
      writeControl(this.#store, 'paused', String(paused), at);
      this.#store.event({
        at,
        type: paused ? EVENT.controlPaused : EVENT.controlResumed,
        severity: paused ? 'warn' : 'info',
        data: JSON.stringify({ by, reason }),
      });
    });
  }

  /** Approves a permit awaiting approval. Throws ActorNotFound / TransitionRejected. */
  approvePermit(permitId: string, by: string): void {
    this.#store.tx(() => {
      this.#host.send('permit', permitId, { type: 'APPROVE' });
      this.#store.event({
        at: this.#clock.now(),
        type: EVENT.permitApproved,
        permitId,
        data: JSON.stringify({ by }),
      });
    });
  }

  /** Rejects a permit that has not started posting; its candidate fails with the same reason. */
  rejectPermit(permitId: string, by: string, reasonCode = 'operator_rejected'): void {
    this.#store.tx(() => {
      const permit = this.#host.send('permit', permitId, { type: 'REJECT', reasonCode });
      this.#host.sendIfAccepted('candidate', permit.context.candidateId, { type: 'FAIL', reasonCode });
      this.#store.event({
        at: this.#clock.now(),
        type: EVENT.permitRejected,
        permitId,
        candidateId: permit.context.candidateId,
        data: JSON.stringify({ by, reasonCode }),
      });
    });
  }
}

export { ActorNotFound, TransitionRejected };

/** The kill switch as stored: read at the start of every scheduler and poster tick. */
export function isPaused(store: Store): boolean {
  return readControl(store, 'paused') === 'true';
}
