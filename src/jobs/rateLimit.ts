import type { Store } from '../../db/store.ts';
import { EVENT } from '../events.ts';
import { readControl, writeControl } from './controlValues.ts';

/** The platform-wide "wait until" a 429 set; every job checks it before calling the platform. */
export function rateLimitedUntil(store: Store): number | null {
  const value = readControl(store, 'rate_limited_until');
  return value === null ? null : Number(value);
}

export function setRateLimitedUntil(store: Store, now: number, until: number, by: string): void {
  store.tx(() => {
    writeControl(store, 'rate_limited_until', String(until), now);
    store.event({
      at: now,
      type: EVENT.platformRateLimited,
      severity: 'warn',
      data: JSON.stringify({ until, by }),
    });
  });
}
