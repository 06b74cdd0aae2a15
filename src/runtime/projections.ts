import { eq, type Placeholder, type SQL, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { candidates, permits, type QueueEntryRow, queueEntries } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { CandidateContext } from '../../machines/candidate.ts';
import type { PermitContext } from '../../machines/permit.ts';
import { CANDIDATE, type CandidateState, PERMIT, type PermitState } from '../../machines/stateGroups.ts';

/**
 * Mirrors an entity's state into its domain row in the same transaction as the snapshot,
 * so the tables the proof report reads always agree with the actors. Joined to the machines
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

const updateCandidate = prepared<{
  id: string;
  state: CandidateState;
  reasonCode: string | null;
  tier: number | null;
  score: number | null;
  at: number;
}>()((db, p) =>
  db
    .update(candidates)
    .set({
      state: value(p.state),
      reasonCode: value(p.reasonCode),
      tier: sql`coalesce(${p.tier}, ${candidates.tier})`,
      score: sql`coalesce(${p.score}, ${candidates.score})`,
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

export function projectCandidate(store: Store, state: CandidateState, c: CandidateContext, at: number): void {
  updateCandidate.run(store, {
    id: c.candidateId,
    state,
    reasonCode: c.reasonCode,
    tier: c.tier,
    score: c.score,
    at,
  });
  const status = QUEUE_STATUS[state];
  if (c.queueEntryId && status) {
    updateQueueEntry.run(store, { id: c.queueEntryId, status, runId: c.schedulerRunId, at });
  }
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

export function projectPermit(store: Store, state: PermitState, p: PermitContext, at: number): void {
  updatePermit.run(store, {
    id: p.permitId,
    state,
    reasonCode: state === PERMIT.used ? null : p.reasonCode,
    actualPostId: p.actualPostId,
    attempts: p.attempts,
    targetIsRoot: rootColumn(p.targetIsRoot),
    targetInReplyToPostId: p.targetInReplyToPostId,
    at,
  });
}

/** Root status as the `is_root` / `target_is_root` columns store it: 1, 0, or null for unknown. */
export function rootColumn(isRoot: boolean | null): number | null {
  return isRoot === null ? null : isRoot ? 1 : 0;
}
