import { and, asc, eq, gt, gte, lte, min, notExists, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { events, ghosts, permits } from '../../db/schema.ts';
import { permitStateIn } from '../../db/stateIn.ts';
import { PERMIT, PERMIT_GROUPS, type PermitRowState } from '../../machines/stateGroups.ts';
import { EVENT } from '../events.ts';
import {
  contentHash,
  type IdempotencyCapability,
  type PlatformPost,
  RateLimited,
} from '../platforms/contract.ts';
import { describeError } from '../runtime/errors.ts';
import { type RunContext, RunFailed, type RunStats } from '../runtime/jobRun.ts';
import type { PipelineDeps } from './deps.ts';
import { rateLimitedUntil, setRateLimitedUntil } from './rateLimit.ts';
import { recordPosted } from './recordPosted.ts';
import { clearRestoreMarker, restoreReconcileSince } from './restoreMarker.ts';

export interface ReconcilerOptions {
  /** How far back the own timeline is read. */
  lookbackMs: number;
  /**
   * How long after an attempt started its reply may still land: the posting deadline (the
   * last moment a click may start) plus the channel's response timeout. The platform's
   * declared visibility lag is added on top, and absence needs two lookups that far apart.
   */
  settleMs: number;
  /** Whether the reply channel sends the permit's key: only then can the platform's idempotency protect a retry. */
  keyCarried: boolean;
}

interface OpenPermit {
  permitId: string;
  candidateId: string;
  schedulerRunId: string;
  targetPostId: string;
  contentHash: string;
  idempotencyKey: string;
  state: PermitRowState;
  attempts: number;
  createdAt: number;
  postingStartedAt: number | null;
}

/**
 * One reconciler pass over the account's own timeline:
 * 1. resolves `unconfirmed` permits by looking for their reply (FOUND → used; ABSENT — proven
 *    by two lookups after the reply could have landed and become visible — → one more try
 *    under the same permit, or failed);
 * 2. maps every own post to a `used` permit: a reply to a target whose permit has not recorded
 *    it yet is linked to that permit; any other is a ghost with a critical `ghost_detected`
 *    event (once per post). After a restore it reads back to the backup's time first;
 * 3. notices used replies that vanished from the platform.
 */
export function createReconcilerWork(deps: PipelineDeps, options: ReconcilerOptions) {
  return async (run: RunContext): Promise<RunStats> => {
    const now = deps.clock.now();
    const until = rateLimitedUntil(deps.store);
    if (until !== null && until > now) throw new RunFailed('rate_limited', { until });
    try {
      const resolved = await resolveUnconfirmed(deps, options, run);
      if (run.signal.aborted) return { ...resolved, aborted: true };
      const restoredSince = restoreReconcileSince(deps.store);
      const since = Math.min(now - options.lookbackMs, restoredSince ?? Number.POSITIVE_INFINITY);
      const timeline = await deps.platform.ownTimeline(since);
      const { ghosts, linked } = detectGhosts(deps, timeline);
      if (restoredSince !== null)
        finishRestoreReconcile(deps, restoredSince, timeline.length, linked, ghosts);
      const vanished = await detectVanished(deps, options, timeline, run);
      return { ...resolved, timeline: timeline.length, ghosts, linked, vanished };
    } catch (error) {
      if (error instanceof RateLimited) {
        setRateLimitedUntil(deps.store, deps.clock.now(), error.resetAt, 'reconciler');
        throw new RunFailed('rate_limited', { until: error.resetAt });
      }
      throw error;
    }
  };
}

async function resolveUnconfirmed(deps: PipelineDeps, options: ReconcilerOptions, run: RunContext) {
  const open: OpenPermit[] = unconfirmedPermits.all(deps.store, { platform: deps.platform.name });
  const capabilities = deps.platform.capabilities();
  const lagMs = capabilities.visibilityLagMs;
  const idempotency: IdempotencyCapability = options.keyCarried ? capabilities.idempotency : { kind: 'none' };
  let found = 0;
  let absent = 0;
  let pending = 0;
  let lookupErrors = 0;
  for (const permit of open) {
    if (run.signal.aborted) break;
    let replies: PlatformPost[];
    try {
      replies = await deps.platform.ownRepliesTo(permit.targetPostId, permit.createdAt - 60_000);
    } catch (error) {
      // One failed lookup leaves that permit for the next pass; it must not stop the others
      // (a flaky platform would otherwise starve every resolution). A 429 stops the run.
      if (error instanceof RateLimited) throw error;
      lookupErrors++;
      continue;
    }
    // Only a reply with this permit's text is its own; another reply of the account to the
    // same target is a ghost (found below), and the poster's lookup refuses to add a second.
    const reply = replies.find((r) => contentHash(r.text) === permit.contentHash);
    if (reply) {
      const result = recordPosted(deps, permit, reply.id, {
        resolvedBy: 'reconciler',
        replies: replies.length,
      });
      if (result === 'recorded') found++;
      continue;
    }
    if (!provenAbsent(deps, permit, options.settleMs, lagMs, idempotency)) {
      pending++;
      continue;
    }
    deps.store.tx(() => {
      const next = deps.host.send('permit', permit.permitId, { type: 'ABSENT' });
      if (next.state === 'failed') {
        deps.host.sendIfAccepted('candidate', permit.candidateId, {
          type: 'FAIL',
          reasonCode: 'absent_after_retry',
        });
      }
    });
    absent++;
  }
  return { unconfirmed: open.length, found, absent, pending, lookupErrors };
}

const unconfirmedPermits = prepared<{ platform: string }>()((db, p) =>
  db
    .select({
      permitId: permits.id,
      candidateId: permits.candidateId,
      schedulerRunId: permits.schedulerRunId,
      targetPostId: permits.targetPostId,
      contentHash: permits.contentHash,
      idempotencyKey: permits.idempotencyKey,
      state: permits.state,
      attempts: permits.attempts,
      createdAt: permits.createdAt,
      postingStartedAt: permits.postingStartedAt,
    })
    .from(permits)
    .where(and(eq(permits.platform, p.platform), eq(permits.state, PERMIT.unconfirmed)))
    .orderBy(asc(permits.updatedAt))
    .limit(50)
    .prepare(),
);

/**
 * The reply of the permit's latest attempt is absent only when (1) it could no longer land: the
 * attempt's posting deadline and the channel's response timeout have passed, and then the
 * platform's visibility lag; and (2) an earlier lookup after that point saw nothing either, at
 * least one visibility lag ago. The first empty lookup is recorded (`reply_absent_observed`);
 * the verdict comes from a later one. Where the platform itself makes the retry harmless (a
 * permanent key, sent by the channel), (1) alone is enough.
 */
function provenAbsent(
  deps: PipelineDeps,
  permit: OpenPermit,
  settleMs: number,
  lagMs: number,
  idempotency: IdempotencyCapability,
): boolean {
  const now = deps.clock.now();
  const startedAt = permit.postingStartedAt ?? permit.createdAt;
  const settledAt = startedAt + settleMs + lagMs;
  if (now < settledAt) return false;
  if (retryIsHarmless(idempotency)) return true;
  const earlier = firstAbsenceObserved.get(deps.store, {
    permitId: permit.permitId,
    from: settledAt,
    to: now - lagMs,
  });
  if (earlier?.at != null) return true;
  deps.store.event({
    at: now,
    type: EVENT.replyAbsentObserved,
    permitId: permit.permitId,
    candidateId: permit.candidateId,
    data: JSON.stringify({ attempt: permit.attempts, settledAt, visibilityLagMs: lagMs }),
  });
  return false;
}

const firstAbsenceObserved = prepared<{ permitId: string; from: number; to: number }>()((db, p) =>
  db
    .select({ at: min(events.at) })
    .from(events)
    .where(
      and(
        eq(events.type, EVENT.replyAbsentObserved),
        eq(events.permitId, p.permitId),
        gte(events.at, p.from),
        lte(events.at, p.to),
      ),
    )
    .prepare(),
);

/**
 * A retry under the permit's key cannot post twice only where the key is remembered for good.
 * A key window (Mastodon's hour) is no such promise: the retry may wait past it (quiet hours,
 * caps, a 429), so absence there is proven as if there were no key.
 */
function retryIsHarmless(idempotency: IdempotencyCapability): boolean {
  return idempotency.kind === 'permanent';
}

function detectGhosts(deps: PipelineDeps, timeline: PlatformPost[]): { ghosts: number; linked: number } {
  const { store, clock } = deps;
  const platform = deps.platform.name;
  let detected = 0;
  let linked = 0;
  store.tx(() => {
    for (const post of timeline) {
      if (post.author.toLowerCase() !== deps.config.REPLYWRIGHT_ACCOUNT.toLowerCase()) continue;
      const explained = usedPermitOfPost.get(store, { platform, postId: post.id });
      if (explained) continue;
      const holder =
        post.inReplyToId === null
          ? undefined
          : mayPostPermitOfReply.get(store, {
              platform,
              targetPostId: post.inReplyToId,
              contentHash: contentHash(post.text),
            });
      // A call still in flight answers for itself.
      if (holder?.state === PERMIT.posting) continue;
      // The reply of a permit that has not recorded it (a restored backup, a lost answer).
      if (holder) {
        if (recordPosted(deps, holder, post.id, { foundBy: 'reconciler_timeline' }) === 'recorded') linked++;
        continue;
      }
      const now = clock.now();
      const added = store.db
        .insert(ghosts)
        .values({
          id: `ghost_${platform}_${post.id}`,
          platform,
          postId: post.id,
          text: post.text,
          inReplyToPostId: post.inReplyToId,
          postedAt: post.createdAt,
          detectedAt: now,
          kind: 'unexplained_post',
        })
        .onConflictDoNothing()
        .run();
      if (added.changes === 0) continue;
      store.event({
        at: now,
        type: EVENT.ghostDetected,
        severity: 'critical',
        postId: post.id,
        data: JSON.stringify({ inReplyToPostId: post.inReplyToId, text: post.text.slice(0, 280) }),
      });
      deps.log.error({ postId: post.id }, 'ghost detected: a post no used permit explains');
      detected++;
    }
  });
  return { ghosts: detected, linked };
}

const usedPermitOfPost = prepared<{ platform: string; postId: string }>()((db, p) =>
  db
    .select({ one: sql<number>`1` })
    .from(permits)
    .where(
      and(
        eq(permits.platform, p.platform),
        eq(permits.actualPostId, p.postId),
        eq(permits.state, PERMIT.used),
      ),
    )
    .prepare(),
);

/** The permit that may have posted this reply and not recorded it (literal states: see db/stateIn.ts). */
const mayPostPermitOfReply = prepared<{ platform: string; targetPostId: string; contentHash: string }>()(
  (db, p) =>
    db
      .select({
        permitId: permits.id,
        candidateId: permits.candidateId,
        schedulerRunId: permits.schedulerRunId,
        targetPostId: permits.targetPostId,
        state: permits.state,
      })
      .from(permits)
      .where(
        and(
          eq(permits.platform, p.platform),
          eq(permits.targetPostId, p.targetPostId),
          eq(permits.contentHash, p.contentHash),
          permitStateIn(PERMIT_GROUPS.mayPost),
        ),
      )
      .prepare(),
);

function finishRestoreReconcile(
  deps: PipelineDeps,
  since: number,
  read: number,
  linked: number,
  ghosts: number,
): void {
  deps.store.tx(() => {
    clearRestoreMarker(deps.store);
    deps.store.event({
      at: deps.clock.now(),
      type: EVENT.restoreReconciled,
      severity: 'warn',
      data: JSON.stringify({ since, postsRead: read, linked, ghosts }),
    });
  });
  deps.log.warn({ since, postsRead: read, linked, ghosts }, 'reconciled with the platform after a restore');
}

async function detectVanished(
  deps: PipelineDeps,
  options: ReconcilerOptions,
  timeline: PlatformPost[],
  run: RunContext,
): Promise<number> {
  const { store, clock } = deps;
  const platform = deps.platform.name;
  const seen = new Set(timeline.map((p) => p.id));
  const used = store.db
    .select({
      permitId: permits.id,
      postId: permits.actualPostId,
      text: permits.text,
      targetPostId: permits.targetPostId,
      usedAt: permits.usedAt,
    })
    .from(permits)
    .where(
      and(
        eq(permits.platform, platform),
        eq(permits.state, PERMIT.used),
        gt(permits.usedAt, clock.now() - options.lookbackMs),
        notExists(
          store.db
            .select({ one: sql`1` })
            .from(ghosts)
            .where(and(eq(ghosts.platform, permits.platform), eq(ghosts.postId, permits.actualPostId))),
        ),
      ),
    )
    .all();
  let vanished = 0;
  for (const { postId, usedAt, ...permit } of used) {
    // A used permit always has its post and its time (POSTED/FOUND set both): the query's
    // `used_at >` already excludes a null time.
    if (postId === null || usedAt === null) continue;
    if (seen.has(postId) || run.signal.aborted) continue;
    let post: PlatformPost | null;
    try {
      post = await deps.platform.getPost(postId);
    } catch (error) {
      deps.log.warn({ err: describeError(error) }, 'could not check a reply missing from the timeline');
      continue;
    }
    if (post && !post.deleted) continue;
    store.tx(() => {
      const now = clock.now();
      const added = store.db
        .insert(ghosts)
        .values({
          id: `vanished_${platform}_${postId}`,
          platform,
          postId,
          text: permit.text,
          inReplyToPostId: permit.targetPostId,
          postedAt: usedAt,
          detectedAt: now,
          kind: 'vanished_reply',
          permitId: permit.permitId,
        })
        .onConflictDoNothing()
        .run();
      if (added.changes > 0) {
        store.event({
          at: now,
          type: EVENT.replyVanished,
          severity: 'error',
          permitId: permit.permitId,
          postId,
          data: JSON.stringify({ targetPostId: permit.targetPostId }),
        });
        vanished++;
      }
    });
  }
  return vanished;
}
