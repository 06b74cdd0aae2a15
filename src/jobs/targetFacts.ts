import { and, asc, eq, gt, inArray, max, type Placeholder, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { candidates, optOuts, permits } from '../../db/schema.ts';
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

/**
 * The same facts for a whole fetched page, four reads instead of four per post: which posts
 * already have a candidate, which are held by a permit, which authors opted out (compared
 * case-insensitively, like `isOptedOut`) and when each author's latest holding permit was
 * granted. Lists travel as one JSON parameter each (`json_each`), so the statements are
 * prepared once whatever the page's size. Read inside the page's transaction.
 */
export interface PageFacts {
  seen: Set<string>;
  held: Set<string>;
  /** Keyed by `nocaseKey`: SQLite's NOCASE folds ASCII letters only, and so must the lookup. */
  optedOut: Set<string>;
  lastRepliedAt: Map<string, number>;
}

export function pageFacts(
  store: Store,
  platform: string,
  postIds: readonly string[],
  authors: readonly string[],
): PageFacts {
  const ids = JSON.stringify(postIds);
  const names = JSON.stringify(authors);
  return {
    seen: new Set(candidatesOfPosts.all(store, { platform, ids }).map((r) => r.postId)),
    held: new Set(holdingPermitsOfTargets.all(store, { platform, ids }).map((r) => r.postId)),
    optedOut: new Set(optedOutAmong.all(store, { platform, names }).map((r) => nocaseKey(r.author))),
    lastRepliedAt: new Map(
      lastHoldingPermitOfAuthors
        .all(store, { platform, names })
        .flatMap((r) => (r.at === null ? [] : [[r.author, r.at] as const])),
    ),
  };
}

const inJson = (json: Placeholder) => sql`(select value from json_each(${json}))`;

const candidatesOfPosts = prepared<{ platform: string; ids: string }>()((db, p) =>
  db
    .select({ postId: candidates.postId })
    .from(candidates)
    .where(and(eq(candidates.platform, p.platform), inArray(candidates.postId, inJson(p.ids))))
    .prepare(),
);

const holdingPermitsOfTargets = prepared<{ platform: string; ids: string }>()((db, p) =>
  db
    .select({ postId: permits.targetPostId })
    .from(permits)
    .where(
      and(
        eq(permits.platform, p.platform),
        inArray(permits.targetPostId, inJson(p.ids)),
        permitStateIn(PERMIT_GROUPS.holdsTarget),
      ),
    )
    .prepare(),
);

/** `isOptedOut` for a list: the IN compares with the left side's collation, NOCASE. */
const optedOutAmong = prepared<{ platform: string; names: string }>()((db, p) =>
  db
    .select({ author: optOuts.author })
    .from(optOuts)
    .where(and(eq(optOuts.platform, p.platform), sql`${optOuts.author} collate nocase in ${inJson(p.names)}`))
    .prepare(),
);

/** The key under which SQLite's NOCASE collation sees a text equal: ASCII letters folded. */
export function nocaseKey(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

const lastHoldingPermitOfAuthors = prepared<{ platform: string; names: string }>()((db, p) =>
  db
    .select({ author: permits.targetAuthor, at: max(permits.createdAt) })
    .from(permits)
    .where(
      and(
        eq(permits.platform, p.platform),
        inArray(permits.targetAuthor, inJson(p.names)),
        permitStateIn(PERMIT_GROUPS.holdsTarget),
      ),
    )
    .groupBy(permits.targetAuthor)
    .prepare(),
);
