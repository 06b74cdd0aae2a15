import { EVENT } from '../events.ts';
import { contentHash, type IdempotencyCapability, type PlatformPost, RateLimited } from '../platforms/contract.ts';
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
  state: string;
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
      if (restoredSince !== null) finishRestoreReconcile(deps, restoredSince, timeline.length, linked, ghosts);
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
  const open = deps.store
    .statement(
      `select id as permitId, candidate_id as candidateId, scheduler_run_id as schedulerRunId,
              target_post_id as targetPostId, content_hash as contentHash, idempotency_key as idempotencyKey,
              state, attempts, created_at as createdAt, posting_started_at as postingStartedAt
       from permits where platform = ? and state = 'unconfirmed' order by updated_at limit 50`,
    )
    .all(deps.platform.name) as OpenPermit[];
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
      const result = recordPosted(deps, permit, reply.id, { resolvedBy: 'reconciler', replies: replies.length });
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
  const earlier = deps.store
    .statement(
      `select min(at) as at from events where type = ? and permit_id = ? and at >= ? and at <= ?`,
    )
    .get(EVENT.replyAbsentObserved, permit.permitId, settledAt, now - lagMs) as { at: number | null };
  if (earlier.at !== null) return true;
  deps.store.event({
    at: now,
    type: EVENT.replyAbsentObserved,
    permitId: permit.permitId,
    candidateId: permit.candidateId,
    data: JSON.stringify({ attempt: permit.attempts, settledAt, visibilityLagMs: lagMs }),
  });
  return false;
}

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
      const explained = store
        .statement("select 1 from permits where platform = ? and actual_post_id = ? and state = 'used'")
        .get(platform, post.id);
      if (explained) continue;
      const holder =
        post.inReplyToId === null
          ? undefined
          : (store
              .statement(
                `select id as permitId, candidate_id as candidateId, scheduler_run_id as schedulerRunId,
                        target_post_id as targetPostId, state
                 from permits where platform = ? and target_post_id = ? and content_hash = ?
                 and state in ('approved', 'posting', 'unconfirmed')`,
              )
              .get(platform, post.inReplyToId, contentHash(post.text)) as
              | { permitId: string; candidateId: string; schedulerRunId: string; targetPostId: string; state: string }
              | undefined);
      // A call still in flight answers for itself.
      if (holder?.state === 'posting') continue;
      // The reply of a permit that has not recorded it (a restored backup, a lost answer).
      if (holder) {
        if (recordPosted(deps, holder, post.id, { foundBy: 'reconciler_timeline' }) === 'recorded')
          linked++;
        continue;
      }
      const now = clock.now();
      const added = store
        .statement(
          `insert into ghosts (id, platform, post_id, text, in_reply_to_post_id, posted_at, detected_at, kind)
           values (?, ?, ?, ?, ?, ?, ?, 'unexplained_post') on conflict do nothing`,
        )
        .run(
          `ghost_${platform}_${post.id}`,
          platform,
          post.id,
          post.text,
          post.inReplyToId,
          post.createdAt,
          now,
        );
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
  const used = store
    .statement(
      `select p.id as permitId, p.actual_post_id as postId, p.text as text, p.target_post_id as targetPostId,
              p.used_at as usedAt
       from permits p where p.platform = ? and p.state = 'used' and p.used_at > ?
       and not exists (select 1 from ghosts g where g.platform = p.platform and g.post_id = p.actual_post_id)`,
    )
    .all(platform, clock.now() - options.lookbackMs) as {
    permitId: string;
    postId: string;
    text: string;
    targetPostId: string;
    usedAt: number;
  }[];
  let vanished = 0;
  for (const permit of used) {
    if (seen.has(permit.postId) || run.signal.aborted) continue;
    let post: PlatformPost | null;
    try {
      post = await deps.platform.getPost(permit.postId);
    } catch (error) {
      deps.log.warn({ err: describeError(error) }, 'could not check a reply missing from the timeline');
      continue;
    }
    if (post && !post.deleted) continue;
    store.tx(() => {
      const now = clock.now();
      const added = store
        .statement(
          `insert into ghosts (id, platform, post_id, text, in_reply_to_post_id, posted_at, detected_at, kind, permit_id)
           values (?, ?, ?, ?, ?, ?, ?, 'vanished_reply', ?) on conflict do nothing`,
        )
        .run(
          `vanished_${platform}_${permit.postId}`,
          platform,
          permit.postId,
          permit.text,
          permit.targetPostId,
          permit.usedAt,
          now,
          permit.permitId,
        );
      if (added.changes > 0) {
        store.event({
          at: now,
          type: EVENT.replyVanished,
          severity: 'error',
          permitId: permit.permitId,
          postId: permit.postId,
          data: JSON.stringify({ targetPostId: permit.targetPostId }),
        });
        vanished++;
      }
    });
  }
  return vanished;
}
