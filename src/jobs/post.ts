import { and, asc, eq } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { permits } from '../../db/schema.ts';
import type { TargetFacts } from '../../machines/permit.ts';
import { PERMIT } from '../../machines/stateGroups.ts';
import { EVENT } from '../events.ts';
import {
  contentHash,
  OutcomeUnknown,
  type PlatformPost,
  PlatformRejected,
  PlatformUnavailable,
  RateLimited,
} from '../platforms/contract.ts';
import { type SpendPolicy, type SpendVerdict, spendVerdict } from '../policy/spendRules.ts';
import { describeError } from '../runtime/errors.ts';
import type { RunContext, RunStats } from '../runtime/jobRun.ts';
import type { PipelineDeps } from './deps.ts';
import { setRateLimitedUntil } from './rateLimit.ts';
import { type PostedResult, recordPosted } from './recordPosted.ts';
import type { PermitToPost, PostAttempt, ReplyChannel } from './replyChannel.ts';
import { restoreReconcilePending } from './restoreMarker.ts';
import { spendFacts } from './spendFacts.ts';
import { rootStatus } from './toPostFacts.ts';

export interface PosterOptions {
  channel: ReplyChannel;
  /** How long after an unknown outcome the reconciler may still try to resolve it. */
  resolveWindowMs: number;
  /** The rules checked again at the moment a reply is spent. */
  policy: SpendPolicy;
  /** Permits spent per tick (concurrency 1: one at a time). */
  maxPerTick?: number;
}

/** How many approved permits one tick considers when the oldest must wait (author cooldown). */
const CONSIDERED_PER_TICK = 20;

/**
 * One poster tick: spends approved permits, one at a time. For each: every rule again (kill
 * switch, quiet hours, caps and spacing counted by post attempts, opt-out, author cooldown,
 * rate-limit window, expiry), the target re-checked, and the platform asked whether the
 * account already replied to it (a restored backup, a late answer). Only then is `posting`
 * committed DURABLY (fsync) with a `post_reply_click_attempt` event, the rules checked once
 * more inside that transaction, and the platform called. The answer becomes an event for the
 * permit, tied to its attempt: POSTED, POST_FAILED, POST_DEFERRED or OUTCOME_UNKNOWN — never
 * a blind retry.
 */
export function createPosterWork(deps: PipelineDeps, options: PosterOptions) {
  return async (run: RunContext): Promise<RunStats> => {
    const stats = {
      posted: 0,
      found: 0,
      failed: 0,
      deferred: 0,
      unconfirmed: 0,
      rejected: 0,
      expired: 0,
      duplicate: 0,
      skipped: '',
    };
    if (restoreReconcilePending(deps.store)) {
      stats.skipped = 'restore_reconcile_pending';
      return stats;
    }
    for (let i = 0; i < (options.maxPerTick ?? 1); i++) {
      if (run.signal.aborted) break;
      const next = nextToSpend(deps, options);
      if (next.kind === 'none') break;
      if (next.kind === 'hold') {
        stats.skipped = next.reason;
        break;
      }
      const outcome =
        next.kind === 'settle'
          ? settle(deps, next.permit, next.verdict)
          : await spend(deps, options, next.permit, run);
      stats[outcome]++;
    }
    return stats;
  };
}

type Outcome =
  | 'posted'
  | 'found'
  | 'failed'
  | 'deferred'
  | 'unconfirmed'
  | 'rejected'
  | 'expired'
  | 'duplicate';

type Next =
  | { kind: 'none' }
  | { kind: 'hold'; reason: string }
  | { kind: 'spend'; permit: PermitToPost }
  | { kind: 'settle'; permit: PermitToPost; verdict: Extract<SpendVerdict, { kind: 'expire' | 'reject' }> };

