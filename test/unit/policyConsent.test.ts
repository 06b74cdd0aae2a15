import { describe, expect, it } from 'vitest';
import { consentOf, isOptOutText } from '../../src/policy/consent.ts';
import type { SourceKind } from '../../src/policy/postFacts.ts';
import { ACCOUNT, post } from '../support/policyFixtures.ts';

const noMention = { text: 'a post about durable queues and sqlite', mentions: [] };

describe('consentOf', () => {
  it.each<[string, Parameters<typeof post>[0], SourceKind, ReturnType<typeof consentOf>]>([
    ['mention in mentions[]', { mentions: ['replywright_bot'] }, 'mentions', 'mention'],
    ['mention, any case, with @', { ...noMention, mentions: ['@ReplyWright_Bot'] }, 'search', 'mention'],
    ['mention only in the text', { text: 'hey @REPLYWRIGHT_BOT look', mentions: [] }, 'search', 'mention'],
    [
      'a longer handle is someone else',
      { text: 'hey @replywright_bot2', mentions: ['replywright_bot2'] },
      'search',
      'keyword',
    ],
    ['an email is not a mention', { text: 'mail me at x@replywright_bot', mentions: [] }, 'mentions', 'none'],
    [
      'reply to the account',
      { ...noMention, inReplyToAuthor: 'Replywright_Bot' },
      'mentions',
      'reply_to_account',
    ],
    ['mention beats reply', { inReplyToAuthor: 'replywright_bot' }, 'mentions', 'mention'],
    ['search hit', noMention, 'search', 'keyword'],
    ['author list hit', noMention, 'author_list', 'keyword'],
    ['reply to someone else, from mentions', { ...noMention, inReplyToAuthor: 'bob' }, 'mentions', 'none'],
    ['from mentions without a mention', noMention, 'mentions', 'none'],
  ])('%s', (_, overrides, source, expected) => {
    expect(consentOf(post(overrides), ACCOUNT, source)).toBe(expected);
  });
});

describe('isOptOutText', () => {
  it.each([
    ['stop', true],
    ['STOP', true],
    ['Stop.', true],
    ['@replywright_bot stop', true],
    ['@replywright_bot @alice STOP!!!', true],
    ['unsubscribe', true],
    ['stop replying', true],
    ['Stop replying to me!', true],
    ['please stop', true],
    ['leave me alone', true],
    ['Leave me alone 😡', true],
    ['opt out', true],
    ['opt-out', true],
    ['  optout  ', true],
    // Issue #11, finding 7: the sandbox's own traffic writes these as opt-outs, and the exact-
    // phrase list missed both, so those users kept getting replies.
    ['Stop replying to me please.', true],
    ['please stop, not interested', true],
    ['Please, please STOP.', true],
    ['stop it already!!', true],
    ['Stoooop', true],
    ['S T O P', true],
    ['ＳＴＯＰ', true],
    ['unsubscribe me pls', true],
    ['no more replies, thanks', true],
    ['not interested', true],
    ['go away bot', true],
    ['Great thread, but please stop replying to me.', true],
    ['I asked you twice already: leave me alone', true],
    ['do not reply to me again', true],
    ['Arrête !', true],
    ['laissez-moi tranquille svp', true],
    ['Hör auf!', true],
    ['Lass mich in Ruhe', true],
    ['basta, por favor', true],
    ['déjame en paz', true],
    ['lasciami in pace', true],
    ['me deixe em paz', true],
    ['laat me met rust', true],
    ['стоп', true],
    ['やめてください', true],
    // When in doubt it counts (fail safe): a short imperative "stop …" addressed to the bot.
    ['stop the war', true],
    ["don't stop believing", false],
    ['never stop replying, this is great', false],
    ['I will never unsubscribe', false],
    ['how do I opt out of cookies?', false],
    ['how do you stop a bot from replying inside long threads it was never invited to?', false],
    ['can you explain how opt-out works if someone wants fewer replies?', false],
    ['', false],
    ['@replywright_bot', false],
  ])('%j → %s', (text, expected) => {
    expect(isOptOutText(text)).toBe(expected);
  });
});
