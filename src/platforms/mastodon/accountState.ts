import type { mastodon } from 'masto';
import type { Clock } from '../../runtime/clock.ts';
import { PlatformUnavailable } from '../contract.ts';
import { accountSchema, firstIssue, instanceSchema } from './schemas.ts';
import { DEFAULT_URL_LENGTH } from './statusLength.ts';

/** What the adapter knows of its account and instance, re-read every `refreshMs`. */
export interface AccountFacts {
  id: string;
  username: string;
  acct: string;
  /** The profile's "This is an automated account" flag. */
  bot: boolean;
  /** The instance's own domain (local accounts' acct has none). */
  domain: string;
  maxCharacters: number;
  charactersReservedPerUrl: number;
  checkedAt: number;
}

/** The token belongs to another account than the one configured: every call refuses. */
export class AccountMismatch extends PlatformUnavailable {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`the Mastodon token belongs to @${actual}, not to REPLYWRIGHT_ACCOUNT=${expected}`);
  }
}

export const DEFAULT_MAX_CHARACTERS = 500;

/**
 * Reads `verify_credentials` and `/api/v2/instance` once, then again at most every
 * `refreshMs` (a failed refresh keeps the last facts). Concurrent callers share one read.
 */
export class AccountState {
  readonly #client: mastodon.rest.Client;
  readonly #clock: Clock;
  readonly #expected: string;
  readonly #refreshMs: number;
  readonly #onFacts: ((facts: AccountFacts) => void) | undefined;
  #facts: AccountFacts | null = null;
  #loading: Promise<AccountFacts> | null = null;

  readonly #url: string;

  constructor(
    client: mastodon.rest.Client,
    url: string,
    clock: Clock,
    expectedUsername: string,
    refreshMs: number,
    onFacts?: (facts: AccountFacts) => void,
  ) {
    this.#client = client;
    this.#url = url;
    this.#clock = clock;
    this.#expected = expectedUsername.toLowerCase();
    this.#refreshMs = refreshMs;
    this.#onFacts = onFacts;
  }

  /** The last facts read, if any (no I/O). */
  get known(): AccountFacts | null {
    return this.#facts;
  }

  async get(read: <T>(what: string, call: () => PromiseLike<T>) => Promise<T>): Promise<AccountFacts> {
    const facts = this.#facts;
    if (facts && this.#clock.now() - facts.checkedAt < this.#refreshMs) return facts;
    this.#loading ??= this.#load(read).finally(() => {
      this.#loading = null;
    });
    try {
      return await this.#loading;
    } catch (error) {
      if (facts && !(error instanceof AccountMismatch)) return facts;
      throw error;
    }
  }

  async #load(read: <T>(what: string, call: () => PromiseLike<T>) => Promise<T>): Promise<AccountFacts> {
    const rawAccount = await read('GET /api/v1/accounts/verify_credentials', () =>
      this.#client.v1.accounts.verifyCredentials(),
    );
    const account = accountSchema.safeParse(rawAccount);
    if (!account.success)
      throw new PlatformUnavailable(
        `malformed account from Mastodon (${firstIssue(account.error, 'account')})`,
      );
    if (account.data.username.toLowerCase() !== this.#expected)
      throw new AccountMismatch(this.#expected, account.data.username);
    const rawInstance = await read('GET /api/v2/instance', () => this.#client.v2.instance.fetch());
    const instance = instanceSchema.safeParse(rawInstance);
    const statuses = instance.success ? instance.data.configuration.statuses : null;
    const domain = (instance.success ? instance.data.domain : null) ?? new URL(this.#url).host;
    this.#facts = {
      id: account.data.id,
      username: account.data.username,
      acct: account.data.acct,
      bot: account.data.bot === true,
      domain,
      maxCharacters: statuses?.maxCharacters ?? DEFAULT_MAX_CHARACTERS,
      charactersReservedPerUrl: statuses?.charactersReservedPerUrl ?? DEFAULT_URL_LENGTH,
      checkedAt: this.#clock.now(),
    };
    this.#onFacts?.(this.#facts);
    return this.#facts;
  }
}
