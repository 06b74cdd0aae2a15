import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { openDriver } from './drivers/open.ts';
import type { SqliteDriver, SqliteStatement } from './drivers/types.ts';
import { type Compiled, compiled } from './prepared.ts';
import type { NewEvent } from './schema.ts';
import * as schema from './schema.ts';

/** The event insert, prepared once per store (every state change writes one). */
function prepareEventInsert(db: Db) {
  const p = (column: keyof Required<Omit<NewEvent, 'id'>>) => sql.placeholder(column);
  return db
    .insert(schema.events)
    .values({
      at: p('at'),
      type: p('type'),
      severity: p('severity'),
      actorId: p('actorId'),
      fetchRunId: p('fetchRunId'),
      candidateId: p('candidateId'),
      queueEntryId: p('queueEntryId'),
      schedulerRunId: p('schedulerRunId'),
      decisionId: p('decisionId'),
      permitId: p('permitId'),
      postId: p('postId'),
      data: p('data'),
    })
    .prepare();
}

type EventInsert = Compiled<ReturnType<typeof prepareEventInsert>>;

export type Db = BetterSQLite3Database<typeof schema>;

/**
 * The store: one SQLite file in WAL mode, drizzle on top, and the two commit paths.
 *
 * - `tx(fn)`: one IMMEDIATE transaction (synchronous=NORMAL: survives kill -9, batched fsync).
 * - `durableTx(fn)`: the same, committed with synchronous=FULL so the WAL is fsync'd before
 *   it returns — used for "intent before effect" (a permit's `posting`).
 *
 * Nested calls join the outer transaction through savepoints.
 */
export interface Store {
  readonly db: Db;
  readonly driver: SqliteDriver;
  readonly path: string;
  tx<T>(fn: () => T): T;
  durableTx<T>(fn: () => T): T;
  /** Appends one event row; call inside a transaction together with the change it records. */
  event(event: NewEvent): void;
  /** A cached prepared statement for hot paths. */
  statement(sql: string): SqliteStatement;
  /**
   * Runs `fn` once the outermost transaction has ended, committed or rolled back (at once when
   * none is open): for a write that must not share the fate of the transaction that found the
   * need for it (quarantining an actor a rolled-back step could not revive). `fn` must not throw.
   */
  afterTransaction(fn: () => void): void;
  /** Called after each commit that wrote event rows (live dashboards). Returns an unsubscribe. */
  onEventsCommitted(listener: () => void): () => void;
  checkpoint(): void;
  close(): void;
}

export interface OpenStoreOptions {
  busyTimeoutMs?: number;
}

export async function openStore(path: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const driver = await openDriver(path);
  driver.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  driver.exec('PRAGMA journal_mode = WAL');
  driver.exec('PRAGMA synchronous = NORMAL');
  driver.exec('PRAGMA foreign_keys = ON');
  driver.exec('PRAGMA temp_store = MEMORY');
  return createStore(driver, path);
}

/** drizzle over an open driver, typed by db/schema.ts (both drivers speak better-sqlite3's API). */
export function drizzleOver(driver: SqliteDriver): Db {
  return drizzle(driver as unknown as Database.Database, { schema });
}

export function createStore(driver: SqliteDriver, path: string): Store {
  const db = drizzleOver(driver);
  const statements = new Map<string, SqliteStatement>();
  let depth = 0;
  let durable = false;
  let closed = false;
  let eventsWritten = false;
  const listeners = new Set<() => void>();
  const afterTx: (() => void)[] = [];

  const statement = (sql: string): SqliteStatement => {
    let s = statements.get(sql);
    if (!s) {
      s = driver.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };

  function run<T>(fn: () => T): T {
    if (depth > 0) {
      const name = `sp${depth}`;
      driver.exec(`SAVEPOINT ${name}`);
      depth++;
      try {
        const result = fn();
        driver.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        driver.exec(`ROLLBACK TO ${name}`);
        driver.exec(`RELEASE ${name}`);
        throw error;
      } finally {
        depth--;
      }
    }
    driver.exec('BEGIN IMMEDIATE');
    depth = 1;
    try {
      const result = fn();
      if (result instanceof Promise) throw new Error('store.tx callbacks must be synchronous');
      driver.exec('COMMIT');
      if (eventsWritten) for (const listener of listeners) listener();
      return result;
    } catch (error) {
      if (driver.inTransaction) driver.exec('ROLLBACK');
      throw error;
    } finally {
      depth = 0;
      eventsWritten = false;
      for (const fn of afterTx.splice(0)) fn();
    }
  }

  let insertEvent: EventInsert | undefined;

  return {
    db,
    driver,
    path,
    tx: run,
    durableTx<T>(fn: () => T): T {
      // SQLite cannot raise the safety level inside a transaction: a durable commit nested
      // in an ordinary one would silently commit with synchronous=NORMAL.
      if (depth > 0 && !durable)
        throw new Error('durableTx cannot be nested inside a non-durable transaction');
      if (depth > 0) return run(fn);
      durable = true;
      driver.exec('PRAGMA synchronous = FULL');
      try {
        return run(fn);
      } finally {
        durable = false;
        driver.exec('PRAGMA synchronous = NORMAL');
      }
    },
    afterTransaction(fn) {
      if (depth > 0) afterTx.push(fn);
      else fn();
    },
    event(e) {
      eventsWritten = true;
      insertEvent ??= compiled(prepareEventInsert(db));
      insertEvent.run({
        at: e.at,
        type: e.type,
        severity: e.severity ?? 'info',
        actorId: e.actorId ?? null,
        fetchRunId: e.fetchRunId ?? null,
        candidateId: e.candidateId ?? null,
        queueEntryId: e.queueEntryId ?? null,
        schedulerRunId: e.schedulerRunId ?? null,
        decisionId: e.decisionId ?? null,
        permitId: e.permitId ?? null,
        postId: e.postId ?? null,
        data: e.data ?? null,
      } satisfies Required<Omit<NewEvent, 'id'>>);
    },
    statement,
    onEventsCommitted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    checkpoint() {
      driver.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        driver.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      } catch {
        // a checkpoint blocked by a reader is retried by SQLite on next open
      }
      driver.close();
    },
  };
}
