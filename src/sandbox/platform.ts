import { openDriver } from '../../db/drivers/open.ts';
import type { SqliteDriver, SqliteStatement } from '../../db/drivers/types.ts';
import type { Clock } from '../runtime/clock.ts';
import type { IdempotencyCapability } from '../platforms/contract.ts';
import { SandboxBehaviour } from './behaviour.ts';
import { SandboxFaults } from './faults.ts';
import { ensureSandboxSchema, type MetaStore, metaStore } from './schema.ts';
import { SandboxSessions } from './sessions.ts';
import {
  DEFAULT_ACCOUNT,
  MAX_TEXT_LENGTH,
  PAGE_LIMIT,
  type PostOrigin,
  type PostPage,
  type PostVisibility,
  SandboxError,
  type SandboxPost,
  type SandboxUser,
} from './types.ts';

export interface SandboxPlatformOptions {
  clock: Clock;
  /** Seeds every random choice the platform makes (faults, ghosts). */
  seed: number;
  /** The bot's handle; created as a bot user if missing. */
  account?: string;
}

export interface NewPost {
  author: string;
  text: string;
  inReplyToId?: string | null;
  idempotencyKey?: string | null;
  origin?: PostOrigin;
  likes?: number;
  reposts?: number;
  /** Default `public`. */
  visibility?: PostVisibility;
  /** How far a repeated key protects this call, instead of the sandbox-wide behaviour (a dialect's own rule). */
  idempotency?: IdempotencyCapability;
}

/**
 * Mastodon-style paging by id, newest first: with `minId`, the `limit` posts right after it
 * (gap-free forward paging); otherwise the newest ones below `maxId` and above `sinceId`.
 */
export interface IdRange {
  minId?: string | null;
  sinceId?: string | null;
  maxId?: string | null;
  limit: number;
}

export interface NewUser {
  handle: string;
  displayName: string;
  isBot?: boolean;
  isParody?: boolean;
  followers?: number;
}

interface PostRow {
  id: number;
  author: string;
  text: string;
  in_reply_to_id: number | null;
  root_id: number;
  mentions: string;
  created_at: number;
  deleted: number;
  idempotency_key: string | null;
  origin: string;
  likes: number;
  reposts: number;
  visibility: string;
  author_is_bot: number;
  author_is_parody: number;
  followers: number;
  in_reply_to_author: string | null;
  replies: number;
}

interface UserRow {
  handle: string;
  display_name: string;
  is_bot: number;
  is_parody: number;
  followers: number;
  created_at: number;
}

const SELECT_POST = `
SELECT p.id, p.author, p.text, p.in_reply_to_id, p.root_id, p.mentions, p.created_at, p.deleted,
       p.idempotency_key, p.origin, p.likes, p.reposts, p.visibility,
       u.is_bot AS author_is_bot, u.is_parody AS author_is_parody, u.followers,
       parent.author AS in_reply_to_author,
       (SELECT count(*) FROM sandbox_posts r WHERE r.in_reply_to_id = p.id AND r.deleted = 0) AS replies
FROM sandbox_posts p
JOIN sandbox_users u ON u.handle = p.author
LEFT JOIN sandbox_posts parent ON parent.id = p.in_reply_to_id`;

const LISTED = "p.visibility IN ('public', 'unlisted')";

/** Posts `?` (a handle) may see: listed ones, its own, and those that mention it. */
const VISIBLE_TO = `(p.visibility IN ('public', 'unlisted') OR p.author = ?
  OR p.id IN (SELECT post_id FROM sandbox_mentions WHERE handle = ?))`;

const FIRST_POST_ID = 1_000_001;
const MENTION = /(?<![A-Za-z0-9_.])@([A-Za-z0-9_]{1,30})/g;

/** Handles mentioned in `text`, lower-case, without '@', in order of first appearance. */
export function extractMentions(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map((m) => m[1]!.toLowerCase()))];
}

