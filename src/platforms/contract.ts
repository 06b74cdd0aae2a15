import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ReplywrightError } from '../runtime/errors.ts';

/**
 * What replywright needs from a social platform. Every adapter validates what the platform
 * returns with these schemas at the boundary: a malformed post is dropped with a reason (and
 * an event by the caller), never passed on and never a crash.
 */
export const platformPostSchema = z.object({
  id: z.string().min(1).max(64),
  author: z.string().min(1).max(64),
  text: z.string().max(10_000),
  createdAt: z.number().int().nonnegative(),
  /** null for a root post. */
  inReplyToId: z.string().min(1).nullable(),
  /** The id of the conversation's root post; null when the platform did not say. */
  rootId: z.string().min(1).nullable(),
  /** Handles mentioned in the text, lower-case, without '@'. */
  mentions: z.array(z.string()).default([]),
  /** The author of the post this one replies to, when it is a reply. */
  inReplyToAuthor: z.string().nullable().default(null),
  metrics: z
    .object({
      likes: z.number().int().nonnegative().default(0),
      replies: z.number().int().nonnegative().default(0),
      reposts: z.number().int().nonnegative().default(0),
      followers: z.number().int().nonnegative().default(0),
    })
    .default({ likes: 0, replies: 0, reposts: 0, followers: 0 }),
  /** The author's profile says parody/fan account. */
  authorIsParody: z.boolean().default(false),
  deleted: z.boolean().default(false),
});

export type PlatformPost = z.infer<typeof platformPostSchema>;

export interface Page {
  posts: PlatformPost[];
  /** Items the platform returned that failed validation, with the reason. */
  invalid: { raw: unknown; reason: string }[];
  /** Pass back to get only newer posts. */
  nextCursor: string | null;
}

export interface CreateReplyRequest {
  targetId: string;
  text: string;
  /**
   * The permit's key, the same for every attempt under that permit. A platform with an
   * idempotency key (or a client-chosen record key) uses it to make a repeated call harmless.
   */
  idempotencyKey: string;
  /** Which attempt under the permit this is (1, 2, ...): outcomes are tied to it. */
  attempt: number;
}

/**
 * How far the platform itself protects a repeated create:
 * - `none`: not at all (X); only our own-reply lookup stands between a retry and a duplicate;
 * - `window`: a repeat with the same key inside `seconds` returns the original (Mastodon: 3,600 s);
 * - `permanent`: a repeat with the same key is always harmless (Bluesky's client-chosen record key).
 */
export type IdempotencyCapability =
  | { kind: 'none' }
  | { kind: 'window'; seconds: number }
  | { kind: 'permanent' };

/** What an adapter declares about its platform; the poster and reconciler read every field. */
export interface PlatformCapabilities {
  idempotency: IdempotencyCapability;
  /**
   * How long a new post may take to show in `ownRepliesTo` / `ownTimeline` after the create
   * call returned (indexing, replication). Absence is judged only after this has passed twice.
   */
  visibilityLagMs: number;
  /** The longest one create call can take before the adapter gives up on it (its timeout). */
  responseTimeoutMs: number;
}

export interface PlatformLimits {
  maxTextLength: number;
  /** When the platform told us to wait, until when (epoch ms). */
  rateLimitedUntil: number | null;
}

export interface PlatformAdapter {
  readonly name: string;
  readonly account: string;
  limits(): PlatformLimits;
  capabilities(): PlatformCapabilities;
  search(query: string, cursor: string | null): Promise<Page>;
  mentions(cursor: string | null): Promise<Page>;
  authorPosts(author: string, cursor: string | null): Promise<Page>;
  /** null when the post does not exist (deleted or never did). */
  getPost(id: string): Promise<PlatformPost | null>;
  /** The account's own posts made at or after `since`, newest first. */
  ownTimeline(since: number): Promise<PlatformPost[]>;
  createReply(request: CreateReplyRequest): Promise<{ postId: string }>;
  /**
   * The account's own replies to `targetId` made at or after `since`, oldest first — whoever
   * made them (this permit, an earlier one restored away, a human). Asked before every
   * attempt and to settle an unknown outcome; one read per reply is its cost.
   */
  ownRepliesTo(targetId: string, since: number): Promise<PlatformPost[]>;
}

/** The platform refused: nothing was posted, and doing the same again will fail again. */
export class PlatformRejected extends ReplywrightError {
  constructor(
    message: string,
    readonly status: number,
    cause?: unknown,
  ) {
    super(message, { retryable: false, cause, context: { status } });
  }
}

/** Too many requests; nothing was posted. Try again after `resetAt`. */
export class RateLimited extends ReplywrightError {
  constructor(
    readonly resetAt: number,
    cause?: unknown,
  ) {
    super(`rate limited until ${new Date(resetAt).toISOString()}`, {
      retryable: true,
      cause,
      context: { resetAt },
    });
  }
}

/** The request never reached the platform (connection refused, DNS): nothing was posted. */
export class PlatformUnavailable extends ReplywrightError {
  constructor(message: string, cause?: unknown) {
    super(message, { retryable: true, cause });
  }
}

/**
 * The call may or may not have taken effect (timeout, dropped connection, 5xx after the
 * request was sent). For a post this means: never retry blindly; look first.
 */
export class OutcomeUnknown extends ReplywrightError {
  constructor(message: string, cause?: unknown) {
    super(message, { retryable: false, cause });
  }
}

/** Content hash used to recognise our own reply on the platform. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text.normalize('NFC').trim()).digest('hex').slice(0, 32);
}
