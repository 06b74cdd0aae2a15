import type { CallKind } from '../httpErrors.ts';
import type { BlueskySession } from './session.ts';
import { type XrpcRequest, type XrpcResult, xrpc } from './xrpc.ts';

/**
 * How the Bluesky adapter talks to its PDS: one XRPC request through the session (a 401
 * invalidates it), under the adapter's deadline, keeping the rate-limit reset it was told.
 */
export class BlueskyCalls {
  readonly #session: BlueskySession;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #rateLimitedUntil: number | null = null;

  constructor(session: BlueskySession, timeoutMs: number, now: () => number) {
    this.#session = session;
    this.#timeoutMs = timeoutMs;
    this.#now = now;
  }

  /** When the last call was rate limited, until when; null once a call succeeds. */
  get rateLimitedUntil(): number | null {
    return this.#rateLimitedUntil;
  }

  /** A read whose failure is no answer: the body, or null. */
  async get(nsid: string, params: XrpcRequest['params']): Promise<unknown> {
    const result = await this.call('read', { method: 'GET', nsid, params });
    return result.ok ? result.body : null;
  }

  /** One request; an error named in `expect` is a result (`ok: false`), any other a throw. */
  call(kind: CallKind, request: XrpcRequest, expect: readonly string[] = []): Promise<XrpcResult> {
    return xrpc(this.#session.fetchHandler, request, {
      kind,
      timeoutMs: this.#timeoutMs,
      now: this.#now,
      expect,
      onRateLimited: (resetAt) => {
        this.#rateLimitedUntil = resetAt;
      },
      onUnauthorized: () => this.#session.invalidate(),
    }).then((result) => {
      if (result.ok) this.#rateLimitedUntil = null;
      return result;
    });
  }
}
