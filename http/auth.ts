import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { HttpEnv } from './env.ts';
import { HttpError } from './errors.ts';

/**
 * Bearer-token checks. Tokens are compared in constant time over their SHA-256 digests, so
 * neither the content nor the length of the expected token leaks through timing.
 *
 * @example app.post('/api/control/pause', requireAdmin(config.REPLYWRIGHT_ADMIN_TOKEN), handler)
 */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}

export function isAuthorized(header: string | undefined, expected: string | undefined): boolean {
  const token = bearerToken(header);
  return expected !== undefined && token !== null && tokenMatches(token, expected);
}

const NOT_CONFIGURED = 'this route needs a token, and none is configured: set REPLYWRIGHT_ADMIN_TOKEN';

function check(header: string | undefined, expected: string | undefined): void {
  if (expected === undefined) throw new HttpError(403, 'forbidden', NOT_CONFIGURED);
  if (!isAuthorized(header, expected)) {
    throw new HttpError(401, 'unauthorized', 'missing or invalid bearer token', {
      headers: { 'WWW-Authenticate': 'Bearer realm="replywright"' },
    });
  }
}

/** Every mutating route: the admin token, always. */
export function requireAdmin(token: string | undefined) {
  return createMiddleware<HttpEnv>(async (c, next) => {
    check(c.req.header('authorization'), token);
    await next();
  });
}

/** Read routes: open unless `required`, then the admin token too. */
export function requireReader(token: string | undefined, required: boolean) {
  return createMiddleware<HttpEnv>(async (c, next) => {
    if (required) check(c.req.header('authorization'), token);
    await next();
  });
}
