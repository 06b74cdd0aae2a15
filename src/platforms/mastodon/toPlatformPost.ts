import { type PlatformPost, platformPostSchema } from '../contract.ts';
import { hasRichMarkup, htmlToText } from './htmlText.ts';
import type { MastodonStatus } from './schemas.ts';

/** The bot's own account, for telling replies to it apart. */
export interface Self {
  id: string;
  acct: string;
}

export type Converted = { ok: true; post: PlatformPost } | { ok: false; reason: string };

/**
 * Whether `content` loses something the author wrote, so the exact text should come from
 * `/source`: a remote mention shows only `@user` in the HTML, and markup other servers (or
 * Markdown-enabled forks) produce has no plain-text form. Only a local status has a
 * plain-text source; a remote one's source is its HTML again.
 */
export function needsSource(status: MastodonStatus): boolean {
  if (status.account.acct.includes('@')) return false;
  return status.mentions.some((m) => m.acct.includes('@')) || hasRichMarkup(status.content);
}

/** Who a reply answers: the bot, someone it mentions, or its own author (a thread); else unknown. */
function inReplyToAuthor(status: MastodonStatus, self: Self): string | null {
  const accountId = status.inReplyToAccountId;
  if (!accountId) return null;
  if (accountId === self.id) return self.acct.toLowerCase();
  if (accountId === status.account.id) return status.account.acct.toLowerCase();
  return status.mentions.find((m) => m.id === accountId)?.acct.toLowerCase() ?? null;
}

/**
 * A Mastodon status as the contract's post. A root post is one that replies to nothing (its
 * own conversation root); for a reply the root is left unknown, which the policy treats as
 * "not root". `text` is the source text when the caller fetched it, else the HTML's text.
 */
export function toPlatformPost(status: MastodonStatus, self: Self, sourceText?: string): Converted {
  const inReplyToId = status.inReplyToId ?? null;
  const parsed = platformPostSchema.safeParse({
    id: status.id,
    author: status.account.acct.toLowerCase(),
    text: sourceText ?? htmlToText(status.content),
    createdAt: Date.parse(status.createdAt),
    inReplyToId,
    rootId: inReplyToId === null ? status.id : null,
    mentions: status.mentions.map((m) => m.acct.toLowerCase()),
    inReplyToAuthor: inReplyToAuthor(status, self),
    metrics: {
      likes: status.favouritesCount ?? 0,
      replies: status.repliesCount ?? 0,
      reposts: status.reblogsCount ?? 0,
      followers: status.account.followersCount ?? 0,
    },
  });
  if (parsed.success) return { ok: true, post: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, reason: `status ${status.id}: ${issue.path.join('.') || 'post'}: ${issue.message}` };
}

/**
 * The newest of Mastodon ids (numeric strings, compared as numbers; other servers' sortable
 * string ids compared as strings), or `fallback` when there are none.
 */
export function newestId(ids: readonly string[], fallback: string | null): string | null {
  let newest = fallback;
  for (const id of ids) if (newest === null || compareIds(id, newest) > 0) newest = id;
  return newest;
}

export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
