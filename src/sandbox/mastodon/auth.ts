import type { Context } from 'hono';
import { bearerToken, tokenMatches } from '../../tokens.ts';
import type { SandboxPlatform } from '../platform.ts';
import { SandboxError } from '../types.ts';

/** Who calls the dialect: the bot by its token, nobody (public reads), or a bad token. */
export type MastodonCaller =
  | { kind: 'account'; handle: string }
  | { kind: 'anonymous' }
  | { kind: 'invalid' };

export function mastodonCaller(c: Context, platform: SandboxPlatform, accountToken: string): MastodonCaller {
  const header = c.req.header('authorization');
  if (header === undefined) return { kind: 'anonymous' };
  const token = bearerToken(header);
  return token !== null && tokenMatches(token, accountToken)
    ? { kind: 'account', handle: platform.account }
    : { kind: 'invalid' };
}

/** The handle of an authenticated caller, or a 401 as Mastodon words it. */
export function requireAccount(caller: MastodonCaller): string {
  if (caller.kind !== 'account') throw new SandboxError(401, 'This method requires an authenticated user');
  return caller.handle;
}

/** Mastodon's answer to a token it does not know. */
export const INVALID_TOKEN = {
  body: { error: 'The access token is invalid' },
  headers: {
    'www-authenticate':
      'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"',
  },
};
