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
}

export interface ReplyChannel {
  readonly name: 'api' | 'browser';
  send(
    permit: PermitToPost,
    signal: AbortSignal,
  ): Promise<{ postId: string; detail?: Record<string, unknown> }>;
  close?(): Promise<void>;
}
