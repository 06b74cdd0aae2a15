import { type Page, type PlatformPost, PlatformUnavailable } from '../contract.ts';
import type { BlueskyCalls } from './calls.ts';
import { type ListPage, type NewerThanOptions, readNewerThan } from './newerThan.ts';
import {
  notificationPost,
  OPT_IN_REASONS,
  type Parsed,
  parseNotification,
  postViewPost,
  type Self,
} from './wire.ts';

/**
 * Bluesky's lists (notifications, searches, author feeds) as the contract's pages: each item
 * parsed at the boundary, read newer than the watermark cursor (see newerThan.ts).
 */

/** One list item: what came, and what it is (parsed null: not for us, e.g. a repost). */
export interface Listed {
  raw: unknown;
  parsed: Parsed<PlatformPost> | null;
}

/** One page of a list from the API's own (backwards) cursor. */
export type ListReader = (apiCursor: string | null) => Promise<ListPage<Listed>>;

const LIST_LIMIT = 100;

/** The account's notifications that are opt-ins: mentions and replies. */
export function notificationsList(calls: BlueskyCalls, self: Self): ListReader {
  return async (apiCursor) => {
    const body = await calls.get('app.bsky.notification.listNotifications', {
      limit: LIST_LIMIT,
      reasons: [...OPT_IN_REASONS],
      cursor: apiCursor ?? undefined,
    });
    return listOf(body, 'notifications', (raw) => {
      const at = timeOf(raw, 'indexedAt');
      const notification = parseNotification(raw);
      if (!notification.ok) return { at, parsed: notification };
      // The reasons filter is a hint a server may ignore: only tags and replies are opt-ins.
      if (!OPT_IN_REASONS.has(notification.value.reason)) return { at, parsed: null };
      return { at, parsed: notificationPost(notification.value, self) };
    });
  };
}

/** Posts matching `query`, latest first. */
export function searchList(calls: BlueskyCalls, query: string, self: Self): ListReader {
  return async (apiCursor) => {
    const body = await calls.get('app.bsky.feed.searchPosts', {
      q: query,
      sort: 'latest',
      limit: LIST_LIMIT,
      cursor: apiCursor ?? undefined,
    });
    return listOf(body, 'posts', (raw) => postViewEntry(raw, self));
  };
}

/** `author`'s posts and replies, without its reposts. */
export function authorFeedList(calls: BlueskyCalls, author: string, self: Self): ListReader {
  return async (apiCursor) => {
    const body = await calls.get('app.bsky.feed.getAuthorFeed', {
      actor: author.replace(/^@+/, ''),
      filter: 'posts_with_replies',
      limit: LIST_LIMIT,
      cursor: apiCursor ?? undefined,
    });
    return listOf(body, 'feed', (raw) => {
      const entry = raw as { post?: unknown; reason?: unknown } | null;
      const view = postViewEntry(entry?.post, self);
      return entry?.reason ? { at: view.at, parsed: null } : view; // a repost is not the author's post
    });
  };
}

export interface Entry {
  /** The list's time for the item; null when unreadable (then it moves no watermark). */
  at: number | null;
  parsed: Parsed<PlatformPost> | null;
}

/** The items newer than `cursor`, others' posts only; malformed ones reported as invalid. */
export async function pageNewerThan(
  cursor: string | null,
  self: Self,
  fetchPage: ListReader,
  options: NewerThanOptions,
): Promise<Page> {
  const { items, nextCursor } = await readNewerThan(cursor, fetchPage, options);
  const posts: PlatformPost[] = [];
  const invalid: Page['invalid'] = [];
  for (const { item } of items) {
    if (item.parsed === null) continue;
    if (!item.parsed.ok) invalid.push({ raw: item.raw, reason: item.parsed.reason });
    else if (item.parsed.value.author !== self.handle) posts.push(item.parsed.value);
  }
  return { posts, invalid, nextCursor };
}

/** A list answer's items, each parsed; a malformed item becomes a failed parse, never a throw. */
function listOf(body: unknown, key: string, parse: (raw: unknown) => Entry): ListPage<Listed> {
  const raw = (body as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(raw)) throw new PlatformUnavailable(`${key}: malformed answer (no ${key} array)`);
  const cursor = (body as { cursor?: unknown }).cursor;
  const items = raw.map((entry) => {
    const { at, parsed } = parse(entry);
    const timed = at !== null && Number.isFinite(at);
    if (parsed?.ok && !timed) {
      return {
        at: null,
        item: { raw: entry, parsed: { ok: false as const, reason: `${key}: no valid indexedAt` } },
      };
    }
    return { at: timed ? at : null, item: { raw: entry, parsed } };
  });
  return { items, cursor: typeof cursor === 'string' && cursor !== '' ? cursor : null };
}

function timeOf(raw: unknown, field: string): number | null {
  const value = (raw as Record<string, unknown> | null)?.[field];
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(at) ? at : null;
}

function postViewEntry(raw: unknown, self: Self): Entry {
  return { at: timeOf(raw, 'indexedAt'), parsed: postViewPost(raw, self) };
}
