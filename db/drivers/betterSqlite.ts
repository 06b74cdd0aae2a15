import Database from 'better-sqlite3';
import type { SqliteDriver, SqliteStatement } from './types.ts';

export function openBetterSqlite(path: string): SqliteDriver {
  const db = new Database(path);
  return {
    name: 'better-sqlite3',
    prepare: (sql) => db.prepare(sql) as unknown as SqliteStatement,
    exec: (sql) => {
      db.exec(sql);
    },
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
    get inTransaction() {
      return db.inTransaction;
    },
  };
}
