import { assign, setup } from 'xstate';
import { isKnownRoot } from '../src/policy/rootStatus.ts';

/**
 * Authorization to post exactly one reply to one target.
 *
 * pending → awaiting_approval (manual) → approved → posting → used(actualPostId)
 * with rejected(reasonCode), expired, failed(reason) and `unconfirmed`: a post call whose
 * outcome is unknown. An unconfirmed permit is resolved by looking on the platform: FOUND →
 * used; ABSENT → one more attempt under the same permit (same idempotency key), else failed.
 * The poster also looks before every attempt: a reply already there (a restored backup, a
 * late answer of an earlier attempt) is FOUND from `approved` — recorded, never posted again.
 *
 * Root-only fails closed: a target whose root status is unknown, or a decision that lacks its
 * root id, is rejected with `target_not_root` / `missing_root_id`.
 */
export interface PermitContext {
  permitId: string;
  candidateId: string;
  decisionId: string;
  approvalMode: 'auto' | 'manual';
  /** true only when the platform said so; null means unknown, which counts as not root. */
  targetIsRoot: boolean | null;
  targetInReplyToPostId: string | null;
  targetRootPostId: string | null;
  expiresAt: number;
  postingDeadlineAt: number | null;
  resolveBy: number | null;
  attempts: number;
  maxAttempts: number;
  actualPostId: string | null;
  reasonCode: string | null;
}

export interface PermitInput {
  permitId: string;
  candidateId: string;
  decisionId: string;
  approvalMode: 'auto' | 'manual';
  targetIsRoot: boolean | null;
  targetInReplyToPostId: string | null;
  targetRootPostId: string | null;
  expiresAt: number;
  maxAttempts?: number;
}

export interface TargetFacts {
  exists: boolean;
  isRoot: boolean | null;
  inReplyToPostId: string | null;
}

export type PermitEvent =
  | { type: 'SUBMIT' }
  | { type: 'APPROVE' }
  | { type: 'REJECT'; reasonCode: string }
  | { type: 'EXPIRE' }
  | { type: 'CLAIM'; target: TargetFacts; postingDeadlineAt: number }
  | { type: 'POSTED'; postId: string }
  | { type: 'POST_FAILED'; reasonCode: string }
  | { type: 'POST_DEFERRED'; reasonCode: string }
  | { type: 'OUTCOME_UNKNOWN'; reasonCode: string; resolveBy: number }
  | { type: 'POSTING_DEADLINE'; resolveBy: number }
  | { type: 'FOUND'; postId: string }
  | { type: 'ABSENT' }
  | { type: 'UNRESOLVED' };

/** The root check of src/policy (pure, like this machine): an unknown root is not a root. */
const isRootTarget = (t: { isRoot: boolean | null; inReplyToPostId: string | null }) =>
  isKnownRoot({ isRoot: t.isRoot, inReplyToId: t.inReplyToPostId });

