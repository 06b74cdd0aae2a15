import type { Store } from '../../db/store.ts';
import { EVENT } from '../events.ts';

/** The platform-wide "wait until" a 429 set; every job checks it before calling the platform. */
export function rateLimitedUntil(store: Store): number | null {
  const row = store.statement("select value from controls where key = 'rate_limited_until'").get() as
    | { value: string }
    | undefined;
  return row ? Number(row.value) : null;
}

export function setRateLimitedUntil(store: Store, now: number, until: number, by: string): void {
  store.tx(() => {
    store
      .statement(
        `insert into controls (key, value, updated_at) values ('rate_limited_until', ?, ?)
         on conflict(key) do update set value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(String(until), now);
    store.event({
      at: now,
      type: EVENT.platformRateLimited,
      severity: 'warn',
      data: JSON.stringify({ until, by }),
    });
  });
}
