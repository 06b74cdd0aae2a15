import type { Config } from '../config/config.ts';
import { type CapPolicy, capPolicyFrom, checkCaps, quietUntil } from './caps.ts';

/** What the store says at the moment a permit is about to be spent. */
export interface SpendFacts {
  now: number;
  paused: boolean;
  /** A 429's "wait until", or null. */
  rateLimitedUntil: number | null;
  permitExpiresAt: number;
  authorOptedOut: boolean;
  /**
   * The latest moment each other permit's reply landed, or may still land, last 24 h: when it
   * was recorded used, or `now` while its attempt is in flight or unconfirmed.
   */
  attemptTimes: readonly number[];
  /** The same, for the other permits to this permit's author, or null. */
  authorLastAttemptAt: number | null;
}

export interface SpendPolicy {
  caps: CapPolicy;
  authorCooldownMs: number;
  /**
   * How long after the claim this reply may still land (posting deadline + the channel's
   * response timeout): quiet hours must not begin inside it.
   */
  landingWindowMs: number;
}

export function spendPolicyFrom(config: Config, landingWindowMs: number): SpendPolicy {
  return {
    caps: capPolicyFrom(config),
    authorCooldownMs: config.REPLYWRIGHT_AUTHOR_COOLDOWN_MIN * 60_000,
    landingWindowMs,
  };
}

/**
 * - `go`: spend it now;
 * - `hold`: nothing may be posted until `until` (pause, 429, quiet hours, caps, spacing);
 * - `wait`: this permit may not post yet (its author's cooldown), others may;
 * - `expire` / `reject`: it never will.
 */
export type SpendVerdict =
  | { kind: 'go' }
  | { kind: 'hold'; reason: HoldReason; until: number | null }
  | { kind: 'wait'; reason: 'author_cooldown'; until: number }
  | { kind: 'expire' }
  | { kind: 'reject'; reason: 'opted_out' };

export type HoldReason = 'paused' | 'rate_limited' | 'quiet_hours' | 'cap_reached' | 'spacing';

/**
 * Every rule is checked again when a reply is spent, not only when its permit was granted: a
 * permit approved by hand at 22:30 is inside quiet hours then, whenever it was granted; caps
 * and spacing count post attempts, so three permits approved at once post at the spacing.
 *
 * @example spendVerdict({ ...facts, now: at2230 }, policy) // { kind: 'hold', reason: 'quiet_hours', until: at0600 }
 */
export function spendVerdict(facts: SpendFacts, policy: SpendPolicy): SpendVerdict {
  const { now } = facts;
  if (facts.paused) return { kind: 'hold', reason: 'paused', until: null };
  if (facts.permitExpiresAt <= now) return { kind: 'expire' };
  if (facts.authorOptedOut) return { kind: 'reject', reason: 'opted_out' };
  if (facts.rateLimitedUntil !== null && facts.rateLimitedUntil > now) {
    return { kind: 'hold', reason: 'rate_limited', until: facts.rateLimitedUntil };
  }
  const quiet = policy.caps.quietHours;
  const quietEnds = quiet && (quietUntil(now, quiet) ?? quietUntil(now + policy.landingWindowMs, quiet));
  if (quietEnds) return { kind: 'hold', reason: 'quiet_hours', until: quietEnds };
  const caps = checkCaps(now, { postTimes: [...facts.attemptTimes] }, policy.caps);
  if (!caps.ok) return { kind: 'hold', reason: caps.reason, until: caps.until };
  const last = facts.authorLastAttemptAt;
  // NaN or a skewed future time counts as "just now": fail closed.
  if (last !== null && !(now - last >= policy.authorCooldownMs)) {
    const until = Number.isFinite(last) ? last + policy.authorCooldownMs : now + policy.authorCooldownMs;
    return { kind: 'wait', reason: 'author_cooldown', until: Math.max(until, now + 1) };
  }
  return { kind: 'go' };
}
