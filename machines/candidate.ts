import { assign, setup } from 'xstate';

/**
 * A discovered post's life: evaluated, queued, picked by one scheduler run, decided,
 * permitted, and finally posted or failed. Times arrive in events; nothing here reads a clock.
 *
 * discovered → evaluating → rejected | queued → expired | selected → decided → permitted →
 * posted | failed; `selected`/`decided` go back to `queued` when their run fails (RELEASE).
 */
export interface CandidateContext {
  candidateId: string;
  queueEntryId: string | null;
  schedulerRunId: string | null;
  decisionId: string | null;
  permitId: string | null;
  postedPostId: string | null;
  reasonCode: string | null;
  tier: number | null;
  score: number | null;
  expiresAt: number | null;
}

export type CandidateEvent =
  | { type: 'EVALUATE' }
  | { type: 'REJECT'; reasonCode: string }
  | { type: 'QUEUE'; queueEntryId: string; tier: number; score: number; expiresAt: number }
  | { type: 'EXPIRE' }
  | { type: 'SELECT'; schedulerRunId: string }
  | { type: 'RELEASE'; reasonCode: string }
  | { type: 'DECIDE'; decisionId: string }
  | { type: 'PERMIT'; permitId: string }
  | { type: 'POSTED'; postId: string }
  | { type: 'FAIL'; reasonCode: string };

export interface CandidateInput {
  candidateId: string;
}

export const candidateMachine = setup({
  types: {
    context: {} as CandidateContext,
    events: {} as CandidateEvent,
    input: {} as CandidateInput,
  },
  actions: {
    recordReason: assign({
      reasonCode: ({ event }) => ('reasonCode' in event ? event.reasonCode : null),
    }),
  },
}).createMachine({
  id: 'candidate',
  context: ({ input }) => ({
    candidateId: input.candidateId,
    queueEntryId: null,
    schedulerRunId: null,
    decisionId: null,
    permitId: null,
    postedPostId: null,
    reasonCode: null,
    tier: null,
    score: null,
    expiresAt: null,
  }),
  initial: 'discovered',
  states: {
    discovered: {
      on: { EVALUATE: 'evaluating' },
    },
    evaluating: {
      on: {
        REJECT: { target: 'rejected', actions: 'recordReason' },
        QUEUE: {
          target: 'queued',
          actions: assign({
            queueEntryId: ({ event }) => event.queueEntryId,
            tier: ({ event }) => event.tier,
            score: ({ event }) => event.score,
            expiresAt: ({ event }) => event.expiresAt,
          }),
        },
      },
    },
    queued: {
      tags: ['admitted', 'in_queue'],
      on: {
        EXPIRE: { target: 'expired', actions: assign({ reasonCode: 'queue_ttl' }) },
        SELECT: {
          target: 'selected',
          actions: assign({ schedulerRunId: ({ event }) => event.schedulerRunId, reasonCode: null }),
        },
        REJECT: { target: 'rejected', actions: 'recordReason' },
      },
    },
    selected: {
      tags: ['admitted', 'in_queue', 'picked'],
      on: {
        DECIDE: { target: 'decided', actions: assign({ decisionId: ({ event }) => event.decisionId }) },
        RELEASE: { target: 'queued', actions: ['recordReason', assign({ schedulerRunId: null })] },
        REJECT: { target: 'rejected', actions: 'recordReason' },
      },
    },
    decided: {
      tags: ['admitted', 'picked'],
      on: {
        PERMIT: { target: 'permitted', actions: assign({ permitId: ({ event }) => event.permitId }) },
        RELEASE: {
          target: 'queued',
          actions: ['recordReason', assign({ schedulerRunId: null, decisionId: null })],
        },
        REJECT: { target: 'rejected', actions: 'recordReason' },
      },
    },
    permitted: {
      tags: ['admitted'],
      on: {
        POSTED: { target: 'posted', actions: assign({ postedPostId: ({ event }) => event.postId }) },
        FAIL: { target: 'failed', actions: 'recordReason' },
      },
    },
    rejected: { type: 'final' },
    expired: { type: 'final' },
    posted: { type: 'final', tags: ['succeeded'] },
    failed: { type: 'final' },
  },
});
