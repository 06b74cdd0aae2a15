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
 * Norwegian, Russian, Japanese and Chinese.
 */

/** Whole-message opt-outs (rule 1) — each also a phrase of rule 1's segmentation. */
const OPT_OUT_PHRASES = [
  // English
  'stop',
  'stop it',
  'stop this',
  'stop that',
  'stop now',
  'stop the bot',
  'stop the replies',
  'stop replying',
  'stop replying to me',
  'stop responding',
  'stop responding to me',
  'stop answering',
  'stop answering me',
  'stop messaging me',
  'stop tagging me',
  'stop mentioning me',
  'stop contacting me',
  'stop spamming',
  'stop spamming me',
  'stop bothering me',
  'stop pinging me',
  'stop following me',
  'stop talking to me',
  'stop commenting',
  'stop sending me',
  'unsubscribe',
  'unsubscribe me',
  'unsub',
  'leave me alone',
  'opt out',
  'optout',
  'opt me out',
  'opting out',
  'i opt out',
  'i want to opt out',
  'go away',
  'not interested',
  'no thanks',
  'no thank you',
  'dont reply',
  'dont reply to me',
  'do not reply',
  'do not reply to me',
  'dont respond',
  'dont respond to me',
  'do not respond',
  'do not respond to me',
  'dont contact me',
  'do not contact me',
  'dont message me',
  'do not message me',
  'dont tag me',
  'do not tag me',
  'no more',
  'no more replies',
  'no more messages',
  'remove me',
  'block',
  'mute',
  'cancel',
  'quit',
  'halt',
  'cease',
  'desist',
  'cease and desist',
  'enough',
  'shut up',
  'stfu',
  'buzz off',
  'piss off',
  'fuck off',
  'get lost',
  // Spanish
  'para',
  'basta',
  'alto',
  'detente',
  'deja de responder',
  'deja de responderme',
  'dejame en paz',
  'no me respondas',
  'no me contestes',
  'darme de baja',
  'dame de baja',
  'baja',
  'no gracias',
  'no me interesa',
  // French
  'arrete',
  'arretez',
  'arrete ca',
  'laisse moi tranquille',
  'laissez moi tranquille',
  'fiche moi la paix',
  'fichez moi la paix',
  'desabonner',
  'desabonnez moi',
  'desinscrire',
  'ne me reponds plus',
  'ne me repondez plus',
  'arrete de repondre',
  'arretez de repondre',
  'non merci',
  'pas interesse',
  // German
  'hor auf',
  'hoer auf',
  'horen sie auf',
  'hoeren sie auf',
  'aufhoren',
  'aufhoeren',
  'lass mich in ruhe',
  'lassen sie mich in ruhe',
  'abmelden',
  'abbestellen',
  'stopp',
  'nein danke',
  'kein interesse',
  'antworte mir nicht mehr',
  // Italian
  'smettila',
  'smetti',
  'smettetela',
  'lasciami in pace',
  'lasciatemi in pace',
  'disiscrivimi',
  'non rispondermi',
  'no grazie',
  'non mi interessa',
  'smettila di rispondere',
  // Portuguese
  'pare',
  'chega',
  'me deixe em paz',
  'me deixa em paz',
  'deixe me em paz',
  'deixa me em paz',
  'pare de responder',
  'para de responder',
  'descadastrar',
  'nao obrigado',
  'nao tenho interesse',
  // Dutch
  'hou op',
  'stop ermee',
  'laat me met rust',
  'laat me alleen',
  'afmelden',
  'nee bedankt',
  // Swedish, Norwegian
  'sluta',
  'sluta svara',
  'lat mig vara',
  'la meg vaere',
  // Russian
  'стоп',
  'хватит',
  'отстань',
  'отстаньте',
  'отпишись',
  'прекрати',
  'оставь меня в покое',
  'не пиши мне',
  // Japanese, Chinese
  'やめて',
  'やめてください',
  'ストップ',
  '停止',
  '别回复我',
  '不要回复我',
  '别烦我',
  '退订',
];

/** Words around an opt-out that change nothing: politeness, fillers, insistence. */
const PADDING_PHRASES = [
  'please',
  'pls',
  'plz',
  'plez',
  'kindly',
  'thanks',
  'thank you',
  'thx',
  'ty',
  'ok',
  'okay',
  'k',
  'hey',
  'hi',
  'hello',
  'yo',
  'just',
  'now',
  'right now',
  'already',
  'seriously',
  'again',
  'really',
  'sorry',
  'bot',
  'the bot',
  'this bot',
  'dear bot',
  'man',
  'dude',
  'mate',
  'lol',
  'omg',
  'ffs',
  'i said',
  'i mean',
  'i mean it',
  'for real',
  'no',
  'nope',
  'and',
  'but',
  'yes',
  'ugh',
  'god',
  'por favor',
  'gracias',
  'ya',
  'ahora',
  'bitte',
  'danke',
  'jetzt',
  'sil vous plait',
  'svp',
  'stp',
  'merci',
  'maintenant',
  'per favore',
  'grazie',
  'obrigado',
  'obrigada',
  'agora',
  'alsjeblieft',
  'aub',
  'tack',
  'пожалуйста',
  'спасибо',
  'ください',
  '请',
];

/** Said to the account anywhere in a message (rule 2). */
const DIRECTED_PHRASES = [
  'stop replying',
  'stop responding',
  'stop answering',
  'stop messaging me',
  'stop tagging me',
  'stop mentioning me',
  'stop contacting me',
  'stop spamming',
  'stop pinging me',
  'stop bothering me',
  'stop talking to me',
  'stop following me',
  'stop sending me',
  'please stop',
  'leave me alone',
  'unsubscribe me',
  'opt me out',
  'i want to opt out',
  'dont reply to me',
  'do not reply to me',
  'dont respond to me',
  'do not respond to me',
  'dont contact me',
  'do not contact me',
  'dont message me',
  'do not message me',
  'dont tag me',
  'do not tag me',
  'no more replies',
  'remove me from',
  'deja de responder',
  'dejame en paz',
  'no me respondas',
  'laisse moi tranquille',
  'laissez moi tranquille',
  'arrete de repondre',
  'arretez de repondre',
  'ne me repondez plus',
  'lass mich in ruhe',
  'lassen sie mich in ruhe',
  'antworte mir nicht mehr',
  'lasciami in pace',
  'smettila di rispondere',
  'me deixe em paz',
  'pare de responder',
  'laat me met rust',
  'оставь меня в покое',
  'не пиши мне',
];

/** First words of a short imperative (rule 3). */
const STOP_VERBS = [
  'stop',
  'stopp',
  'unsubscribe',
  'optout',
  'quit',
  'cease',
  'halt',
  'arrete',
  'arretez',
  'smettila',
  'стоп',
  'прекрати',
];

/** A directed phrase right after one of these is its opposite ("never stop replying"). */
const NEGATIONS = ['dont', 'do not', 'never', 'not', 'wont', 'cant', 'shouldnt', 'no need to'];

/** Rule 3's "short": at most this many words after padding is dropped. */
const SHORT_IMPERATIVE_WORDS = 4;

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
