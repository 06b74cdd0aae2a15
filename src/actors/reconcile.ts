import { EVENT } from '../events.ts';
import { contentHash, type PlatformPost, RateLimited } from '../platforms/contract.ts';
import { describeError } from '../runtime/errors.ts';
import { type RunContext, RunFailed, type RunStats } from '../runtime/jobRun.ts';
import type { PipelineDeps } from './deps.ts';
import { rateLimitedUntil, setRateLimitedUntil } from './rateLimit.ts';
import { recordPosted } from './recordPosted.ts';

export interface ReconcilerOptions {
  /** How far back the own timeline is read. */
  lookbackMs: number;
  /**
   * An unknown outcome is judged "absent" only once the call that caused it has surely ended
   * (its posting deadline passed), so a slow reply still in flight is never retried.
   */
  settleMs: number;
}

interface OpenPermit {
  permitId: string;
  candidateId: string;
  schedulerRunId: string;
  targetPostId: string;
  contentHash: string;
  idempotencyKey: string;
  state: string;
  postingStartedAt: number | null;
}

/**
 * One reconciler pass over the account's own timeline:
 * 1. resolves `unconfirmed` permits by looking for their reply (FOUND → used; proven ABSENT →
 *    one more try under the same permit, or failed);
 * 2. maps every own post to a `used` permit, and records any other as a ghost with a critical
 *    `ghost_detected` event (once per post);
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
      const timeline = await deps.platform.ownTimeline(now - options.lookbackMs);
      const ghosts = detectGhosts(deps, timeline);
      const vanished = await detectVanished(deps, options, timeline, run);
      return { ...resolved, timeline: timeline.length, ghosts, vanished };
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
              state, posting_started_at as postingStartedAt
       from permits where state = 'unconfirmed' order by updated_at limit 50`,
    )
    .all() as OpenPermit[];
  let found = 0;
  let absent = 0;
  let pending = 0;
  let lookupErrors = 0;
  for (const permit of open) {
    if (run.signal.aborted) break;
    let reply: PlatformPost | null;
    try {
      reply = await deps.platform.findReply({
        targetId: permit.targetPostId,
        contentHash: permit.contentHash,
        idempotencyKey: permit.idempotencyKey,
        since: (permit.postingStartedAt ?? 0) - 60_000,
      });
    } catch (error) {
      // One failed lookup leaves that permit for the next pass; it must not stop the others
      // (a flaky platform would otherwise starve every resolution). A 429 stops the run.
      if (error instanceof RateLimited) throw error;
      lookupErrors++;
      continue;
    }
    if (reply) {
      if (recordPosted(deps, permit, reply.id, { resolvedBy: 'reconciler' })) found++;
      continue;
    }
    const settled = deps.clock.now() >= (permit.postingStartedAt ?? 0) + options.settleMs;
    if (!settled) {
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

function detectGhosts(deps: PipelineDeps, timeline: PlatformPost[]): number {
  const { store, clock } = deps;
  const platform = deps.platform.name;
  let detected = 0;
  store.tx(() => {
    for (const post of timeline) {
      if (post.author.toLowerCase() !== deps.config.REPLYWRIGHT_ACCOUNT.toLowerCase()) continue;
      const explained = store
        .statement("select 1 from permits where platform = ? and actual_post_id = ? and state = 'used'")
        .get(platform, post.id);
      if (explained) continue;
      // A reply whose permit is still being resolved is not a ghost yet.
      const inFlight =
        post.inReplyToId !== null &&
        store
          .statement(
            `select 1 from permits where platform = ? and target_post_id = ? and content_hash = ?
             and state in ('approved', 'posting', 'unconfirmed')`,
          )
          .get(platform, post.inReplyToId, contentHash(post.text));
      if (inFlight) continue;
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
  return detected;
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
