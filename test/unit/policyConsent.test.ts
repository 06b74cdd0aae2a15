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
    ["don't stop believing", false],
    ['stop the war', false],
    ['I will never unsubscribe', false],
    ['how do I opt out of cookies?', false],
    ['', false],
    ['@replywright_bot', false],
  ])('%j → %s', (text, expected) => {
    expect(isOptOutText(text)).toBe(expected);
  });
});
