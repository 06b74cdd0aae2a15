/**
 * Classified failures. `retryable` says whether doing the same thing again may succeed;
 * an unknown posting outcome is its own class and is never retried blindly.
 */
export class ReplywrightError extends Error {
  readonly retryable: boolean;
  readonly context: Record<string, unknown>;

  constructor(
    message: string,
    options: { cause?: unknown; retryable?: boolean; context?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
    this.context = options.context ?? {};
  }
}

/** An event the actor's current state does not accept. */
export class TransitionRejected extends ReplywrightError {}

/** The actor does not exist, or was quarantined. */
export class ActorNotFound extends ReplywrightError {}

/**
 * The actor's snapshot cannot be revived by this build, so it is (or is being) quarantined.
 * An ActorNotFound: every caller that handles a missing actor handles this one too.
 */
export class ActorQuarantined extends ActorNotFound {}

/** A job run that passed its deadline. */
export class TimeoutError extends ReplywrightError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, { retryable: true, context });
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
