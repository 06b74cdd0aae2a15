import { z } from 'zod';
import { type PlatformPost, platformPostSchema } from '../contract.ts';
import { didOfUri, postIdOf } from './postIds.ts';

/**
 * What the AT Protocol sends, validated at the boundary and mapped to the contract's post.
 * Every parser returns `{ ok: false, reason }` for a malformed item instead of throwing, so
 * one bad record in a page is reported (`page.invalid`) and the rest go on.
 */
const strongRef = z.object({ uri: z.string().min(1), cid: z.string().min(1) });
export type StrongRef = z.infer<typeof strongRef>;

export const postRecordSchema = z.object({
  text: z.string().max(10_000),
  createdAt: z.string().min(1),
  reply: z.object({ root: strongRef, parent: strongRef }).optional(),
  facets: z.array(z.unknown()).optional(),
});
export type PostRecord = z.infer<typeof postRecordSchema>;

const mentionFacet = z.object({
  index: z.object({ byteStart: z.number().int().nonnegative(), byteEnd: z.number().int().nonnegative() }),
  features: z.array(z.object({ $type: z.string(), did: z.string().optional() }).loose()),
});

const author = z.object({ did: z.string().min(1), handle: z.string().min(1) }).loose();

export const notificationSchema = z.object({
  uri: z.string().min(1),
  cid: z.string().min(1),
  author,
  reason: z.string(),
  record: z.unknown(),
  indexedAt: z.string().min(1),
});
export type Notification = z.infer<typeof notificationSchema>;

export const postViewSchema = z.object({
  uri: z.string().min(1),
  cid: z.string().min(1),
  author,
  record: z.unknown(),
  replyCount: z.number().int().nonnegative().optional(),
  repostCount: z.number().int().nonnegative().optional(),
  likeCount: z.number().int().nonnegative().optional(),
});

export const repoRecordSchema = z.object({
  uri: z.string().min(1),
  cid: z.string().min(1),
  value: z.unknown(),
});

/** Who "we" are, to name our own handle where a record only carries our DID. */
export interface Self {
  did: string;
  handle: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function issue(error: z.ZodError, what: string): string {
  const first = error.issues[0]!;
  return `${what}: ${first.path.join('.') || 'value'}: ${first.message}`;
}

/** Handles mentioned with a facet, read from the text the facet spans; our DID names us. */
function facetMentions(record: PostRecord, self: Self): string[] {
  const bytes = Buffer.from(record.text, 'utf8');
  const found: string[] = [];
  for (const raw of record.facets ?? []) {
    const facet = mentionFacet.safeParse(raw);
    if (!facet.success) continue;
    for (const feature of facet.data.features) {
      if (feature.$type !== 'app.bsky.richtext.facet#mention' || !feature.did) continue;
      if (feature.did === self.did) {
        found.push(self.handle.toLowerCase());
        continue;
      }
      const { byteStart, byteEnd } = facet.data.index;
      const spanned = bytes.subarray(byteStart, Math.min(byteEnd, bytes.length)).toString('utf8');
      const handle = spanned.trim().replace(/^@+/, '').toLowerCase();
      if (handle !== '') found.push(handle);
    }
  }
  return [...new Set(found)];
}

interface PostInput {
  uri: string;
  authorHandle: string;
  record: unknown;
  metrics?: { likes?: number | undefined; replies?: number | undefined; reposts?: number | undefined };
}

/** A post record with its uri and author, as the contract's post. */
export function toPlatformPost(input: PostInput, self: Self): Parsed<PlatformPost> {
  const record = postRecordSchema.safeParse(input.record);
  if (!record.success) return { ok: false, reason: issue(record.error, 'record') };
  const id = postIdOf(input.uri);
  if (id === null)
    return { ok: false, reason: `uri: not a post at-uri with a DID: ${input.uri.slice(0, 120)}` };
  const createdAt = Date.parse(record.data.createdAt);
  if (!Number.isFinite(createdAt))
    return { ok: false, reason: `record.createdAt: not a date: ${record.data.createdAt}` };
  const reply = record.data.reply;
  const parentId = reply ? postIdOf(reply.parent.uri) : null;
  const rootId = reply ? postIdOf(reply.root.uri) : id;
  if (reply && (parentId === null || rootId === null)) {
    return { ok: false, reason: 'record.reply: parent or root is not a post at-uri' };
  }
  const parentDid = reply ? didOfUri(reply.parent.uri) : null;
  const parsed = platformPostSchema.safeParse({
    id,
    author: input.authorHandle.toLowerCase(),
    text: record.data.text,
    createdAt: Math.max(0, createdAt),
    inReplyToId: parentId,
    rootId,
    mentions: facetMentions(record.data, self),
    inReplyToAuthor: parentDid === self.did ? self.handle.toLowerCase() : null,
    metrics: {
      likes: input.metrics?.likes ?? 0,
      replies: input.metrics?.replies ?? 0,
      reposts: input.metrics?.reposts ?? 0,
      followers: 0,
    },
  });
  if (!parsed.success) return { ok: false, reason: issue(parsed.error, 'post') };
  return { ok: true, value: parsed.data };
}

/** The reasons that mean the account was tagged or answered: the only opt-ins. */
export const OPT_IN_REASONS = new Set(['mention', 'reply']);

export function parseNotification(raw: unknown): Parsed<Notification> {
  const parsed = notificationSchema.safeParse(raw);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: issue(parsed.error, 'notification') };
}

export function notificationPost(notification: Notification, self: Self): Parsed<PlatformPost> {
  return toPlatformPost(
    { uri: notification.uri, authorHandle: notification.author.handle, record: notification.record },
    self,
  );
}

export function postViewPost(raw: unknown, self: Self): Parsed<PlatformPost & { cid: string }> {
  const view = postViewSchema.safeParse(raw);
  if (!view.success) return { ok: false, reason: issue(view.error, 'post view') };
  const post = toPlatformPost(
    {
      uri: view.data.uri,
      authorHandle: view.data.author.handle,
      record: view.data.record,
      metrics: { likes: view.data.likeCount, replies: view.data.replyCount, reposts: view.data.repostCount },
    },
    self,
  );
  return post.ok ? { ok: true, value: { ...post.value, cid: view.data.cid } } : post;
}

/** One of our own repo's records (listRecords), as a post by us. */
export function ownRecordPost(raw: unknown, self: Self): Parsed<PlatformPost & { cid: string; uri: string }> {
  const entry = repoRecordSchema.safeParse(raw);
  if (!entry.success) return { ok: false, reason: issue(entry.error, 'repo record') };
  const post = toPlatformPost(
    { uri: entry.data.uri, authorHandle: self.handle, record: entry.data.value },
    self,
  );
  return post.ok ? { ok: true, value: { ...post.value, cid: entry.data.cid, uri: entry.data.uri } } : post;
}
