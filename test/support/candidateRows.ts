import type { CandidateContext } from '../../machines/candidate.ts';

/**
 * A candidate's snapshot as its `candidates` row holds it, read with the tests' own SQL (not
 * the product's `loadCandidateRow`), so a column the projection forgets or misreads shows up
 * as a disagreement with the pure snapshot.
 */
export const CANDIDATE_ROW_SQL = `select id, state, queue_entry_id, scheduler_run_id, decision_id, permit_id,
  posted_post_id, reason_code, tier, score, expires_at from candidates`;

export interface CandidateRow {
  id: string;
  state: string;
  queue_entry_id: string | null;
  scheduler_run_id: string | null;
  decision_id: string | null;
  permit_id: string | null;
  posted_post_id: string | null;
  reason_code: string | null;
  tier: number | null;
  score: number | null;
  expires_at: number | null;
}

/** The context, typed as the machine's (`satisfies`) but open like a decoded snapshot's. */
export function candidateRowContext(row: CandidateRow): Record<string, unknown> {
  return {
    candidateId: row.id,
    queueEntryId: row.queue_entry_id,
    schedulerRunId: row.scheduler_run_id,
    decisionId: row.decision_id,
    permitId: row.permit_id,
    postedPostId: row.posted_post_id,
    reasonCode: row.reason_code,
    tier: row.tier,
    score: row.score,
    expiresAt: row.expires_at,
  } satisfies CandidateContext;
}
