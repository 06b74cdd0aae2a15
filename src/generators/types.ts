import { ReplywrightError } from '../runtime/errors.ts';

/** What a generator is asked to answer. */
export interface GenerationRequest {
  targetPostId: string;
  targetText: string;
  targetAuthor: string;
  /** The account replying. */
  account: string;
  /** The reply must fit in this many UTF-16 code units (`text.length`). */
  maxLength: number;
}

export interface GeneratedReply {
  text: string;
  /** null for generators without a model (templates). */
  model: string | null;
  costUsd: number;
  promptTokens?: number;
  completionTokens?: number;
}

/**
 * Writes one reply. A generator only proposes text: the content gate decides whether it may
 * be posted. It honours `signal` and fails with `GenerationFailed`.
 */
export interface ReplyGenerator {
  readonly name: string;
  generate(request: GenerationRequest, signal: AbortSignal): Promise<GeneratedReply>;
}

export type GenerationFailureReason = 'timeout' | 'http_error' | 'invalid_response' | 'empty';

/**
 * No reply was produced. Timeouts and HTTP errors may pass on a later attempt; a malformed or
 * empty answer is the model's, and asking the same again rarely helps. Messages never carry
 * credentials.
 */
export class GenerationFailed extends ReplywrightError {
  constructor(
    message: string,
    readonly reason: GenerationFailureReason,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(message, {
      cause: options.cause,
      retryable: reason === 'timeout' || reason === 'http_error',
      context: options.status === undefined ? { reason } : { reason, status: options.status },
    });
  }
}
