import type { Config } from '../config/config.ts';
import { type Consent, consentOf } from './consent.ts';
import { sameHandle } from './handle.ts';
import type { PostFacts, SourceKind } from './postFacts.ts';
import { scorePost, type Tier } from './score.ts';
import { spamSignalOf } from './spam.ts';
import { targetVerdict } from './targetVerdict.ts';
import { bodyText } from './text.ts';
import { keywordRepliesAllowed } from './xRules.ts';

/** Every reason a candidate can be rejected for, in the order the checks run. */
export const REJECT_REASONS = [
  'own_post',
  'already_replied',
  'opted_out',
  'not_root',
  'root_unknown',
  'no_consent',
  'too_old',
  'from_future',
  'too_short',
  'spam',
  'parody',
  'author_cooldown',
  'low_score',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

export interface EvaluationPolicy {
  /** The configured account; a post by it (or by `facts.account`) is never a candidate. */
  account: string;
  maxAgeMs: number;
  /** A post created further than this in the future is a clock or data error. */
  maxClockSkewMs: number;
  /** Minimum length of the text once @mentions and links are removed. */
  minLength: number;
  authorCooldownMs: number;
  minScore: number;
  /** Keyword-only candidates have no opt-in: allowed only by this explicit risk flag. */
  allowKeywordReplies: boolean;
}

export interface EvaluationFacts {
  post: PostFacts;
  source: SourceKind;
  now: number;
  optedOut: boolean;
  /** When the account last replied to this author (any target), or null. */
  authorLastRepliedAt: number | null;
  alreadyReplied: boolean;
  /** The account the platform adapter acts as. */
  account: string;
}

export type Evaluation =
  | { verdict: 'queue'; consent: Consent; score: number; tier: Tier }
  | { verdict: 'reject'; consent: Consent; reasonCode: RejectReason };

export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60_000;

const MINUTE = 60_000;

export function evaluationPolicyFrom(config: Config): EvaluationPolicy {
  return {
    account: config.REPLYWRIGHT_ACCOUNT,
    maxAgeMs: config.REPLYWRIGHT_MAX_AGE_MIN * MINUTE,
    maxClockSkewMs: DEFAULT_MAX_CLOCK_SKEW_MS,
    minLength: config.REPLYWRIGHT_MIN_LENGTH,
    authorCooldownMs: config.REPLYWRIGHT_AUTHOR_COOLDOWN_MIN * MINUTE,
    minScore: config.REPLYWRIGHT_MIN_SCORE,
    // On X, keyword matches are never answered unless an Enterprise agreement allows it.
    allowKeywordReplies: keywordRepliesAllowed(config),
  };
}

function consentAllowed(consent: Consent, policy: EvaluationPolicy): boolean {
  if (consent === 'mention' || consent === 'reply_to_account') return true;
  return consent === 'keyword' && policy.allowKeywordReplies;
}

function isParody(post: PostFacts): boolean {
  return post.authorIsParody || /parody|fake/i.test(post.author);
}

/**
 * Decides whether a discovered post may be queued. Checks run in `REJECT_REASONS` order and
 * the first failing one is the reason; NaN or missing times fail closed.
 *
 * @example evaluateCandidate({ post, source: 'mentions', now, optedOut: false, authorLastRepliedAt: null,
 *   alreadyReplied: false, account: 'replywright_bot' }, policy) // { verdict: 'queue', consent: 'mention', score: 70, tier: 2 }
 */
export function evaluateCandidate(facts: EvaluationFacts, policy: EvaluationPolicy): Evaluation {
  const { post, now } = facts;
  const consent = consentOf(post, facts.account, facts.source);
  const reject = (reasonCode: RejectReason): Evaluation => ({ verdict: 'reject', consent, reasonCode });

  if (sameHandle(post.author, facts.account) || sameHandle(post.author, policy.account))
    return reject('own_post');
  // The target's own checks (already replied, opted out, root, author cooldown) are the
  // scheduler's and the poster's too; the cooldown is reported after the post's checks below.
  const target = targetVerdict({
    now,
    exists: true,
    root: { isRoot: post.isRoot, inReplyToId: post.inReplyToId, rootId: post.rootId, postId: post.postId },
    records: {
      alreadyReplied: facts.alreadyReplied,
      authorOptedOut: facts.optedOut,
      authorLastRepliedAt: facts.authorLastRepliedAt,
      authorCooldownMs: policy.authorCooldownMs,
    },
  });
  if (!target.allowed && target.reason !== 'author_cooldown' && target.reason !== 'target_deleted') {
    return reject(target.reason);
  }
  if (!consentAllowed(consent, policy)) return reject('no_consent');
  // Written as negations so that NaN fails the check instead of passing it.
  if (!(now - post.createdAt <= policy.maxAgeMs)) return reject('too_old');
  if (!(post.createdAt <= now + policy.maxClockSkewMs)) return reject('from_future');
  const body = bodyText(post.text);
  if (body.length < policy.minLength) return reject('too_short');
  if (spamSignalOf(post.text, body) !== null) return reject('spam');
  if (isParody(post)) return reject('parody');
  // The one refusal left is the cooldown: a post just discovered exists.
  if (!target.allowed) return reject('author_cooldown');
  const { score, tier } = scorePost(post, consent, now, policy.maxAgeMs);
  if (!(score >= policy.minScore)) return reject('low_score');
  return { verdict: 'queue', consent, score, tier };
}
