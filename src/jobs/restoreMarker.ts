import { max } from 'drizzle-orm';
import { events } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { deleteControl, readControl, writeControl } from './controlValues.ts';

/**
 * A restored backup does not know what was posted after it was taken. `npm run restore` marks
 * the restored file with the time its newest row was written; until the reconciler has read the
 * account's own posts since then (linking each to its permit, or recording it as a ghost), the
 * poster posts nothing. Without the mark (a Litestream restore) the poster's own-reply lookup
 * before every attempt still keeps a target from a second reply.
 */
const KEY = 'restore_reconcile_since';

/** Marks a restored database file (a store over it, not opened by replywright). */
export function markRestored(store: Store, now: number): number {
  const newest = store.db
    .select({ at: max(events.at) })
    .from(events)
    .get();
  // A backup's clock may be behind the platform's by a little: look a minute further back.
  const since = (newest?.at ?? 0) - 60_000;
  writeControl(store, KEY, String(since), now);
  return since;
}

/** The time from which the account's posts must be reconciled, or null when no restore is pending. */
export function restoreReconcileSince(store: Store): number | null {
  const value = readControl(store, KEY);
  return value === null ? null : Number(value);
}

export function restoreReconcilePending(store: Store): boolean {
  return restoreReconcileSince(store) !== null;
}

export function clearRestoreMarker(store: Store): void {
  deleteControl(store, KEY);
}
