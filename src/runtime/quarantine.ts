import { and, eq, inArray } from 'drizzle-orm';
import { actors, candidates, permits, queueEntries, timers } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { entityMachines } from '../../machines/registry.ts';
import { QUARANTINED } from '../../machines/stateGroups.ts';
import { EVENT } from '../events.ts';
import type { SnapshotProblem } from './actorRow.ts';
import { candidateStatusOf } from './candidateRow.ts';

/**
 * Takes an actor this build cannot revive out of the pipeline for good, in one transaction:
 * the actor row `quarantined` (a candidate has none: its row is its snapshot), a live actor's
 * domain row moved to the terminal state
 * `quarantined` with the problem's code as its reason (so every job, which selects by state,
 * skips it; a candidate's queue entry is dropped), its durable timers deleted, and an
 * `actor_quarantined` event with the reason and the state it was in.
 *
 * A quarantined permit still holds its target (`quarantined` is a holding state of
 * `permits_one_per_target`): it may have been posting, so its target must never get a second
 * reply (and it counts against the caps). A final actor's domain row is kept as it is: it is
 * settled and needs no snapshot, and a `used` permit stays the proof of its post.
 *
 * Returns false when the actor is missing or already quarantined.
 */
export function quarantineActor(store: Store, at: number, id: string, problem: SnapshotProblem): boolean {
  const { db } = store;
  return store.tx(() => {
    const inActors = actorRowOf(store, id);
    const actor = inActors ?? candidateRowOf(store, id);
    if (!actor || actor.status === QUARANTINED) return false;
    // A candidate's row is its snapshot: a settled one has nothing to revive, nothing to mark.
    if (!inActors && actor.status === 'done') return false;
    if (inActors)
      db.update(actors).set({ status: QUARANTINED, updatedAt: at }).where(eq(actors.id, id)).run();
    const live = actor.status === 'active';
    let candidateId: string | null = null;
    if (actor.kind === 'permit') {
      if (live) {
        db.update(permits)
          .set({ state: QUARANTINED, reasonCode: problem.code, updatedAt: at })
          .where(eq(permits.id, id))
          .run();
      }
      const row = db
        .select({ candidateId: permits.candidateId })
        .from(permits)
        .where(eq(permits.id, id))
        .get();
      candidateId = row?.candidateId ?? null;
    } else if (actor.kind === 'candidate') {
      candidateId = id;
      // Its state `quarantined` is the quarantine (no actors row).
      db.update(candidates)
        .set({ state: QUARANTINED, reasonCode: problem.code, updatedAt: at })
        .where(eq(candidates.id, id))
        .run();
      db.update(queueEntries)
        .set({ status: 'dropped', updatedAt: at })
        .where(and(eq(queueEntries.candidateId, id), inArray(queueEntries.status, ['queued', 'selected'])))
        .run();
    }
    db.delete(timers).where(eq(timers.actorId, id)).run();
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

interface QuarantineSubject {
  kind: string;
  machine: string;
  version: number;
  state: string;
  status: 'active' | 'done' | 'quarantined';
}

function actorRowOf(store: Store, id: string): QuarantineSubject | undefined {
  return store.db
    .select({
      kind: actors.kind,
      machine: actors.machine,
      version: actors.version,
      state: actors.state,
      status: actors.status,
    })
    .from(actors)
    .where(eq(actors.id, id))
    .get();
}

/** A candidate has no actors row: its candidates row says whether it is live. */
function candidateRowOf(store: Store, id: string): QuarantineSubject | undefined {
  const row = store.db
    .select({ state: candidates.state })
    .from(candidates)
    .where(eq(candidates.id, id))
    .get();
  if (!row) return undefined;
  const { name, version } = entityMachines.candidate;
  const status = candidateStatusOf(row.state);
  return { kind: 'candidate', machine: name, version, state: row.state, status };
}
