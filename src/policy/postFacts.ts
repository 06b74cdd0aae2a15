/**
 * What the policy knows about a post: its own input type, so the pure layer never depends on
 * a platform adapter. The caller maps a platform post (plus what the store knows) onto it.
 */

/** Where a candidate was discovered. Only `mentions` implies the author addressed us. */
export type SourceKind = 'mentions' | 'search' | 'author_list';

export const SOURCE_KINDS = ['mentions', 'search', 'author_list'] as const satisfies readonly SourceKind[];

export interface PostMetrics {
  likes: number;
  replies: number;
  reposts: number;
  /** The author's follower count. */
  followers: number;
}

export interface PostFacts {
  postId: string;
  author: string;
  text: string;
  /** Epoch ms. */
  createdAt: number;
  /** null for a root post. */
  inReplyToId: string | null;
  /** The conversation's root post id; null when the platform did not say. */
  rootId: string | null;
  /** true only when the platform said so; null means unknown, which the policy treats as "not root". */
  isRoot: boolean | null;
  /** Handles mentioned in the text (with or without '@', any case). */
  mentions: string[];
  /** The author of the post this one replies to, when it is a reply. */
  inReplyToAuthor: string | null;
  authorIsParody: boolean;
  metrics: PostMetrics;
}
