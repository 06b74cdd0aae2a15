import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { HttpEnv } from './env.ts';

/**
 * The one error class of the HTTP edge: a status, a stable code, a message safe to show, and
 * the cause (logged, never sent). Anything else thrown becomes a 500 `{ error: 'internal' }`.
 *
 * @example throw new HttpError(404, 'not_found', `no permit ${id}`)
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
  }
}

/** The single onError: known errors answer with their status; the rest are logged and hidden. */
export function handleError(error: Error, c: Context<HttpEnv>): Response {
  const requestId = c.get('requestId') ?? 'unknown';
  const log = c.get('log');
  if (error instanceof HttpError) {
    if (error.status >= 500) log?.error({ err: error.cause ?? error, code: error.code }, error.message);
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json({ error: error.code, message: error.message, requestId }, error.status);
  }
  log?.error({ err: error }, 'unhandled error');
  return c.json({ error: 'internal', requestId }, 500);
}

export function handleNotFound(c: Context<HttpEnv>): Response {
  return c.json(
    { error: 'not_found', message: `no route ${c.req.method} ${c.req.path}`, requestId: c.get('requestId') },
    404,
  );
}
