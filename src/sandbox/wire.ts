import { type PlatformPost, platformPostSchema } from '../platforms/contract.ts';
import type { PostVisibility, SandboxPost } from './types.ts';

/** A post as the sandbox's JSON API sends it (snake_case). */
export interface WirePost {
  id: string;
  author: string;
  text: string;
  in_reply_to_id: string | null;
  root_id: string;
  mentions: string[];
  created_at: number;
  created_at_iso: string;
  deleted: boolean;
  /** `public` unless the post was made through the Mastodon dialect with another visibility. */
  visibility: PostVisibility;
  /** Shown only to the author (and in the ground truth). */
  idempotency_key?: string | null;
  origin?: string;
  author_is_bot: boolean;
  author_is_parody: boolean;
  in_reply_to_author: string | null;
  metrics: { likes: number; replies: number; reposts: number; followers: number };
}

export function toWire(post: SandboxPost, options: { private?: boolean; origin?: boolean } = {}): WirePost {
  const wire: WirePost = {
    id: post.id,
    author: post.author,
    text: post.text,
    in_reply_to_id: post.inReplyToId,
    root_id: post.rootId,
    mentions: post.mentions,
    created_at: post.createdAt,
    created_at_iso: new Date(post.createdAt).toISOString(),
    deleted: post.deleted,
    visibility: post.visibility,
    author_is_bot: post.authorIsBot,
    author_is_parody: post.authorIsParody,
    in_reply_to_author: post.inReplyToAuthor,
    metrics: { ...post.metrics },
  };
  if (options.private) wire.idempotency_key = post.idempotencyKey;
  if (options.origin) wire.origin = post.origin;
  return wire;
}

export type ParsedWirePost =
  | { ok: true; post: PlatformPost; idempotencyKey: string | null }
  | { ok: false; reason: string };

/**
 * Validates one item the sandbox API returned and maps it to the contract's shape.
 * Never throws: a malformed item comes back with the reason it was refused.
 */
export function parseWirePost(raw: unknown): ParsedWirePost {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: `expected an object, got ${raw === null ? 'null' : typeof raw}` };
  }
  const item = raw as Record<string, unknown>;
  const metrics = item.metrics;
  const parsed = platformPostSchema.safeParse({
    id: item.id,
    author: item.author,
    text: item.text,
    createdAt: item.created_at,
    inReplyToId: item.in_reply_to_id,
    rootId: item.root_id ?? null,
    mentions: item.mentions ?? undefined,
    inReplyToAuthor: item.in_reply_to_author ?? undefined,
    metrics: metrics ?? undefined,
    authorIsParody: item.author_is_parody ?? undefined,
    deleted: item.deleted ?? undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `${issue.path.join('.') || 'post'}: ${issue.message}` };
  }
  const key = item.idempotency_key;
  return { ok: true, post: parsed.data, idempotencyKey: typeof key === 'string' ? key : null };
}
