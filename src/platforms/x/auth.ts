import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * The X account's OAuth 2.0 user-context token. With a refresh token and a client id it is
 * refreshed before it expires (and once after a 401), and X's rotating refresh token is saved
 * at once to `tokenFile` (mode 600): the refresh token given in the environment works only
 * once, the file carries the current one across restarts. A file written from another
 * environment refresh token is ignored, so re-authorizing the app (new env tokens) wins.
 * Tokens are never logged.
 */
export interface XTokenSet {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch ms; null when unknown (a token from the environment). */
  expiresAt: number | null;
}

export interface XAuthOptions {
  accessToken: string;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** Where refreshed tokens are kept; without it a refresh lives only as long as the process. */
  tokenFile?: string;
  now?: () => number;
}

/** Swaps a refresh token for new tokens (X: POST /2/oauth2/token). */
export type RefreshCall = (request: {
  refreshToken: string;
  clientId: string;
  clientSecret?: string;
}) => Promise<{ accessToken: string; refreshToken: string | null; expiresInS: number }>;

const fileSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).nullable(),
  expiresAt: z.number().nullable(),
  /** Fingerprint of the environment refresh token this chain started from. */
  seededFrom: z.string(),
});

/** Refresh this long before the token expires. */
const EARLY_MS = 60_000;

export class XAuth {
  readonly #options: XAuthOptions;
  readonly #now: () => number;
  readonly #seed: string;
  #tokens: XTokenSet;
  #refreshing: Promise<boolean> | null = null;
  #refresh: RefreshCall | null = null;

  constructor(options: XAuthOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#seed = fingerprint(options.refreshToken ?? options.accessToken);
    this.#tokens = this.#loadFile() ?? {
      accessToken: options.accessToken,
      refreshToken: options.refreshToken ?? null,
      expiresAt: null,
    };
  }

  /** Set by the adapter: the refresh call through its client and base URL. */
  useRefresh(call: RefreshCall): void {
    this.#refresh = call;
  }

  get canRefresh(): boolean {
    return (
      this.#tokens.refreshToken !== null && this.#options.clientId !== undefined && this.#refresh !== null
    );
  }

  /** The access token to send now, refreshed first when it is about to expire. */
  async accessToken(): Promise<string> {
    const { expiresAt } = this.#tokens;
    if (expiresAt !== null && expiresAt - EARLY_MS <= this.#now() && this.canRefresh) await this.refresh();
    return this.#tokens.accessToken;
  }

  /** After a 401: true when a new token was obtained (one refresh at a time, shared). */
  refresh(): Promise<boolean> {
    if (!this.canRefresh) return Promise.resolve(false);
    this.#refreshing ??= this.#doRefresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #doRefresh(): Promise<boolean> {
    const refreshToken = this.#tokens.refreshToken!;
    const result = await this.#refresh!({
      refreshToken,
      clientId: this.#options.clientId!,
      clientSecret: this.#options.clientSecret,
    });
    this.#tokens = {
      accessToken: result.accessToken,
      // X rotates refresh tokens; keep the old one only if none came back.
      refreshToken: result.refreshToken ?? refreshToken,
      expiresAt: this.#now() + result.expiresInS * 1000,
    };
    this.#saveFile();
    return true;
  }

  #loadFile(): XTokenSet | null {
    const file = this.#options.tokenFile;
    if (!file) return null;
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return null;
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success || parsed.data.seededFrom !== this.#seed) return null;
    const { accessToken, refreshToken, expiresAt } = parsed.data;
    return { accessToken, refreshToken, expiresAt };
  }

  #saveFile(): void {
    const file = this.#options.tokenFile;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ ...this.#tokens, seededFrom: this.#seed })}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  }
}

function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}
