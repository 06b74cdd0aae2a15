import { containsDeniedTerm, DEFAULT_DENY_LIST } from './denyList.ts';
import { mentionsIn, normalizeHandle, stripMentions } from './handle.ts';
import { containsLink } from './links.ts';
import { quotesTooMuch } from './quotedSpan.ts';
import { similarity } from './similarity.ts';
import { normalizedWords } from './text.ts';
import { hasThreadMarker } from './threadMarker.ts';

export { similarity } from './similarity.ts';

export const CONTENT_REJECT_REASONS = [
  'empty',
  'too_long',
  'contains_link',
  'thread_marker',
  'banned_term',
  'mentions_unrelated',
  'quotes_target',
  'near_duplicate',
] as const;

export type ContentRejectReason = (typeof CONTENT_REJECT_REASONS)[number];

export type ContentCheck = { ok: true } | { ok: false; reasonCode: ContentRejectReason };

/** Replies at least this similar (word-trigram Jaccard) to a recent one are near-duplicates. */
export const NEAR_DUPLICATE_THRESHOLD = 0.8;

export interface ContentGateOptions {
  /** In UTF-16 code units (`text.length`), which never undercounts a platform's characters. */
  maxLength: number;
  /** Whole words or phrases, any case (REPLYWRIGHT_BANNED_TERMS). */
  bannedTerms: readonly string[];
  /** Also refuse the built-in DEFAULT_DENY_LIST (default true; REPLYWRIGHT_DEFAULT_DENY_LIST). */
  defaultDenyList?: boolean;
  /** The account's recent reply texts. */
  recentReplies: string[];
  /** The account itself may be named (say, in a disclosure). */
  account: string;
  /** The author being replied to: the only other handle a reply may mention. */
  targetAuthor: string;
  /** The post being replied to: a reply may repeat only a short span of it. */
  targetText: string;
}

/**
 * Checks a generated reply before it may be permitted — whichever generator wrote it, so a
 * template or a model that echoes a hostile post is stopped here. Checks run in
 * `CONTENT_REJECT_REASONS` order (the costly near-duplicate scan last); the first failing one
 * is the reason. Mentions and links are looked for after Unicode compatibility folding, as
 * platforms fold fullwidth `＠` and `ｈｔｔｐｓ`.
 *
 * @example gateContent('@alice great point!', { maxLength: 280, bannedTerms: [], recentReplies: [],
 *   account: 'replywright_bot', targetAuthor: 'alice', targetText: 'queues?' }) // { ok: true }
 */
export function gateContent(text: string, options: ContentGateOptions): ContentCheck {
  const reject = (reasonCode: ContentRejectReason): ContentCheck => ({ ok: false, reasonCode });
  const folded = text.normalize('NFKC');
  // Only @mentions, punctuation or emoji is not a reply.
  if (normalizedWords(stripMentions(folded)).length === 0) return reject('empty');
  if (!(text.length <= options.maxLength)) return reject('too_long');
  if (containsLink(text)) return reject('contains_link');
  if (hasThreadMarker(text)) return reject('thread_marker');
  const denied =
    options.defaultDenyList === false ? options.bannedTerms : [...DEFAULT_DENY_LIST, ...options.bannedTerms];
  if (containsDeniedTerm(text, denied)) return reject('banned_term');
  const allowed = new Set(
    [options.account, options.targetAuthor].map((h) => normalizeHandle(h.normalize('NFKC'))),
  );
  if (mentionsIn(folded).some((m) => !allowed.has(m))) return reject('mentions_unrelated');
  if (quotesTooMuch(text, options.targetText)) return reject('quotes_target');
  if (options.recentReplies.some((recent) => similarity(text, recent) >= NEAR_DUPLICATE_THRESHOLD)) {
    return reject('near_duplicate');
  }
  return { ok: true };
}
