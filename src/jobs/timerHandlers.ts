import type { Store } from '../../db/store.ts';
import { EVENT } from '../events.ts';
import type { Clock } from '../runtime/clock.ts';
import type { DueTimer, TimerDispatch } from '../runtime/durableTimers.ts';
import type { EntityHost } from '../runtime/entityHost.ts';

/**
 * What a due deadline does, with its follow-ups in the same transaction: an expired permit
 * fails its candidate; a post call past its deadline becomes `unconfirmed` (to be looked up,
 * never re-sent blindly); an outcome that stayed unknown past `resolveBy` fails loudly.
 */
export function createTimerDispatch(deps: {
  store: Store;
  host: EntityHost;
  clock: Clock;
  resolveWindowMs: number;
}): TimerDispatch {
  const { store, host, clock } = deps;
  return (timer: DueTimer) => {
    if (timer.kind !== 'permit') return;
    const now = clock.now();
    switch (timer.event) {
      case 'EXPIRE': {
        const permit = host.send('permit', timer.actorId, { type: 'EXPIRE' });
        host.sendIfAccepted('candidate', permit.context.candidateId, {
          type: 'FAIL',
          reasonCode: 'permit_expired',
        });
        return;
      }
      case 'POSTING_DEADLINE': {
        const permit = host.send('permit', timer.actorId, {
          type: 'POSTING_DEADLINE',
          resolveBy: now + deps.resolveWindowMs,
        });
        store.event({
          at: now,
          type: EVENT.postingUnconfirmed,
          severity: 'warn',
          permitId: timer.actorId,
          candidateId: permit.context.candidateId,
          data: JSON.stringify({ reason: 'posting_deadline' }),
        });
        return;
      }
      case 'UNRESOLVED': {
        const permit = host.send('permit', timer.actorId, { type: 'UNRESOLVED' });
        host.sendIfAccepted('candidate', permit.context.candidateId, {
          type: 'FAIL',
          reasonCode: 'unresolved_outcome',
        });
        store.event({
          at: now,
          type: EVENT.postingFailed,
          severity: 'critical',
          permitId: timer.actorId,
          candidateId: permit.context.candidateId,
          data: JSON.stringify({ errorClass: 'UnresolvedOutcome', outcome: 'failed' }),
        });
        return;
      }
    }
  };
}
