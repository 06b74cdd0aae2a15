/**
 * Is a post the root of its conversation? The one answer for evaluation, the scheduler's
 * re-check, the pre-click look and the permit machine's guards. It fails closed: a post is a
 * root only when it was recorded as one, replies to nothing, and its conversation root (when
 * named) is itself. Whatever is unsaid is `root_unknown`, which every caller treats as "no".
 */

export interface RootFacts {
  /** What was recorded about it: true root, false not root, null unknown. */
  isRoot: boolean | null;
  /** The post it replies to; null when it replies to nothing. */
  inReplyToId: string | null;
  /**
   * Its conversation root as the platform named it, and its own id. Absent or null: not said
   * (the permit machine knows only what was recorded). A root id without the post's own id
   * cannot be checked and counts as another post's.
   */
  rootId?: string | null;
  postId?: string;
}

export type RootStatus = 'root' | 'not_root' | 'root_unknown';

export function rootStatusOf(facts: RootFacts): RootStatus {
  if (facts.inReplyToId !== null || facts.isRoot === false) return 'not_root';
  if (facts.rootId != null && facts.rootId !== facts.postId) return 'not_root';
  if (facts.isRoot !== true) return 'root_unknown';
  return 'root';
}

/** True only for a known root: `root_unknown` is "no". */
export function isKnownRoot(facts: RootFacts): boolean {
  return rootStatusOf(facts) === 'root';
}

/**
 * What a platform post's own fields say, to be recorded as `isRoot`: false for a reply, true
 * when the platform names the post as its own conversation root, null when it did not say.
 */
export function platformRootClaim(post: {
  postId: string;
  inReplyToId: string | null;
  rootId: string | null;
}): boolean | null {
  if (post.inReplyToId !== null) return false;
  if (post.rootId === null) return null;
  return post.rootId === post.postId;
}
