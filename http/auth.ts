import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { bearerToken, tokenMatches } from '../src/tokens.ts';
import type { HttpEnv } from './env.ts';
import { HttpError } from './errors.ts';

/**
 * Bearer-token checks for the mutating (and, by config, the read) routes.
 *
 * @example app.post('/api/control/pause', requireAdmin(config.REPLYWRIGHT_ADMIN_TOKEN), handler)
 */
export { bearerToken, tokenMatches };

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

/** Every mutating route: the admin token, always. Sets the principal the route acts as. */
export function requireAdmin(token: string | undefined) {
  return createMiddleware<HttpEnv>(async (c, next) => {
    check(c.req.header('authorization'), token);
    c.set('principal', 'admin-token');
    await next();
  });
}

/**
 * The name the audit trail records for the request's principal. Taken from what the token
 * check established — never from a header, which the caller writes.
 */
export function operatorOf(c: Context<HttpEnv>): string {
  const principal = c.get('principal');
  if (!principal) throw new Error('operatorOf: the route has no token check in front of it');
  return `operator:${principal}`;
}

/** Read routes: open unless `required`, then the admin token too. */
export function requireReader(token: string | undefined, required: boolean) {
  return createMiddleware<HttpEnv>(async (c, next) => {
    if (required) check(c.req.header('authorization'), token);
    await next();
  });
}

/** The methods that change something; each of their routes checks the admin token itself. */
export const MUTATING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The read check for the whole app, failing closed: every request that is not a mutating
 * method is a read — GET, and HEAD (which Hono answers with the GET handler), OPTIONS and any
 * method nobody thought of — and needs the token when reads are protected, unless its path
 * is one of `openPaths` (the health check, and the pages that answer with the unlock page).
 */
export function guardReads(token: string | undefined, required: boolean, openPaths: ReadonlySet<string>) {
  const reader = requireReader(token, required);
  return createMiddleware<HttpEnv>(async (c, next) => {
    if (MUTATING_METHODS.has(c.req.method) || openPaths.has(c.req.path)) return next();
    return reader(c, next);
  });
}
