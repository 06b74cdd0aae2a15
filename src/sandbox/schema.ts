import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { SqliteDriver } from '../../db/drivers/types.ts';
import type { PostOrigin, PostVisibility } from './types.ts';

/**
 * The sandbox keeps its own state in its own SQLite file, apart from replywright's store:
 * it plays the platform, so nothing the pipeline does can reach its tables except its API.
 *
 * The tables below type every query (a renamed column fails typecheck); `DDL` creates them.
 * Keep the two in step: `test/unit/sandboxSchema.test.ts` compares them column by column.
 */
export const sandboxUsers = sqliteTable('sandbox_users', {
  handle: text('handle').primaryKey(),
  displayName: text('display_name').notNull(),
  isBot: integer('is_bot', { mode: 'boolean' }).notNull().default(false),
  isParody: integer('is_parody', { mode: 'boolean' }).notNull().default(false),
  followers: integer('followers').notNull().default(0),
  createdAt: integer('created_at').notNull(),
});

export const sandboxPosts = sqliteTable('sandbox_posts', {
  id: integer('id').primaryKey(),
  author: text('author').notNull(),
  text: text('text').notNull(),
  inReplyToId: integer('in_reply_to_id'),
  rootId: integer('root_id').notNull(),
  /** Handles mentioned, lower-case, as a JSON array. */
  mentions: text('mentions', { mode: 'json' }).$type<string[]>().notNull(),
  createdAt: integer('created_at').notNull(),
  deleted: integer('deleted', { mode: 'boolean' }).notNull().default(false),
  idempotencyKey: text('idempotency_key'),
  origin: text('origin').$type<PostOrigin>().notNull(),
  likes: integer('likes').notNull().default(0),
  reposts: integer('reposts').notNull().default(0),
  visibility: text('visibility').$type<PostVisibility>().notNull().default('public'),
});

/** One row per (mentioned handle, post): the index behind mentions and visibility. */
export const sandboxMentions = sqliteTable(
  'sandbox_mentions',
  {
    postId: integer('post_id').notNull(),
    handle: text('handle').notNull(),
  },
  (t) => [primaryKey({ columns: [t.handle, t.postId] })],
);

export const sandboxSessions = sqliteTable('sandbox_sessions', {
  tokenHash: text('token_hash').primaryKey(),
  handle: text('handle').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

export const sandboxMeta = sqliteTable('sandbox_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

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
  if (!columnNames(db, table).includes(column))
    db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}

/** The columns SQLite has for `table` (a PRAGMA: drizzle has no builder for it). */
export function columnNames(db: SqliteDriver, table: string): string[] {
  return db
    .prepare(`PRAGMA table_info(${table})`)
    .all()
    .map((row) => (row !== null && typeof row === 'object' && 'name' in row ? String(row.name) : ''));
}
