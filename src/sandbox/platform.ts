import { openDriver } from '../../db/drivers/open.ts';
import type { SqliteDriver } from '../../db/drivers/types.ts';
import type { Clock } from '../runtime/clock.ts';
import { SandboxBehaviour } from './behaviour.ts';
import { SandboxFaults } from './faults.ts';
import { type MetaStore, metaStore } from './meta.ts';
import {
  type IdRange,
  mentionsPage,
  notificationsInRange,
  postsByPage,
  searchInRange,
  searchPage,
  statusesInRange,
} from './postListings.ts';
import {
  groundTruth,
  latest,
  liveSince,
  postById,
  postByIdempotencyKey,
  repliesTo,
  timeline,
} from './postReads.ts';
import { createPost, deletePost, type NewPost, reparent } from './postWrites.ts';
import { type SandboxDb, sandboxDb } from './sandboxDb.ts';
import { ensureSandboxSchema } from './schema.ts';
import { SandboxSessions } from './sessions.ts';
import { DEFAULT_ACCOUNT, PAGE_LIMIT, type PostPage, type SandboxPost, type SandboxUser } from './types.ts';
import { allUsers, ensureUser, type NewUser, userByName } from './users.ts';
import { canSee } from './visibility.ts';

export type { IdRange } from './postListings.ts';
export { isPostId } from './postReads.ts';
export { extractMentions, type NewPost } from './postWrites.ts';
export type { NewUser } from './users.ts';

export interface SandboxPlatformOptions {
  clock: Clock;
  /** Seeds every random choice the platform makes (faults, ghosts). */
  seed: number;
  /** The bot's handle; created as a bot user if missing. */
  account?: string;
}

