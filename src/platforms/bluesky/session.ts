import { type AtpSessionData, type AtpSessionEvent, CredentialSession } from '@atproto/api';
import { PlatformRejected, PlatformUnavailable } from '../contract.ts';
import { neverSent } from '../httpErrors.ts';
import type { BlueskyState, StoredSession } from './state.ts';

/**
 * The account's session: resumed from the state file and refreshed at boot, refreshed again
 * whenever the PDS says the access token expired (the library does it inside each call), and
 * written back on every change. A login (createSession) happens only when there is no stored
 * session or its refresh token was refused — never once per boot.
 */
export interface SessionOptions {
  service: string;
  identifier: string;
  /** An app password (xxxx-xxxx-xxxx-xxxx); never logged. */
  appPassword: string;
  state: BlueskyState;
  fetch: typeof fetch;
  now: () => number;
}

export class BlueskySession {
  readonly #options: SessionOptions;
  readonly #credentials: CredentialSession;
  #ready: Promise<void> | null = null;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#credentials = new CredentialSession(new URL(options.service), options.fetch, (event, session) =>
      this.#persist(event, session),
    );
  }

  /** The fetch handler every XRPC call goes through (token added, refresh on expiry). */
  readonly fetchHandler = async (url: string, init: RequestInit): Promise<Response> => {
    await this.ensure();
    return this.#credentials.fetchHandler(url, init);
  };

  get did(): string | null {
    return this.#credentials.session?.did ?? null;
  }

  get handle(): string | null {
    return this.#credentials.session?.handle ?? null;
  }

  /** Resume (and refresh) the stored session, or log in when there is none; once at a time. */
  ensure(): Promise<void> {
    if (this.#credentials.hasSession) return Promise.resolve();
    this.#ready ??= this.#start().finally(() => {
      this.#ready = null;
    });
    return this.#ready;
  }

  /** Forget the in-memory session after a 401 the library could not repair: the next call resumes or logs in. */
  invalidate(): void {
    this.#credentials.session = undefined;
  }

  async #start(): Promise<void> {
    const { state, service, identifier, now } = this.#options;
    const stored = state.loadSession(service, identifier);
    if (stored) {
      try {
        await this.#credentials.resumeSession(stored as AtpSessionData);
        state.logSession('refresh', now());
        return;
      } catch (error) {
        // A network failure keeps the stored session for the next try; a refused refresh
        // token (the library reported 'expired' and cleared it) falls through to a login.
        if (this.#credentials.hasSession || isTransport(error)) {
          this.#credentials.session = undefined;
          throw new PlatformUnavailable(`bluesky: could not refresh the session (${describe(error)})`, error);
        }
      }
    }
    try {
      await this.#credentials.login({ identifier, password: this.#options.appPassword });
      state.logSession('login', now());
    } catch (error) {
      if (isTransport(error)) {
        throw new PlatformUnavailable(`bluesky: could not sign in (${describe(error)})`, error);
      }
      const status = (error as { status?: unknown }).status;
      if (status === 429)
        throw new PlatformUnavailable('bluesky: sign-in rate limited (createSession)', error);
      throw new PlatformRejected(
        `bluesky: sign-in refused for ${identifier} (${describe(error)}); check REPLYWRIGHT_BLUESKY_IDENTIFIER and REPLYWRIGHT_BLUESKY_APP_PASSWORD`,
        typeof status === 'number' ? status : 401,
        error,
      );
    }
  }

  #persist(event: AtpSessionEvent, session: AtpSessionData | undefined): void {
    const { state, service, identifier, now } = this.#options;
    if ((event === 'create' || event === 'update') && session) {
      state.saveSession(service, identifier, session as unknown as StoredSession, now());
    } else if (event === 'expired') {
      state.saveSession(service, identifier, null, now());
    }
  }
}

function isTransport(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  return neverSent(error) || status === 1 || (typeof status === 'number' && status >= 500);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const name = (error as { error?: unknown }).error;
  return `${typeof name === 'string' ? `${name}: ` : ''}${error.message}`.slice(0, 200);
}
