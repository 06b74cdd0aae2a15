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

export class BlueskyState {
  readonly #db: Database.Database;

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
  }

  loadSession(service: string, identifier: string): StoredSession | null {
    const row = this.#db
      .prepare('select session from sessions where service = ? and identifier = ?')
      .get(service, identifier.toLowerCase()) as { session: string } | undefined;
    if (!row) return null;
    try {
      const session = JSON.parse(row.session) as StoredSession;
      return typeof session.refreshJwt === 'string' && typeof session.did === 'string' ? session : null;
    } catch {
      return null;
    }
  }

  saveSession(service: string, identifier: string, session: StoredSession | null, now: number): void {
    if (session === null) {
      this.#db.prepare('delete from sessions where service = ? and identifier = ?').run(service, identifier.toLowerCase());
      return;
    }
    this.#db
      .prepare(
        `insert into sessions (service, identifier, session, updated_at) values (?, ?, ?, ?)
         on conflict (service, identifier) do update set session = excluded.session, updated_at = excluded.updated_at`,
      )
      .run(service, identifier.toLowerCase(), JSON.stringify(session), now);
  }

  /** Logins and refreshes, for the adapter's budget checks and the tests. */
  logSession(kind: 'login' | 'refresh', now: number): void {
    this.#db.prepare('insert into session_log (at, kind) values (?, ?)').run(now, kind);
  }

  sessionEventsSince(kind: 'login' | 'refresh', since: number): number {
    const row = this.#db.prepare('select count(*) as n from session_log where kind = ? and at >= ?').get(kind, since) as {
      n: number;
    };
    return row.n;
  }

  plan(idempotencyKey: string): ReplyPlan | null {
    const row = this.#db
      .prepare(
        'select idempotency_key as idempotencyKey, rkey, record, created_at as createdAt from reply_plans where idempotency_key = ?',
      )
      .get(idempotencyKey) as ReplyPlan | undefined;
    return row ?? null;
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
        const taken = this.#db.prepare('select 1 from reply_plans where rkey = ?').get(next.rkey);
        if (taken) continue;
        this.#db
          .prepare('insert into reply_plans (idempotency_key, rkey, record, created_at) values (?, ?, ?, ?)')
          .run(idempotencyKey, next.rkey, next.record, next.createdAt);
        return { idempotencyKey, ...next };
      }
    })();
  }

  close(): void {
    this.#db.close();
  }
}
