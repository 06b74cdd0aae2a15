/**
 * Handles compare case-insensitively and without the '@': platforms differ on both.
 *
 * @example sameHandle('@ReplyWright_Bot', 'replywright_bot') // true
 */
export function normalizeHandle(handle: string): string {
  return handle.trim().replace(/^@+/, '').toLowerCase();
}

export function sameHandle(a: string, b: string): boolean {
  const na = normalizeHandle(a);
  return na !== '' && na === normalizeHandle(b);
}

/** Matches `@handle` tokens; the handle alphabet is the widest the platforms use (Bluesky has dots and dashes). */
export const MENTION_PATTERN = /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]*[\p{L}\p{N}_]/gu;

/**
 * A handle that, written as `@handle`, is read back as exactly that one mention: the mention
 * alphabet only, starting and ending on a letter, digit or `_`. Anything else (spaces, markup,
 * a URL) must not be echoed as if it were a handle.
 */
export function isPlainHandle(handle: string): boolean {
  return /^[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]{0,62}[\p{L}\p{N}_])?$/u.test(handle.replace(/^@+/, ''));
}

/** Handles mentioned in `text`, normalized, in order of appearance. */
export function mentionsIn(text: string): string[] {
  return [...text.matchAll(MENTION_PATTERN)].map((m) => normalizeHandle(m[0]));
}

export function stripMentions(text: string): string {
  return text.replace(MENTION_PATTERN, ' ');
}
