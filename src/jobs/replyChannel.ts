/**
 * How a permit's reply reaches the platform: its API, or a real browser. Either way the
 * channel throws the contract's classified errors — PlatformRejected, RateLimited,
 * PlatformUnavailable (definitely not posted) or OutcomeUnknown (may have posted).
 */
export interface PermitToPost {
  permitId: string;
  candidateId: string;
  schedulerRunId: string;
  targetPostId: string;
  targetAuthor: string;
  text: string;
  contentHash: string;
  idempotencyKey: string;
  expiresAt: number;
}

/** One attempt at spending a permit: which one it is travels with the call and its answer. */
export interface PostAttempt extends PermitToPost {
  attempt: number;
}

export interface ReplyChannel {
  readonly name: 'api' | 'browser';
  /**
   * The longest one send can take before the channel gives up on it. A reply may still land
   * that long after the posting deadline, so absence is judged only after it has passed.
   */
  readonly responseTimeoutMs: number;
  /**
   * Whether the platform receives the permit's idempotency key with each attempt. Only then
   * does the platform's idempotency protect a retry; a composer that makes a fresh key per
   * click gets none.
   */
  readonly carriesKey: boolean;
  send(
    permit: PostAttempt,
    signal: AbortSignal,
  ): Promise<{ postId: string; detail?: Record<string, unknown> }>;
  close?(): Promise<void>;
}
