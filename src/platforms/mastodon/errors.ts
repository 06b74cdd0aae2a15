import { MastoHttpError, MastoTimeoutError } from 'masto';
import { ReplywrightError } from '../../runtime/errors.ts';
import { OutcomeUnknown, PlatformRejected, PlatformUnavailable, RateLimited } from '../contract.ts';
import { type CallKind, neverSent } from '../httpErrors.ts';

/**
 * What a failure of the `masto` client means for replywright. Only a connection that was
 * never made proves a create did not happen; a timeout, a 5xx, a body the client could not
 * read (an HTML error page from a proxy) may all follow a status that was made.
 */
export function classifyMastoError(error: unknown, kind: CallKind, what: string, now: number): Error {
  if (error instanceof ReplywrightError) return error;
  if (error instanceof MastoHttpError) {
    const message = `${what}: HTTP ${error.statusCode} ${error.message}`.slice(0, 300);
    if (error.statusCode === 429) return new RateLimited(resetAt(error, now), error);
    if (error.statusCode >= 500) {
      return kind === 'create' ? new OutcomeUnknown(message, error) : new PlatformUnavailable(message, error);
    }
    return new PlatformRejected(message, error.statusCode, error);
  }
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (neverSent(error)) return new PlatformUnavailable(`${what}: not sent (${reason})`, error);
  const detail = error instanceof MastoTimeoutError ? `timed out (${reason})` : reason;
  return kind === 'create'
    ? new OutcomeUnknown(`${what}: outcome unknown, ${detail}`.slice(0, 300), error)
    : new PlatformUnavailable(`${what}: ${detail}`.slice(0, 300), error);
}

/** Mastodon's `X-RateLimit-Reset` is an ISO 8601 time; without it, a minute. */
function resetAt(error: MastoHttpError, now: number): number {
  const headers = (error.cause as { headers?: Headers } | undefined)?.headers;
  const reset = headers?.get('x-ratelimit-reset');
  const parsed = reset ? Date.parse(reset) : Number.NaN;
  if (Number.isFinite(parsed)) return parsed;
  const retryAfter = Number(headers?.get('retry-after') ?? Number.NaN);
  return Number.isFinite(retryAfter) && retryAfter >= 0 ? now + retryAfter * 1000 : now + 60_000;
}

/** True for a 404 from Mastodon (the status or account does not exist, or is not visible). */
export function isNotFound(error: unknown): boolean {
  return error instanceof MastoHttpError && error.statusCode === 404;
}
