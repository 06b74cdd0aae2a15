import type { TargetFacts } from '../../machines/permit.ts';
import { EVENT } from '../events.ts';
import { OutcomeUnknown, PlatformRejected, PlatformUnavailable, RateLimited } from '../platforms/contract.ts';
import { describeError } from '../runtime/errors.ts';
import type { RunContext, RunStats } from '../runtime/jobRun.ts';
import type { PipelineDeps } from './deps.ts';
import { rootStatus } from './postFacts.ts';
import { rateLimitedUntil, setRateLimitedUntil } from './rateLimit.ts';
import { recordPosted } from './recordPosted.ts';
import type { PermitToPost, ReplyChannel } from './replyChannel.ts';
import { isOptedOut } from './targetFacts.ts';

export interface PosterOptions {
  channel: ReplyChannel;
  /** How long after an unknown outcome the reconciler may still try to resolve it. */
  resolveWindowMs: number;
  /** Permits spent per tick (concurrency 1: one at a time). */
  maxPerTick?: number;
}

/**
 * One poster tick: spends approved permits, one at a time. For each: re-check the target, then
 * commit `posting` DURABLY (fsync) with a `post_reply_click_attempt` event, and only then call
 * the platform. The answer becomes an event for the permit: POSTED, POST_FAILED (refused),
 * POST_DEFERRED (definitely not sent) or OUTCOME_UNKNOWN — never a blind retry.
 */
export function createPosterWork(deps: PipelineDeps, options: PosterOptions) {
  return async (run: RunContext): Promise<RunStats> => {
    const stats = { posted: 0, failed: 0, deferred: 0, unconfirmed: 0, rejected: 0, skipped: '' };
    for (let i = 0; i < (options.maxPerTick ?? 1); i++) {
      if (run.signal.aborted) break;
      if (deps.controls.isPaused()) {
        stats.skipped = 'paused';
        break;
      }
      const until = rateLimitedUntil(deps.store);
      if (until !== null && until > deps.clock.now()) {
        stats.skipped = 'rate_limited';
        break;
      }
      const permit = nextApproved(deps);
      if (!permit) break;
      const outcome = await spend(deps, options, permit, run);
      stats[outcome]++;
    }
    return stats;
  };
}

type Outcome = 'posted' | 'failed' | 'deferred' | 'unconfirmed' | 'rejected';

function nextApproved(deps: PipelineDeps): PermitToPost | null {
  const row = deps.store
    .statement(
      `select id as permitId, candidate_id as candidateId, scheduler_run_id as schedulerRunId,
              target_post_id as targetPostId, target_author as targetAuthor, text, content_hash as contentHash,
              idempotency_key as idempotencyKey
       from permits where state = 'approved' and expires_at > ? order by created_at asc limit 1`,
    )
    .get(deps.clock.now()) as PermitToPost | undefined;
  return row ?? null;
}

