import { and, asc, desc, eq, gte, lte } from 'drizzle-orm';
import { p, selectPosts, toPost } from './postRows.ts';
import { type SandboxDb, sandboxQuery } from './sandboxDb.ts';
import type { SandboxPost } from './types.ts';
import { listed } from './visibility.ts';

/**
 * Reads of posts by id, key, author or time: the ground truth and the simple listings. Each is
 * prepared once per sandbox (they run per post in the simulator). Paged listings are in
 * `./postListings.ts`.
 */

export function isPostId(value: string): boolean {
  return /^\d{1,15}$/.test(value);
}

const byId = sandboxQuery<{ id: number }>()((db, q) => selectPosts(db).where(eq(p.id, q.id)).prepare());

/** null when missing, or deleted unless `includeDeleted`. */
export function postById(db: SandboxDb, id: string, includeDeleted = false): SandboxPost | null {
  if (!isPostId(id)) return null;
  const row = byId.get(db, { id: Number(id) });
  if (!row || (row.deleted && !includeDeleted)) return null;
  return toPost(row);
}

const byKey = sandboxQuery<{ author: string; key: string }>()((db, q) =>
  selectPosts(db)
    .where(and(eq(p.author, q.author), eq(p.idempotencyKey, q.key)))
    .orderBy(desc(p.id))
    .limit(1)
    .prepare(),
);

/** The newest post `author` (lower-case) made with idempotency key `key`, deleted or not. */
export function postByIdempotencyKey(db: SandboxDb, author: string, key: string): SandboxPost | null {
  const row = byKey.get(db, { author, key });
  return row ? toPost(row) : null;
}

const timelineQuery = sandboxQuery<{ author: string; since: number; upTo: number }>()((db, q) =>
  selectPosts(db)
    .where(
      and(eq(p.deleted, false), eq(p.author, q.author), gte(p.createdAt, q.since), lte(p.createdAt, q.upTo)),
    )
    .orderBy(desc(p.id))
    .prepare(),
);

/** `author`'s live posts made in [since, upTo], newest first. */
export function timeline(db: SandboxDb, author: string, since: number, upTo: number): SandboxPost[] {
  return timelineQuery.all(db, { author, since, upTo }).map(toPost);
}

const visibleSinceQuery = sandboxQuery<{ since: number; upTo: number }>()((db, q) =>
  selectPosts(db)
    .where(and(eq(p.deleted, false), gte(p.createdAt, q.since), lte(p.createdAt, q.upTo)))
    .orderBy(asc(p.id))
    .prepare(),
);

/** Every live post made in [since, upTo], oldest first, whatever its visibility. */
export function liveSince(db: SandboxDb, since: number, upTo: number): SandboxPost[] {
  return visibleSinceQuery.all(db, { since, upTo }).map(toPost);
}

const latestQuery = sandboxQuery<{ limit: number }>()((db, q) =>
  selectPosts(db)
    .where(and(eq(p.deleted, false), listed))
    .orderBy(desc(p.id))
    .limit(q.limit)
    .prepare(),
);
const latestByQuery = sandboxQuery<{ author: string; limit: number }>()((db, q) =>
  selectPosts(db)
    .where(and(eq(p.deleted, false), listed, eq(p.author, q.author)))
    .orderBy(desc(p.id))
    .limit(q.limit)
    .prepare(),
);

/** The newest live listed posts, newest first; by one author (lower-case) when given. */
export function latest(db: SandboxDb, limit: number, author?: string): SandboxPost[] {
  const rows = author ? latestByQuery.all(db, { author, limit }) : latestQuery.all(db, { limit });
  return rows.map(toPost);
}

const repliesQuery = sandboxQuery<{ parentId: number }>()((db, q) =>
  selectPosts(db)
    .where(and(eq(p.deleted, false), eq(p.inReplyToId, q.parentId)))
    .orderBy(asc(p.id))
    .prepare(),
);

export function repliesTo(db: SandboxDb, id: string): SandboxPost[] {
  if (!isPostId(id)) return [];
  return repliesQuery.all(db, { parentId: Number(id) }).map(toPost);
}

const byAuthorSince = sandboxQuery<{ author: string; since: number }>()((db, q) =>
  selectPosts(db)
    .where(and(eq(p.author, q.author), gte(p.createdAt, q.since)))
    .orderBy(asc(p.id))
    .prepare(),
);

/**
 * Every post ever made, deleted ones included, oldest first: the oracle for tests and proofs.
 * With an author and a time, prepared: the X dialect's duplicate check reads it per create.
 */
export function groundTruth(db: SandboxDb, filter: { author?: string; since?: number }): SandboxPost[] {
  if (filter.author && filter.since !== undefined)
    return byAuthorSince.all(db, { author: filter.author, since: filter.since }).map(toPost);
  const where = and(
    filter.author ? eq(p.author, filter.author) : undefined,
    filter.since !== undefined ? gte(p.createdAt, filter.since) : undefined,
  );
  return selectPosts(db).where(where).orderBy(asc(p.id)).all().map(toPost);
}
