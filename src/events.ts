/**
 * The event vocabulary. Every row in `events` has one of these types (transition events are
 * `candidate_<state>` and `permit_<state>`). The proof report and the metrics read them by
 * these names, so a name here is a promise that some code writes it — a test checks that.
 */
export const JOB_EVENT = {
  fetch: { started: 'fetch_started', completed: 'fetch_completed', failed: 'fetch_failed' },
  scheduler: { started: 'scheduler_started', completed: 'scheduler_completed', failed: 'scheduler_failed' },
  poster: { started: 'poster_started', completed: 'poster_completed', failed: 'poster_failed' },
  reconciler: {
    started: 'reconciler_started',
    completed: 'reconciler_completed',
    failed: 'reconciler_failed',
  },
} as const;

export const EVENT = {
  migrationApplied: 'migration_applied',
  actorQuarantined: 'actor_quarantined',
  postReplyClickAttempt: 'post_reply_click_attempt',
  postingSuccess: 'posting_success',
  postingFailed: 'posting_failed',
  postingUnconfirmed: 'posting_unconfirmed',
  /** The poster looked before posting and found the account's reply already there. */
  existingReplyFound: 'existing_reply_found',
  /** A second reply to one target, or a reply of a permit that had ended: critical. */
  duplicateReply: 'duplicate_reply',
  /** The reconciler looked for an unconfirmed permit's reply after it could have settled, and did not see it. */
  replyAbsentObserved: 'reply_absent_observed',
  /** The first boot after a restore read the account's posts since the backup, before any post. */
  restoreReconciled: 'restore_reconciled',
  ghostDetected: 'ghost_detected',
  replyVanished: 'reply_vanished',
  platformRateLimited: 'platform_rate_limited',
  platformPostInvalid: 'platform_post_invalid',
  optOutRecorded: 'opt_out_recorded',
  generationFailed: 'generation_failed',
  controlPaused: 'control_paused',
  controlResumed: 'control_resumed',
  permitApproved: 'permit_approved_by_operator',
  permitRejected: 'permit_rejected_by_operator',
  queueExpired: 'queue_expired',
  crashRecovery: 'crash_recovery',
  supervisorChildCrashed: 'supervisor_child_crashed',
  supervisorChildStarted: 'supervisor_child_started',
} as const;

export type EventType = (typeof EVENT)[keyof typeof EVENT];

/** SLO reasons: exactly one per scheduler run. */
export const SLO_REASONS = [
  /** The run's permit was spent: the reply is on the platform (set by the poster). */
  'posted',
  /** The run granted a permit; the poster has not (yet) posted it. */
  'permitted',
  /** The run's permit awaits an operator (manual approval mode). */
  'awaiting_approval',
  'queue_empty',
  'all_expired',
  'cap_reached',
  /** REPLYWRIGHT_DAILY_BUDGET_USD: the platform spend of the last 24 h reached it. */
  'budget_reached',
  'spacing',
  'quiet_hours',
  'paused',
  'generation_failed',
  'policy_blocked',
  'target_unavailable',
  'platform_rate_limited',
  'error',
] as const;

export type SloReason = (typeof SLO_REASONS)[number];
