/**
 * The sandbox platform's own vocabulary. A `SandboxPost` is what the sandbox stores and
 * serves; adapters turn it into the contract's `PlatformPost` at the boundary.
 */
export type TrafficKind =
  | 'mention'
  | 'keyword'
  | 'chatter'
  | 'reply_other'
  | 'reply_other_mention'
  | 'reply_to_account'
  | 'spam'
  | 'too_short'
  | 'parody'
  | 'stop';

/** Who made a post: the API (the pipeline), the web UI, a ghost fault, or generated traffic. */
export type PostOrigin = 'api' | 'web' | 'ghost' | `traffic:${TrafficKind}`;

export interface SandboxUser {
  handle: string;
  displayName: string;
  isBot: boolean;
  isParody: boolean;
  followers: number;
  createdAt: number;
}

/**
 * Who may see a post, in Mastodon's terms (the other dialects have only public posts):
 * everyone and listed, everyone but unlisted, followers (here: the author and who it
 * mentions) or only the people it mentions (`direct`, a private message).
 */
export const POST_VISIBILITIES = ['public', 'unlisted', 'private', 'direct'] as const;
export type PostVisibility = (typeof POST_VISIBILITIES)[number];

export interface PostMetrics {
  likes: number;
  replies: number;
  reposts: number;
  followers: number;
}

export interface SandboxPost {
  /** Increasing integers as strings, from '1000001'. */
  id: string;
  author: string;
  text: string;
  inReplyToId: string | null;
  /** The conversation's root; a root post is its own root. */
  rootId: string;
  mentions: string[];
  createdAt: number;
  deleted: boolean;
  idempotencyKey: string | null;
  origin: PostOrigin;
  visibility: PostVisibility;
  authorIsBot: boolean;
  authorIsParody: boolean;
  inReplyToAuthor: string | null;
  metrics: PostMetrics;
}

export interface PostPage {
  posts: SandboxPost[];
  /** The last id returned, or the cursor passed in when nothing newer exists. */
  nextCursor: string | null;
}

/** A refusal with the HTTP status the sandbox's API answers with. */
export class SandboxError extends Error {
  override name = 'SandboxError';
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 422 | 429 | 500,
    message: string,
  ) {
    super(message);
  }
}

export const MAX_TEXT_LENGTH = 500;
export const PAGE_LIMIT = 100;
export const DEFAULT_ACCOUNT = 'replywright_bot';
