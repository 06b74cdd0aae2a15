import { bodyText, urlsIn } from './text.ts';

/**
 * Spam heuristics, cheap and conservative — a false positive costs one skipped reply, a false
 * negative puts the account's name under a scam:
 *
 * - `links`: two or more links (http(s):// or www.).
 * - `promo_terms`: crypto, airdrop, giveaway, "buy now", "click here", "free followers",
 *   "dm for promo" (whole words, any case).
 * - `shouting`: at least half of the letters are upper-case, in a text with 20 or more
 *   letters once @mentions and links are removed (a short "WOW" or "NASA" is fine).
 * - `repeated_chars`: one non-digit character six or more times in a row ("!!!!!!",
 *   "freeeeee"); digits are exempt so "1000000" is not spam.
 */
export type SpamSignal = 'links' | 'promo_terms' | 'shouting' | 'repeated_chars';

export const SPAM_TERM_PATTERNS: readonly RegExp[] = [
  /\bcrypto(?:s|currency|currencies)?\b/i,
  /\bairdrops?\b/i,
  /\bgiveaways?\b/i,
  /\bbuy\s+now\b/i,
  /\bclick\s+here\b/i,
  /\bfree\s+followers?\b/i,
  /\bdm\s+(?:me\s+)?for\s+promo\b/i,
];

export const SHOUTING_MIN_LETTERS = 20;
export const SHOUTING_UPPER_RATIO = 0.5;
export const REPEATED_CHAR_RUN = 6;

const REPEATED_RUN = new RegExp(`([^\\s\\p{N}])\\1{${REPEATED_CHAR_RUN - 1},}`, 'u');

/**
 * The first spam signal the text shows, or null.
 *
 * @example spamSignalOf('FREE FOLLOWERS click here') // 'promo_terms'
 */
export function spamSignalOf(text: string, body: string = bodyText(text)): SpamSignal | null {
  if (urlsIn(text).length >= 2) return 'links';
  if (SPAM_TERM_PATTERNS.some((p) => p.test(text))) return 'promo_terms';
  const { letters, upper } = letterCounts(body);
  if (letters >= SHOUTING_MIN_LETTERS && upper >= letters * SHOUTING_UPPER_RATIO) {
    return 'shouting';
  }
  if (REPEATED_RUN.test(body)) return 'repeated_chars';
  return null;
}

const LETTER = /\p{L}/u;
const UPPER = /\p{Lu}/u;

/** Letters and upper-case letters of `body`, by code point (no array of matches per post). */
function letterCounts(body: string): { letters: number; upper: number } {
  let letters = 0;
  let upper = 0;
  for (const ch of body) {
    if (ch >= 'a' && ch <= 'z') letters++;
    else if (ch >= 'A' && ch <= 'Z') {
      letters++;
      upper++;
    } else if (ch > '\x7f' && LETTER.test(ch)) {
      letters++;
      if (UPPER.test(ch)) upper++;
    }
  }
  return { letters, upper };
}
