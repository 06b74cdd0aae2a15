import { Agent } from 'node:http';
import { TwitterApi, type TwitterApiv2 } from 'twitter-api-v2';
import { z } from 'zod';
import { OutcomeUnknown, PlatformRejected, PlatformUnavailable, RateLimited } from '../contract.ts';
import type { CallKind } from '../httpErrors.ts';
import type { CallRecorder, PriceUnit } from '../usage.ts';
import type { XAuth } from './auth.ts';
import { classifyXError, XCallTimedOut } from './errors.ts';

export interface XCallsOptions {
  /** `https://api.x.com` or a sandbox, without a trailing slash. */
  base: string;
  auth: XAuth;
  timeoutMs: number;
  onCall: CallRecorder;
  now: () => number;
  /** The platform name the calls are recorded under. */
  name: string;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().int().positive(),
});

/**
 * How the X adapter talks to X: one request with the account's token, under the adapter's
 * deadline, its error classified into the platform contract's, and reported to `onCall` for
 * pricing; a 401 a token refresh cured is sent once more. Also refreshes the token for `XAuth`.
 */
export class XCalls {
  /** The `prefix` every request passes (`<base>/2/`). */
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly #auth: XAuth;
  readonly #onCall: CallRecorder;
  readonly #now: () => number;
  readonly #name: string;
  readonly #agent: Agent | undefined;
  #client: { token: string; v2: TwitterApiv2 } | null = null;
  #rateLimitedUntil: number | null = null;

  constructor(options: XCallsOptions) {
    this.prefix = `${options.base}/2/`;
    this.timeoutMs = options.timeoutMs;
    this.#auth = options.auth;
    this.#onCall = options.onCall;
    this.#now = options.now;
    this.#name = options.name;
    // twitter-api-v2 calls https.request; a plain-http base (the sandbox) needs an http agent.
    this.#agent = options.base.startsWith('http:') ? new Agent({ keepAlive: false }) : undefined;
    this.#auth.useRefresh((request) => this.#refreshToken(request));
  }

  /** When the last call was rate limited, until when; null once a call succeeds. */
  get rateLimitedUntil(): number | null {
    return this.#rateLimitedUntil;
  }

  /**
   * One request with the account's token: one retry after a 401 that a token refresh cured
   * (a 401 proves X did nothing, so even a create may be sent again).
   */
  async call(
    operation: string,
    kind: CallKind,
    unit: PriceUnit,
    send: (v2: TwitterApiv2) => Promise<{ data: unknown }>,
    resources: (data: unknown) => string[] = () => [],
  ): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const v2 = await this.#v2(operation);
      try {
        return await this.#exchange(operation, kind, unit, () => send(v2), resources);
      } catch (error) {
        const unauthorized = error instanceof PlatformRejected && error.status === 401;
        if (unauthorized && attempt === 1 && (await this.#tryRefresh())) continue;
        throw error;
      }
    }
  }

  /** One request: the adapter's deadline, errors classified, the call reported for pricing. */
  async #exchange(
    operation: string,
    kind: CallKind,
    unit: PriceUnit,
    send: () => Promise<{ data: unknown }>,
    resources: (data: unknown) => string[],
  ): Promise<unknown> {
    try {
      const response = await this.#withDeadline(send());
      this.#rateLimitedUntil = null;
      this.#record(operation, 'ok', unit, kind === 'create' ? [] : resources(response.data));
      return response.data;
    } catch (error) {
      const classified = classifyXError(error, kind, operation, this.#now());
      if (classified instanceof RateLimited) this.#rateLimitedUntil = classified.resetAt;
      this.#record(operation, classified instanceof OutcomeUnknown ? 'unknown' : 'failed', unit, []);
      throw classified;
    }
  }

  async #tryRefresh(): Promise<boolean> {
    try {
      return await this.#auth.refresh();
    } catch {
      return false;
    }
  }

  #record(
    operation: string,
    outcome: 'ok' | 'failed' | 'unknown',
    unit: PriceUnit,
    resources: string[],
  ): void {
    try {
      this.#onCall({ platform: this.#name, operation, at: this.#now(), outcome, unit, resources });
    } catch {
      // Pricing must never break a call.
    }
  }

  async #withDeadline<T>(call: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    call.catch(() => {});
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new XCallTimedOut(`no answer in ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      timer.unref?.();
    });
    try {
      return await Promise.race([call, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #v2(operation: string): Promise<TwitterApiv2> {
    let token: string;
    try {
      token = await this.#auth.accessToken();
    } catch (error) {
      // Nothing was sent: the request waits for a token (re-authorize the app if this lasts).
      throw new PlatformUnavailable(
        `${operation}: could not refresh the X token (${describe(error)})`,
        error,
      );
    }
    if (this.#client?.token !== token) {
      // Every call passes `prefix` (the base URL): cloneWithPrefix throws in twitter-api-v2 1.29.1.
      this.#client = { token, v2: new TwitterApi(token, { httpAgent: this.#agent }).v2 };
    }
    return this.#client.v2;
  }

  async #refreshToken(request: { refreshToken: string; clientId: string; clientSecret?: string }) {
    const init = request.clientSecret
      ? { clientId: request.clientId, clientSecret: request.clientSecret }
      : { clientId: request.clientId };
    const client = new TwitterApi(init, { httpAgent: this.#agent });
    const body = await this.#exchange(
      'token_refresh',
      'read',
      'free',
      () =>
        client.post(
          'oauth2/token',
          { grant_type: 'refresh_token', refresh_token: request.refreshToken, client_id: request.clientId },
          { prefix: this.prefix, forceBodyMode: 'url', fullResponse: true, timeout: this.timeoutMs },
        ),
      () => [],
    );
    const parsed = tokenResponse.safeParse(body);
    if (!parsed.success) throw new PlatformUnavailable('token refresh: malformed answer from X');
    return {
      accessToken: parsed.data.access_token,
      refreshToken: parsed.data.refresh_token ?? null,
      expiresInS: parsed.data.expires_in,
    };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
