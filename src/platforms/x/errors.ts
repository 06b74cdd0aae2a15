import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { OutcomeUnknown, PlatformRejected, PlatformUnavailable, RateLimited } from '../contract.ts';
import { type CallKind, neverSent } from '../httpErrors.ts';

/**
 * How the X adapter turns what twitter-api-v2 throws into the contract's classes. For a create,
 * only a connection never made proves nothing was posted; a timeout, a dropped connection, a
 * 5xx — and X's "duplicate content" 403 — may hide a post that exists: `OutcomeUnknown`, which
 * the reconciler settles with `ownRepliesTo`, never by posting again blindly.
 */
export const DUPLICATE_CONTENT = /duplicate content/i;
const NOT_SUMMONED = /not been mentioned or otherwise engaged/i;
const TARGET_GONE = /deleted or not visible/i;

/** A refusal with the reason code the poster records (instead of `platform_rejected_<status>`). */
export class XRejected extends PlatformRejected {
  constructor(message: string, status: number, reasonCode: string, cause?: unknown) {
    super(message, status, cause);
    this.context.reasonCode = reasonCode;
  }
}

/** The adapter's own deadline passed before the response arrived. */
export class XCallTimedOut extends Error {
  override name = 'XCallTimedOut';
}

/** The detail X gave (v2 problem `detail`, or the first `errors[].message`), short. */
export function xDetail(error: ApiResponseError): string {
  const data = error.data as
    | { detail?: unknown; title?: unknown; errors?: { message?: unknown }[] }
    | undefined;
  const detail =
    typeof data?.detail === 'string'
      ? data.detail
      : typeof data?.errors?.[0]?.message === 'string'
        ? data.errors[0].message
        : typeof data?.title === 'string'
          ? data.title
          : '';
  return detail.slice(0, 300);
}

/**
 * When a 429 lifts, epoch ms: the latest reset among the windows it reports exhausted (the app's
 * and the user's 24-hour windows, then the endpoint's 15-minute one), in Unix seconds on the wire.
 */
export function resetOf(error: ApiResponseError, now: number): number {
  const limit = error.rateLimit;
  const resets: number[] = [];
  if (limit) {
    if (limit.day && limit.day.remaining <= 0) resets.push(limit.day.reset);
    if (limit.userDay && limit.userDay.remaining <= 0) resets.push(limit.userDay.reset);
    if (Number.isFinite(limit.reset) && limit.reset > 0) resets.push(limit.reset);
  }
  const header = Number(error.headers?.['x-rate-limit-reset']);
  if (resets.length === 0 && Number.isFinite(header) && header > 0) resets.push(header);
  const latest = resets.filter((s) => Number.isFinite(s) && s > 0).reduce((a, b) => Math.max(a, b), 0);
  return latest > 0 ? latest * 1000 : now + 60_000;
}

/**
 * The network error behind an ApiRequestError. twitter-api-v2 1.29.1 builds the error with
 * `{ error }` while its `requestError` getter reads `requestError`, which is then undefined.
 */
function requestCause(error: ApiRequestError): Error | undefined {
  const options = (error as unknown as { _options?: { error?: Error; requestError?: Error } })._options;
  return error.requestError ?? options?.requestError ?? options?.error;
}

export function classifyXError(error: unknown, kind: CallKind, what: string, now: number): Error {
  if (error instanceof ApiResponseError) {
    const detail = xDetail(error);
    const message = `${what}: HTTP ${error.code}${detail ? ` ${detail}` : ''}`;
    if (error.code === 429) return new RateLimited(resetOf(error, now), error);
    if (error.code >= 500) {
      return kind === 'create' ? new OutcomeUnknown(message, error) : new PlatformUnavailable(message, error);
    }
    if (error.code === 403 && DUPLICATE_CONTENT.test(detail)) {
      // X refuses a repeat of text the account already posted, without saying where: our
      // earlier attempt may be that post. Maybe posted, to be settled by the own-reply lookup.
      if (kind === 'create') return new OutcomeUnknown(`${message} (maybe posted: duplicate content)`, error);
    }
    if (error.code === 403 && NOT_SUMMONED.test(detail)) {
      return new XRejected(message, 403, 'x_not_summoned', error);
    }
    if (error.code === 403 && TARGET_GONE.test(detail))
      return new XRejected(message, 403, 'target_deleted', error);
    return new PlatformRejected(message, error.code, error);
  }
  if (error instanceof ApiPartialResponseError) {
    const message = `${what}: response cut short (${error.message})`;
    return kind === 'create' ? new OutcomeUnknown(message, error) : new PlatformUnavailable(message, error);
  }
  if (error instanceof ApiRequestError) {
    const cause = requestCause(error);
    const reason = `${cause?.name ?? 'Error'}: ${cause?.message ?? error.message}`;
    if (neverSent(cause)) return new PlatformUnavailable(`${what}: not sent (${reason})`, error);
    return kind === 'create'
      ? new OutcomeUnknown(`${what}: outcome unknown (${reason})`, error)
      : new PlatformUnavailable(`${what}: ${reason}`, error);
  }
  if (error instanceof XCallTimedOut) {
    return kind === 'create'
      ? new OutcomeUnknown(`${what}: outcome unknown (${error.message})`, error)
      : new PlatformUnavailable(`${what}: ${error.message}`, error);
  }
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return kind === 'create'
    ? new OutcomeUnknown(`${what}: outcome unknown (${reason})`, error)
    : new PlatformUnavailable(`${what}: ${reason}`, error);
}
