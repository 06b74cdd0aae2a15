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
 * The same folding for ASCII-only text (most posts), in one pass over the characters instead
 * of six regular-expression passes: every post addressed to the account is checked, so this
 * is on the ingest's hot path. Step by step it is foldUnicode's: @mentions (not after a
 * letter, digit or `_`) and then links (at a word boundary, up to the next space) become a
 * space; apostrophes go; every other run of non-alphanumerics is one space; a repeated
 * letter is one letter; no space at either end. A property test holds the two equal on ASCII.
 */
export function foldAscii(text: string): string {
  const s = text.toLowerCase();
  const n = s.length;
  let out = '';
  let last = -1; // the last character written, -1 after a space
  let space = false; // a space is due before the next character written
  let before = -1; // the character before i once mentions are replaced (for the link's \b)
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    const mention = mentionEnd(s, i);
    if (mention > i) {
      i = mention;
      before = SPACE;
      space = out !== '';
      last = -1;
      continue;
    }
    if (!isWord(before) && (c === H || c === W) && startsLink(s, i)) {
      // Up to the next space — or the next mention, which has already become one.
      let j = i;
      while (j < n && !isSpace(s.charCodeAt(j)) && mentionEnd(s, j) === j) j++;
      i = j;
      before = SPACE;
      space = out !== '';
      last = -1;
      continue;
    }
    before = c;
    i++;
    if (c === APOSTROPHE || c === BACKTICK) continue;
    if (!isAlnum(c)) {
      if (out !== '') space = true;
      last = -1;
      continue;
    }
    if (c === last && c >= A && c <= Z) continue;
    if (space) {
      out += ' ';
      space = false;
    }
    out += s[i - 1];
    last = c;
  }
  return out;
}

const [A, Z, H, W, SPACE, APOSTROPHE, BACKTICK] = ['a', 'z', 'h', 'w', ' ', "'", '`'].map((ch) =>
  ch.charCodeAt(0),
) as [number, number, number, number, number, number, number];

const isAlnum = (c: number) => (c >= A && c <= Z) || (c >= 48 && c <= 57);
/** `\w` after lowercasing: a letter, a digit or `_`. */
const isWord = (c: number) => isAlnum(c) || c === 95;
/** `\s` on ASCII: tab, line feed, vertical tab, form feed, carriage return, space. */
const isSpace = (c: number) => c === SPACE || (c >= 9 && c <= 13);
const isMentionChar = (c: number) => isWord(c) || c === 46 || c === 45;

/** Where the @mention starting at `i` ends, or `i` when none starts there. */
function mentionEnd(s: string, i: number): number {
  if (s.charCodeAt(i) !== 64 || (i > 0 && isWord(s.charCodeAt(i - 1)))) return i;
  let j = i + 1;
  while (j < s.length && isMentionChar(s.charCodeAt(j))) j++;
  return j > i + 1 ? j : i;
}

function startsLink(s: string, i: number): boolean {
  return s.startsWith('http://', i) || s.startsWith('https://', i) || s.startsWith('www.', i);
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
