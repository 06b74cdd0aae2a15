import type { PlatformPost } from '../platforms/contract.ts';
import type { PostFacts } from '../policy/postFacts.ts';
import { platformRootClaim, type RootFacts } from '../policy/rootStatus.ts';

/**
 * A platform post as the policy sees it. Root status fails closed: a post is root only when
 * it replies to nothing AND the platform names it as its own conversation root; anything the
 * platform leaves unsaid is `null` (unknown), which the policy treats as "not root".
 */
export function toPostFacts(post: PlatformPost): PostFacts {
  return {
    postId: post.id,
    author: post.author,
    text: post.text,
    createdAt: post.createdAt,
    inReplyToId: post.inReplyToId,
    rootId: post.rootId,
    isRoot: rootStatus(post),
    mentions: post.mentions,
    inReplyToAuthor: post.inReplyToAuthor,
    authorIsParody: post.authorIsParody,
    metrics: post.metrics,
  };
}

/** What the platform says about the post's root status, as recorded (`isRoot`). */
export function rootStatus(post: Pick<PlatformPost, 'id' | 'inReplyToId' | 'rootId'>): boolean | null {
  return platformRootClaim({ postId: post.id, inReplyToId: post.inReplyToId, rootId: post.rootId });
}

/** A platform post's root facts, for the target verdict. */
export function targetRootFacts(post: Pick<PlatformPost, 'id' | 'inReplyToId' | 'rootId'>): RootFacts {
  return { isRoot: rootStatus(post), inReplyToId: post.inReplyToId, rootId: post.rootId, postId: post.id };
}

export { rootColumn } from '../runtime/projections.ts';
