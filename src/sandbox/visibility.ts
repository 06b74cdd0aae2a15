import { eq, inArray, or, type SQL, type SQLWrapper } from 'drizzle-orm';
import { p } from './postRows.ts';
import type { SandboxDb } from './sandboxDb.ts';
import { sandboxMentions } from './schema.ts';
import type { PostVisibility, SandboxPost } from './types.ts';

/**
 * Who may see a post, Mastodon's way: `public` and `unlisted` posts are listed (anyone sees them,
 * searches find them); `private` (followers-only) and `direct` ones only their author and the
 * accounts they mention.
 */
export const LISTED_VISIBILITIES: PostVisibility[] = ['public', 'unlisted'];

/** The post `p` is listed. */
export const listed: SQL = inArray(p.visibility, LISTED_VISIBILITIES);

/** The post `p` mentions `handle` (a value or a placeholder). */
export function mentions(db: SandboxDb, handle: string | SQLWrapper): SQL {
  return inArray(
    p.id,
    db
      .select({ postId: sandboxMentions.postId })
      .from(sandboxMentions)
      .where(eq(sandboxMentions.handle, handle)),
  );
}

/** The post `p` is one `viewer` may see: listed, its own, or one that mentions it. */
export function visibleTo(db: SandboxDb, viewer: string | SQLWrapper): SQL {
  return or(listed, eq(p.author, viewer), mentions(db, viewer))!;
}

/** Whether `viewer` may see `post` (its author, someone it mentions, or anyone when it is listed). */
export function canSee(viewer: string, post: SandboxPost): boolean {
  const v = viewer.toLowerCase();
  return LISTED_VISIBILITIES.includes(post.visibility) || post.author === v || post.mentions.includes(v);
}
