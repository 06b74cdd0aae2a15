import type { Store } from '../../db/store.ts';
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
  const row = store
    .statement("select count(*) as n from queue_entries where status = 'queued' and expires_at > ?")
    .get(now) as { n: number };
  return row.n;
}

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
    const { tier } = store.statement(NEXT_TIER).get(above) as { tier: number | null };
    if (tier === null) return null;
    const top = store.statement(TOP_SCORE).get(tier, now) as { score: number } | undefined;
    if (top)
      return (store.statement(HEAD_AT_SCORE).get(tier, top.score, now) as QueueHead | undefined) ?? null;
    above = tier;
  }
}

const NEXT_TIER = "select min(tier) as tier from queue_entries where status = 'queued' and tier > ?";

const TOP_SCORE = `select score from queue_entries where status = 'queued' and tier = ? and expires_at > ?
  order by score desc limit 1`;

const HEAD_AT_SCORE = `select q.id as queueEntryId, q.candidate_id as candidateId, c.post_id as postId, c.author as author,
    c.text as text, q.tier as tier, q.score as score, q.expires_at as expiresAt
  from queue_entries q join candidates c on c.id = q.candidate_id
  where q.status = 'queued' and q.tier = ? and q.score = ? and q.expires_at > ?
  order by q.expires_at asc, q.id asc limit 1`;

/** Expires every entry past its TTL (candidate → expired), in batches. Returns how many. */
export function sweepExpired(deps: { store: Store; host: EntityHost; clock: Clock }, batch = 1000): number {
  let total = 0;
  for (;;) {
    const now = deps.clock.now();
    const rows = deps.store
      .statement(
        "select candidate_id as candidateId from queue_entries where status = 'queued' and expires_at <= ? limit ?",
      )
      .all(now, batch) as { candidateId: string }[];
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
  const rows = deps.store
    .statement(
      runId
        ? "select id from candidates c where state in ('selected', 'decided') and exists (select 1 from queue_entries q where q.candidate_id = c.id and q.selected_by_run_id = ?)"
        : "select id from candidates where state in ('selected', 'decided') and ? is null",
    )
    .all(runId ?? null) as { id: string }[];
  if (rows.length === 0) return 0;
  deps.store.tx(() => {
    for (const row of rows) deps.host.send('candidate', row.id, { type: 'RELEASE', reasonCode });
  });
  return rows.length;
}
