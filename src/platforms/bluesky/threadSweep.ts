import type { PlatformPost } from '../contract.ts';
import { postViewPost, type Self } from './wire.ts';

/**
 * Notifications are not complete: a reply the AppView indexes before its parent (someone
 * answering the bot's reply within a second of it, say) is never notified. Opt-outs arrive
 * exactly that way, so replies to the account's own recent posts are also read from their
 * threads: `getPosts` (25 a call) gives each own post's reply count, and only a post whose
 * count grew has its thread read. What it finds joins the mentions page; ingest ignores the
 * posts it has already seen.
 */
export type Get = (
  nsid: string,
  params: Record<string, string | number | readonly string[] | undefined>,
) => Promise<unknown>;

const BATCH = 25;

export class ThreadSweep {
  /** Reply counts seen per own post uri (in memory: after a restart every thread is read once more). */
  readonly #replyCounts = new Map<string, number>();
  #lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly get: Get,
    private readonly minIntervalMs: number,
  ) {}

  /** Replies by others to the given own posts (at-uris), newly seen since the last sweep. */
  async replies(ownUris: readonly string[], self: Self, now: number): Promise<PlatformPost[]> {
    if (now - this.#lastAt < this.minIntervalMs || ownUris.length === 0) return [];
    this.#lastAt = now;
    const grown: { uri: string; count: number }[] = [];
    for (let i = 0; i < ownUris.length; i += BATCH) {
      const body = (await this.get('app.bsky.feed.getPosts', { uris: ownUris.slice(i, i + BATCH) })) as {
        posts?: { uri?: unknown; replyCount?: unknown }[];
      } | null;
      for (const view of body?.posts ?? []) {
        if (typeof view.uri !== 'string' || typeof view.replyCount !== 'number') continue;
        if (view.replyCount > (this.#replyCounts.get(view.uri) ?? 0))
          grown.push({ uri: view.uri, count: view.replyCount });
      }
    }
    const found: PlatformPost[] = [];
    for (const { uri, count } of grown) {
      const body = (await this.get('app.bsky.feed.getPostThread', { uri, depth: 1, parentHeight: 0 })) as {
        thread?: { replies?: { post?: unknown }[] };
      } | null;
      for (const reply of body?.thread?.replies ?? []) {
        const post = postViewPost(reply.post, self);
        if (!post.ok || post.value.author === self.handle) continue;
        const { cid: _cid, ...plain } = post.value;
        found.push(plain);
      }
      this.#replyCounts.set(uri, count);
    }
    return found;
  }
}
