import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SHOUTING_MIN_LETTERS,
  SHOUTING_UPPER_RATIO,
  type SpamSignal,
  spamSignalOf,
} from '../../src/policy/spam.ts';

describe('spamSignalOf', () => {
  it.each<[string, SpamSignal | null]>([
    ['how do I make sqlite durable?', null],
    ['one link is fine https://example.com', null],
    ['two links http://a.example www.b.example', 'links'],
    ['join the CRYPTO revolution', 'promo_terms'],
    ['cryptocurrency tips inside', 'promo_terms'],
    ['cryptography is hard', null],
    ['massive giveaway today', 'promo_terms'],
    ['Buy   now before it is gone', 'promo_terms'],
    ['click here', 'promo_terms'],
    ['get free followers fast', 'promo_terms'],
    ['DM me for promo', 'promo_terms'],
    ['THIS IS ABSOLUTELY OUTRAGEOUS BEHAVIOUR', 'shouting'],
    ['@SOMEBODY @ANYBODY what a lovely day it is today', null],
    ['NASA and ESA launch today', null],
    ['WOW', null],
    ['Half UPPER half lower letters here ok', null],
    ['sooooooo good', 'repeated_chars'],
    ['what?!!!!!!', 'repeated_chars'],
    ['soooo good', null],
    ['we have 1000000 rows', null],
  ])('%j → %s', (text, expected) => {
    expect(spamSignalOf(text)).toBe(expected);
  });
});

describe('spamSignalOf counts letters like the Unicode regexes it replaced', () => {
  /** The counting before it became a loop: every \p{L} and \p{Lu} matched into an array. */
  function shoutingByRegex(body: string): boolean {
    const letters = body.match(/\p{L}/gu) ?? [];
    const upper = body.match(/\p{Lu}/gu) ?? [];
    return letters.length >= SHOUTING_MIN_LETTERS && upper.length >= letters.length * SHOUTING_UPPER_RATIO;
  }

  it('agrees on any text: ASCII, accents, scripts without case, astral letters', () => {
    const pieces = fc.constantFrom(
      'A',
      'b',
      'É',
      'é',
      'ß',
      'Σ',
      'σ',
      '日',
      '𝐀',
      '𝐚',
      'ǅ',
      '1',
      ' ',
      '!',
      '—',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }), (chars) => {
        const body = chars.join('');
        expect(spamSignalOf(body, body) === 'shouting').toBe(shoutingByRegex(body));
      }),
      { numRuns: 500 },
    );
  });
});
