import { mentionsIn, normalizeHandle, sameHandle } from './handle.ts';
import type { PostFacts, SourceKind } from './postFacts.ts';

/**
 * Why we may answer a post. Only `mention` and `reply_to_account` are opt-in (the platforms'
 * rule: act when tagged or replied to); `keyword` is found by search or an author list and
 * has no opt-in; `none` means there is no reason at all.
 */
export type Consent = 'mention' | 'reply_to_account' | 'keyword' | 'none';

export const CONSENTS = [
  'mention',
  'reply_to_account',
  'keyword',
  'none',
] as const satisfies readonly Consent[];

/**
 * @example consentOf({ ...post, mentions: ['ReplyWright_Bot'] }, 'replywright_bot', 'search') // 'mention'
 */
export function consentOf(post: PostFacts, account: string, source: SourceKind): Consent {
  const self = normalizeHandle(account);
  // The text is checked too: an adapter that forgets to fill `mentions` must not lose an opt-in.
  const mentioned = [...post.mentions, ...mentionsIn(post.text)].some((m) => sameHandle(m, self));
  if (mentioned) return 'mention';
  if (post.inReplyToAuthor !== null && sameHandle(post.inReplyToAuthor, self)) return 'reply_to_account';
  if (source === 'search' || source === 'author_list') return 'keyword';
  return 'none';
}

const OPT_OUT_PHRASES = new Set([
  'stop',
  'please stop',
  'stop please',
  'unsubscribe',
  'stop replying',
  'stop replying to me',
  'please stop replying',
  'leave me alone',
  'opt out',
  'optout',
]);

/**
 * True when the whole message is an opt-out ("STOP", "@bot stop replying!", "opt-out"), so a
 * post that merely contains the word ("don't stop believing") is not one. @mentions (a reply
 * starts with them), punctuation and emoji are ignored.
 */
export function isOptOutText(text: string): boolean {
  // Every opt-out phrase is a few words; a reply may lead with a handful of @mentions. A
  // longer message is never one, and most posts are longer: skip the normalisation for them.
  if (wordCountAbove(text, MAX_OPT_OUT_WORDS)) return false;
  const words = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]+/gu, ' ')
    .replace(/[^\p{L}\p{N}\s]+/gu, ' ')
    .split(/\s+/u)
    .filter(Boolean)
    .join(' ');
  return OPT_OUT_PHRASES.has(words);
}

/** Longest opt-out phrase (5 words) plus room for leading @mentions. */
const MAX_OPT_OUT_WORDS = 16;

function wordCountAbove(text: string, limit: number): boolean {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord && ++words > limit) return true;
    inWord = !space;
  }
  return false;
}