async function spend(
  deps: PipelineDeps,
  options: PosterOptions,
  permit: PermitToPost,
  run: RunContext,
): Promise<Outcome> {
  const { store, host, clock } = deps;
  let facts: TargetFacts;
  try {
    const target = await deps.platform.getPost(permit.targetPostId);
    facts = target
      ? { exists: !target.deleted, isRoot: rootStatus(target), inReplyToPostId: target.inReplyToId }
      : { exists: false, isRoot: null, inReplyToPostId: null };
  } catch (error) {
    if (error instanceof RateLimited) setRateLimitedUntil(store, clock.now(), error.resetAt, 'poster');
    return 'deferred';
  }
  if (run.signal.aborted || deps.controls.isPaused()) return 'deferred';
  // An opt-out can arrive while a permit waits (or is retried after an unknown outcome):
  // honoured at the last moment before the click too.
  if (isOptedOut(store, deps.platform.name, permit.targetAuthor)) {
    store.tx(() => {
      host.send('permit', permit.permitId, { type: 'REJECT', reasonCode: 'opted_out' });
      host.sendIfAccepted('candidate', permit.candidateId, { type: 'FAIL', reasonCode: 'opted_out' });
    });
    return 'rejected';
  }

  // Intent before effect: `posting` is on disk (fsync) before the platform hears of it.
  const claimed = store.durableTx(() => {
    const next = host.send('permit', permit.permitId, {
      type: 'CLAIM',
      target: facts,
      postingDeadlineAt: clock.now() + deps.intervals.postingDeadlineMs,
    });
    if (next.state === 'rejected') {
      host.sendIfAccepted('candidate', permit.candidateId, {
        type: 'FAIL',
        reasonCode: next.context.reasonCode ?? 'rejected',
      });
      return false;
    }
    store.event({
      at: clock.now(),
      type: EVENT.postReplyClickAttempt,
      permitId: permit.permitId,
      candidateId: permit.candidateId,
      schedulerRunId: permit.schedulerRunId,
      data: JSON.stringify({ channel: options.channel.name, attempt: next.context.attempts }),
    });
    return true;
  });
  if (!claimed) return 'rejected';

  try {
    const { postId, detail } = await options.channel.send(permit, run.signal);
    recordPosted(deps, permit, postId, { channel: options.channel.name, ...detail });
    deps.log.info({ permitId: permit.permitId, postId, target: permit.targetPostId }, 'reply posted');
    return 'posted';
  } catch (error) {
    return recordFailure(deps, options, permit, error);
  }
}

function recordFailure(
  deps: PipelineDeps,
  options: PosterOptions,
  permit: PermitToPost,
  error: unknown,
): Outcome {
  const { store, host, clock } = deps;
  const now = clock.now();
  const errorClass = error instanceof Error ? error.name : 'Error';
  const detail = (error as { context?: Record<string, unknown> }).context ?? {};
  let outcome: Outcome;
  store.tx(() => {
    const current = host.get('permit', permit.permitId);
    if (current?.state !== 'posting') {
      outcome = 'unconfirmed';
      return;
    }
    if (error instanceof RateLimited || error instanceof PlatformUnavailable) {
      host.send('permit', permit.permitId, { type: 'POST_DEFERRED', reasonCode: reasonOf(error) });
      outcome = 'deferred';
    } else if (error instanceof PlatformRejected) {
      const reasonCode =
        typeof detail.reasonCode === 'string'
          ? detail.reasonCode
          : error.status === 404
            ? 'target_deleted'
            : `platform_rejected_${error.status}`;
      host.send('permit', permit.permitId, { type: 'POST_FAILED', reasonCode });
      host.sendIfAccepted('candidate', permit.candidateId, { type: 'FAIL', reasonCode });
      outcome = 'failed';
    } else {
      host.send('permit', permit.permitId, {
        type: 'OUTCOME_UNKNOWN',
        reasonCode: error instanceof OutcomeUnknown ? 'outcome_unknown' : 'unexpected_error',
        resolveBy: now + options.resolveWindowMs,
      });
      outcome = 'unconfirmed';
    }
    store.event({
      at: now,
      type: EVENT.postingFailed,
      severity: outcome === 'deferred' ? 'warn' : 'error',
      permitId: permit.permitId,
      candidateId: permit.candidateId,
      schedulerRunId: permit.schedulerRunId,
      data: JSON.stringify({
        errorClass,
        message: describeError(error).slice(0, 300),
        outcome,
        channel: options.channel.name,
        ...detail,
      }),
    });
  });
  if (error instanceof RateLimited) setRateLimitedUntil(store, now, error.resetAt, 'poster');
  return outcome!;
}

function reasonOf(error: RateLimited | PlatformUnavailable): string {
  return error instanceof RateLimited ? 'rate_limited' : 'platform_unavailable';
}

/** The API channel: the platform adapter's create-reply, keyed by the permit id. */
export function apiChannel(deps: Pick<PipelineDeps, 'platform'>): ReplyChannel {
  return {
    name: 'api',
    send: (permit) =>
      deps.platform.createReply({
        targetId: permit.targetPostId,
        text: permit.text,
        idempotencyKey: permit.idempotencyKey,
      }),
  };
}
