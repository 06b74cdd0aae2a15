import type { RunResult, SqliteDriver, SqliteStatement } from './types.ts';

/**
 * better-sqlite3's shape over the built-in `node:sqlite` (Deno, and Node ≥ 22.5), so the
 * store and drizzle's better-sqlite3 session run unchanged.
 */
interface NativeStatement {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  setReturnArrays?(on: boolean): void;
  columns?(): { name: string }[];
}

interface NativeDatabase {
  prepare(sql: string): NativeStatement;
  exec(sql: string): void;
  close(): void;
  isTransaction?: boolean;
}

function normalize(params: unknown[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p));
}

function wrap(native: NativeStatement, arrays: boolean): SqliteStatement {
  const toArray = (row: unknown): unknown[] => Object.values(row as Record<string, unknown>);
  const statement: SqliteStatement = {
    run(...params) {
      const r = native.run(...normalize(params));
      return { changes: Number(r.changes), lastInsertRowid: r.lastInsertRowid } satisfies RunResult;
    },
    get(...params) {
      if (arrays && native.setReturnArrays) {
        native.setReturnArrays(true);
        try {
          return native.get(...normalize(params));
        } finally {
          native.setReturnArrays(false);
        }
      }
      const row = native.get(...normalize(params));
      return arrays && row !== undefined ? toArray(row) : row;
    },
    all(...params) {
      if (arrays && native.setReturnArrays) {
        native.setReturnArrays(true);
        try {
          return native.all(...normalize(params));
        } finally {
          native.setReturnArrays(false);
        }
      }
      const rows = native.all(...normalize(params));
      return arrays ? rows.map(toArray) : rows;
    },
    raw(toggle = true) {
      return wrap(native, toggle);
    },
  };
  return statement;
}

export async function openNodeSqlite(path: string): Promise<SqliteDriver> {
  const mod = (await import('node:sqlite' as string)) as {
    DatabaseSync: new (path: string) => NativeDatabase;
  };
  const db = new mod.DatabaseSync(path);
  let depth = 0;
  const driver: SqliteDriver = {
    name: 'node:sqlite',
    prepare: (sql) => wrap(db.prepare(sql), false),
    exec: (sql) => db.exec(sql),
    // better-sqlite3's shape: callable, plus .deferred/.immediate/.exclusive (drizzle's
    // db.transaction calls `.deferred`); inside an open transaction it nests as a savepoint.
    transaction(fn) {
      const begin =
        (mode: 'DEFERRED' | 'IMMEDIATE' | 'EXCLUSIVE') =>
        (...args: Parameters<typeof fn>) => {
          const savepoint = `sp_${depth}`;
          const outer = !(db.isTransaction ?? depth > 0);
          db.exec(outer ? `BEGIN ${mode}` : `SAVEPOINT ${savepoint}`);
          depth++;
          try {
            const result = fn(...args);
            depth--;
            db.exec(outer ? 'COMMIT' : `RELEASE ${savepoint}`);
            return result;
          } catch (error) {
            depth--;
            db.exec(outer ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
            throw error;
          }
        };
      return Object.assign(begin('DEFERRED'), {
        deferred: begin('DEFERRED'),
        immediate: begin('IMMEDIATE'),
        exclusive: begin('EXCLUSIVE'),
      });
    },
    close: () => db.close(),
    get inTransaction() {
      return db.isTransaction ?? depth > 0;
    },
  };
  return driver;
}
