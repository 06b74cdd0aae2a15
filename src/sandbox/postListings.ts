import {
  and,
  asc,
  desc,
  eq,
  gt,
  gte,
  isNull,
  lt,
  lte,
  ne,
  or,
  type SQL,
  type SQLWrapper,
  sql,
} from 'drizzle-orm';
import type { Placeholders } from '../../db/prepared.ts';
import { isPostId } from './postReads.ts';
import { p, parentAuthor, selectPosts, toPost } from './postRows.ts';
import { type SandboxDb, sandboxQuery } from './sandboxDb.ts';
import { PAGE_LIMIT, type PostPage, SandboxError, type SandboxPost } from './types.ts';
import { listed, mentions, visibleTo } from './visibility.ts';

/**
 * The paged listings: forward cursor pages (the sandbox's own API) and Mastodon-style id ranges.
 * Every listing shows only live posts made by `upTo` (the behaviour's visibility lag). Each
 * listing is one query prepared once per sandbox (per direction for ranges): an absent id bound
 * is the widest one, so the statement's shape never depends on the request.
 */

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

type Condition<P> = (db: SandboxDb, q: Placeholders<P>) => SQL | undefined;

type PageParams = { after: number; upTo: number; limit: number };

/** Live posts made by `upTo` with ids after `after`, oldest first. */
function pageQuery<P extends Record<string, unknown>>(condition: Condition<P & PageParams>) {
  return sandboxQuery<P & PageParams>()((db, q) =>
    selectPosts(db)
      .where(and(eq(p.deleted, false), gt(p.id, q.after), lte(p.createdAt, q.upTo), condition(db, q)))
      .orderBy(asc(p.id))
      .limit(q.limit)
      .prepare(),
  );
}

type RangeParams = { upTo: number; below: number; above: number; limit: number };

/** Live posts made by `upTo` with ids in (above, below): one query per direction. */
function rangeQueries<P extends Record<string, unknown>>(condition: Condition<P & RangeParams>) {
  const inOrder = (order: typeof asc) =>
    sandboxQuery<P & RangeParams>()((db, q) =>
      selectPosts(db)
        .where(
          and(
            eq(p.deleted, false),
            lte(p.createdAt, q.upTo),
            condition(db, q),
            lt(p.id, q.below),
            gt(p.id, q.above),
          ),
        )
        .orderBy(order(p.id))
        .limit(q.limit)
        .prepare(),
    );
  return { forward: inOrder(asc), backward: inOrder(desc) };
}

const textContains = (query: SQLWrapper) => sql`instr(lower(${p.text}), lower(${query})) > 0`;

const searchPageQuery = pageQuery<{ query: string }>((_db, q) => and(listed, textContains(q.query)));

const mentionsPageQuery = pageQuery<{ handle: string }>((db, q) =>
  and(ne(p.author, q.handle), or(mentions(db, q.handle), eq(parentAuthor, q.handle))),
);

const postsByPageQuery = pageQuery<{ author: string; since: number }>((_db, q) =>
  and(eq(p.author, q.author), gte(p.createdAt, q.since)),
);

/** Posts whose text contains `query`, case-insensitive; followers-only and direct posts are never found. */
export function searchPage(
  db: SandboxDb,
  upTo: number,
  query: string,
  cursor: string | null,
  limit: number,
): PostPage {
  return page(cursor, limit, (after, max) => searchPageQuery.all(db, { query, after, upTo, limit: max }));
}

/** Posts that mention `handle` (lower-case) or reply to one of its posts (its notifications), not its own. */
export function mentionsPage(
  db: SandboxDb,
  upTo: number,
  handle: string,
  cursor: string | null,
  limit: number,
): PostPage {
  return page(cursor, limit, (after, max) => mentionsPageQuery.all(db, { handle, after, upTo, limit: max }));
}

/** `author`'s (lower-case) posts made at or after `since`. */
export function postsByPage(
  db: SandboxDb,
  upTo: number,
  author: string,
  since: number,
  cursor: string | null,
  limit: number,
): PostPage {
  return page(cursor, limit, (after, max) =>
    postsByPageQuery.all(db, { author, since, after, upTo, limit: max }),
  );
}

