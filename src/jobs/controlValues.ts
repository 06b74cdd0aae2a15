import { eq } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { controls } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';

/**
 * The `controls` table: one value per key (the kill switch, the 429 window, the restore
 * marker). Read at the start of every job tick, so the read is prepared once per store.
 */
export type ControlKey = 'paused' | 'rate_limited_until' | 'restore_reconcile_since';

export function readControl(store: Store, key: ControlKey): string | null {
  return controlValue.get(store, { key })?.value ?? null;
}

const controlValue = prepared<{ key: string }>()((db, p) =>
  db.select({ value: controls.value }).from(controls).where(eq(controls.key, p.key)).prepare(),
);

export function writeControl(store: Store, key: ControlKey, value: string, at: number): void {
  store.db
    .insert(controls)
    .values({ key, value, updatedAt: at })
    .onConflictDoUpdate({ target: controls.key, set: { value, updatedAt: at } })
    .run();
}

export function deleteControl(store: Store, key: ControlKey): void {
  store.db.delete(controls).where(eq(controls.key, key)).run();
}
