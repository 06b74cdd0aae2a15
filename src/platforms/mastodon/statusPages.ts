import type { Page } from '../contract.ts';
import { MASTODON_ID } from './calls.ts';
import { firstIssue, type MastodonStatus, notificationSchema, statusSchema } from './schemas.ts';
import type { SourceTexts } from './sourceTexts.ts';
import { newestId, type Self, toPlatformPost } from './toPlatformPost.ts';

/**
 * Mastodon's lists (mention notifications, statuses) as the contract's pages, oldest first:
 * each item validated at the boundary; a broken one is reported in `invalid` and its id still
 * moves the cursor past it (reported once, not every run).
 */

/** A page of `/api/v1/notifications?types[]=mention`. */
export async function mentionsPage(
  raw: unknown,
  cursor: string | null,
  self: Self,
  sources: SourceTexts,
): Promise<Page> {
  const page: Page = { posts: [], invalid: [], nextCursor: cursor };
  if (!Array.isArray(raw)) {
    page.invalid.push({ raw, reason: 'notifications: expected an array' });
    return page;
  }
  const ids: string[] = [];
  const statuses: MastodonStatus[] = [];
  for (const item of raw) {
    const parsed = notificationSchema.safeParse(item);
    if (!parsed.success) {
      page.invalid.push({ raw: item, reason: firstIssue(parsed.error, 'notification') });
      // Its id still moves the cursor past it: a broken item is reported once, not every run.
      const id = rawId(item);
      if (id) ids.push(id);
      continue;
    }
    ids.push(parsed.data.id);
    if (parsed.data.type !== 'mention') continue;
    if (parsed.data.status) statuses.push(parsed.data.status);
    else
      page.invalid.push({
        raw: item,
        reason: `notification ${parsed.data.id}: a mention without its status`,
      });
  }
  await addPosts(page, statuses, self, sources);
  page.nextCursor = newestId(ids, cursor);
  return page;
}

/** A page of statuses (an account's, a search's). */
export async function statusPage(
  raw: unknown,
  self: Self,
  cursor: string | null,
  sources: SourceTexts,
): Promise<Page> {
  const page: Page = { posts: [], invalid: [], nextCursor: cursor };
  if (!Array.isArray(raw)) {
    page.invalid.push({ raw, reason: 'statuses: expected an array' });
    return page;
  }
  const ids: string[] = [];
  const statuses: MastodonStatus[] = [];
  for (const item of raw) {
    const parsed = statusSchema.safeParse(item);
    if (!parsed.success) {
      page.invalid.push({ raw: item, reason: firstIssue(parsed.error, 'status') });
      // Its id still moves the cursor past it: a broken item is reported once, not every run.
      const id = rawId(item);
      if (id) ids.push(id);
      continue;
    }
    ids.push(parsed.data.id);
    statuses.push(parsed.data);
  }
  await addPosts(page, statuses, self, sources);
  page.nextCursor = newestId(ids, cursor);
  return page;
}

/** Converts `statuses` (newest first, as Mastodon lists them) into the page, oldest first. */
async function addPosts(
  page: Page,
  statuses: MastodonStatus[],
  self: Self,
  sources: SourceTexts,
): Promise<void> {
  for (const status of [...statuses].reverse()) {
    const converted = toPlatformPost(status, self, await sources.sourceText(status));
    if (converted.ok) page.posts.push(converted.post);
    else page.invalid.push({ raw: status, reason: converted.reason });
  }
}

function rawId(item: unknown): string | null {
  const id = item !== null && typeof item === 'object' && 'id' in item ? item.id : undefined;
  return typeof id === 'string' && MASTODON_ID.test(id) ? id : null;
}
