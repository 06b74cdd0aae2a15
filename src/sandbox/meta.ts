import { eq, sql } from 'drizzle-orm';
import { type SandboxDb, sandboxQuery } from './sandboxDb.ts';
import { sandboxMeta } from './schema.ts';

/** A tiny key/value table for the fault config, the rate-limit window and the traffic sequence. */
export interface MetaStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

const storedValue = sandboxQuery<{ key: string }>()((db, q) =>
  db.select({ value: sandboxMeta.value }).from(sandboxMeta).where(eq(sandboxMeta.key, q.key)).prepare(),
);

const upsert = sandboxQuery<{ key: string; value: string }>()((db, q) =>
  db
    .insert(sandboxMeta)
    .values({ key: q.key, value: q.value })
    .onConflictDoUpdate({ target: sandboxMeta.key, set: { value: sql`excluded.value` } })
    .prepare(),
);

export function metaStore(db: SandboxDb): MetaStore {
  return {
    get: (key) => storedValue.get(db, { key })?.value ?? null,
    set: (key, value) => upsert.run(db, { key, value }),
  };
}