/**
 * The sandbox social platform: users, posts, conversations, idempotent posting, faults (`faults`) and
 * web sessions (`sessions`) in one SQLite file. The HTTP routes and the in-process adapter both call it, so
 * they see exactly the same platform. This is the sandbox's hub: every query lives here.
 *
 * @example
 * const platform = await SandboxPlatform.open('./data/sandbox.db', { clock: systemClock, seed: 42 });
 * const { post } = platform.createPost({ author: 'alice', text: 'hello @replywright_bot, how are you?' });
 */
export class SandboxPlatform {
  readonly account: string;
  readonly clock: Clock;
  readonly seed: number;
  readonly faults: SandboxFaults;
  /** Which idempotency and visibility guarantees this sandbox plays (permanent keys, no lag by default). */
  readonly behaviour: SandboxBehaviour;
  readonly sessions: SandboxSessions;
  /** Small persistent settings (fault config, traffic sequence). */
  readonly meta: MetaStore;
  readonly #db: SqliteDriver;
  readonly #statements = new Map<string, SqliteStatement>();

  static async open(path: string, options: SandboxPlatformOptions): Promise<SandboxPlatform> {
    return new SandboxPlatform(await openDriver(path), options);
  }

  constructor(db: SqliteDriver, options: SandboxPlatformOptions) {
    this.#db = db;
    this.clock = options.clock;
    this.seed = options.seed;
    this.account = (options.account ?? DEFAULT_ACCOUNT).toLowerCase();
    ensureSandboxSchema(db);
    this.ensureUser({ handle: this.account, displayName: 'Replywright Bot', isBot: true, followers: 240 });
    this.sessions = new SandboxSessions(db, options.clock);
    this.meta = metaStore(db);
    this.faults = new SandboxFaults(this, this.meta, options.clock, options.seed);
    this.behaviour = new SandboxBehaviour(this.meta);
  }

  close(): void {
    this.#db.close();
  }

