import { stripMentions } from './handle.ts';
import { normalizedWords, stripUrls } from './text.ts';

/**
 * How much of the target post a reply repeats: the longest run of consecutive words (case,
 * punctuation, @mentions and links ignored) that appears in both. A reply may name a post's
 * topic in a few of its own words; more turns the bot into a megaphone for whatever the post
 * said, which is how a hostile post makes the bot say things.
 *
 * @example quotedSpan('@bob thanks for "durable reply queues"', 'how are durable reply queues built?') // { words: 3, chars: 20 }
 */
export const MAX_QUOTED_WORDS = 4;
export const MAX_QUOTED_CHARS = 40;

/** Only the first words of a long target are compared: a reply quotes from what it read. */
const MAX_TARGET_WORDS = 2_000;

export interface QuotedSpan {
  /** Words of the longest shared run. */
  words: number;
  /** Characters of the widest shared run (words joined by single spaces); may be another run. */
  chars: number;
}

export function quotedSpan(reply: string, target: string): QuotedSpan {
  const a = wordsOf(reply);
  const b = wordsOf(target).slice(0, MAX_TARGET_WORDS);
  let best: QuotedSpan = { words: 0, chars: 0 };
  // Longest common substring over words, one row of the table at a time.
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] !== b[j - 1]) continue;
      const run = previous[j - 1]! + 1;
      row[j] = run;
      const chars = a.slice(i - run, i).join(' ').length;
      best = { words: Math.max(best.words, run), chars: Math.max(best.chars, chars) };
    }
    previous = row;
  }
  return best;
}

export function quotesTooMuch(reply: string, target: string): boolean {
  const span = quotedSpan(reply, target);
  return span.words > MAX_QUOTED_WORDS || span.chars > MAX_QUOTED_CHARS;
}

function wordsOf(text: string): string[] {
  return normalizedWords(stripUrls(stripMentions(text)));
}
