import type { Clock } from '../../runtime/clock.ts';
import { RateLimited } from '../contract.ts';
import type { CallKind } from '../httpErrors.ts';
import { classifyMastoError, isNotFound } from './errors.ts';

/** The id format the adapter accepts for statuses and accounts (anything else is not asked for). */
export const MASTODON_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface CallOptions {
  /** Let a 404 through raw (the caller turns it into "absent"). */
  notFound?: boolean;
}

/**
 * How the Mastodon adapter makes a call: its failure classified into the platform contract's
 * (PlatformUnavailable, RateLimited, …), the rate-limit reset kept for `limits()`.
 */
export class MastodonCalls {
  readonly #clock: Clock;
  #rateLimitedUntil: number | null = null;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** When the last call was rate limited, until when; null once a call succeeds. */
  get rateLimitedUntil(): number | null {
    return this.#rateLimitedUntil;
  }

  /** A read: failures are PlatformUnavailable/RateLimited; a 404 passes through raw when asked for. */
  read<T>(what: string, call: () => PromiseLike<T>, options: CallOptions = {}): Promise<T> {
    return this.call('read', what, call, options);
  }

  async call<T>(
    kind: CallKind,
    what: string,
    call: () => PromiseLike<T>,
    options: CallOptions = {},
  ): Promise<T> {
    try {
      const result = await call();
      this.#rateLimitedUntil = null;
      return result;
    } catch (error) {
      if (options.notFound && isNotFound(error)) throw error;
      const failure = classifyMastoError(error, kind, what, this.#clock.now());
      if (failure instanceof RateLimited) this.#rateLimitedUntil = failure.resetAt;
      throw failure;
    }
  }
}
