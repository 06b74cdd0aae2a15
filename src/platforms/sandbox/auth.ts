import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
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

/** Constant-time comparison; hashing first makes the lengths equal without leaking them. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
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
    return token !== null && secretsEqual(token, accountToken)
      ? { kind: 'token', handle: platform.account }
      : { kind: 'invalid' };
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  const handle = cookie ? platform.sessions.handle(cookie) : null;
  return handle ? { kind: 'session', handle } : { kind: 'anonymous' };
}
