import { devFlags } from '../../src/config/devFlags.ts';
import { preparePrivateDatabase } from '../privateFiles.ts';
import type { SqliteDriver } from './types.ts';

/**
 * better-sqlite3 on Node; node:sqlite where better-sqlite3 cannot load (Deno), or when the
 * developer flag REPLYWRIGHT_SQLITE_DRIVER=node:sqlite asks for it. Every database
 * is private to this user: its directory 0700, the file and its WAL and SHM 0600.
 */
export async function openDriver(path: string): Promise<SqliteDriver> {
  preparePrivateDatabase(path);
  const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
  if (isDeno || devFlags().REPLYWRIGHT_SQLITE_DRIVER === 'node:sqlite') {
    const { openNodeSqlite } = await import('./nodeSqlite.ts');
    return openNodeSqlite(path);
  }
  const { openBetterSqlite } = await import('./betterSqlite.ts');
  return openBetterSqlite(path);
}
