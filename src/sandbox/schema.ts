import type { SqliteDriver } from '../../db/drivers/types.ts';

/**
 * The sandbox keeps its own state in its own SQLite file, apart from replywright's store:
 * it plays the platform, so nothing the pipeline does can reach its tables except its API.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS sandbox_users (
  handle TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  is_bot INTEGER NOT NULL DEFAULT 0,
  is_parody INTEGER NOT NULL DEFAULT 0,
  followers INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sandbox_posts (
  id INTEGER PRIMARY KEY,
  author TEXT NOT NULL REFERENCES sandbox_users(handle),
  text TEXT NOT NULL,
  in_reply_to_id INTEGER REFERENCES sandbox_posts(id),
  root_id INTEGER NOT NULL,
  mentions TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  idempotency_key TEXT,
  origin TEXT NOT NULL,
  likes INTEGER NOT NULL DEFAULT 0,
  reposts INTEGER NOT NULL DEFAULT 0
);
DROP INDEX IF EXISTS sandbox_posts_idempotency;
CREATE INDEX IF NOT EXISTS sandbox_posts_key
  ON sandbox_posts (author, idempotency_key, id) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS sandbox_posts_author ON sandbox_posts (author, id);
CREATE INDEX IF NOT EXISTS sandbox_posts_parent ON sandbox_posts (in_reply_to_id);
CREATE INDEX IF NOT EXISTS sandbox_posts_root ON sandbox_posts (root_id);
CREATE INDEX IF NOT EXISTS sandbox_posts_created ON sandbox_posts (created_at);
CREATE TABLE IF NOT EXISTS sandbox_mentions (
  post_id INTEGER NOT NULL REFERENCES sandbox_posts(id),
  handle TEXT NOT NULL,
  PRIMARY KEY (handle, post_id)
);
CREATE TABLE IF NOT EXISTS sandbox_sessions (
  token_hash TEXT PRIMARY KEY,
  handle TEXT NOT NULL REFERENCES sandbox_users(handle),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sandbox_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

export function ensureSandboxSchema(db: SqliteDriver): void {
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec(DDL);
  addColumnIfMissing(db, 'sandbox_posts', 'visibility', "TEXT NOT NULL DEFAULT 'public'");
}

/** Columns added after a table's first release: an older sandbox file gains them with their default. */
function addColumnIfMissing(db: SqliteDriver, table: string, column: string, definition: string): void {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}

/** A tiny key/value table for the fault config, the rate-limit window and the traffic sequence. */
export interface MetaStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

export function metaStore(db: SqliteDriver): MetaStore {
  const select = db.prepare('SELECT value FROM sandbox_meta WHERE key = ?');
  const upsert = db.prepare(
    'INSERT INTO sandbox_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  return {
    get: (key) => (select.get(key) as { value: string } | undefined)?.value ?? null,
    set: (key, value) => {
      upsert.run(key, value);
    },
  };
}
