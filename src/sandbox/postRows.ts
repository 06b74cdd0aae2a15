import { and, count, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { SandboxDb } from './sandboxDb.ts';
import { sandboxPosts, sandboxUsers } from './schema.ts';
import type { SandboxPost } from './types.ts';

/** The post being read; `parent` is the post it replies to, `replies` counts its live replies. */
export const p = alias(sandboxPosts, 'p');
const parent = alias(sandboxPosts, 'parent');
const reply = alias(sandboxPosts, 'r');

/** The author's flags and followers and the parent's author come along with every post read. */
export const postFields = {
  id: p.id,
  author: p.author,
  text: p.text,
  inReplyToId: p.inReplyToId,
  rootId: p.rootId,
  mentions: p.mentions,
  createdAt: p.createdAt,
  deleted: p.deleted,
  idempotencyKey: p.idempotencyKey,
  origin: p.origin,
  likes: p.likes,
  reposts: p.reposts,
  visibility: p.visibility,
  authorIsBot: sandboxUsers.isBot,
  authorIsParody: sandboxUsers.isParody,
  followers: sandboxUsers.followers,
  inReplyToAuthor: parent.author,
};

/** The parent's author, for conditions on "a reply to one of `handle`'s posts". */
export const parentAuthor = parent.author;

/** `SELECT <post> FROM sandbox_posts p JOIN sandbox_users u LEFT JOIN parent`: add `.where(...)`. */
export function selectPosts(db: SandboxDb) {
  const replies = db
    .select({ n: count() })
    .from(reply)
    .where(and(eq(reply.inReplyToId, p.id), eq(reply.deleted, false)));
  return db
    .select({ ...postFields, replies: sql<number>`(${replies})` })
    .from(p)
    .innerJoin(sandboxUsers, eq(sandboxUsers.handle, p.author))
    .leftJoin(parent, eq(parent.id, p.inReplyToId));
}

export type PostRow = ReturnType<ReturnType<typeof selectPosts>['all']>[number];

export function toPost(row: PostRow): SandboxPost {
  return {
    id: String(row.id),
    author: row.author,
    text: row.text,
    inReplyToId: row.inReplyToId === null ? null : String(row.inReplyToId),
    rootId: String(row.rootId),
    mentions: row.mentions,
    createdAt: row.createdAt,
    deleted: row.deleted,
    idempotencyKey: row.idempotencyKey,
    origin: row.origin,
    visibility: row.visibility,
    authorIsBot: row.authorIsBot,
    authorIsParody: row.authorIsParody,
    inReplyToAuthor: row.inReplyToAuthor,
    metrics: {
      likes: row.likes,
      replies: row.replies,
      reposts: row.reposts,
      followers: row.followers,
    },
  };
}
