import { and, desc, eq, max } from 'drizzle-orm';
import type { IdempotencyCapability } from '../platforms/contract.ts';
import { postById } from './postReads.ts';
import { type SandboxDb, sandboxQuery } from './sandboxDb.ts';
import { sandboxMentions, sandboxPosts } from './schema.ts';
import {
  MAX_TEXT_LENGTH,
  type PostOrigin,
  type PostVisibility,
  SandboxError,
  type SandboxPost,
} from './types.ts';
import { userByName } from './users.ts';

/** Making, deleting and moving posts. Callers wrap each in a transaction. */

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

const FIRST_POST_ID = 1_000_001;
const MENTION = /(?<![A-Za-z0-9_.])@([A-Za-z0-9_]{1,30})/g;

/** Handles mentioned in `text`, lower-case, without '@', in order of first appearance. */
export function extractMentions(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map((m) => m[1]!.toLowerCase()))];
}

const keyed = sandboxQuery<{ author: string; key: string }>()((db, q) =>
  db
    .select({ id: sandboxPosts.id, createdAt: sandboxPosts.createdAt })
    .from(sandboxPosts)
    .where(and(eq(sandboxPosts.author, q.author), eq(sandboxPosts.idempotencyKey, q.key)))
    .orderBy(desc(sandboxPosts.id))
    .limit(1)
    .prepare(),
);

const lastId = sandboxQuery()((db) =>
  db
    .select({ id: max(sandboxPosts.id) })
    .from(sandboxPosts)
    .prepare(),
);

type PostInsert = typeof sandboxPosts.$inferInsert;
const insertPost = sandboxQuery<Required<Omit<PostInsert, 'deleted'>>>()((db, q) =>
  db
    .insert(sandboxPosts)
    .values({
      id: q.id,
      author: q.author,
      text: q.text,
      inReplyToId: q.inReplyToId,
      rootId: q.rootId,
      mentions: q.mentions,
      createdAt: q.createdAt,
      idempotencyKey: q.idempotencyKey,
      origin: q.origin,
      likes: q.likes,
      reposts: q.reposts,
      visibility: q.visibility,
    })
    .prepare(),
);

const insertMention = sandboxQuery<{ postId: number; handle: string }>()((db, q) =>
  db.insert(sandboxMentions).values({ postId: q.postId, handle: q.handle }).onConflictDoNothing().prepare(),
);

/**
 * Creates a post, or returns the author's earlier post with the same idempotency key
 * (`created: false`), whatever its text or target — as far as `idempotency` protects:
 * always (`permanent`), within its window (`window:N`), never (`none`).
 */
export function createPost(
  db: SandboxDb,
  input: NewPost,
  idempotency: IdempotencyCapability,
  now: number,
): { post: SandboxPost; created: boolean } {
  const author = input.author.toLowerCase();
  if (!userByName(db, author)) throw new SandboxError(404, `user ${author} not found`);
  const key = idempotency.kind === 'none' ? null : (input.idempotencyKey ?? null);
  if (key !== null) {
    const existing = keyed.get(db, { author, key });
    const remembered =
      existing !== undefined &&
      (idempotency.kind !== 'window' || now - existing.createdAt < idempotency.seconds * 1000);
    if (remembered) return { post: postById(db, String(existing.id), true)!, created: false };
  }
  if (input.text.trim() === '') throw new SandboxError(422, 'text is empty');
  if ([...input.text].length > MAX_TEXT_LENGTH) {
    throw new SandboxError(422, `text is longer than ${MAX_TEXT_LENGTH} characters`);
  }
  let rootId: number | null = null;
  const parentId = input.inReplyToId ?? null;
  if (parentId !== null) {
    const parent = postById(db, parentId);
    if (!parent) throw new SandboxError(404, `post ${parentId} not found`);
    rootId = Number(parent.rootId);
  }
  const id = Math.max(FIRST_POST_ID, (lastId.get(db, {})?.id ?? 0) + 1);
  const mentions = extractMentions(input.text);
  insertPost.run(db, {
    id,
    author,
    text: input.text,
    inReplyToId: parentId === null ? null : Number(parentId),
    rootId: rootId ?? id,
    mentions,
    createdAt: now,
    idempotencyKey: key,
    origin: input.origin ?? 'api',
    likes: input.likes ?? 0,
    reposts: input.reposts ?? 0,
    visibility: input.visibility ?? 'public',
  });
  for (const handle of mentions) insertMention.run(db, { postId: id, handle });
  return { post: postById(db, String(id))!, created: true };
}

export function deletePost(db: SandboxDb, id: string): SandboxPost {
  const post = postById(db, id);
  if (!post) throw new SandboxError(404, `post ${id} not found`);
  db.update(sandboxPosts)
    .set({ deleted: true })
    .where(eq(sandboxPosts.id, Number(id)))
    .run();
  return postById(db, id, true)!;
}

/** Turns root post `id` into a reply to `parentId`; its whole conversation moves with it. */
export function reparent(db: SandboxDb, id: string, parentId: string): SandboxPost {
  const post = postById(db, id);
  const parent = postById(db, parentId);
  if (!post) throw new SandboxError(404, `post ${id} not found`);
  if (!parent) throw new SandboxError(404, `post ${parentId} not found`);
  if (post.inReplyToId !== null) throw new SandboxError(409, `post ${id} is already a reply`);
  if (parent.rootId === post.id)
    throw new SandboxError(409, `post ${parentId} is in post ${id}'s conversation`);
  db.update(sandboxPosts)
    .set({ inReplyToId: Number(parent.id), rootId: Number(parent.rootId) })
    .where(eq(sandboxPosts.id, Number(id)))
    .run();
  db.update(sandboxPosts)
    .set({ rootId: Number(parent.rootId) })
    .where(eq(sandboxPosts.rootId, Number(id)))
    .run();
  return postById(db, id)!;
}
