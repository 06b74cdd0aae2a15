import { and, asc, count, desc, eq, exists, gt, inArray, lte, min, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { candidates, queueEntries } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { CANDIDATE_GROUPS } from '../../machines/stateGroups.ts';
import { EVENT } from '../events.ts';
import type { Clock } from '../runtime/clock.ts';
import type { EntityHost } from '../runtime/entityHost.ts';

export interface QueueHead {
  queueEntryId: string;
  candidateId: string;
  postId: string;
  author: string;
  text: string;
  tier: number;
  score: number;
  expiresAt: number;
}

/** Entries waiting and not yet expired. */
export function queueSize(store: Store, now: number): number {
  return queueSizeQuery.get(store, { now })?.n ?? 0;
}

const queueSizeQuery = prepared<{ now: number }>()((db, p) =>
  db
    .select({ n: count() })
    .from(queueEntries)
    .where(and(eq(queueEntries.status, 'queued'), gt(queueEntries.expiresAt, p.now)))
    .prepare(),
);

/**
 * The next entry in tier order: tier, then score (highest first), then the one expiring
 * first, then id. One `order by` mixing directions cannot follow index `queue_pick` (status,
 * tier, score, expires_at): SQLite would read and sort every queued entry, O(n) per pick. So
 * the order is walked as index probes instead, O(log n) each: the lowest tier holding an
 * entry, its highest live score (a lower tier whose entries all expired is stepped over),
 * then the earliest-expiring entry with that score.
 */
export function queueHead(store: Store, now: number): QueueHead | null {
  let above = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const tier = nextTier.get(store, { above })?.tier ?? null;
    if (tier === null) return null;
    const top = topScore.get(store, { tier, now });
    if (top) return headAtScore.get(store, { tier, score: top.score, now }) ?? null;
    above = tier;
  }
}

const nextTier = prepared<{ above: number }>()((db, p) =>
  db
    .select({ tier: min(queueEntries.tier) })
    .from(queueEntries)
    .where(and(eq(queueEntries.status, 'queued'), gt(queueEntries.tier, p.above)))
    .prepare(),
);

const topScore = prepared<{ tier: number; now: number }>()((db, p) =>
  db
    .select({ score: queueEntries.score })
    .from(queueEntries)
    .where(
      and(
        eq(queueEntries.status, 'queued'),
        eq(queueEntries.tier, p.tier),
        gt(queueEntries.expiresAt, p.now),
      ),
    )
    .orderBy(desc(queueEntries.score))
    .limit(1)
    .prepare(),
);

const headAtScore = prepared<{ tier: number; score: number; now: number }>()((db, p) =>
  db
    .select({
      queueEntryId: queueEntries.id,
      candidateId: queueEntries.candidateId,
      postId: candidates.postId,
      author: candidates.author,
      text: candidates.text,
      tier: queueEntries.tier,
      score: queueEntries.score,
      expiresAt: queueEntries.expiresAt,
    })
    .from(queueEntries)
    .innerJoin(candidates, eq(candidates.id, queueEntries.candidateId))
    .where(
      and(
        eq(queueEntries.status, 'queued'),
        eq(queueEntries.tier, p.tier),
        eq(queueEntries.score, p.score),
        gt(queueEntries.expiresAt, p.now),
      ),
    )
    .orderBy(asc(queueEntries.expiresAt), asc(queueEntries.id))
    .limit(1)
    .prepare(),
);

/** Expires every entry past its TTL (candidate → expired), in batches. Returns how many. */
export function sweepExpired(deps: { store: Store; host: EntityHost; clock: Clock }, batch = 1000): number {
  let total = 0;
  for (;;) {
    const now = deps.clock.now();
    const rows = expiredEntries.all(deps.store, { now, batch });
    if (rows.length === 0) break;
    deps.store.tx(() => {
      for (const row of rows) deps.host.send('candidate', row.candidateId, { type: 'EXPIRE' });
      deps.store.event({ at: now, type: EVENT.queueExpired, data: JSON.stringify({ count: rows.length }) });
    });
    total += rows.length;
    if (rows.length < batch) break;
  }
  return total;
}

/**
 * Puts back every candidate a scheduler run selected but did not carry to a permit — a run
 * that failed, timed out or crashed must not leave rows stuck in `selected` (an old bug).
 */
export function releaseStranded(
  deps: { store: Store; host: EntityHost },
  reasonCode: string,
  runId?: string,
): number {
  const rows = runId === undefined ? allPicked.all(deps.store, {}) : pickedByRun.all(deps.store, { runId });
  if (rows.length === 0) return 0;
  deps.store.tx(() => {
    for (const row of rows) deps.host.send('candidate', row.id, { type: 'RELEASE', reasonCode });
  });
  return rows.length;
}

const expiredEntries = prepared<{ now: number; batch: number }>()((db, p) =>
  db
    .select({ candidateId: queueEntries.candidateId })
    .from(queueEntries)
    .where(and(eq(queueEntries.status, 'queued'), lte(queueEntries.expiresAt, p.now)))
    .limit(p.batch)
    .prepare(),
);

const allPicked = prepared()((db) =>
  db
    .select({ id: candidates.id })
    .from(candidates)
    .where(inArray(candidates.state, CANDIDATE_GROUPS.picked))
    .prepare(),
);

const pickedByRun = prepared<{ runId: string }>()((db, p) =>
  db
    .select({ id: candidates.id })
    .from(candidates)
    .where(
      and(
        inArray(candidates.state, CANDIDATE_GROUPS.picked),
        exists(
          db
            .select({ one: sql`1` })
            .from(queueEntries)
            .where(
              and(eq(queueEntries.candidateId, candidates.id), eq(queueEntries.selectedByRunId, p.runId)),
            ),
        ),
      ),
    )
    .prepare(),
);
