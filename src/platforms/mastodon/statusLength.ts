/**
 * How Mastodon counts a status against the instance's character limit (its
 * StatusLengthValidator): every URL counts as `charactersReservedPerUrl` (23 by default)
 * whatever its length, a remote mention counts only its `@user` part, and the rest counts
 * grapheme clusters (an emoji with modifiers is one).
 */
const URL_PATTERN = /https?:\/\/[^\s<>"]+/giu;
const REMOTE_MENTION = /(?<![\p{L}\p{N}_/])@([a-z0-9_]+)@[a-z0-9.-]*[a-z0-9](?::\d{1,5})?/giu;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export const DEFAULT_URL_LENGTH = 23;

export function statusLength(text: string, charactersReservedPerUrl = DEFAULT_URL_LENGTH): number {
  const countable = text
    .replace(URL_PATTERN, 'x'.repeat(charactersReservedPerUrl))
    .replace(REMOTE_MENTION, (_match, user: string) => `@${user}`);
  let n = 0;
  for (const _ of segmenter.segment(countable)) n++;
  return n;
}
