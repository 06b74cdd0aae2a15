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

/** Whether an addressed message asks the account to stop (see optOut.ts: phrasing, languages, fail-safe). */
export { isOptOutText } from './optOut.ts';
