import { and, count, eq, gte, lte } from 'drizzle-orm';
import { candidates } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { CANDIDATE } from '../../machines/stateGroups.ts';
import { countRows, type TimeRange } from './queries.ts';

/** Candidates discovered in the range (uses candidates_discovered). */
export function candidatesDiscovered(store: Store, range: TimeRange): number {
  return countRows(
    store,
    candidates,
    and(gte(candidates.discoveredAt, range.since), lte(candidates.discoveredAt, range.until)),
  );
}

/** Candidates rejected in the range, by reason code (`key`; null when none was recorded). */
export function candidatesRejectedByReason(
  store: Store,
  range: TimeRange,
): { key: string | null; n: number }[] {
  return store.db
    .select({ key: candidates.reasonCode, n: count() })
    .from(candidates)
    .where(
      and(
        eq(candidates.state, CANDIDATE.rejected),
        gte(candidates.updatedAt, range.since),
        lte(candidates.updatedAt, range.until),
      ),
    )
    .groupBy(candidates.reasonCode)
    .all();
}