/** The oldest approved permit that may be spent now, or why none may. */
function nextToSpend(deps: PipelineDeps, options: PosterOptions): Next {
  const approved: PermitToPost[] = oldestApproved.all(deps.store, {
    platform: deps.platform.name,
    limit: CONSIDERED_PER_TICK,
  });
  let waiting: string | null = null;
  for (const permit of approved) {
    const verdict = verdictFor(deps, options, permit);
    if (verdict.kind === 'go') return { kind: 'spend', permit };
    if (verdict.kind === 'hold') return { kind: 'hold', reason: verdict.reason };
    if (verdict.kind === 'wait') {
      waiting = verdict.reason;
      continue;
    }
    return { kind: 'settle', permit, verdict };
  }
  return waiting ? { kind: 'hold', reason: waiting } : { kind: 'none' };
}

const oldestApproved = prepared<{ platform: string; limit: number }>()((db, p) =>
  db
    .select({
      permitId: permits.id,
      candidateId: permits.candidateId,
      schedulerRunId: permits.schedulerRunId,
      targetPostId: permits.targetPostId,
      targetAuthor: permits.targetAuthor,
      text: permits.text,
      contentHash: permits.contentHash,
      idempotencyKey: permits.idempotencyKey,
      expiresAt: permits.expiresAt,
    })
    .from(permits)
    .where(and(eq(permits.platform, p.platform), eq(permits.state, PERMIT.approved)))
    .orderBy(asc(permits.createdAt))
    .limit(p.limit)
    .prepare(),
);

function verdictFor(deps: PipelineDeps, options: PosterOptions, permit: PermitToPost): SpendVerdict {
  const facts = spendFacts(
    deps.store,
    deps.platform.name,
    permit,
    deps.clock.now(),
    options.policy.landingWindowMs,
  );
  return spendVerdict(facts, options.policy);
}

/** A permit that will never be spent: expired (its TTL passed) or rejected (its author opted out). */
function settle(
  deps: PipelineDeps,
  permit: PermitToPost,
  verdict: Extract<SpendVerdict, { kind: 'expire' }> | { kind: 'reject'; reason: string },
): Outcome {
  const reasonCode = verdict.kind === 'expire' ? 'permit_ttl' : verdict.reason;
  deps.store.tx(() => {
    deps.host.send(
      'permit',
      permit.permitId,
      verdict.kind === 'expire' ? { type: 'EXPIRE' } : { type: 'REJECT', reasonCode },
    );
    deps.host.sendIfAccepted('candidate', permit.candidateId, { type: 'FAIL', reasonCode });
  });
  return verdict.kind === 'expire' ? 'expired' : 'rejected';
}

async function spend(
  deps: PipelineDeps,
  options: PosterOptions,
  permit: PermitToPost,
  run: RunContext,
): Promise<Outcome> {
  const { store, host, clock } = deps;
  let target: PlatformPost | null;
  let existing: PlatformPost[];
  try {
    target = await deps.platform.getPost(permit.targetPostId);
    // Asked before every attempt: the account's reply may already be there (a backup restored
    // over a newer state, a late answer of an earlier attempt) whatever the DB says.
    existing = await deps.platform.ownRepliesTo(permit.targetPostId, lookupSince(deps, permit, target));
  } catch (error) {
    if (error instanceof RateLimited) setRateLimitedUntil(store, clock.now(), error.resetAt, 'poster');
    return 'deferred';
  }
  const facts: TargetFacts = target
    ? { exists: !target.deleted, isRoot: rootStatus(target), inReplyToPostId: target.inReplyToId }
    : { exists: false, isRoot: null, inReplyToPostId: null };
  if (run.signal.aborted) return 'deferred';
  const ours = existing.find((reply) => contentHash(reply.text) === permit.contentHash);
  if (ours) {
    const result = recordPosted(deps, permit, ours.id, {
      foundBy: 'poster_lookup',
      replies: existing.length,
    });
    deps.log.warn(
      { permitId: permit.permitId, postId: ours.id },
      'reply already on the platform: recorded, not posted again',
    );
    return outcomeOf(result, 'found');
  }
  if (existing.length > 0) {
    // The account already answered this target, but not with this permit's reply (a human, an
    // older system, a permit a restore lost): one reply per target, so none from us. The
    // reconciler records that post as a ghost.
    settle(deps, permit, { kind: 'reject', reason: 'already_replied' });
    deps.log.warn(
      { permitId: permit.permitId, postIds: existing.map((r) => r.id) },
      'the account already replied to this target: not posting',
    );
    return 'rejected';
  }

  // Intent before effect: `posting` is on disk (fsync) before the platform hears of it, and
  // every rule is checked once more inside that same transaction.
  const claimed = store.durableTx((): PostAttempt | Outcome => {
    const current = host.get('permit', permit.permitId);
    if (current?.state !== 'approved') return 'deferred';
    const verdict = verdictFor(deps, options, permit);
    if (verdict.kind === 'hold' || verdict.kind === 'wait') return 'deferred';
    if (verdict.kind === 'expire' || verdict.kind === 'reject') return settle(deps, permit, verdict);
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
      return 'rejected';
    }
    store.event({
      at: clock.now(),
      type: EVENT.postReplyClickAttempt,
      permitId: permit.permitId,
      candidateId: permit.candidateId,
      schedulerRunId: permit.schedulerRunId,
      data: JSON.stringify({ channel: options.channel.name, attempt: next.context.attempts }),
    });
    return { ...permit, attempt: next.context.attempts };
  });
  if (typeof claimed === 'string') return claimed;

  try {
    const { postId, detail } = await options.channel.send(claimed, run.signal);
    const result = recordPosted(deps, permit, postId, {
      attempt: claimed.attempt,
      channel: options.channel.name,
      ...detail,
    });
    if (result === 'recorded')
      deps.log.info({ permitId: permit.permitId, postId, target: permit.targetPostId }, 'reply posted');
    return outcomeOf(result, 'posted');
  } catch (error) {
    return recordFailure(deps, options, claimed, error);
  }
}

