import type Database from 'better-sqlite3';
import { candidateIdFor } from '../src/jobs/ingest.ts';
import type { PlatformPost } from '../src/platforms/contract.ts';
import { tierOf } from '../src/policy/score.ts';

/**
 * The floor: the rows `ingestPage` leaves behind for a queued candidate — its candidates row
 * (final state and whole context: the candidate's snapshot), its queue entry and its one
 * `candidate_queued` event — written with plain prepared inserts, one transaction per page, no
 * state machine, no policy. Also seeds the restore, memory and queue-pick benchmarks with rows
 * the runtime accepts.
 *
 * `layout: 'actorRow'` writes what a candidate cost before its snapshot moved into its row
 * (migration 0007): the same three rows plus an `actors` row with the snapshot JSON — four
 * rows, 15 index entries — the floor issue #13 measured durable ingest against.
 */
export interface FloorWriter {
  writePage(posts: readonly PlatformPost[], now: number): void;
}

/** A spread of scores (35–100) and tiers, deterministic in `i`. */
export function scoreOf(i: number): { score: number; tier: number } {
  const score = 35 + ((i * 7919) % 650) / 10;
  return { score, tier: tierOf(score) };
}

export interface FloorOptions {
  layout?: 'candidateRow' | 'actorRow';
  ttlMs?: number;
  scoreOf?: (i: number) => { score: number; tier: number };
}

export function createFloorWriter(db: Database.Database, options: FloorOptions = {}): FloorWriter {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const scoring = options.scoreOf ?? scoreOf;
  const withActorRow = options.layout === 'actorRow';
  const candidate = db.prepare(
    `insert into candidates (id, platform, post_id, author, text, post_created_at, in_reply_to_post_id, is_root,
       conversation_id, source, fetch_run_id, consent, state, reason_code, score, tier, queue_entry_id, expires_at,
       scheduler_run_id, decision_id, permit_id, posted_post_id, discovered_at, updated_at)
     values (?, 'sandbox', ?, ?, ?, ?, ?, 1, ?, 'mentions:mentions', null, 'mention', 'queued', null, ?, ?, ?, ?,
       null, null, null, null, ?, ?)`,
  );
  const entry = db.prepare(
    `insert into queue_entries (id, candidate_id, tier, score, status, enqueued_at, expires_at, updated_at)
     values (?, ?, ?, ?, 'queued', ?, ?, ?)`,
  );
  const actor = db.prepare(
    `insert into actors (id, kind, machine, version, state, status, snapshot, updated_at)
     values (?, 'candidate', 'candidate', 1, 'queued', 'active', ?, ?)`,
  );
  const event = db.prepare(
    `insert into events (at, type, severity, actor_id, candidate_id, queue_entry_id, data)
     values (?, 'candidate_queued', 'info', ?, ?, ?, ?)`,
  );
  const eventData = JSON.stringify({ from: 'evaluating', cause: 'QUEUE', reasonCode: null });
  const writePage = db.transaction((posts: readonly PlatformPost[], now: number) => {
    for (let k = 0; k < posts.length; k++) {
      const post = posts[k]!;
      const id = candidateIdFor('sandbox', post.id);
      const queueEntryId = `q_${post.id}`;
      const { score, tier } = scoring(Number(post.id));
      // as if every 100 posts came in a fetch page of their own, a millisecond apart
      const expiresAt = now + ttlMs + Math.floor(k / 100);
      candidate.run(
        id,
        post.id,
        post.author,
        post.text,
        post.createdAt,
        post.inReplyToId,
        post.rootId,
        score,
        tier,
        withActorRow ? null : queueEntryId,
        withActorRow ? null : expiresAt,
        now,
        now,
      );
      entry.run(queueEntryId, id, tier, score, now, expiresAt, now);
      event.run(now, id, id, queueEntryId, eventData);
      if (!withActorRow) continue;
      const context = {
        candidateId: id,
        queueEntryId,
        schedulerRunId: null,
        decisionId: null,
        permitId: null,
        postedPostId: null,
        reasonCode: null,
        tier,
        score,
        expiresAt,
      };
      actor.run(id, JSON.stringify({ value: 'queued', context }), now);
    }
  });
  return { writePage: (posts, now) => writePage(posts, now) };
}
