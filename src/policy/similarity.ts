import { stripMentions } from './handle.ts';
import { normalizedWords } from './text.ts';

/** Word-shingle size; texts shorter than this compare by their shorter length. */
export const SHINGLE_SIZE = 3;

function shingles(words: readonly string[], size: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + size <= words.length; i++) out.add(words.slice(i, i + size).join(' '));
  return out;
}

/**
 * Jaccard similarity (0..1) of the word trigrams of two texts, after lower-casing and removing
 * punctuation and @mentions — the addressee differs on every reply and says nothing about
 * whether the words repeat. Symmetric; two empty texts are identical (1).
 *
 * @example similarity('Thanks, @alice: great point on SQLite!', '@bob thanks great point on sqlite') // 1
 */
export function similarity(a: string, b: string): number {
  const wa = normalizedWords(stripMentions(a));
  const wb = normalizedWords(stripMentions(b));
  if (wa.length === 0 || wb.length === 0) return wa.length === wb.length ? 1 : 0;
  const size = Math.min(SHINGLE_SIZE, wa.length, wb.length);
  const sa = shingles(wa, size);
  const sb = shingles(wb, size);
  let shared = 0;
  for (const s of sa) if (sb.has(s)) shared++;
  return shared / (sa.size + sb.size - shared);
}