  ensureUser(user: NewUser): void {
    this.#stmt(
      `INSERT OR IGNORE INTO sandbox_users (handle, display_name, is_bot, is_parody, followers, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(
      user.handle.toLowerCase(),
      user.displayName,
      user.isBot ? 1 : 0,
      user.isParody ? 1 : 0,
      user.followers ?? 0,
      this.clock.now(),
    );
  }

  getUser(handle: string): SandboxUser | null {
    const row = this.#stmt('SELECT * FROM sandbox_users WHERE handle = ?').get(handle.toLowerCase()) as
      | UserRow
      | undefined;
    return row ? toUser(row) : null;
  }

  listUsers(): SandboxUser[] {
    return (this.#stmt('SELECT * FROM sandbox_users ORDER BY handle').all() as UserRow[]).map(toUser);
  }

  /**
   * Creates a post, or returns the author's earlier post with the same idempotency key
   * (`created: false`), whatever its text or target — as far as the behaviour's idempotency
   * mode protects: always (`permanent`), within its window (`window:N`), never (`none`).
   */
  createPost(input: NewPost): { post: SandboxPost; created: boolean } {
    return this.#db.transaction(() => this.#createPost(input))();
  }

  /** null when missing, or deleted unless `includeDeleted`. */
  getPost(id: string, options: { includeDeleted?: boolean } = {}): SandboxPost | null {
    if (!isPostId(id)) return null;
    const row = this.#stmt(`${SELECT_POST} WHERE p.id = ?`).get(Number(id)) as PostRow | undefined;
    if (!row || (row.deleted && !options.includeDeleted)) return null;
    return toPost(row);
  }

  /** Posts whose text contains `query`, case-insensitive; followers-only and direct posts are never found. */
  search(query: string, cursor: string | null, limit = PAGE_LIMIT): PostPage {
    return this.#page(
      "p.visibility IN ('public', 'unlisted') AND instr(lower(p.text), lower(?)) > 0",
      [query],
      cursor,
      limit,
    );
  }

  /** Posts that mention `handle` or reply to one of its posts (its notifications), not its own. */
  mentionsOf(handle: string, cursor: string | null, limit = PAGE_LIMIT): PostPage {
    const h = handle.toLowerCase();
    return this.#page(
      `p.author <> ? AND (p.id IN (SELECT post_id FROM sandbox_mentions WHERE handle = ?) OR parent.author = ?)`,
      [h, h, h],
      cursor,
      limit,
    );
  }

  postsBy(
    author: string,
    options: { cursor?: string | null; since?: number; limit?: number } = {},
  ): PostPage {
    return this.#page(
      'p.author = ? AND p.created_at >= ?',
      [author.toLowerCase(), options.since ?? 0],
      options.cursor ?? null,
      options.limit ?? PAGE_LIMIT,
    );
  }

  /**
   * `handle`'s notifications in an id range, newest first: posts that mention it, and replies
   * to its posts it may see. Never its own.
   */
  notificationsOf(handle: string, range: IdRange): SandboxPost[] {
    const h = handle.toLowerCase();
    return this.#range(
      `p.author <> ? AND (p.id IN (SELECT post_id FROM sandbox_mentions WHERE handle = ?)
        OR (parent.author = ? AND p.visibility <> 'direct'))`,
      [h, h, h],
      range,
    );
  }

  /** `author`'s live posts in an id range that `viewer` may see, newest first. */
  statusesOf(
    author: string,
    viewer: string,
    range: IdRange,
    options: { excludeReplies?: boolean } = {},
  ): SandboxPost[] {
    const v = viewer.toLowerCase();
    const replies = options.excludeReplies ? 'AND p.in_reply_to_id IS NULL' : '';
    return this.#range(`p.author = ? ${replies} AND ${VISIBLE_TO}`, [author.toLowerCase(), v, v], range);
  }

  /** Posts containing `query` that `viewer` may see, in an id range, newest first. */
  searchVisible(query: string, viewer: string, range: IdRange): SandboxPost[] {
    const v = viewer.toLowerCase();
    return this.#range(`instr(lower(p.text), lower(?)) > 0 AND ${VISIBLE_TO}`, [query, v, v], range);
  }

  /** Whether `viewer` may see `post` (its author, someone it mentions, or anyone when it is listed). */
  canSee(viewer: string, post: SandboxPost): boolean {
    const v = viewer.toLowerCase();
    return (
      post.visibility === 'public' ||
      post.visibility === 'unlisted' ||
      post.author === v ||
      post.mentions.includes(v)
    );
  }

  /** The newest post `author` made with idempotency key `key`, deleted or not. */
  postByIdempotencyKey(author: string, key: string): SandboxPost | null {
    const row = this.#stmt(
      `${SELECT_POST} WHERE p.author = ? AND p.idempotency_key = ? ORDER BY p.id DESC LIMIT 1`,
    ).get(author.toLowerCase(), key) as PostRow | undefined;
    return row ? toPost(row) : null;
  }

  /** `handle`'s live, visible posts made at or after `since`, newest first. */
  timeline(handle: string, since = 0): SandboxPost[] {
    return this.#rows(
      `${SELECT_POST} WHERE p.deleted = 0 AND p.author = ? AND p.created_at >= ? AND p.created_at <= ?
       ORDER BY p.id DESC`,
      handle.toLowerCase(),
      since,
      this.#visibleUpTo(),
    );
  }

  /** Posts made after this time are not in listings yet (the behaviour's visibility lag). */
  #visibleUpTo(): number {
    return this.clock.now() - this.behaviour.config.visibilityLagMs;
  }

  /** The newest live listed posts (never followers-only or direct), newest first; by one author when given. */
  latest(limit: number, author?: string): SandboxPost[] {
    if (author) {
      return this.#rows(
        `${SELECT_POST} WHERE p.deleted = 0 AND ${LISTED} AND p.author = ? ORDER BY p.id DESC LIMIT ?`,
        author.toLowerCase(),
        limit,
      );
    }
    return this.#rows(`${SELECT_POST} WHERE p.deleted = 0 AND ${LISTED} ORDER BY p.id DESC LIMIT ?`, limit);
  }

  repliesTo(id: string): SandboxPost[] {
    if (!isPostId(id)) return [];
    return this.#rows(
      `${SELECT_POST} WHERE p.deleted = 0 AND p.in_reply_to_id = ? ORDER BY p.id`,
      Number(id),
    );
  }

  /** Every post ever made, deleted ones included, oldest first: the oracle for tests and proofs. */
  groundTruth(filter: { author?: string; since?: number } = {}): SandboxPost[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.author) {
      where.push('p.author = ?');
      params.push(filter.author.toLowerCase());
    }
    if (filter.since !== undefined) {
      where.push('p.created_at >= ?');
      params.push(filter.since);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return this.#rows(`${SELECT_POST} ${clause} ORDER BY p.id`, ...params);
  }

  deletePost(id: string): SandboxPost {
    const post = this.getPost(id);
    if (!post) throw new SandboxError(404, `post ${id} not found`);
    this.#stmt('UPDATE sandbox_posts SET deleted = 1 WHERE id = ?').run(Number(id));
    return this.getPost(id, { includeDeleted: true })!;
  }

  /** Turns root post `id` into a reply to `parentId`; its whole conversation moves with it. */
  reparent(id: string, parentId: string): SandboxPost {
    return this.#db.transaction(() => {
      const post = this.getPost(id);
      const parent = this.getPost(parentId);
      if (!post) throw new SandboxError(404, `post ${id} not found`);
      if (!parent) throw new SandboxError(404, `post ${parentId} not found`);
      if (post.inReplyToId !== null) throw new SandboxError(409, `post ${id} is already a reply`);
      if (parent.rootId === post.id)
        throw new SandboxError(409, `post ${parentId} is in post ${id}'s conversation`);
      this.#stmt('UPDATE sandbox_posts SET in_reply_to_id = ?, root_id = ? WHERE id = ?').run(
        Number(parent.id),
        Number(parent.rootId),
        Number(id),
      );
      this.#stmt('UPDATE sandbox_posts SET root_id = ? WHERE root_id = ?').run(
        Number(parent.rootId),
        Number(id),
      );
      return this.getPost(id)!;
    })();
  }

  #createPost(input: NewPost): { post: SandboxPost; created: boolean } {
    const author = input.author.toLowerCase();
    if (!this.getUser(author)) throw new SandboxError(404, `user ${author} not found`);
    const idempotency = input.idempotency ?? this.behaviour.idempotency;
    const key = idempotency.kind === 'none' ? null : (input.idempotencyKey ?? null);
    if (key !== null) {
      const existing = this.#stmt(
        'SELECT id, created_at FROM sandbox_posts WHERE author = ? AND idempotency_key = ? ORDER BY id DESC LIMIT 1',
      ).get(author, key) as { id: number; created_at: number } | undefined;
      const remembered =
        existing !== undefined &&
        (idempotency.kind !== 'window' || this.clock.now() - existing.created_at < idempotency.seconds * 1000);
      if (remembered)
        return { post: this.getPost(String(existing.id), { includeDeleted: true })!, created: false };
    }
    if (input.text.trim() === '') throw new SandboxError(422, 'text is empty');
    if ([...input.text].length > MAX_TEXT_LENGTH) {
      throw new SandboxError(422, `text is longer than ${MAX_TEXT_LENGTH} characters`);
    }
    let rootId: number | null = null;
    const parentId = input.inReplyToId ?? null;
    if (parentId !== null) {
      const parent = this.getPost(parentId);
      if (!parent) throw new SandboxError(404, `post ${parentId} not found`);
      rootId = Number(parent.rootId);
    }
    const last = this.#stmt('SELECT max(id) AS id FROM sandbox_posts').get() as { id: number | null };
    const id = Math.max(FIRST_POST_ID, (last.id ?? 0) + 1);
    const mentions = extractMentions(input.text);
    this.#stmt(
      `INSERT INTO sandbox_posts (id, author, text, in_reply_to_id, root_id, mentions, created_at, idempotency_key,
                                  origin, likes, reposts, visibility)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      author,
      input.text,
      parentId === null ? null : Number(parentId),
      rootId ?? id,
      JSON.stringify(mentions),
      this.clock.now(),
      key,
      input.origin ?? 'api',
      input.likes ?? 0,
      input.reposts ?? 0,
      input.visibility ?? 'public',
    );
    const mention = this.#stmt('INSERT OR IGNORE INTO sandbox_mentions (post_id, handle) VALUES (?, ?)');
    for (const handle of mentions) mention.run(id, handle);
    return { post: this.getPost(String(id))!, created: true };
  }

  #page(condition: string, params: unknown[], cursor: string | null, limit: number): PostPage {
    if (cursor !== null && !isPostId(cursor))
      throw new SandboxError(400, `invalid cursor ${JSON.stringify(cursor)}`);
    const after = cursor === null ? 0 : Number(cursor);
    const posts = this.#rows(
      `${SELECT_POST} WHERE p.deleted = 0 AND p.id > ? AND p.created_at <= ? AND ${condition}
       ORDER BY p.id LIMIT ?`,
      after,
      this.#visibleUpTo(),
      ...params,
      Math.max(1, Math.min(limit, PAGE_LIMIT)),
    );
    return { posts, nextCursor: posts.at(-1)?.id ?? cursor };
  }

  #range(condition: string, params: unknown[], range: IdRange): SandboxPost[] {
    const bounds: string[] = [];
    const values: unknown[] = [];
    for (const [id, op] of [
      [range.maxId, '<'],
      [range.minId ?? range.sinceId, '>'],
    ] as const) {
      if (id === undefined || id === null) continue;
      if (!isPostId(id)) throw new SandboxError(400, `invalid id ${JSON.stringify(id)}`);
      bounds.push(`AND p.id ${op} ?`);
      values.push(Number(id));
    }
    const forward = range.minId !== undefined && range.minId !== null;
    const posts = this.#rows(
      `${SELECT_POST} WHERE p.deleted = 0 AND p.created_at <= ? AND ${condition} ${bounds.join(' ')}
       ORDER BY p.id ${forward ? 'ASC' : 'DESC'} LIMIT ?`,
      this.#visibleUpTo(),
      ...params,
      ...values,
      Math.max(1, Math.min(range.limit, PAGE_LIMIT)),
    );
    return forward ? posts.reverse() : posts;
  }

  #rows(sql: string, ...params: unknown[]): SandboxPost[] {
    return (this.#stmt(sql).all(...params) as PostRow[]).map(toPost);
  }

  #stmt(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

export function isPostId(value: string): boolean {
  return /^\d{1,15}$/.test(value);
}

function toUser(row: UserRow): SandboxUser {
  return {
    handle: row.handle,
    displayName: row.display_name,
    isBot: row.is_bot === 1,
    isParody: row.is_parody === 1,
    followers: row.followers,
    createdAt: row.created_at,
  };
}

function toPost(row: PostRow): SandboxPost {
  return {
    id: String(row.id),
    author: row.author,
    text: row.text,
    inReplyToId: row.in_reply_to_id === null ? null : String(row.in_reply_to_id),
    rootId: String(row.root_id),
    mentions: JSON.parse(row.mentions) as string[],
    createdAt: row.created_at,
    deleted: row.deleted === 1,
    idempotencyKey: row.idempotency_key,
    origin: row.origin as PostOrigin,
    visibility: row.visibility as PostVisibility,
    authorIsBot: row.author_is_bot === 1,
    authorIsParody: row.author_is_parody === 1,
    inReplyToAuthor: row.in_reply_to_author,
    metrics: {
      likes: row.likes,
      replies: row.replies,
      reposts: row.reposts,
      followers: row.followers,
    },
  };
}
