/**
 * Opt-outs as people write them. A message addressed to the account is an opt-out when:
 *
 * 1. the whole of it is opt-out phrases and padding — "STOP", "please stop, not interested",
 *    "Stop replying to me please.", "unsubscribe me pls", "lass mich in Ruhe";
 * 2. anywhere in it, it says so to the account — "great thread, but please stop replying to
 *    me", "leave me alone", "do not reply to me" — unless negated ("never stop replying");
 * 3. it is a short imperative that starts with stop (or its translation): "stop the war",
 *    "stop it already". When in doubt it counts: a missed opt-out keeps writing to someone who
 *    asked us not to, an extra one only costs a reply.
 *
 * Before matching, the text is folded so that spelling does not matter: Unicode compatibility
 * (fullwidth letters), case, accents ("arrête", "hör auf"), apostrophes ("don't"), @mentions,
 * links, punctuation and emoji, letters spelled out ("S T O P") and stretched ("stoooop").
 * Phrase tables are folded the same way, so they can be written as people write them.
 *
 * Languages: English, Spanish, French, German, Italian, Portuguese, Dutch, Swedish and
 * Norwegian, Russian, Japanese and Chinese. The phrase lists are in `optOutPhrases.ts`.
 */

import {
  DIRECTED_PHRASES,
  NEGATIONS,
  OPT_OUT_PHRASES,
  PADDING_PHRASES,
  SHORT_IMPERATIVE_WORDS,
  STOP_VERBS,
} from './optOutPhrases.ts';

/**
 * Folds text to comparable words: compatibility forms, case, accents, apostrophes, @mentions
 * and links, punctuation and emoji, spelled-out letters and stretched letters.
 */
export function optOutWords(text: string): string[] {
  return splitFolded(fold(text));
}

function fold(text: string): string {
  return /[^\t\n\r\x20-\x7e]/.test(text) ? foldUnicode(text) : foldAscii(text);
}

/** Three or more one-letter words in a row: a word spelled out. */
const SPELLED_OUT = /(?:^| )\p{L}(?: \p{L}){2,}(?: |$)/u;

function splitFolded(folded: string): string[] {
  if (folded === '') return [];
  const words = folded.split(' ');
  return SPELLED_OUT.test(folded) ? joinSpelledOut(words) : words;
}

/** The folding, for any text. */
export function foldUnicode(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]+/gu, ' ')
    .replace(/\b(?:https?:\/\/|www\.)\S*/gu, ' ')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/['’`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/(\p{L})\1+/gu, '$1')
    .trim();
}

/**
 * The same folding for ASCII-only text (most posts), with ASCII patterns: several times
 * faster than the Unicode ones, which matters because every post addressed to the account is
 * checked. A property test holds the two equal on ASCII.
 */
export function foldAscii(text: string): string {
  return text
    .toLowerCase()
    .replace(/(?<![a-z0-9_])@[a-z0-9_.-]+/g, ' ')
    .replace(/\b(?:https?:\/\/|www\.)\S*/g, ' ')
    .replace(/['`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/([a-z])\1+/g, '$1')
    .trim();
}

/** "s t o p" → "stop": a run of single letters (at least three) is one word spelled out. */
function joinSpelledOut(words: string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 3) out.push(run.join('').replace(/(\p{L})\1+/gu, '$1'));
    else out.push(...run);
    run = [];
  };
  for (const word of words) {
    if (word.length === 1 && /\p{L}/u.test(word)) run.push(word);
    else {
      flush();
      out.push(word);
    }
  }
  flush();
  return out;
}

type Phrase = readonly string[];
/** Folded phrases by their first word: each position of a message is tried against a few only. */
type PhraseIndex = ReadonlyMap<string, readonly Phrase[]>;

function index(phrases: readonly string[]): PhraseIndex {
  const byFirst = new Map<string, Phrase[]>();
  for (const phrase of phrases.map(optOutWords)) {
    if (phrase.length === 0) continue;
    byFirst.set(phrase[0]!, [...(byFirst.get(phrase[0]!) ?? []), phrase]);
  }
  return byFirst;
}

const OPT_OUTS = index(OPT_OUT_PHRASES);
const PADDING = index(PADDING_PHRASES);
const DIRECTED = index(DIRECTED_PHRASES);
const NEGATED = [...index(NEGATIONS).values()].flat();
const STOPS = new Set([...index(STOP_VERBS).keys()]);

const phrasesAt = (phrases: PhraseIndex, words: readonly string[], at: number) =>
  phrases.get(words[at]!) ?? [];

function matchesAt(words: readonly string[], at: number, phrase: Phrase): boolean {
  if (at + phrase.length > words.length) return false;
  for (let k = 0; k < phrase.length; k++) if (words[at + k] !== phrase[k]) return false;
  return true;
}

/** Rule 1: the words split wholly into opt-out and padding phrases, at least one opt-out. */
function wholeMessage(words: readonly string[]): boolean {
  // reach[i]: 0 unreachable, 1 reachable by padding only, 2 reachable with an opt-out.
  const reach = new Array<number>(words.length + 1).fill(0);
  reach[0] = 1;
  for (let i = 0; i < words.length; i++) {
    if (!reach[i]) continue;
    for (const phrase of phrasesAt(OPT_OUTS, words, i))
      if (matchesAt(words, i, phrase)) reach[i + phrase.length] = 2;
    for (const phrase of phrasesAt(PADDING, words, i)) {
      if (matchesAt(words, i, phrase))
        reach[i + phrase.length] = Math.max(reach[i + phrase.length]!, reach[i]!);
    }
  }
  return reach[words.length] === 2;
}

/** Rule 2: a directed phrase anywhere, not right after a negation. */
function directed(words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    for (const phrase of phrasesAt(DIRECTED, words, i)) {
      if (!matchesAt(words, i, phrase)) continue;
      const negated = NEGATED.some((n) => i >= n.length && matchesAt(words, i - n.length, n));
      if (!negated) return true;
    }
  }
  return false;
}

/** Rule 3: a few words, padding aside, the first of them a stop verb. */
function shortImperative(words: readonly string[]): boolean {
  const content: string[] = [];
  for (let i = 0; i < words.length; ) {
    const pad =
      content.length === 0 ? phrasesAt(PADDING, words, i).find((p) => matchesAt(words, i, p)) : undefined;
    if (pad) {
      i += pad.length;
      continue;
    }
    content.push(words[i]!);
    i++;
  }
  return content.length > 0 && content.length <= SHORT_IMPERATIVE_WORDS && STOPS.has(content[0]!);
}

/** Every rule needs one of these words (a phrase's first word); most posts have none. */
const KEY_WORDS: ReadonlySet<string> = new Set([...OPT_OUTS.keys(), ...DIRECTED.keys(), ...STOPS]);

export function isOptOutText(text: string): boolean {
  const words = optOutWords(text);
  if (!words.some((w) => KEY_WORDS.has(w))) return false;
  return wholeMessage(words) || directed(words) || shortImperative(words);
}
