import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOptOutText } from '../../src/policy/consent.ts';
import { foldAscii, foldUnicode } from '../../src/policy/optOut.ts';
import {
  CHATTER,
  CLOSERS,
  KEYWORD_POSTS,
  OPENERS,
  QUESTIONS,
  REPLIES,
  REPLIES_TO_BOT,
  STOP_TEXTS,
} from '../../src/sandbox/texts.ts';

/**
 * Opt-outs as people write them (issue #11, finding 7): a phrase in any case, with polite
 * padding, punctuation, emoji, mentions in front, stretched letters or fullwidth letters still
 * counts — and the sandbox's own ordinary traffic never does, so failing safe does not turn
 * questions about opting out into opt-outs.
 */
const PHRASES = [
  'stop',
  'stop it',
  'stop replying',
  'stop replying to me',
  'stop responding to me',
  'stop messaging me',
  'stop tagging me',
  'please stop',
  'unsubscribe',
  'unsubscribe me',
  'leave me alone',
  'opt out',
  'opt me out',
  'not interested',
  'no more replies',
  'do not reply to me',
  "don't reply to me",
  'go away',
  'remove me',
  'arrête',
  'arrêtez de répondre',
  'laisse-moi tranquille',
  'hör auf',
  'lass mich in Ruhe',
  'basta',
  'déjame en paz',
  'deja de responder',
  'lasciami in pace',
  'smettila',
  'me deixe em paz',
  'pare de responder',
  'laat me met rust',
  'hou op',
  'стоп',
  'оставь меня в покое',
  'やめて',
];

const BEFORE = [
  '',
  'please',
  'pls',
  'ok',
  'hey',
  'seriously',
  'just',
  'bot,',
  'I said',
  'por favor',
  'bitte',
];
const AFTER = [
  '',
  'please',
  'pls',
  'thanks',
  'thank you',
  'now',
  'already',
  'lol',
  'svp',
  'per favore',
  'danke',
];
const PUNCT = ['', '.', '!', '!!!', '?!', '...', ',', ' 🙏', ' 😡', ' 🛑'];
const MENTIONS = ['', '@replywright_bot ', '@ReplyWright_Bot @alice ', '@replywright_bot\n'];

const caseOf = (text: string, bits: boolean[]) =>
  [...text].map((ch, i) => (bits[i % bits.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');

const fullwidth = (text: string) =>
  text.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

/** Stretches one letter of a word ("stoooop"), the way people shout. */
const stretch = (text: string, at: number, times: number) => {
  const letters = [...text];
  const i = at % letters.length;
  if (!/\p{L}/u.test(letters[i]!)) return text;
  letters[i] = letters[i]!.repeat(times);
  return letters.join('');
};

const variant = fc
  .record({
    phrase: fc.constantFrom(...PHRASES),
    before: fc.constantFrom(...BEFORE),
    after: fc.constantFrom(...AFTER),
    punct: fc.constantFrom(...PUNCT),
    mention: fc.constantFrom(...MENTIONS),
    separator: fc.constantFrom(' ', '  ', ', ', ' - ', '\n'),
    bits: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
    stretchAt: fc.nat(),
    stretchTimes: fc.integer({ min: 1, max: 5 }),
    wide: fc.boolean(),
  })
  .map((v) => {
    const body = [v.before, stretch(v.phrase, v.stretchAt, v.stretchTimes), v.after]
      .filter(Boolean)
      .join(v.separator);
    const text = `${v.mention}${caseOf(body, v.bits)}${v.punct}`;
    return v.wide ? fullwidth(text) : text;
  });

describe('opt-out phrasing variants', () => {
  it('every variant of an opt-out phrase counts', () => {
    fc.assert(
      fc.property(variant, (text) => {
        expect(isOptOutText(text), text).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it.each(STOP_TEXTS)('the sandbox opt-out %j counts', (text) => {
    expect(isOptOutText(text)).toBe(true);
    expect(isOptOutText(`@replywright_bot ${text}`)).toBe(true);
  });

  it("the sandbox's ordinary traffic never counts", () => {
    const questions = OPENERS.flatMap((o) =>
      QUESTIONS.flatMap((q) => CLOSERS.map((c) => `${o} @replywright_bot ${q} ${c}`)),
    );
    const texts = [...questions, ...CHATTER, ...KEYWORD_POSTS, ...REPLIES, ...REPLIES_TO_BOT].map(
      (t) => `@replywright_bot ${t}`,
    );
    expect(texts.length).toBeGreaterThan(900);
    expect(texts.filter(isOptOutText)).toEqual([]);
  });

  it('a negated stop is not an opt-out', () => {
    fc.assert(
      fc.property(
        fc.constantFrom("don't", 'do not', 'never', 'dont'),
        fc.constantFrom('stop replying', 'stop', 'stop responding'),
        fc.constantFrom('', ', love these', ' - great bot', '!'),
        (negation, phrase, tail) => {
          expect(isOptOutText(`@replywright_bot ${negation} ${phrase}${tail}`)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('folds ASCII text on its fast path exactly as the Unicode path does', () => {
    const ascii = fc.string({
      unit: fc.constantFrom(..."aAbsStToOpP @_.-:/'`!?,0189\nhwxHW".split('')),
      maxLength: 60,
    });
    // Whole pieces too: links, mentions inside links, stretched and spelled-out words.
    const pieces = fc
      .array(
        fc.constantFrom(
          ...['http://', 'https://', 'HTTP://', 'www.', 'WWW.', 'x.com/', '@', '@bot', '@a.b-c_', 'a@b'],
          ...['stop', 'STOOOP', 's t o p', "don't", 'it`s', 'aa', 'oo', '11', '_', ' ', '\t', '\v', '.', '/'],
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(ascii, pieces, fc.string({ unit: 'binary-ascii', maxLength: 60 })), (text) => {
        expect(foldAscii(text)).toBe(foldUnicode(text));
      }),
      { numRuns: 5_000 },
    );
    // Found by the property: a mention right after another one's dot.
    expect(foldAscii('@.@a')).toBe(foldUnicode('@.@a'));
  });
});
