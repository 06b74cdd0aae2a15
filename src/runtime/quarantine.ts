import type { Store } from '../../db/store.ts';
import { EVENT } from '../events.ts';
import type { SnapshotProblem } from './actorRow.ts';

/**
 * Takes an actor this build cannot revive out of the pipeline for good, in one transaction:
 * the actor row `quarantined`, a live actor's domain row moved to the terminal state
 * `quarantined` with the problem's code as its reason (so every job, which selects by state,
 * skips it; a candidate's queue entry is dropped), its durable timers deleted, and an
 * `actor_quarantined` event with the reason and the state it was in.
 *
 * A quarantined permit still holds its target (`quarantined` is a holding state of
 * `permits_one_per_target`): it may have been posting, so its target must never get a second
 * reply. A final actor's domain row is kept as it is: it is settled and needs no snapshot, and
 * a `used` permit stays the proof of its post.
 *
 * Returns false when the actor is missing or already quarantined.
 */
export function quarantineActor(store: Store, at: number, id: string, problem: SnapshotProblem): boolean {
  return store.tx(() => {
    const actor = store
      .statement('select kind, machine, version, state, status from actors where id = ?')
      .get(id) as
      | { kind: string; machine: string; version: number; state: string; status: string }
      | undefined;
    if (!actor || actor.status === 'quarantined') return false;
    store.statement("update actors set status = 'quarantined', updated_at = ? where id = ?").run(at, id);
    const live = actor.status === 'active';
    let candidateId: string | null = null;
    if (actor.kind === 'permit') {
      if (live) {
        store
          .statement("update permits set state = 'quarantined', reason_code = ?, updated_at = ? where id = ?")
          .run(problem.code, at, id);
      }
      const row = store.statement('select candidate_id as candidateId from permits where id = ?').get(id) as
        | { candidateId: string }
        | undefined;
      candidateId = row?.candidateId ?? null;
    } else if (actor.kind === 'candidate') {
      candidateId = id;
      if (live) {
        store
          .statement(
            "update candidates set state = 'quarantined', reason_code = ?, updated_at = ? where id = ?",
          )
          .run(problem.code, at, id);
        store
          .statement(
            "update queue_entries set status = 'dropped', updated_at = ? where candidate_id = ? and status in ('queued', 'selected')",
          )
          .run(at, id);
      }
    }
    store.statement('delete from timers where actor_id = ?').run(id);
    store.event({
      at,
      type: EVENT.actorQuarantined,
      severity: 'error',
      actorId: id,
      candidateId,
      permitId: actor.kind === 'permit' ? id : null,
      data: JSON.stringify({
        reason: problem.reason,
        code: problem.code,
        kind: actor.kind,
        machine: actor.machine,
        version: actor.version,
        state: actor.state,
        status: actor.status,
      }),
    });
    return true;
  });
}
