import { describe, expect, it } from 'vitest';
import { type SpamSignal, spamSignalOf } from '../../src/policy/spam.ts';

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
