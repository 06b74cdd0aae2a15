import { OutcomeUnknown, PlatformRejected, PlatformUnavailable, RateLimited } from './contract.ts';

/**
 * How an HTTP adapter turns transport failures and statuses into the contract's error
 * classes. The one question that matters for a post: could the platform have acted on it?
 * Only a connection that was never made proves it did not.
 */
export type CallKind = 'read' | 'create';

/** Failure codes raised before any byte of the request left: nothing can have been posted. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function codes(error: unknown): string[] {
  const found: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') found.push(code);
    current = cause;
  }
  return found;
}

/** True when `error` (from fetch) shows the connection was never established. */
export function neverSent(error: unknown): boolean {
  if (codes(error).some((code) => NOT_SENT.has(code))) return true;
  // Deno reports a refused connection in the message only.
  return (
    error instanceof Error &&
    /connection refused|os error 111/i.test(`${error.message} ${String(error.cause)}`)
  );
}

/** Maps an exception thrown by fetch (or by reading its body) to a contract error. */
export function fetchFailure(error: unknown, kind: CallKind, what: string): Error {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (neverSent(error)) return new PlatformUnavailable(`${what}: not sent (${reason})`, error);
  if (kind === 'create') return new OutcomeUnknown(`${what}: outcome unknown (${reason})`, error);
  return new PlatformUnavailable(`${what}: ${reason}`, error);
}

/** When a 429 says the limit resets, epoch ms: `x-ratelimit-reset` (epoch ms or s), else `retry-after`. */
export function rateLimitReset(headers: Headers, now: number): number {
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return reset < 1e11 ? reset * 1000 : reset;
  const retryAfter = Number(headers.get('retry-after') ?? Number.NaN);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return now + retryAfter * 1000;
  return now + 60_000;
}

/** Maps a non-2xx response to a contract error. */
export function statusFailure(
  response: Response,
  detail: string,
  kind: CallKind,
  what: string,
  now: number,
): Error {
  const message = `${what}: HTTP ${response.status}${detail ? ` ${detail}` : ''}`;
  if (response.status === 429) return new RateLimited(rateLimitReset(response.headers, now));
  if (response.status >= 500) {
    return kind === 'create' ? new OutcomeUnknown(message) : new PlatformUnavailable(message);
  }
  return new PlatformRejected(message, response.status);
}
