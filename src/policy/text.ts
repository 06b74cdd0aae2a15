/**
 * Text helpers shared by the evaluation and the content gate. A link is anything starting
 * with http(s):// or www. — the forms the platforms auto-link.
 */
import { stripMentions } from './handle.ts';

export const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s]*/giu;

export function urlsIn(text: string): string[] {
  return text.match(URL_PATTERN) ?? [];
}

export function stripUrls(text: string): string {
  return text.replace(URL_PATTERN, ' ');
}

/** The words a human wrote: no @mentions, no links, whitespace collapsed. */
export function bodyText(text: string): string {
  return stripUrls(stripMentions(text)).replace(/\s+/gu, ' ').trim();
}

/** Lower-case words without punctuation, for comparing texts. */
export function normalizedWords(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, ' ')
    .split(/\s+/u)
    .filter(Boolean);
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Case-insensitive whole-word (or whole-phrase) match; a word is letters, digits and '_'. */
export function containsWholeWord(text: string, term: string): boolean {
  const t = term.trim();
  if (t === '') return false;
  const pattern = escapeRegExp(t).replace(/\s+/g, '\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${pattern}(?![\\p{L}\\p{N}_])`, 'iu').test(text);
}
