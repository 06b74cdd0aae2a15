import { and, count, eq } from 'drizzle-orm';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { Store } from './store.ts';

/**
 * SQLite's own catalogue, typed for reads. Not part of `db/schema.ts` on purpose: drizzle-kit
 * must never try to create or migrate it.
 */
export const sqliteMaster = sqliteTable('sqlite_master', {
  type: text('type', { enum: ['table', 'index', 'view', 'trigger'] }).notNull(),
  name: text('name').notNull(),
  tblName: text('tbl_name').notNull(),
  /** The statement that created it; null for indexes SQLite made itself (primary keys, unique constraints). */
  sql: text('sql'),
});

/** Whether the database has a table called `name`. */
export function hasTable(store: Store, name: string): boolean {
  const row = store.db
    .select({ n: count() })
    .from(sqliteMaster)
    .where(and(eq(sqliteMaster.type, 'table'), eq(sqliteMaster.name, name)))
    .get();
  return (row?.n ?? 0) > 0;
}

/** The `create index` statement of index `name`, or null when there is no such index. */
export function indexSql(store: Store, name: string): string | null {
  return (
    store.db
      .select({ sql: sqliteMaster.sql })
      .from(sqliteMaster)
      .where(and(eq(sqliteMaster.type, 'index'), eq(sqliteMaster.name, name)))
      .get()?.sql ?? null
  );
}
