import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { permits } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { PERMIT, PERMIT_GROUPS } from '../../machines/stateGroups.ts';
import type { SpendFacts } from '../policy/spendRules.ts';
import { isPaused } from './controls.ts';
import { rateLimitedUntil } from './rateLimit.ts';
import { isOptedOut } from './targetFacts.ts';

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
  const attempts = otherAttempts.all(store, {
    platform,
    permitId: permit.permitId,
    now,
    landingWindowMs,
    since: now - 24 * 3_600_000,
  });
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

/**
 * The other permits of the platform that made a post attempt in the last 24 h, and when each
 * reply landed or may still land: recorded used, else the close of its landing window.
 */
const otherAttempts = prepared<{
  platform: string;
  permitId: string;
  now: number;
  landingWindowMs: number;
  since: number;
}>()((db, p) =>
  db
    .select({
      at: sql<number>`case when ${permits.state} = ${PERMIT.used}
        then coalesce(${permits.usedAt}, ${permits.postingStartedAt}, ${permits.createdAt})
        else min(${p.now}, coalesce(${permits.postingStartedAt}, ${permits.createdAt}) + ${p.landingWindowMs}) end`,
      author: permits.targetAuthor,
    })
    .from(permits)
    .where(
      and(
        eq(permits.platform, p.platform),
        ne(permits.id, p.permitId),
        inArray(permits.state, PERMIT_GROUPS.attempted),
        sql`coalesce(${permits.usedAt}, ${permits.postingStartedAt}, ${permits.createdAt}) > ${p.since}`,
      ),
    )
    .prepare(),
);
