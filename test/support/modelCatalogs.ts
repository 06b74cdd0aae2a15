import type { CandidateEvent } from '../../machines/candidate.ts';
import type { PermitEvent, PermitInput, TargetFacts } from '../../machines/permit.ts';
import { permitInput } from './fixtures.ts';

/** The event catalogs (and permit inputs) the model-based tests and the pure-step test walk the machines with. */
export const T0 = Date.UTC(2026, 0, 9, 12);
export const HOUR = 3_600_000;

/** One payload per event type: the candidate machine has no guards, so one is enough. */
export const CANDIDATE_CATALOG: CandidateEvent[] = [
  { type: 'EVALUATE' },
  { type: 'REJECT', reasonCode: 'low_score' },
  { type: 'QUEUE', queueEntryId: 'q', tier: 2, score: 71.5, expiresAt: T0 + HOUR },
  { type: 'EXPIRE' },
  { type: 'SELECT', schedulerRunId: 'run' },
  { type: 'RELEASE', reasonCode: 'generation_failed' },
  { type: 'DECIDE', decisionId: 'd' },
  { type: 'PERMIT', permitId: 'p' },
  { type: 'POSTED', postId: 'reply' },
  { type: 'FAIL', reasonCode: 'post_failed' },
];

export const target = (
  exists: boolean,
  isRoot: boolean | null,
  inReplyToPostId: string | null,
): TargetFacts => ({
  exists,
  isRoot,
  inReplyToPostId,
});

/**
 * Payloads chosen to drive every guard: CLAIM with the target gone, not root (three ways: a
 * reply, said not root, unknown) and root; the attempts guard is driven by repeating
 * CLAIM → OUTCOME_UNKNOWN → ABSENT until attempts run out.
 */
export const PERMIT_CATALOG: PermitEvent[] = [
  { type: 'SUBMIT' },
  { type: 'APPROVE' },
  { type: 'REJECT', reasonCode: 'operator_rejected' },
  { type: 'EXPIRE' },
  { type: 'CLAIM', target: target(false, true, null), postingDeadlineAt: T0 + HOUR },
  { type: 'CLAIM', target: target(true, true, 'parent-post'), postingDeadlineAt: T0 + HOUR },
  { type: 'CLAIM', target: target(true, false, null), postingDeadlineAt: T0 + HOUR },
  { type: 'CLAIM', target: target(true, null, null), postingDeadlineAt: T0 + HOUR },
  { type: 'CLAIM', target: target(true, true, null), postingDeadlineAt: T0 + HOUR },
  { type: 'POSTED', postId: 'reply' },
  { type: 'POST_FAILED', reasonCode: 'platform_post_invalid' },
  { type: 'POST_DEFERRED', reasonCode: 'platform_rate_limited' },
  { type: 'OUTCOME_UNKNOWN', reasonCode: 'timeout', resolveBy: T0 + 2 * HOUR },
  { type: 'POSTING_DEADLINE', resolveBy: T0 + 3 * HOUR },
  { type: 'FOUND', postId: 'reply' },
  { type: 'ABSENT' },
  { type: 'UNRESOLVED' },
];

/** Inputs that drive SUBMIT's guards (missing root id / not root / manual / auto), with the outcome each must get. */
export const PERMIT_VARIANTS: {
  name: string;
  input: Partial<PermitInput>;
  submit: [string, string | null];
}[] = [
  { name: 'auto-root', input: {}, submit: ['approved', null] },
  { name: 'manual-root', input: { approvalMode: 'manual' }, submit: ['awaiting_approval', null] },
  { name: 'missing-root-id', input: { targetRootPostId: null }, submit: ['rejected', 'missing_root_id'] },
  { name: 'said-not-root', input: { targetIsRoot: false }, submit: ['rejected', 'target_not_root'] },
  { name: 'root-unknown', input: { targetIsRoot: null }, submit: ['rejected', 'target_not_root'] },
  {
    name: 'a-reply',
    input: { targetInReplyToPostId: 'parent-post' },
    submit: ['rejected', 'target_not_root'],
  },
  {
    name: 'manual-unknown',
    input: { approvalMode: 'manual', targetIsRoot: null },
    submit: ['rejected', 'target_not_root'],
  },
];

export const permitInputFor = (id: string, variant: (typeof PERMIT_VARIANTS)[number]) =>
  permitInput(id, T0 + HOUR / 2, variant.input);
