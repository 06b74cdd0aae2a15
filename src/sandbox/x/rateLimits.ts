import type { Clock } from '../../runtime/clock.ts';

/**
 * X's published v2 rate limits for the endpoints the dialect serves, as fixed windows that
 * start with their first request. Every answer carries `x-rate-limit-limit`,
 * `x-rate-limit-remaining` and `x-rate-limit-reset` (Unix seconds) of the endpoint's tightest
 * window; creating posts also reports the app's 24-hour window. Over a limit: 429.
 */
export interface WindowLimit {
  /** Names the window in errors and headers. */
  name: string;
  limit: number;
  windowMs: number;
  /** Per app (all users) instead of per user; the sandbox has one user that matters. */
  scope: 'user' | 'app';
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const X_ENDPOINT_LIMITS: Record<string, WindowLimit[]> = {
  'POST /2/tweets': [
    { name: '15min', limit: 100, windowMs: 15 * MIN, scope: 'user' },
    { name: '3hour', limit: 300, windowMs: 3 * HOUR, scope: 'user' },
    { name: '24hour', limit: 10_000, windowMs: 24 * HOUR, scope: 'app' },
  ],
  'GET /2/users/:id/mentions': [{ name: '15min', limit: 300, windowMs: 15 * MIN, scope: 'user' }],
  'GET /2/users/:id/tweets': [{ name: '15min', limit: 900, windowMs: 15 * MIN, scope: 'user' }],
  'GET /2/tweets/:id': [{ name: '15min', limit: 900, windowMs: 15 * MIN, scope: 'user' }],
  'GET /2/tweets/search/recent': [{ name: '15min', limit: 300, windowMs: 15 * MIN, scope: 'user' }],
  'GET /2/users/me': [{ name: '15min', limit: 75, windowMs: 15 * MIN, scope: 'user' }],
  'GET /2/users/by/username/:username': [{ name: '15min', limit: 900, windowMs: 15 * MIN, scope: 'user' }],
};

interface WindowState {
  start: number;
  used: number;
}

export interface RateDecision {
  ok: boolean;
  headers: Record<string, string>;
}

export class XRateLimiter {
  readonly #clock: Clock;
  readonly #limits: Record<string, WindowLimit[]>;
  readonly #windows = new Map<string, WindowState>();

  constructor(clock: Clock, limits: Record<string, WindowLimit[]> = X_ENDPOINT_LIMITS) {
    this.#clock = clock;
    this.#limits = limits;
  }

  /** Counts one request to `endpoint` when every window has room; the headers either way. */
  take(endpoint: string): RateDecision {
    const limits = this.#limits[endpoint] ?? [];
    const now = this.#clock.now();
    const states = limits.map((limit) => ({ limit, state: this.#state(endpoint, limit, now) }));
    const ok = states.every(({ limit, state }) => state.used < limit.limit);
    if (ok) for (const { state } of states) state.used++;
    return { ok, headers: headersOf(states) };
  }

  #state(endpoint: string, limit: WindowLimit, now: number): WindowState {
    const key = `${endpoint}|${limit.name}|${limit.scope}`;
    let state = this.#windows.get(key);
    if (!state || now >= state.start + limit.windowMs) {
      state = { start: now, used: 0 };
      this.#windows.set(key, state);
    }
    return state;
  }
}

function headersOf(states: { limit: WindowLimit; state: WindowState }[]): Record<string, string> {
  if (states.length === 0) return {};
  const resetS = (s: WindowState, l: WindowLimit) => String(Math.ceil((s.start + l.windowMs) / 1000));
  const room = (s: (typeof states)[number]) => s.limit.limit - s.state.used;
  const end = (s: (typeof states)[number]) => s.state.start + s.limit.windowMs;
  // Exhausted windows first, the one that frees last; otherwise the one with the least room.
  const exhausted = states.filter((s) => room(s) <= 0);
  const tightest = exhausted.length
    ? exhausted.reduce((a, b) => (end(b) > end(a) ? b : a))
    : states.reduce((a, b) => (room(b) < room(a) ? b : a));
  const headers: Record<string, string> = {
    'x-rate-limit-limit': String(tightest.limit.limit),
    'x-rate-limit-remaining': String(Math.max(0, tightest.limit.limit - tightest.state.used)),
    'x-rate-limit-reset': resetS(tightest.state, tightest.limit),
  };
  const app = states.find((s) => s.limit.scope === 'app' && s.limit.name === '24hour');
  if (app) {
    headers['x-app-limit-24hour-limit'] = String(app.limit.limit);
    headers['x-app-limit-24hour-remaining'] = String(Math.max(0, app.limit.limit - app.state.used));
    headers['x-app-limit-24hour-reset'] = resetS(app.state, app.limit);
  }
  return headers;
}
