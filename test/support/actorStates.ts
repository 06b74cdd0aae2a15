import type { Store } from '../../db/store.ts';
import type { CandidateEvent } from '../../machines/candidate.ts';
import type { PermitEvent } from '../../machines/permit.ts';
import { CANDIDATE, type CandidateState, PERMIT, type PermitState } from '../../machines/stateGroups.ts';
import type { EntityHost } from '../../src/runtime/entityHost.ts';
import { insertCandidateRow, insertDecisionRow, insertPermitRow, insertQueueEntryRow } from './fixtures.ts';

/**
 * One candidate (and, once it is permitted, its permit) driven through real transitions into
 * any state of its machine, with the domain rows the pipeline would have written for it.
 */
export const CANDIDATE_STATES: readonly CandidateState[] = Object.values(CANDIDATE);

export const PERMIT_STATES: readonly PermitState[] = Object.values(PERMIT);

const TERMINAL = new Set(['rejected', 'expired', 'posted', 'failed', 'used']);

/** Final states: their actors are `done`, and nothing ever needs to revive them. */
export const isTerminal = (state: string): boolean => TERMINAL.has(state);

export interface SeededChain {
  candidateId: string;
  queueEntryId: string;
  decisionId: string;
  permitId: string;
  targetPostId: string;
}

export interface ChainTiming {
  /** When the permit and queue entry expire. */
  expiresAt: number;
  postingDeadlineAt: number;
  resolveBy: number;
}

const ROOT = { exists: true, isRoot: true, inReplyToPostId: null };

function candidatePath(
  state: CandidateState,
  ids: SeededChain,
  runId: string,
  t: ChainTiming,
): CandidateEvent[] {
  const queued: CandidateEvent[] = [
    { type: 'EVALUATE' },
    { type: 'QUEUE', queueEntryId: ids.queueEntryId, tier: 1, score: 80, expiresAt: t.expiresAt },
  ];
  const permitted: CandidateEvent[] = [
    ...queued,
    { type: 'SELECT', schedulerRunId: runId },
    { type: 'DECIDE', decisionId: ids.decisionId },
    { type: 'PERMIT', permitId: ids.permitId },
  ];
  switch (state) {
    case 'discovered':
      return [];
    case 'evaluating':
      return [{ type: 'EVALUATE' }];
    case 'queued':
      return queued;
    case 'selected':
      return permitted.slice(0, 3);
    case 'decided':
      return permitted.slice(0, 4);
    case 'permitted':
      return permitted;
    case 'rejected':
      return [{ type: 'EVALUATE' }, { type: 'REJECT', reasonCode: 'low_score' }];
    case 'expired':
      return [...queued, { type: 'EXPIRE' }];
    case 'posted':
      return [...permitted, { type: 'POSTED', postId: `reply-${ids.permitId}` }];
    case 'failed':
      return [...permitted, { type: 'FAIL', reasonCode: 'target_deleted' }];
  }
}

function permitPath(state: PermitState, ids: SeededChain, t: ChainTiming): PermitEvent[] {
  const claim: PermitEvent = { type: 'CLAIM', target: ROOT, postingDeadlineAt: t.postingDeadlineAt };
  switch (state) {
    case 'pending':
      return [];
    case 'awaiting_approval':
    case 'approved':
      return [{ type: 'SUBMIT' }];
    case 'posting':
      return [{ type: 'SUBMIT' }, claim];
    case 'unconfirmed':
      return [
        { type: 'SUBMIT' },
        claim,
        { type: 'OUTCOME_UNKNOWN', reasonCode: 'outcome_unknown', resolveBy: t.resolveBy },
      ];
    case 'used':
      return [{ type: 'SUBMIT' }, claim, { type: 'POSTED', postId: `reply-${ids.permitId}` }];
    case 'rejected':
      return [{ type: 'REJECT', reasonCode: 'operator_rejected' }];
    case 'expired':
      return [{ type: 'SUBMIT' }, { type: 'EXPIRE' }];
    case 'failed':
      return [{ type: 'SUBMIT' }, claim, { type: 'POST_FAILED', reasonCode: 'platform_rejected_403' }];
  }
}

/** The candidate state that goes with a permit state (and the permit state with a candidate one). */
const CANDIDATE_FOR_PERMIT: Record<PermitState, CandidateState> = {
  pending: 'permitted',
  awaiting_approval: 'permitted',
  approved: 'permitted',
  posting: 'permitted',
  unconfirmed: 'permitted',
  used: 'posted',
  rejected: 'failed',
  expired: 'failed',
  failed: 'failed',
};
const PERMIT_FOR_CANDIDATE: Partial<Record<CandidateState, PermitState>> = {
  permitted: 'approved',
  posted: 'used',
  failed: 'failed',
};

/**
 * Seeds chain `n` with the candidate in `state` (kind 'candidate') or the permit in `state`
 * (kind 'permit'), the other actor in the state that goes with it. One transaction.
 */
export function seedChain(
  store: Store,
  host: EntityHost,
  at: number,
  n: string,
  subject: { kind: 'candidate'; state: CandidateState } | { kind: 'permit'; state: PermitState },
  timing: ChainTiming,
  targetPostId = `target-${n}`,
): SeededChain {
  const ids: SeededChain = {
    candidateId: `c-${n}`,
    queueEntryId: `q-${n}`,
    decisionId: `d-${n}`,
    permitId: `pm-${n}`,
    targetPostId,
  };
  const runId = `run-${n}`;
  const candidateState = subject.kind === 'candidate' ? subject.state : CANDIDATE_FOR_PERMIT[subject.state];
  const permitState = subject.kind === 'permit' ? subject.state : PERMIT_FOR_CANDIDATE[subject.state];
  const events = candidatePath(candidateState, ids, runId, timing);
  store.tx(() => {
    insertCandidateRow(store, ids.candidateId, at, { postId: ids.targetPostId });
    if (events.some((e) => e.type === 'QUEUE')) {
      insertQueueEntryRow(store, {
        id: ids.queueEntryId,
        candidateId: ids.candidateId,
        tier: 1,
        score: 80,
        expiresAt: timing.expiresAt,
        at,
      });
    }
    const decided = events.findIndex((e) => e.type === 'DECIDE');
    if (decided >= 0) {
      insertDecisionRow(store, {
        id: ids.decisionId,
        candidateId: ids.candidateId,
        queueEntryId: ids.queueEntryId,
        schedulerRunId: runId,
        targetPostId: ids.targetPostId,
        targetRootPostId: ids.targetPostId,
        at,
      });
    }
    // The candidate up to `decided` first: the permit is granted between DECIDE and PERMIT.
    const beforePermit = events.findIndex((e) => e.type === 'PERMIT');
    host.create(
      'candidate',
      ids.candidateId,
      { candidateId: ids.candidateId },
      beforePermit >= 0 ? events.slice(0, beforePermit) : events,
    );
    if (permitState) {
      const input = {
        permitId: ids.permitId,
        candidateId: ids.candidateId,
        decisionId: ids.decisionId,
        approvalMode: permitState === 'awaiting_approval' ? ('manual' as const) : ('auto' as const),
        targetIsRoot: true,
        targetInReplyToPostId: null,
        targetRootPostId: ids.targetPostId,
        expiresAt: timing.expiresAt,
      };
      insertPermitRow(store, input, {
        queueEntryId: ids.queueEntryId,
        schedulerRunId: runId,
        targetPostId: ids.targetPostId,
        at,
      });
      host.create('permit', ids.permitId, input, permitPath(permitState, ids, timing));
      host.send('candidate', ids.candidateId, events.slice(beforePermit));
    }
  });
  return ids;
}
