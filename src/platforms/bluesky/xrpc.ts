import { PlatformRejected, PlatformUnavailable, RateLimited } from '../contract.ts';
import { type CallKind, fetchFailure, rateLimitReset, statusFailure } from '../httpErrors.ts';

/**
 * One XRPC call through the session's fetch handler (which adds the access token and
 * refreshes it on `ExpiredToken`), with a timeout, and every failure as a contract error:
 * 429 → RateLimited (until `ratelimit-reset`, epoch seconds, as Bluesky sends it); a
 * connection never made → PlatformUnavailable; a create that may have landed (timeout, 5xx,
 * dropped connection) → OutcomeUnknown; 401 → PlatformUnavailable (the session is gone;
 * nothing was written); another 4xx → PlatformRejected, or the XRPC error name's handler.
 */
export type FetchHandler = (url: string, init: RequestInit) => Promise<Response>;

export interface XrpcOptions {
  kind: CallKind;
  timeoutMs: number;
  now: () => number;
  /** XRPC error names (`RecordNotFound`, `InvalidSwap`) the caller handles itself. */
  expect?: readonly string[];
  onRateLimited?: (resetAt: number) => void;
  onUnauthorized?: () => void;
}

export type XrpcResult =
  | { ok: true; body: unknown; headers: Headers }
  | { ok: false; error: string; status: number };

export interface XrpcRequest {
  method: 'GET' | 'POST';
  nsid: string;
  params?: Record<string, string | number | boolean | readonly string[] | undefined>;
  body?: unknown;
}

export async function xrpc(
  handler: FetchHandler,
  request: XrpcRequest,
  options: XrpcOptions,
): Promise<XrpcResult> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(request.params ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, String(v));
    else search.set(key, String(value));
  }
  const query = search.size > 0 ? `?${search}` : '';
  const what = `${request.method} ${request.nsid}`;
  let response: Response;
  let text: string;
  try {
    response = await handler(`/xrpc/${request.nsid}${query}`, {
      method: request.method,
      headers: request.body === undefined ? {} : { 'content-type': 'application/json' },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw fetchFailure(error, options.kind, what);
  }
  const body = parseJson(text);
  if (response.ok) return { ok: true, body, headers: response.headers };
  const name = errorName(body);
  if (name !== null && options.expect?.includes(name))
    return { ok: false, error: name, status: response.status };
  if (response.status === 429) {
    const resetAt = blueskyReset(response.headers, options.now());
    options.onRateLimited?.(resetAt);
    throw new RateLimited(resetAt);
  }
  if (response.status === 401) {
    options.onUnauthorized?.();
    throw new PlatformUnavailable(
      `${what}: HTTP 401 ${name ?? ''} (not signed in; nothing was written)`.trim(),
    );
  }
  const failure = statusFailure(response, detail(name, body), options.kind, what, options.now());
  if (failure instanceof PlatformRejected && name === 'RateLimitExceeded') {
    throw new RateLimited(blueskyReset(response.headers, options.now()));
  }
  throw failure;
}

/** Bluesky's `ratelimit-reset` is epoch seconds; otherwise the generic headers. */
export function blueskyReset(headers: Headers, now: number): number {
  const reset = Number(headers.get('ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(now, reset < 1e11 ? reset * 1000 : reset);
  return rateLimitReset(headers, now);
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorName(body: unknown): string | null {
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === 'string' ? error : null;
}

function detail(name: string | null, body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  return [name, typeof message === 'string' ? message : null].filter(Boolean).join(': ').slice(0, 200);
}
