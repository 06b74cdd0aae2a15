import type { mastodon } from 'masto';
import type { PlatformPost } from '../contract.ts';
import type { MastodonCalls } from './calls.ts';
import { type MastodonStatus, statusSchema } from './schemas.ts';
import type { SourceTexts } from './sourceTexts.ts';
import type { Self } from './toPlatformPost.ts';

/** Mastodon's page size for statuses. */
const PAGE = 40;
/** Own-status walks stop here (40 × 100 statuses): a misbehaving server cannot loop us forever. */
const MAX_PAGES = 100;

/**
 * The account's own statuses made at or after `since` that `wanted` keeps, newest first, with
 * the text the pipeline generated (their source, without the mention `replyText` added): the
 * pipeline knows its own replies by that text.
 */
export async function readOwnStatuses(
  client: mastodon.rest.Client,
  calls: MastodonCalls,
  sources: SourceTexts,
  facts: () => Promise<Self>,
  since: number,
  wanted: (status: MastodonStatus) => boolean,
): Promise<PlatformPost[]> {
  const self = await facts();
  const posts: PlatformPost[] = [];
  let maxId: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const raw: unknown = await calls.read('GET /api/v1/accounts/:id/statuses', () =>
      client.v1.accounts
        .$select(self.id)
        .statuses.list({ limit: PAGE, excludeReblogs: true, ...(maxId ? { maxId } : {}) }),
    );
    if (!Array.isArray(raw) || raw.length === 0) return posts;
    for (const item of raw) {
      const status = statusSchema.safeParse(item);
      if (!status.success) continue;
      if (Date.parse(status.data.createdAt) < since) return posts;
      if (!wanted(status.data)) continue;
      const post = await sources.ownPost(status.data, self);
      if (post) posts.push(post);
    }
    const last = statusSchema.safeParse(raw.at(-1));
    if (!last.success || last.data.id === maxId) return posts;
    maxId = last.data.id;
  }
  return posts;
}
