/**
 * The part of better-sqlite3's API that replywright and drizzle's better-sqlite3 session
 * use. better-sqlite3 provides it on Node; a facade over `node:sqlite` provides it on Deno.
 */
export type SqlValue = string | number | bigint | Uint8Array | null;

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqliteStatement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** Rows as arrays of values instead of objects (drizzle uses this for selects). */
  raw(toggle?: boolean): SqliteStatement;
}

export interface SqliteDriver {
  readonly name: 'better-sqlite3' | 'node:sqlite';
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  /** Wraps `fn` in BEGIN/COMMIT (drizzle calls it for db.transaction). */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): void;
  readonly inTransaction: boolean;
}
