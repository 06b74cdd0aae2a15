import { randomBytes } from 'node:crypto';
import type { Clock } from '../../runtime/clock.ts';
import { tokenMatches } from '../../tokens.ts';

/**
 * The OAuth 2.0 side of the dialect: the sandbox bot's API token is always a valid user-context
 * bearer token; `POST /2/oauth2/token` with `grant_type=refresh_token` swaps a refresh token for
 * a new access token (valid two hours, as on X) and a new refresh token, and the used refresh
 * token stops working (X rotates them). Issued tokens live in memory: a restarted sandbox
 * knows only its bot token and its initial refresh token.
 */
export const ACCESS_TOKEN_TTL_S = 7200;

/** The dev default refresh token of `account`'s sandbox bot. */
export function defaultRefreshToken(account: string): string {
  return `sandbox-refresh-${account.toLowerCase()}`;
}

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope: string;
}

export class XTokens {
  readonly #clock: Clock;
  readonly #accountToken: string;
  readonly #access = new Map<string, number>();
  readonly #refresh = new Set<string>();

  constructor(clock: Clock, accountToken: string, initialRefreshToken: string) {
    this.#clock = clock;
    this.#accountToken = accountToken;
    this.#refresh.add(initialRefreshToken);
  }

  /** True for the bot's API token and for an issued access token that has not expired. */
  accepts(token: string): boolean {
    if (tokenMatches(token, this.#accountToken)) return true;
    const expiresAt = this.#access.get(token);
    return expiresAt !== undefined && expiresAt > this.#clock.now();
  }

  /** New tokens for a valid refresh token (which is then spent), or null. */
  refresh(refreshToken: string): IssuedTokens | null {
    if (!this.#refresh.delete(refreshToken)) return null;
    const access = `xat_${randomBytes(18).toString('base64url')}`;
    const refresh = `xrt_${randomBytes(18).toString('base64url')}`;
    this.#access.set(access, this.#clock.now() + ACCESS_TOKEN_TTL_S * 1000);
    this.#refresh.add(refresh);
    return {
      access_token: access,
      refresh_token: refresh,
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_TTL_S,
      scope: 'tweet.read tweet.write users.read offline.access',
    };
  }
}
