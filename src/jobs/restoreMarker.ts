import type { SqliteDriver } from '../../db/drivers/types.ts';
import type { Store } from '../../db/store.ts';

/**
 * A restored backup does not know what was posted after it was taken. `npm run restore` marks
 * the restored file with the time its newest row was written; until the reconciler has read the
 * account's own posts since then (linking each to its permit, or recording it as a ghost), the
 * poster posts nothing. Without the mark (a Litestream restore) the poster's own-reply lookup
 * before every attempt still keeps a target from a second reply.
 */
const KEY = 'restore_reconcile_since';

/** Marks a restored database file (not open by replywright). */
export function markRestored(driver: SqliteDriver, now: number): number {
  const newest = driver.prepare('select max(at) as at from events').get() as { at: number | null } | undefined;
  // A backup's clock may be behind the platform's by a little: look a minute further back.
  const since = (newest?.at ?? 0) - 60_000;
  driver
    .prepare(
      `insert into controls (key, value, updated_at) values (?, ?, ?)
       on conflict(key) do update set value = excluded.value, updated_at = excluded.updated_at`,
    )
    .run(KEY, String(since), now);
  return since;
}

/** The time from which the account's posts must be reconciled, or null when no restore is pending. */
export function restoreReconcileSince(store: Store): number | null {
  const row = store.statement('select value from controls where key = ?').get(KEY) as { value: string } | undefined;
  return row ? Number(row.value) : null;
}

export function restoreReconcilePending(store: Store): boolean {
  return restoreReconcileSince(store) !== null;
}

export function clearRestoreMarker(store: Store): void {
  store.statement('delete from controls where key = ?').run(KEY);
}
