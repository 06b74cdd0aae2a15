import type { Clock } from '../../runtime/clock.ts';
import type { MetaStore } from '../meta.ts';

/**
 * Mastodon's rate limits as the dialect plays them: 300 API requests per 5 minutes per
 * account, and 300 new statuses per 3 hours per account. Both are fixed windows aligned to
 * the epoch, as Mastodon's (rack-attack and its RateLimiter) are; the counts persist with
 * the sandbox, so a restart does not reset them.
 */
export interface Limit {
  limit: number;
  periodMs: number;
}

export interface MastodonLimits {
  requests: Limit;
  statuses: Limit;
}

export const MASTODON_LIMITS: MastodonLimits = {
  requests: { limit: 300, periodMs: 5 * 60_000 },
  statuses: { limit: 300, periodMs: 3 * 3_600_000 },
};

/**
 * Mastodon's limits times `scale`, over the same windows. Only for harnesses that run the
 * pipeline faster than production: the chaos run's dev-speed jobs make ~100 requests a minute
 * (production ~8), and rate limits are not what it measures.
 */
export function scaledLimits(scale: number): MastodonLimits {
  return {
    requests: { ...MASTODON_LIMITS.requests, limit: Math.round(MASTODON_LIMITS.requests.limit * scale) },
    statuses: { ...MASTODON_LIMITS.statuses, limit: Math.round(MASTODON_LIMITS.statuses.limit * scale) },
  };
}

export interface LimitState {
  ok: boolean;
  limit: number;
  remaining: number;
  /** End of the current window, epoch ms. */
  resetAt: number;
}

interface Window {
  start: number;
  count: number;
}

/** The X-RateLimit-* headers Mastodon sends; the reset is an ISO 8601 time, never Retry-After. */
export function rateLimitHeaders(state: LimitState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-reset': new Date(state.resetAt).toISOString(),
  };
}

export class MastodonRateLimits {
  readonly #meta: MetaStore;
  readonly #clock: Clock;
  readonly #limits: MastodonLimits;

  constructor(meta: MetaStore, clock: Clock, limits: MastodonLimits = MASTODON_LIMITS) {
    this.#meta = meta;
    this.#clock = clock;
    this.#limits = limits;
  }

  /** Counts one API request by `who`; `ok: false` once it is over the limit. */
  request(who: string): LimitState {
    return this.#hit(`mastodon_rate:requests:${who}`, this.#limits.requests, true);
  }

  /** Whether `account` may make one more status now (counts nothing). */
  checkStatus(account: string): LimitState {
    return this.#hit(`mastodon_rate:statuses:${account}`, this.#limits.statuses, false);
  }

  /** Counts one status `account` made. */
  recordStatus(account: string): void {
    this.#hit(`mastodon_rate:statuses:${account}`, this.#limits.statuses, true);
  }

  #hit(key: string, { limit, periodMs }: Limit, count: boolean): LimitState {
    const now = this.#clock.now();
    const start = now - (now % periodMs);
    const stored = this.#read(key);
    const window: Window = stored && stored.start === start ? stored : { start, count: 0 };
    const ok = window.count < limit;
    if (count && ok) {
      window.count++;
      this.#meta.set(key, JSON.stringify(window));
    }
    return { ok, limit, remaining: Math.max(0, limit - window.count), resetAt: start + periodMs };
  }

  #read(key: string): Window | null {
    const raw = this.#meta.get(key);
    if (raw === null) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<Window>;
      return typeof parsed.start === 'number' && typeof parsed.count === 'number'
        ? { start: parsed.start, count: parsed.count }
        : null;
    } catch {
      return null;
    }
  }
}
