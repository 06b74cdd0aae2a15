import type { Store } from '../../db/store.ts';
import type { PermitInput } from '../../machines/permit.ts';
import { rootColumn } from '../../src/runtime/projections.ts';

/**
 * Domain rows that actors project onto, with synthetic text and hashes. Call inside the
 * transaction that creates or steps the actor that goes with them.
 */
export function insertCandidateRow(
  store: Store,
  id: string,
  at: number,
  fields: { postId?: string; isRoot?: boolean | null; inReplyToPostId?: string | null } = {},
): void {
  const isRoot = fields.isRoot === undefined ? true : fields.isRoot;
  store
    .statement(
      `insert into candidates (id, platform, post_id, author, text, post_created_at, in_reply_to_post_id, is_root,
         source, consent, state, discovered_at, updated_at)
       values (?, 'sandbox', ?, 'alice', 'a post worth answering', ?, ?, ?, 'mentions', 'mention', 'discovered', ?, ?)`,
    )
    .run(id, fields.postId ?? `post-${id}`, at, fields.inReplyToPostId ?? null, rootColumn(isRoot), at, at);
}

export function insertQueueEntryRow(
  store: Store,
  row: { id: string; candidateId: string; tier: number; score: number; expiresAt: number; at: number },
): void {
  store
    .statement(
      `insert into queue_entries (id, candidate_id, tier, score, status, enqueued_at, expires_at, updated_at)
       values (?, ?, ?, ?, 'queued', ?, ?, ?)`,
    )
    .run(row.id, row.candidateId, row.tier, row.score, row.at, row.expiresAt, row.at);
}

export interface DecisionFixture {
  id: string;
  candidateId: string;
  queueEntryId: string;
  schedulerRunId: string;
  targetPostId: string;
  targetRootPostId: string | null;
  at: number;
}

export function insertDecisionRow(store: Store, d: DecisionFixture): void {
  store
    .statement(
      `insert into decisions (id, candidate_id, queue_entry_id, scheduler_run_id, platform, target_post_id,
         target_root_post_id, text, content_hash, generator, latency_ms, created_at)
       values (?, ?, ?, ?, 'sandbox', ?, ?, 'thanks for the mention!', ?, 'template', 3, ?)`,
    )
    .run(
      d.id,
      d.candidateId,
      d.queueEntryId,
      d.schedulerRunId,
      d.targetPostId,
      d.targetRootPostId,
      `hash-${d.id}`,
      d.at,
    );
}

export function insertPermitRow(
  store: Store,
  input: PermitInput,
  row: { queueEntryId: string; schedulerRunId: string; targetPostId: string; at: number },
): void {
  store
    .statement(
      `insert into permits (id, decision_id, candidate_id, queue_entry_id, scheduler_run_id, pipeline_source, platform,
         target_post_id, target_author, target_is_root, target_in_reply_to_post_id, text, content_hash, idempotency_key,
         state, attempts, created_at, updated_at, expires_at)
       values (?, ?, ?, ?, ?, 'scheduler', 'sandbox', ?, 'alice', ?, ?, 'thanks for the mention!', ?, ?, 'pending', 0, ?, ?, ?)`,
    )
    .run(
      input.permitId,
      input.decisionId,
      input.candidateId,
      row.queueEntryId,
      row.schedulerRunId,
      row.targetPostId,
      input.targetIsRoot === null ? null : input.targetIsRoot ? 1 : 0,
      input.targetInReplyToPostId,
      `hash-${input.permitId}`,
      `idem-${input.permitId}`,
      row.at,
      row.at,
      input.expiresAt,
    );
}

/**
 * The candidate, decision and permit rows a permit actor needs (ids derived from `permitId`),
 * for tests that exercise permits on their own.
 */
export function insertPermitChain(store: Store, input: PermitInput, at: number): void {
  const targetPostId = `target-${input.permitId}`;
  insertCandidateRow(store, input.candidateId, at, {
    postId: targetPostId,
    isRoot: input.targetIsRoot,
    inReplyToPostId: input.targetInReplyToPostId,
  });
  insertDecisionRow(store, {
    id: input.decisionId,
    candidateId: input.candidateId,
    queueEntryId: `q-${input.permitId}`,
    schedulerRunId: `run-${input.permitId}`,
    targetPostId,
    targetRootPostId: input.targetRootPostId,
    at,
  });
  insertPermitRow(store, input, {
    queueEntryId: `q-${input.permitId}`,
    schedulerRunId: `run-${input.permitId}`,
    targetPostId,
    at,
  });
}

/** A root target, automatic approval: the happy path's permit input. */
export function permitInput(
  permitId: string,
  expiresAt: number,
  overrides: Partial<PermitInput> = {},
): PermitInput {
  return {
    permitId,
    candidateId: `c-${permitId}`,
    decisionId: `d-${permitId}`,
    approvalMode: 'auto',
    targetIsRoot: true,
    targetInReplyToPostId: null,
    targetRootPostId: `target-${permitId}`,
    expiresAt,
    ...overrides,
  };
}
