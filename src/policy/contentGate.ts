import { mentionsIn, normalizeHandle, stripMentions } from './handle.ts';
import { similarity } from './similarity.ts';
import { hasThreadMarker } from './threadMarker.ts';
import { containsWholeWord, normalizedWords, urlsIn } from './text.ts';

export { similarity } from './similarity.ts';

export const CONTENT_REJECT_REASONS = [
  'empty',
  'too_long',
  'contains_link',
  'thread_marker',
  'banned_term',
  'mentions_unrelated',
  'near_duplicate',
] as const;

export type ContentRejectReason = (typeof CONTENT_REJECT_REASONS)[number];

export type ContentCheck = { ok: true } | { ok: false; reasonCode: ContentRejectReason };

/** Replies at least this similar (word-trigram Jaccard) to a recent one are near-duplicates. */
export const NEAR_DUPLICATE_THRESHOLD = 0.8;

export interface ContentGateOptions {
  /** In UTF-16 code units (`text.length`), which never undercounts a platform's characters. */
  maxLength: number;
  /** Whole words or phrases, any case. */
  bannedTerms: string[];
  /** The account's recent reply texts. */
  recentReplies: string[];
  /** The account itself may be named (say, in a disclosure). */
  account: string;
  /** The author being replied to: the only other handle a reply may mention. */
  targetAuthor: string;
}

/**
 * Checks a generated reply before it may be permitted. Checks run in `CONTENT_REJECT_REASONS`
 * order (the costly near-duplicate scan last); the first failing one is the reason.
 *
 * @example gateContent('@alice great point!', { maxLength: 280, bannedTerms: [], recentReplies: [],
 *   account: 'replywright_bot', targetAuthor: 'alice' }) // { ok: true }
 */
export function gateContent(text: string, options: ContentGateOptions): ContentCheck {
  const reject = (reasonCode: ContentRejectReason): ContentCheck => ({ ok: false, reasonCode });
  // Only @mentions, punctuation or emoji is not a reply.
  if (normalizedWords(stripMentions(text)).length === 0) return reject('empty');
  if (!(text.length <= options.maxLength)) return reject('too_long');
  if (urlsIn(text).length > 0) return reject('contains_link');
  if (hasThreadMarker(text)) return reject('thread_marker');
  if (options.bannedTerms.some((term) => containsWholeWord(text, term))) return reject('banned_term');
  const allowed = new Set([normalizeHandle(options.account), normalizeHandle(options.targetAuthor)]);
  if (mentionsIn(text).some((m) => !allowed.has(m))) return reject('mentions_unrelated');
  if (options.recentReplies.some((recent) => similarity(text, recent) >= NEAR_DUPLICATE_THRESHOLD)) {
    return reject('near_duplicate');
  }
  return { ok: true };
}