export const permitMachine = setup({
  types: {
    context: {} as PermitContext,
    events: {} as PermitEvent,
    input: {} as PermitInput,
  },
  guards: {
    missingRootId: ({ context }) => context.targetRootPostId === null,
    targetNotRoot: ({ context }) =>
      !isRootTarget({ isRoot: context.targetIsRoot, inReplyToPostId: context.targetInReplyToPostId }),
    manualApproval: ({ context }) => context.approvalMode === 'manual',
    claimedTargetGone: ({ event }) => event.type === 'CLAIM' && !event.target.exists,
    claimedTargetNotRoot: ({ event }) => event.type === 'CLAIM' && !isRootTarget(event.target),
    attemptsLeft: ({ context }) => context.attempts < context.maxAttempts,
  },
  actions: {
    recordReason: assign({
      reasonCode: ({ event }) => ('reasonCode' in event ? event.reasonCode : null),
    }),
  },
}).createMachine({
  id: 'permit',
  context: ({ input }) => ({
    permitId: input.permitId,
    candidateId: input.candidateId,
    decisionId: input.decisionId,
    approvalMode: input.approvalMode,
    targetIsRoot: input.targetIsRoot,
    targetInReplyToPostId: input.targetInReplyToPostId,
    targetRootPostId: input.targetRootPostId,
    expiresAt: input.expiresAt,
    postingDeadlineAt: null,
    resolveBy: null,
    attempts: 0,
    maxAttempts: input.maxAttempts ?? 2,
    actualPostId: null,
    reasonCode: null,
  }),
  initial: 'pending',
  states: {
    pending: {
      tags: ['holds_target', 'unspent'],
      on: {
        SUBMIT: [
          { guard: 'missingRootId', target: 'rejected', actions: assign({ reasonCode: 'missing_root_id' }) },
          { guard: 'targetNotRoot', target: 'rejected', actions: assign({ reasonCode: 'target_not_root' }) },
          { guard: 'manualApproval', target: 'awaiting_approval' },
          { target: 'approved' },
        ],
        REJECT: { target: 'rejected', actions: 'recordReason' },
      },
    },
    awaiting_approval: {
      tags: ['holds_target', 'unspent'],
      on: {
        APPROVE: 'approved',
        REJECT: { target: 'rejected', actions: 'recordReason' },
        EXPIRE: { target: 'expired', actions: assign({ reasonCode: 'approval_ttl' }) },
      },
    },
    approved: {
      tags: ['holds_target', 'unspent', 'may_post'],
      on: {
        CLAIM: [
          {
            guard: 'claimedTargetGone',
            target: 'rejected',
            actions: assign({ reasonCode: 'target_deleted' }),
          },
          {
            guard: 'claimedTargetNotRoot',
            target: 'rejected',
            actions: assign({
              reasonCode: 'target_not_root',
              targetIsRoot: ({ event }) => event.target.isRoot,
              targetInReplyToPostId: ({ event }) => event.target.inReplyToPostId,
            }),
          },
          {
            target: 'posting',
            actions: assign({
              attempts: ({ context }) => context.attempts + 1,
              postingDeadlineAt: ({ event }) => event.postingDeadlineAt,
              reasonCode: null,
            }),
          },
        ],
        FOUND: {
          target: 'used',
          actions: assign({ actualPostId: ({ event }) => event.postId, postingDeadlineAt: null }),
        },
        REJECT: { target: 'rejected', actions: 'recordReason' },
        EXPIRE: { target: 'expired', actions: assign({ reasonCode: 'permit_ttl' }) },
      },
    },
    posting: {
      tags: ['holds_target', 'attempted', 'may_post', 'in_flight'],
      on: {
        POSTED: {
          target: 'used',
          actions: assign({ actualPostId: ({ event }) => event.postId, postingDeadlineAt: null }),
        },
        POST_FAILED: { target: 'failed', actions: 'recordReason' },
        // Definitely not sent (rate limited, platform unreachable): the attempt did not
        // happen, so it is given back; the permit's expiry bounds the waiting.
        POST_DEFERRED: {
          target: 'approved',
          actions: [
            'recordReason',
            assign({ postingDeadlineAt: null, attempts: ({ context }) => Math.max(0, context.attempts - 1) }),
          ],
        },
        OUTCOME_UNKNOWN: {
          target: 'unconfirmed',
          actions: ['recordReason', assign({ resolveBy: ({ event }) => event.resolveBy })],
        },
        POSTING_DEADLINE: {
          target: 'unconfirmed',
          actions: assign({ reasonCode: 'posting_deadline', resolveBy: ({ event }) => event.resolveBy }),
        },
      },
    },
    unconfirmed: {
      tags: ['holds_target', 'attempted', 'may_post'],
      on: {
        FOUND: {
          target: 'used',
          actions: assign({ actualPostId: ({ event }) => event.postId, resolveBy: null }),
        },
        ABSENT: [
          {
            guard: 'attemptsLeft',
            target: 'approved',
            actions: assign({ reasonCode: 'retry_after_absent', resolveBy: null, postingDeadlineAt: null }),
          },
          { target: 'failed', actions: assign({ reasonCode: 'absent_after_retry' }) },
        ],
        UNRESOLVED: { target: 'failed', actions: assign({ reasonCode: 'unresolved_outcome' }) },
      },
    },
    used: { type: 'final', tags: ['holds_target', 'attempted', 'succeeded'] },
    rejected: { type: 'final' },
    expired: { type: 'final' },
    failed: { type: 'final' },
  },
});
