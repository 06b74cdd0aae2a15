import { eq, type Placeholder, type SQL, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { candidates, permits, type QueueEntryRow, queueEntries } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { CandidateContext } from '../../machines/candidate.ts';
import type { PermitContext } from '../../machines/permit.ts';
import { CANDIDATE, type CandidateState, PERMIT, type PermitState } from '../../machines/stateGroups.ts';

/**
 * Writes an entity's state into its domain row in the same transaction as the rest of its
 * step, so the tables the proof report reads always agree with the actors. A permit's row
 * mirrors its `actors` snapshot; a candidate's row is its snapshot. Joined to the machines
 * by src/runtime/entityKinds.ts.
 */
export type QueueEntryStatus = QueueEntryRow['status'];

/** The queue entry's status for each candidate state (the candidate lifecycle). */
export const QUEUE_STATUS: Readonly<Record<string, QueueEntryStatus | undefined>> = {
  [CANDIDATE.queued]: 'queued',
  [CANDIDATE.selected]: 'selected',
  [CANDIDATE.decided]: 'selected',
  [CANDIDATE.permitted]: 'done',
  [CANDIDATE.posted]: 'done',
  [CANDIDATE.failed]: 'done',
  [CANDIDATE.expired]: 'expired',
  [CANDIDATE.rejected]: 'dropped',
};

/** The queue entry status that goes with a candidate state (undefined: not a queue state). */
export function queueStatusOf(candidateState: CandidateState): QueueEntryStatus | undefined {
  return QUEUE_STATUS[candidateState];
}

/** A placeholder as an SQL value, for `update … set` (which takes values, columns or SQL). */
function value<T>(p: Placeholder<string, T>): SQL<T> {
  return sql<T>`${p}`;
}

/**
 * The candidate's whole snapshot: its state and every field of its context (the row is the
 * candidate actor's persisted snapshot — src/runtime/candidateRow.ts reads it back). Tier and
 * score keep the row's value when the context has none: the machine sets them once (QUEUE)
 * and never clears them, and a row a test or the seeders wrote with a score keeps it.
 */
const updateCandidate = prepared<{
  id: string;
  state: CandidateState;
  reasonCode: string | null;
  tier: number | null;
  score: number | null;
  queueEntryId: string | null;
  expiresAt: number | null;
  schedulerRunId: string | null;
  decisionId: string | null;
  permitId: string | null;
  postedPostId: string | null;
  at: number;
}>()((db, p) =>
  db
    .update(candidates)
    .set({
      state: value(p.state),
      reasonCode: value(p.reasonCode),
      tier: sql`coalesce(${p.tier}, ${candidates.tier})`,
      score: sql`coalesce(${p.score}, ${candidates.score})`,
      queueEntryId: value(p.queueEntryId),
      expiresAt: value(p.expiresAt),
      schedulerRunId: value(p.schedulerRunId),
      decisionId: value(p.decisionId),
      permitId: value(p.permitId),
      postedPostId: value(p.postedPostId),
      updatedAt: value(p.at),
    })
    .where(eq(candidates.id, p.id))
    .prepare(),
);

const updateQueueEntry = prepared<{
  id: string;
  status: QueueEntryStatus;
  runId: string | null;
  at: number;
}>()((db, p) =>
  db
    .update(queueEntries)
    .set({
      status: value(p.status),
      selectedByRunId: sql`coalesce(${p.runId}, ${queueEntries.selectedByRunId})`,
      updatedAt: value(p.at),
    })
    .where(eq(queueEntries.id, p.id))
    .prepare(),
);

/** Returns the number of candidates rows written: 0 means the candidate has no row. */
export function projectCandidate(
  store: Store,
  state: CandidateState,
  c: CandidateContext,
  at: number,
): number {
  const { changes } = updateCandidate.run(store, {
    id: c.candidateId,
    state,
    reasonCode: c.reasonCode,
    tier: c.tier,
    score: c.score,
    queueEntryId: c.queueEntryId,
    expiresAt: c.expiresAt,
    schedulerRunId: c.schedulerRunId,
    decisionId: c.decisionId,
    permitId: c.permitId,
    postedPostId: c.postedPostId,
    at,
  });
  // No candidates row: nothing of this step may be written (the host throws ActorNotFound).
  if (changes === 0) return 0;
  const status = QUEUE_STATUS[state];
  if (c.queueEntryId && status) {
    updateQueueEntry.run(store, { id: c.queueEntryId, status, runId: c.schedulerRunId, at });
  }
  return changes;
}

const updatePermit = prepared<{
  id: string;
  state: PermitState;
  reasonCode: string | null;
  actualPostId: string | null;
  attempts: number;
  targetIsRoot: number | null;
  targetInReplyToPostId: string | null;
  at: number;
}>()((db, p) =>
  db
    .update(permits)
    .set({
      state: value(p.state),
      reasonCode: value(p.reasonCode),
      actualPostId: sql`coalesce(${p.actualPostId}, ${permits.actualPostId})`,
      attempts: value(p.attempts),
      updatedAt: value(p.at),
      targetIsRoot: value(p.targetIsRoot),
      targetInReplyToPostId: value(p.targetInReplyToPostId),
      postingStartedAt: sql`case when ${p.state} = ${PERMIT.posting} then ${p.at} else ${permits.postingStartedAt} end`,
      usedAt: sql`case when ${p.state} = ${PERMIT.used} then ${p.at} else ${permits.usedAt} end`,
    })
    .where(eq(permits.id, p.id))
    .prepare(),
);

/** Returns the number of permits rows written. */
export function projectPermit(store: Store, state: PermitState, p: PermitContext, at: number): number {
  return updatePermit.run(store, {
    id: p.permitId,
    state,
    reasonCode: state === PERMIT.used ? null : p.reasonCode,
    actualPostId: p.actualPostId,
    attempts: p.attempts,
    targetIsRoot: rootColumn(p.targetIsRoot),
    targetInReplyToPostId: p.targetInReplyToPostId,
    at,
  }).changes;
}

/** Root status as the `is_root` / `target_is_root` columns store it: 1, 0, or null for unknown. */
export function rootColumn(isRoot: boolean | null): number | null {
  return isRoot === null ? null : isRoot ? 1 : 0;
}
