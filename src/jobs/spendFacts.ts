import type { Store } from '../../db/store.ts';
import type { SpendFacts } from '../policy/spendRules.ts';
import { isPaused } from './controls.ts';
import { rateLimitedUntil } from './rateLimit.ts';
import { isOptedOut } from './targetFacts.ts';

/** The states of a permit that made a post attempt: its reply is, or may be, on the platform. */
export const ATTEMPTED_STATES_SQL = "('posting', 'unconfirmed', 'used')";

export interface SpendSubject {
  permitId: string;
  targetAuthor: string;
  expiresAt: number;
}

/** What `spendVerdict` needs, read in the caller's transaction (the poster's CLAIM). */
export function spendFacts(
  store: Store,
  platform: string,
  permit: SpendSubject,
  now: number,
  landingWindowMs: number,
): SpendFacts {
  // A used reply counts from when we learned it landed (never earlier than it did); one in
  // flight or unconfirmed may still land until its attempt's landing window closes.
  const attempts = store
    .statement(
      `select case when state = 'used' then coalesce(used_at, posting_started_at, created_at)
                   else min(?, coalesce(posting_started_at, created_at) + ?) end as at,
              target_author as author
       from permits where platform = ? and id <> ? and state in ${ATTEMPTED_STATES_SQL}
       and coalesce(used_at, posting_started_at, created_at) > ?`,
    )
    .all(now, landingWindowMs, platform, permit.permitId, now - 24 * 3_600_000) as { at: number; author: string }[];
  const author = permit.targetAuthor.toLowerCase();
  const byAuthor = attempts.filter((a) => a.author.toLowerCase() === author).map((a) => a.at);
  return {
    now,
    paused: isPaused(store),
    rateLimitedUntil: rateLimitedUntil(store),
    permitExpiresAt: permit.expiresAt,
    authorOptedOut: isOptedOut(store, platform, permit.targetAuthor),
    attemptTimes: attempts.map((a) => a.at),
    authorLastAttemptAt: byAuthor.length ? Math.max(...byAuthor) : null,
  };
}