function outcomeOf(result: PostedResult, recorded: 'posted' | 'found'): Outcome {
  return result === 'recorded' || result === 'already_recorded' ? recorded : 'duplicate';
}

/**
 * Replies to a target cannot predate it; without the target's time, the permit's own life
 * bounds the search (a permit is granted after its target was seen).
 */
function lookupSince(deps: PipelineDeps, permit: PermitToPost, target: PlatformPost | null): number {
  if (target) return target.createdAt;
  const row = permitCreatedAt.get(deps.store, { permitId: permit.permitId });
  return (row?.at ?? deps.clock.now()) - 24 * 3_600_000;
}

const permitCreatedAt = prepared<{ permitId: string }>()((db, p) =>
  db.select({ at: permits.createdAt }).from(permits).where(eq(permits.id, p.permitId)).prepare(),
);

/** What a classified platform error says about itself (`ReplywrightError.context`), or nothing. */
function errorContext(error: unknown): Record<string, unknown> {
  if (typeof error !== 'object' || error === null || !('context' in error)) return {};
  const context = error.context;
  return typeof context === 'object' && context !== null ? { ...context } : {};
}

function recordFailure(
  deps: PipelineDeps,
  options: PosterOptions,
  permit: PostAttempt,
  error: unknown,
): Outcome {
  const { store, host, clock } = deps;
  const now = clock.now();
  const errorClass = error instanceof Error ? error.name : 'Error';
  const detail = errorContext(error);
  let outcome: Outcome;
  store.tx(() => {
    const current = host.get('permit', permit.permitId);
    // An answer about an attempt the permit has moved on from (a deadline turned it
    // `unconfirmed`, or a later attempt is running) must not decide the current one.
    if (current?.state !== 'posting' || current.context.attempts !== permit.attempt) {
      outcome = 'unconfirmed';
      store.event({
        at: now,
        type: EVENT.postingFailed,
        severity: 'warn',
        permitId: permit.permitId,
        candidateId: permit.candidateId,
        schedulerRunId: permit.schedulerRunId,
        data: JSON.stringify({
          errorClass,
          stale: true,
          attempt: permit.attempt,
          currentAttempt: current?.context.attempts ?? null,
          permitState: current?.state ?? 'missing',
        }),
      });
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
        attempt: permit.attempt,
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
    responseTimeoutMs: deps.platform.capabilities().responseTimeoutMs,
    carriesKey: true,
    send: (permit) =>
      deps.platform.createReply({
        targetId: permit.targetPostId,
        text: permit.text,
        idempotencyKey: permit.idempotencyKey,
        attempt: permit.attempt,
      }),
  };
}
