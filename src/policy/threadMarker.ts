import { MENTION_PATTERN } from './handle.ts';

/**
 * Numbered-thread markers at the start or end of a text: "1/", "1/3", "(2/5)", "1/n". A pair
 * whose first number exceeds the second ("24/7") is a figure, not a marker.
 */
const NUMBERED = String.raw`\(?\s*(\d{1,3})\s*\/\s*(\d{1,3}|n)?\s*\)?`;
const LEADING = new RegExp(`^${NUMBERED}(?=\\s|$)`, 'iu');
const TRAILING = new RegExp(`(?:^|\\s)${NUMBERED}$`, 'iu');
const PARENTHESIZED = /\(\s*(\d{1,3})\s*\/\s*(\d{1,3}|n)\s*\)/iu;
const THREAD_WORD = /(?<![\p{L}\p{N}_])thread\s*(?::|👇|⬇️?)/iu;

function isMarker(match: RegExpExecArray | null): boolean {
  if (match === null) return false;
  const [, first, second] = match;
  if (second === undefined || second.toLowerCase() === 'n') return true;
  return Number(first) <= Number(second);
}

/**
 * True when the text announces or continues a thread: 🧵, "thread:", or a numbered marker.
 * A single automated reply must stand alone.
 *
 * @example hasThreadMarker('(1/3) here is why') // true
 * @example hasThreadMarker('open 24/7') // false
 */
export function hasThreadMarker(text: string): boolean {
  if (text.includes('🧵') || THREAD_WORD.test(text)) return true;
  const body = text.replace(MENTION_PATTERN, ' ').trim();
  return isMarker(PARENTHESIZED.exec(body)) || isMarker(LEADING.exec(body)) || isMarker(TRAILING.exec(body));
}
