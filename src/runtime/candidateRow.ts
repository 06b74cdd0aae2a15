import { count, eq } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { candidates } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { CandidateContext } from '../../machines/candidate.ts';
import { CANDIDATE_GROUPS, QUARANTINED } from '../../machines/stateGroups.ts';

/**
 * A candidate actor is persisted in its `candidates` row, not in `actors`: the row holds the
 * state and every field of the context (`projectCandidate` writes them all in each step), so
 * a JSON snapshot beside it would only repeat it — one row and three index entries more per
 * candidate, at every step. The row's version is the schema's: a change to the candidate's
 * context is a migration of these columns, not a snapshot `migrate`.
 */
export interface CandidateRowSnapshot {
  state: string;
  context: CandidateContext;
}

export function loadCandidateRow(store: Store, id: string): CandidateRowSnapshot | undefined {
  const row = candidateSnapshotById.get(store, { id });
  if (!row) return undefined;
  const { state, ...fields } = row;
  return { state, context: { candidateId: id, ...fields } };
}

const candidateSnapshotById = prepared<{ id: string }>()((db, p) =>
  db
    .select({
      state: candidates.state,
      queueEntryId: candidates.queueEntryId,
      schedulerRunId: candidates.schedulerRunId,
      decisionId: candidates.decisionId,
      permitId: candidates.permitId,
      postedPostId: candidates.postedPostId,
      reasonCode: candidates.reasonCode,
      tier: candidates.tier,
      score: candidates.score,
      expiresAt: candidates.expiresAt,
    })
    .from(candidates)
    .where(eq(candidates.id, p.id))
    .prepare(),
);

/** Candidates per state, every state (read through the `candidates_state` index). */
export function candidatesPerState(store: Store): { state: string; n: number }[] {
  return candidatesByState.all(store, {});
}

const candidatesByState = prepared()((db) =>
  db.select({ state: candidates.state, n: count() }).from(candidates).groupBy(candidates.state).prepare(),
);

/** The machine's final states (its terminal group, less the runtime's `quarantined`). */
const FINAL: ReadonlySet<string> = new Set(CANDIDATE_GROUPS.terminal.filter((s) => s !== QUARANTINED));

/**
 * What an `actors` row's status would say of a candidate, read from its row's state: a state
 * this build does not know counts as live (it is the one that must be checked or quarantined).
 */
export function candidateStatusOf(state: string): 'active' | 'done' | 'quarantined' {
  return state === QUARANTINED ? QUARANTINED : FINAL.has(state) ? 'done' : 'active';
}