/**
 * The sandbox social platform: users, posts, conversations, idempotent posting, faults (`faults`) and
 * web sessions (`sessions`) in one SQLite file. The HTTP routes and the in-process adapter both call it, so
 * they see exactly the same platform. This is the sandbox's hub: it holds the clock and the behaviour
 * (idempotency, visibility lag) and hands them to the queries, which live in `users.ts`,
 * `postReads.ts`, `postListings.ts` and `postWrites.ts`, typed by `schema.ts`.
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
  readonly #driver: SqliteDriver;
  readonly #db: SandboxDb;

  static async open(path: string, options: SandboxPlatformOptions): Promise<SandboxPlatform> {
    return new SandboxPlatform(await openDriver(path), options);
  }

  constructor(driver: SqliteDriver, options: SandboxPlatformOptions) {
    this.#driver = driver;
    this.clock = options.clock;
    this.seed = options.seed;
    this.account = (options.account ?? DEFAULT_ACCOUNT).toLowerCase();
    ensureSandboxSchema(driver);
    this.#db = sandboxDb(driver);
    this.ensureUser({ handle: this.account, displayName: 'Replywright Bot', isBot: true, followers: 240 });
    this.sessions = new SandboxSessions(this.#db, options.clock);
    this.meta = metaStore(this.#db);
    this.faults = new SandboxFaults(this, this.meta, options.clock, options.seed);
    this.behaviour = new SandboxBehaviour(this.meta);
  }

  close(): void {
    this.#driver.close();
  }

  ensureUser(user: NewUser): void {
    ensureUser(this.#db, user, this.clock.now());
  }

  getUser(handle: string): SandboxUser | null {
    return userByName(this.#db, handle);
  }

  listUsers(): SandboxUser[] {
    return allUsers(this.#db);
  }

  /**
   * Creates a post, or returns the author's earlier post with the same idempotency key
   * (`created: false`), whatever its text or target — as far as the behaviour's idempotency
   * mode protects: always (`permanent`), within its window (`window:N`), never (`none`).
   */
  createPost(input: NewPost): { post: SandboxPost; created: boolean } {
    return this.#driver.transaction(() =>
      createPost(this.#db, input, input.idempotency ?? this.behaviour.idempotency, this.clock.now()),
    )();
  }

  /** null when missing, or deleted unless `includeDeleted`. */
  getPost(id: string, options: { includeDeleted?: boolean } = {}): SandboxPost | null {
    return postById(this.#db, id, options.includeDeleted ?? false);
  }

  /** Posts whose text contains `query`, case-insensitive; followers-only and direct posts are never found. */
  search(query: string, cursor: string | null, limit = PAGE_LIMIT): PostPage {
    return searchPage(this.#db, this.#visibleUpTo(), query, cursor, limit);
  }

  /** Posts that mention `handle` or reply to one of its posts (its notifications), not its own. */
  mentionsOf(handle: string, cursor: string | null, limit = PAGE_LIMIT): PostPage {
    return mentionsPage(this.#db, this.#visibleUpTo(), handle.toLowerCase(), cursor, limit);
  }

  postsBy(
    author: string,
    options: { cursor?: string | null; since?: number; limit?: number } = {},
  ): PostPage {
    const { cursor = null, since = 0, limit = PAGE_LIMIT } = options;
    return postsByPage(this.#db, this.#visibleUpTo(), author.toLowerCase(), since, cursor, limit);
  }

  /**
   * `handle`'s notifications in an id range, newest first: posts that mention it, and replies
   * to its posts it may see. Never its own.
   */
  notificationsOf(handle: string, range: IdRange): SandboxPost[] {
    return notificationsInRange(this.#db, this.#visibleUpTo(), handle.toLowerCase(), range);
  }

  /** `author`'s live posts in an id range that `viewer` may see, newest first. */
  statusesOf(
    author: string,
    viewer: string,
    range: IdRange,
    options: { excludeReplies?: boolean } = {},
  ): SandboxPost[] {
    const [a, v] = [author.toLowerCase(), viewer.toLowerCase()];
    return statusesInRange(this.#db, this.#visibleUpTo(), a, v, range, options.excludeReplies ?? false);
  }

  /** Posts containing `query` that `viewer` may see, in an id range, newest first. */
  searchVisible(query: string, viewer: string, range: IdRange): SandboxPost[] {
    return searchInRange(this.#db, this.#visibleUpTo(), query, viewer.toLowerCase(), range);
  }

  /** Whether `viewer` may see `post` (its author, someone it mentions, or anyone when it is listed). */
  canSee(viewer: string, post: SandboxPost): boolean {
    return canSee(viewer, post);
  }

  /** The newest post `author` made with idempotency key `key`, deleted or not. */
  postByIdempotencyKey(author: string, key: string): SandboxPost | null {
    return postByIdempotencyKey(this.#db, author.toLowerCase(), key);
  }

  /** `handle`'s live, visible posts made at or after `since`, newest first. */
  timeline(handle: string, since = 0): SandboxPost[] {
    return timeline(this.#db, handle.toLowerCase(), since, this.#visibleUpTo());
  }

  /** Live posts of anyone, any visibility, made at or after `since` and visible by now; oldest first. */
  visibleSince(since: number): SandboxPost[] {
    return liveSince(this.#db, since, this.#visibleUpTo());
  }

  /** Posts made after this time are not in listings yet (the behaviour's visibility lag). */
  #visibleUpTo(): number {
    return this.clock.now() - this.behaviour.config.visibilityLagMs;
  }

  /** The newest live listed posts (never followers-only or direct), newest first; by one author when given. */
  latest(limit: number, author?: string): SandboxPost[] {
    return latest(this.#db, limit, author?.toLowerCase());
  }

  repliesTo(id: string): SandboxPost[] {
    return repliesTo(this.#db, id);
  }

  /** Every post ever made, deleted ones included, oldest first: the oracle for tests and proofs. */
  groundTruth(filter: { author?: string; since?: number } = {}): SandboxPost[] {
    return groundTruth(this.#db, { ...filter, author: filter.author?.toLowerCase() });
  }

  deletePost(id: string): SandboxPost {
    return deletePost(this.#db, id);
  }

  /** Turns root post `id` into a reply to `parentId`; its whole conversation moves with it. */
  reparent(id: string, parentId: string): SandboxPost {
    return this.#driver.transaction(() => reparent(this.#db, id, parentId))();
  }
}
