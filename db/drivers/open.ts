import type { SqliteDriver } from './types.ts';

/** better-sqlite3 on Node; node:sqlite where better-sqlite3 cannot load (Deno). */
export async function openDriver(path: string): Promise<SqliteDriver> {
  const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
  if (isDeno || process.env.REPLYWRIGHT_SQLITE_DRIVER === 'node:sqlite') {
    const { openNodeSqlite } = await import('./nodeSqlite.ts');
    return openNodeSqlite(path);
  }
  const { openBetterSqlite } = await import('./betterSqlite.ts');
  return openBetterSqlite(path);
}
