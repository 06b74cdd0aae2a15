import type Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import type { SqliteDriver } from '../../db/drivers/types.ts';
import { preparedOn } from '../../db/prepared.ts';
import * as sandboxSchema from './schema.ts';

/** The sandbox's own SQLite file through drizzle, typed by `./schema.ts` (not the pipeline's schema). */
export type SandboxDb = BetterSQLite3Database<typeof sandboxSchema>;

/** drizzle over the sandbox's driver (better-sqlite3, or the node:sqlite facade with the same API). */
export function sandboxDb(driver: SqliteDriver): SandboxDb {
  return drizzle(driver as unknown as Database.Database, { schema: sandboxSchema });
}

/**
 * A sandbox query written with drizzle's builder, prepared once per sandbox database and called
 * with typed named parameters: `q.get(db, { id })`. The simulator runs hundreds of sandboxes in
 * process, each reading per post, so every query it runs often is one of these.
 */
export const sandboxQuery = preparedOn((db: SandboxDb) => db);
