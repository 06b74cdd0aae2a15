import type { Store } from '../../db/store.ts';
import type { CandidateContext } from '../../machines/candidate.ts';
import type { PermitContext } from '../../machines/permit.ts';

/**
 * Mirrors an entity's state into its domain row in the same transaction as the snapshot,
 * so the tables the proof report reads always agree with the actors.
 */
/** The queue entry's status for each candidate state (the candidate lifecycle). */
export const QUEUE_STATUS: Readonly<Record<string, string | undefined>> = {
  queued: 'queued',
  selected: 'selected',
  decided: 'selected',
  permitted: 'done',
  posted: 'done',
  failed: 'done',
  expired: 'expired',
  rejected: 'dropped',
};

/** The queue entry status that goes with a candidate state (undefined: not a queue state). */
export function queueStatusOf(candidateState: string): string | undefined {
  return QUEUE_STATUS[candidateState];
}

export function projectCandidate(store: Store, state: string, c: CandidateContext, at: number): void {
  store
    .statement(
      `update candidates set state = ?, reason_code = ?, tier = coalesce(?, tier), score = coalesce(?, score),
       updated_at = ? where id = ?`,
    )
    .run(state, c.reasonCode, c.tier, c.score, at, c.candidateId);
  const status = QUEUE_STATUS[state];
  if (c.queueEntryId && status) {
    store
      .statement(
        'update queue_entries set status = ?, selected_by_run_id = coalesce(?, selected_by_run_id), updated_at = ? where id = ?',
      )
      .run(status, c.schedulerRunId, at, c.queueEntryId);
  }
}

export function projectPermit(store: Store, state: string, p: PermitContext, at: number): void {
  store
    .statement(
      `update permits set state = ?, reason_code = ?, actual_post_id = coalesce(?, actual_post_id),
       attempts = ?, updated_at = ?, target_is_root = ?, target_in_reply_to_post_id = ?,
       posting_started_at = case when ? = 'posting' then ? else posting_started_at end,
       used_at = case when ? = 'used' then ? else used_at end
       where id = ?`,
    )
    .run(
      state,
      state === 'used' ? null : p.reasonCode,
      p.actualPostId,
      p.attempts,
      at,
      rootColumn(p.targetIsRoot),
      p.targetInReplyToPostId,
      state,
      at,
      state,
      at,
      p.permitId,
    );
}

/** Root status as the `is_root` / `target_is_root` columns store it: 1, 0, or null for unknown. */
export function rootColumn(isRoot: boolean | null): number | null {
  return isRoot === null ? null : isRoot ? 1 : 0;
}