function page(
  cursor: string | null,
  limit: number,
  read: (after: number, limit: number) => Parameters<typeof toPost>[0][],
): PostPage {
  if (cursor !== null && !isPostId(cursor))
    throw new SandboxError(400, `invalid cursor ${JSON.stringify(cursor)}`);
  const posts = read(cursor === null ? 0 : Number(cursor), clampLimit(limit)).map(toPost);
  return { posts, nextCursor: posts.at(-1)?.id ?? cursor };
}

const notificationsQueries = rangeQueries<{ handle: string }>((db, q) =>
  and(
    ne(p.author, q.handle),
    or(mentions(db, q.handle), and(eq(parentAuthor, q.handle), ne(p.visibility, 'direct'))),
  ),
);

/**
 * `handle`'s (lower-case) notifications in an id range, newest first: posts that mention it,
 * and replies to its posts it may see. Never its own.
 */
export function notificationsInRange(
  db: SandboxDb,
  upTo: number,
  handle: string,
  range: IdRange,
): SandboxPost[] {
  return inRange(range, (bounds, queries) =>
    queries(notificationsQueries).all(db, { handle, upTo, ...bounds }),
  );
}

const statusesQueries = rangeQueries<{ author: string; viewer: string }>((db, q) =>
  and(eq(p.author, q.author), visibleTo(db, q.viewer)),
);
const statusesWithoutRepliesQueries = rangeQueries<{ author: string; viewer: string }>((db, q) =>
  and(eq(p.author, q.author), isNull(p.inReplyToId), visibleTo(db, q.viewer)),
);

/** `author`'s live posts in an id range that `viewer` may see (both lower-case), newest first. */
export function statusesInRange(
  db: SandboxDb,
  upTo: number,
  author: string,
  viewer: string,
  range: IdRange,
  excludeReplies: boolean,
): SandboxPost[] {
  const listing = excludeReplies ? statusesWithoutRepliesQueries : statusesQueries;
  return inRange(range, (bounds, queries) => queries(listing).all(db, { author, viewer, upTo, ...bounds }));
}

const searchVisibleQueries = rangeQueries<{ query: string; viewer: string }>((db, q) =>
  and(textContains(q.query), visibleTo(db, q.viewer)),
);

/** Posts containing `query` that `viewer` (lower-case) may see, in an id range, newest first. */
export function searchInRange(
  db: SandboxDb,
  upTo: number,
  query: string,
  viewer: string,
  range: IdRange,
): SandboxPost[] {
  return inRange(range, (bounds, queries) =>
    queries(searchVisibleQueries).all(db, { query, viewer, upTo, ...bounds }),
  );
}

type Bounds = { below: number; above: number; limit: number };
type Direction = <Q>(queries: { forward: Q; backward: Q }) => Q;

function inRange(
  range: IdRange,
  read: (bounds: Bounds, direction: Direction) => Parameters<typeof toPost>[0][],
): SandboxPost[] {
  const below = boundOf(range.maxId, Number.MAX_SAFE_INTEGER);
  const above = boundOf(range.minId ?? range.sinceId, 0);
  const forward = range.minId !== undefined && range.minId !== null;
  const posts = read({ below, above, limit: clampLimit(range.limit) }, (queries) =>
    forward ? queries.forward : queries.backward,
  ).map(toPost);
  return forward ? posts.reverse() : posts;
}

/** An id bound, or `none` when absent (ids are at most 15 digits, so 0 and 2^53−1 bound nothing). */
function boundOf(id: string | null | undefined, none: number): number {
  if (id === undefined || id === null) return none;
  if (!isPostId(id)) throw new SandboxError(400, `invalid id ${JSON.stringify(id)}`);
  return Number(id);
}

function clampLimit(limit: number): number {
  return Math.max(1, Math.min(limit, PAGE_LIMIT));
}
