import { and, eq } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { ghosts, permits, sloEvents } from '../../db/schema.ts';
import { EVENT } from '../events.ts';
import type { PipelineDeps } from './deps.ts';

interface PostedPermit {
  permitId: string;
  candidateId: string;
  schedulerRunId: string;
  targetPostId: string;
}

/**
 * - `recorded`: the permit is now `used` with this post;
 * - `already_recorded`: it already was, with this same post (a repeated answer);
 * - `duplicate`: it is `used` with another post: this one is a second reply to the target;
 * - `orphaned`: the permit had ended without a reply (failed, expired, rejected, quarantined)
 *   and yet this post exists.
 * The last two are recorded as unexplained posts with a critical event, never dropped.
 */
export type PostedResult = 'recorded' | 'already_recorded' | 'duplicate' | 'orphaned';

export interface PostedDetail {
  /** The attempt whose answer this is; absent when the post was found by looking. */
  attempt?: number;
  /**
   * Who found the reply by looking instead of posting it (the poster's lookup before an
   * attempt, the reconciler's timeline): an `existing_reply_found` event says so too.
   */
  foundBy?: 'poster_lookup' | 'reconciler_timeline';
  [key: string]: unknown;
}

/**
 * The reply `postId` exists on the platform, whichever attempt made it and however late we
 * learn of it: the permit becomes `used` (POSTED from `posting`, FOUND from `unconfirmed` or
 * `approved`), the candidate `posted`, a `posting_success` event (and `existing_reply_found`
 * when it was found by looking rather than posted), and the run's SLO event turns to `posted` — all in one transaction.
 */
export function recordPosted(
  deps: Pick<PipelineDeps, 'store' | 'host' | 'clock' | 'log' | 'platform'>,
  permit: PostedPermit,
  postId: string,
  detail: PostedDetail = {},
): PostedResult {
  const { store, host, clock } = deps;
  const data = detail;
  return store.tx((): PostedResult => {
    const now = clock.now();
    const row = permitOutcome.get(store, { permitId: permit.permitId });
    const state = row?.state ?? 'missing';
    if (state === 'used' && row?.actualPostId === postId) return 'already_recorded';
    if (state === 'posting' || state === 'unconfirmed' || state === 'approved') {
      host.send(
        'permit',
        permit.permitId,
        state === 'posting' ? { type: 'POSTED', postId } : { type: 'FOUND', postId },
      );
      host.sendIfAccepted('candidate', permit.candidateId, { type: 'POSTED', postId });
      const ids = {
        permitId: permit.permitId,
        candidateId: permit.candidateId,
        schedulerRunId: permit.schedulerRunId,
        postId,
      };
      const payload = JSON.stringify({ resolvedFrom: state, currentAttempt: row?.attempts, ...data });
      if (data.foundBy)
        store.event({ at: now, type: EVENT.existingReplyFound, severity: 'warn', ...ids, data: payload });
      store.event({ at: now, type: EVENT.postingSuccess, ...ids, data: payload });
      store.db
        .update(sloEvents)
        .set({ posted: true, reason: 'posted' })
        .where(
          and(eq(sloEvents.schedulerRunId, permit.schedulerRunId), eq(sloEvents.permitId, permit.permitId)),
        )
        .run();
      return 'recorded';
    }
    const result: PostedResult = state === 'used' ? 'duplicate' : 'orphaned';
    store.db
      .insert(ghosts)
      .values({
        id: `ghost_${deps.platform.name}_${postId}`,
        platform: deps.platform.name,
        postId,
        text: '',
        inReplyToPostId: permit.targetPostId,
        postedAt: now,
        detectedAt: now,
        kind: 'unexplained_post',
        permitId: permit.permitId,
      })
      .onConflictDoNothing()
      .run();
    store.event({
      at: now,
      type: EVENT.duplicateReply,
      severity: 'critical',
      permitId: permit.permitId,
      candidateId: permit.candidateId,
      schedulerRunId: permit.schedulerRunId,
      postId,
      data: JSON.stringify({
        result,
        permitState: state,
        recordedPostId: row?.actualPostId ?? null,
        ...data,
      }),
    });
    deps.log.error(
      { permitId: permit.permitId, postId, permitState: state },
      `reply ${result}: a post no used permit explains`,
    );
    return result;
  });
}

const permitOutcome = prepared<{ permitId: string }>()((db, p) =>
  db
    .select({ state: permits.state, actualPostId: permits.actualPostId, attempts: permits.attempts })
    .from(permits)
    .where(eq(permits.id, p.permitId))
    .prepare(),
);
