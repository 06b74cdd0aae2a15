import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import {
  type EvaluationFacts,
  type EvaluationPolicy,
  evaluateCandidate,
  evaluationPolicyFrom,
  REJECT_REASONS,
  type RejectReason,
} from '../../src/policy/evaluate.ts';
import { ACCOUNT, facts, MINUTE, NOW, policy, post } from '../support/policyFixtures.ts';

const keywordPost = post({ text: 'anyone know how to keep a queue durable in sqlite?', mentions: [] });

// Each row breaks exactly one rule of the happy path, so each reason code is reached once.
const rejections: [RejectReason, Partial<EvaluationFacts>, Partial<EvaluationPolicy>?][] = [
  ['own_post', { post: post({ author: 'ReplyWright_Bot' }) }],
  ['own_post', { post: post({ author: 'configured_bot' }) }, { account: 'configured_bot' }],
  ['already_replied', { alreadyReplied: true }],
  ['opted_out', { optedOut: true }],
  ['not_root', { post: post({ isRoot: false }) }],
  ['not_root', { post: post({ inReplyToId: 'p0' }) }],
  ['not_root', { post: post({ isRoot: true, inReplyToId: 'p0' }) }],
  ['not_root', { post: post({ rootId: 'p0' }) }],
  ['root_unknown', { post: post({ isRoot: null }) }],
  ['root_unknown', { post: post({ isRoot: null, rootId: null }) }],
  ['no_consent', { post: keywordPost, source: 'search' }],
  ['no_consent', { post: keywordPost, source: 'author_list' }],
  ['no_consent', { post: keywordPost, source: 'mentions' }, { allowKeywordReplies: true }],
  ['too_old', { post: post({ createdAt: NOW - 181 * MINUTE }) }],
  ['too_old', { post: post({ createdAt: Number.NaN }) }],
  ['from_future', { post: post({ createdAt: NOW + 6 * MINUTE }) }],
  ['too_short', { post: post({ text: '@replywright_bot hi there https://example.com/x' }) }],
  [
    'spam',
    {
      post: post({
        text: '@replywright_bot read both of these articles https://a.example https://b.example',
      }),
    },
  ],
  ['spam', { post: post({ text: '@replywright_bot huge crypto airdrop for everyone today' }) }],
  ['spam', { post: post({ text: '@replywright_bot WHY IS NOBODY ANSWERING MY QUESTION' }) }],
  ['spam', { post: post({ text: '@replywright_bot this is sooooooo good, agreed?' }) }],
  ['parody', { post: post({ authorIsParody: true }) }],
  ['parody', { post: post({ author: 'NotElonParody' }) }],
  ['parody', { post: post({ author: 'fake_news_bot' }) }],
  ['author_cooldown', { authorLastRepliedAt: NOW - 59 * MINUTE }],
  ['author_cooldown', { authorLastRepliedAt: NOW + MINUTE }],
  ['low_score', {}, { minScore: 99 }],
];

describe('evaluateCandidate rejects', () => {
  it.each(rejections)('%s (row %#)', (reasonCode, factOverrides, policyOverrides = {}) => {
    const result = evaluateCandidate(facts(factOverrides), { ...policy, ...policyOverrides });
    expect(result).toMatchObject({ verdict: 'reject', reasonCode });
  });

  it('covers every reason code', () => {
    expect(new Set(rejections.map(([r]) => r))).toEqual(new Set(REJECT_REASONS));
  });

  // Order matters for the dashboard: the reason shown is the most fundamental one.
  it.each<[string, Partial<EvaluationFacts>, RejectReason]>([
    [
      'own post before everything',
      { post: post({ author: ACCOUNT, isRoot: null }), optedOut: true },
      'own_post',
    ],
    ['already replied before opted out', { alreadyReplied: true, optedOut: true }, 'already_replied'],
    ['opted out before root', { optedOut: true, post: post({ isRoot: null }) }, 'opted_out'],
    ['root before consent', { post: { ...keywordPost, isRoot: null }, source: 'search' }, 'root_unknown'],
    ['consent before age', { post: { ...keywordPost, createdAt: 0 }, source: 'search' }, 'no_consent'],
    [
      'spam before parody',
      { post: post({ text: '@replywright_bot click here for a prize', authorIsParody: true }) },
      'spam',
    ],
  ])('%s', (_, overrides, reasonCode) => {
    expect(evaluateCandidate(facts(overrides), policy)).toMatchObject({ verdict: 'reject', reasonCode });
  });
});

describe('evaluateCandidate queues', () => {
  it.each<[string, Partial<EvaluationFacts>, Partial<EvaluationPolicy>, string]>([
    ['a fresh mention', {}, {}, 'mention'],
    [
      'a keyword hit when allowed',
      { post: keywordPost, source: 'search' },
      { allowKeywordReplies: true },
      'keyword',
    ],
    ['at exactly the max age', { post: post({ createdAt: NOW - 180 * MINUTE }) }, { minScore: 0 }, 'mention'],
    ['within clock skew', { post: post({ createdAt: NOW + 4 * MINUTE }) }, {}, 'mention'],
    ['cooldown just over', { authorLastRepliedAt: NOW - 60 * MINUTE }, {}, 'mention'],
    ['no cooldown configured', { authorLastRepliedAt: NOW }, { authorCooldownMs: 0 }, 'mention'],
    [
      'a big number is not a repeated character',
      { post: post({ text: '@replywright_bot is 1000000 rows ok?' }) },
      { minLength: 5 },
      'mention',
    ],
  ])('%s', (_, factOverrides, policyOverrides, consent) => {
    const result = evaluateCandidate(facts(factOverrides), { ...policy, ...policyOverrides });
    expect(result).toMatchObject({ verdict: 'queue', consent });
  });

  it('reports score and tier', () => {
    const result = evaluateCandidate(facts(), policy);
    expect(result.verdict === 'queue' && result.score > 0 && [1, 2, 3, 4].includes(result.tier)).toBe(true);
  });
});

describe('evaluationPolicyFrom', () => {
  it('converts config minutes to ms', () => {
    const config = loadConfig({
      REPLYWRIGHT_MAX_AGE_MIN: '30',
      REPLYWRIGHT_MIN_LENGTH: '12',
      REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: '10',
      REPLYWRIGHT_MIN_SCORE: '40',
      REPLYWRIGHT_ALLOW_KEYWORD_REPLIES: 'true',
      REPLYWRIGHT_ACCOUNT: 'my_bot',
    });
    expect(evaluationPolicyFrom(config)).toEqual({
      account: 'my_bot',
      maxAgeMs: 30 * MINUTE,
      maxClockSkewMs: 5 * MINUTE,
      minLength: 12,
      authorCooldownMs: 10 * MINUTE,
      minScore: 40,
      allowKeywordReplies: true,
    });
  });

  it('defaults to no keyword replies', () => {
    expect(evaluationPolicyFrom(loadConfig({})).allowKeywordReplies).toBe(false);
  });
});
