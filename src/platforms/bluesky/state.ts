import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The Bluesky adapter's own durable state, in a small SQLite file next to the pipeline's DB
 * (mode 0600: it holds the session's tokens):
 * - the session (access + refresh JWT) per service and identifier, so a boot resumes and
 *   refreshes it instead of logging in again (createSession: 30 per 5 min, 300 per day);
 * - the reply record chosen for each permit key — TID record key, `createdAt` and the whole
 *   record — committed with fsync BEFORE the first call, so every retry under that permit
 *   writes the identical record at the identical key (a no-op for the PDS once it has it).
 * - the mentions cursor lives in the pipeline's `source_cursors`, not here.
 */
export interface StoredSession {
  accessJwt: string;
  refreshJwt: string;
  handle: string;
  did: string;
  active: boolean;
  [key: string]: unknown;
}

export interface ReplyPlan {
  idempotencyKey: string;
  rkey: string;
  /** The record exactly as sent, JSON. */
  record: string;
  createdAt: number;
}

/**
 * The statements, prepared once with named parameters and their row types said. Not drizzle:
 * three tiny tables (a session row per account, a plan per reply, a login log) read a few
 * times per reply, with no schema shared with anything else; a typed statement is all it needs.
 */
function statements(db: Database.Database) {
  type Account = { service: string; identifier: string };
  type Kind = { kind: 'login' | 'refresh' };
  return {
    session: db.prepare<Account, { session: string }>(
      'select session from sessions where service = @service and identifier = @identifier',
    ),
    deleteSession: db.prepare<Account>(
      'delete from sessions where service = @service and identifier = @identifier',
    ),
    saveSession: db.prepare<Account & { session: string; updatedAt: number }>(
      `insert into sessions (service, identifier, session, updated_at) values (@service, @identifier, @session, @updatedAt)
       on conflict (service, identifier) do update set session = excluded.session, updated_at = excluded.updated_at`,
    ),
    logSession: db.prepare<Kind & { at: number }>('insert into session_log (at, kind) values (@at, @kind)'),
    sessionEvents: db.prepare<Kind & { since: number }, { n: number }>(
      'select count(*) as n from session_log where kind = @kind and at >= @since',
    ),
    plan: db.prepare<{ idempotencyKey: string }, ReplyPlan>(
      `select idempotency_key as idempotencyKey, rkey, record, created_at as createdAt
       from reply_plans where idempotency_key = @idempotencyKey`,
    ),
    rkeyTaken: db.prepare<{ rkey: string }, { taken: 1 }>(
      'select 1 as taken from reply_plans where rkey = @rkey',
    ),
    insertPlan: db.prepare<ReplyPlan>(
      `insert into reply_plans (idempotency_key, rkey, record, created_at)
       values (@idempotencyKey, @rkey, @record, @createdAt)`,
    ),
  };
}

export class BlueskyState {
  readonly #db: Database.Database;
  readonly #sql: ReturnType<typeof statements>;

  constructor(path: string) {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
      closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    }
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = DELETE');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(`
      create table if not exists sessions (
        service text not null, identifier text not null, session text not null,
        updated_at integer not null, primary key (service, identifier));
      create table if not exists reply_plans (
        idempotency_key text primary key, rkey text not null unique, record text not null,
        created_at integer not null);
      create table if not exists session_log (at integer not null, kind text not null);`);
    this.#sql = statements(this.#db);
  }

  loadSession(service: string, identifier: string): StoredSession | null {
    const row = this.#sql.session.get({ service, identifier: identifier.toLowerCase() });
    if (!row) return null;
    try {
      const session = JSON.parse(row.session) as StoredSession;
      return typeof session.refreshJwt === 'string' && typeof session.did === 'string' ? session : null;
    } catch {
      return null;
    }
  }

  saveSession(service: string, identifier: string, session: StoredSession | null, now: number): void {
    const account = { service, identifier: identifier.toLowerCase() };
    if (session === null) {
      this.#sql.deleteSession.run(account);
      return;
    }
    this.#sql.saveSession.run({ ...account, session: JSON.stringify(session), updatedAt: now });
  }

  /** Logins and refreshes, for the adapter's budget checks and the tests. */
  logSession(kind: 'login' | 'refresh', now: number): void {
    this.#sql.logSession.run({ at: now, kind });
  }

  sessionEventsSince(kind: 'login' | 'refresh', since: number): number {
    return this.#sql.sessionEvents.get({ kind, since })?.n ?? 0;
  }

  plan(idempotencyKey: string): ReplyPlan | null {
    return this.#sql.plan.get({ idempotencyKey }) ?? null;
  }

  /**
   * The plan for this key: the stored one, or `make()`'s, committed (fsync) before it is
   * returned. `make` is asked again with the next candidate time if its key is taken.
   */
  planOnce(idempotencyKey: string, make: (bump: number) => Omit<ReplyPlan, 'idempotencyKey'>): ReplyPlan {
    return this.#db.transaction(() => {
      const existing = this.plan(idempotencyKey);
      if (existing) return existing;
      for (let bump = 0; ; bump++) {
        const next = make(bump);
        if (this.#sql.rkeyTaken.get({ rkey: next.rkey })) continue;
        const plan = { idempotencyKey, ...next };
        this.#sql.insertPlan.run(plan);
        return plan;
      }
    })();
  }

  close(): void {
    this.#db.close();
  }
}
