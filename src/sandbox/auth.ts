import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { bearerToken, tokenMatches } from '../tokens.ts';
import type { SandboxPlatform } from './platform.ts';

export const SESSION_COOKIE = 'sandbox_session';

/** The dev default API token of `account`; configure a real one anywhere but a laptop. */
export function defaultAccountToken(account: string): string {
  return `sandbox-token-${account.toLowerCase()}`;
}

/** The dev default web password of `account`. */
export function defaultPassword(account: string): string {
  return `sandbox-password-${account.toLowerCase()}`;
}

export type Requester =
  | { kind: 'anonymous' }
  | { kind: 'invalid' }
  | { kind: 'token'; handle: string }
  | { kind: 'session'; handle: string };

/** Who is asking: the bot by its API token, a logged-in web user by cookie, or nobody. */
export function identify(c: Context, platform: SandboxPlatform, accountToken: string): Requester {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const token = bearerToken(header);
    return token !== null && tokenMatches(token, accountToken)
      ? { kind: 'token', handle: platform.account }
      : { kind: 'invalid' };
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  const handle = cookie ? platform.sessions.handle(cookie) : null;
  return handle ? { kind: 'session', handle } : { kind: 'anonymous' };
}
