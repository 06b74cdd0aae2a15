import { and, asc, eq, gt, max, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { optOuts, permits } from '../../db/schema.ts';
import { permitStateIn } from '../../db/stateIn.ts';
import type { Store } from '../../db/store.ts';
import { PERMIT_GROUPS } from '../../machines/stateGroups.ts';

/**
 * What the store says about an author or a target, for the checks that run at discovery,
 * when the scheduler picks, and right before the poster's call.
 */

export function isOptedOut(store: Store, platform: string, author: string): boolean {
  return optedOut.get(store, { platform, author }) !== undefined;
}

const optedOut = prepared<{ platform: string; author: string }>()((db, p) =>
  db
    .select({ one: sql<number>`1` })
    .from(optOuts)
    .where(and(eq(optOuts.platform, p.platform), sql`${optOuts.author} = ${p.author} collate nocase`))
    .prepare(),
);

/** When the latest permit that holds a target of this author was granted. */
export function authorLastRepliedAt(store: Store, platform: string, author: string): number | null {
  return lastHoldingPermitOfAuthor.get(store, { platform, author })?.at ?? null;
}

const lastHoldingPermitOfAuthor = prepared<{ platform: string; author: string }>()((db, p) =>
  db
    .select({ at: max(permits.createdAt) })
    .from(permits)
    .where(
      and(
        eq(permits.platform, p.platform),
        eq(permits.targetAuthor, p.author),
        permitStateIn(PERMIT_GROUPS.holdsTarget),
      ),
    )
    .prepare(),
);

export function hasHoldingPermit(store: Store, platform: string, postId: string): boolean {
  return holdingPermitOfTarget.get(store, { platform, postId }) !== undefined;
}

/** Reads the unique partial index `permits_one_per_target` (see db/stateIn.ts). */
const holdingPermitOfTarget = prepared<{ platform: string; postId: string }>()((db, p) =>
  db
    .select({ one: sql<number>`1` })
    .from(permits)
    .where(
      and(
        eq(permits.platform, p.platform),
        eq(permits.targetPostId, p.postId),
        permitStateIn(PERMIT_GROUPS.holdsTarget),
      ),
    )
    .prepare(),
);

/**
 * Times of the permits that count against the caps: granted or spent in the last 24 h
 * (a permit awaiting approval or in flight is a reply on its way). The scheduler caps on these
 * and the dashboard's budget shows them, so the two always agree.
 */
export function permitTimesAgainstCaps(store: Store, now: number): number[] {
  return holdingPermitTimesSince.all(store, { since: now - 24 * 3_600_000 }).map((r) => r.at);
}

const holdingPermitTimesSince = prepared<{ since: number }>()((db, p) =>
  db
    .select({ at: permits.createdAt })
    .from(permits)
    .where(and(gt(permits.createdAt, p.since), permitStateIn(PERMIT_GROUPS.holdsTarget)))
    .orderBy(asc(permits.createdAt))
    .prepare(),
);
