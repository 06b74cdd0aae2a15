import type { EvaluationFacts, EvaluationPolicy } from '../../src/policy/evaluate.ts';
import type { PostFacts } from '../../src/policy/postFacts.ts';

export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
export const MINUTE = 60_000;
export const ACCOUNT = 'replywright_bot';

/** A fresh root post that mentions the account: the happy path every table row varies. */
export function post(overrides: Partial<PostFacts> = {}): PostFacts {
  return {
    postId: 'p1',
    author: 'alice',
    text: '@replywright_bot how do you keep a reply queue durable across crashes?',
    createdAt: NOW - 5 * MINUTE,
    inReplyToId: null,
    rootId: 'p1',
    isRoot: true,
    mentions: ['replywright_bot'],
    inReplyToAuthor: null,
    authorIsParody: false,
    metrics: { likes: 3, replies: 1, reposts: 0, followers: 250 },
    ...overrides,
  };
}

export const policy: EvaluationPolicy = {
  account: ACCOUNT,
  maxAgeMs: 180 * MINUTE,
  maxClockSkewMs: 5 * MINUTE,
  minLength: 20,
  authorCooldownMs: 60 * MINUTE,
  minScore: 20,
  allowKeywordReplies: false,
};

export function facts(overrides: Partial<EvaluationFacts> = {}): EvaluationFacts {
  return {
    post: post(),
    source: 'mentions',
    now: NOW,
    optedOut: false,
    authorLastRepliedAt: null,
    alreadyReplied: false,
    account: ACCOUNT,
    ...overrides,
  };
}
