import { desc } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { decisions, permits, sloEvents } from '../../db/schema.ts';
import { permitStateIn } from '../../db/stateIn.ts';
import { PERMIT, PERMIT_GROUPS } from '../../machines/stateGroups.ts';
import type { SloReason } from '../events.ts';
import { EVENT } from '../events.ts';
import { type GeneratedReply, GenerationFailed } from '../generators/types.ts';
import { contentHash, type PlatformPost, RateLimited } from '../platforms/contract.ts';
import { budgetUntil, type CapPolicy, checkCaps, DAY_MS } from '../policy/caps.ts';
import { gateContent } from '../policy/contentGate.ts';
import { targetVerdict } from '../policy/targetVerdict.ts';
import { describeError } from '../runtime/errors.ts';
import type { RunContext, RunStats } from '../runtime/jobRun.ts';
import { chargesSince } from '../spend/queries.ts';
import type { PipelineDeps } from './deps.ts';
import { type QueueHead, queueHead, queueSize, releaseStranded, sweepExpired } from './queue.ts';
import { rateLimitedUntil, setRateLimitedUntil } from './rateLimit.ts';
import { authorLastRepliedAt, hasHoldingPermit, isOptedOut, permitTimesAgainstCaps } from './targetFacts.ts';
import { rootColumn, rootStatus, targetRootFacts } from './toPostFacts.ts';

export interface SloOutcome {
  reason: SloReason;
  posted: boolean;
  candidateId?: string;
  queueEntryId?: string;
  decisionId?: string;
  permitId?: string;
  detail?: Record<string, unknown>;
}

export interface SchedulerOptions {
  caps: CapPolicy;
  /** Called when the queue is below its low watermark (the supervisor ticks fetch). */
  onQueueLow?: () => void;
}

/**
 * One scheduler tick: picks at most one candidate and, if everything allows it, writes the
 * decision and the permit together. Whatever happens, the run writes exactly one SLO event
 * with its reason (a crash is covered at the next boot, a timeout by `onSchedulerRunFailed`).
 */
export function createSchedulerWork(deps: PipelineDeps, options: SchedulerOptions) {
  return async (run: RunContext): Promise<RunStats> => {
    let outcome: SloOutcome | null = null;
    try {
      outcome = await schedule(deps, options, run);
      return { reason: outcome.reason, ...outcome.detail };
    } catch (error) {
      outcome = {
        reason: 'error',
        posted: false,
        detail: { error: describeError(error), aborted: run.signal.aborted },
      };
      throw error;
    } finally {
      writeSlo(deps, run.runId, outcome ?? { reason: 'error', posted: false });
    }
  };
}

/** For runJob's onFailed: a run that timed out or threw still gets its SLO row, and its candidate back. */
export function onSchedulerRunFailed(deps: PipelineDeps, runId: string, reason: string): void {
  releaseStranded(deps, reason === 'timeout' ? 'run_timeout' : 'run_failed', runId);
  writeSlo(deps, runId, { reason: 'error', posted: false, detail: { runFailure: reason } });
}

async function schedule(deps: PipelineDeps, options: SchedulerOptions, run: RunContext): Promise<SloOutcome> {
  const { store, host, clock, controls } = deps;
  const expired = sweepExpired(deps);
  const now = clock.now();
  if (controls.isPaused()) return { reason: 'paused', posted: false };
  const limitedUntil = rateLimitedUntil(store);
  if (limitedUntil !== null && limitedUntil > now) {
    return { reason: 'platform_rate_limited', posted: false, detail: { until: limitedUntil } };
  }
  const caps = checkCaps(now, { postTimes: permitTimesAgainstCaps(store, now) }, options.caps);
  if (!caps.ok) return { reason: caps.reason, posted: false, detail: { until: caps.until } };
  const budget = options.caps.dailyBudgetUsd ?? null;
  const budgetEnds = budget === null ? null : budgetUntil(now, chargesSince(store, now - DAY_MS), budget);
  if (budgetEnds !== null) return { reason: 'budget_reached', posted: false, detail: { until: budgetEnds } };

  if (queueSize(store, now) < deps.config.REPLYWRIGHT_QUEUE_LOW_WATERMARK) options.onQueueLow?.();
  const head = queueHead(store, now);
  if (!head)
    return { reason: expired > 0 ? 'all_expired' : 'queue_empty', posted: false, detail: { expired } };
  const ids = { candidateId: head.candidateId, queueEntryId: head.queueEntryId };
  store.tx(() => host.send('candidate', head.candidateId, { type: 'SELECT', schedulerRunId: run.runId }));

  let target: PlatformPost | null;
  try {
    target = await deps.platform.getPost(head.postId);
  } catch (error) {
    store.tx(() =>
      host.send('candidate', head.candidateId, { type: 'RELEASE', reasonCode: 'target_check_failed' }),
    );
    if (error instanceof RateLimited) {
      setRateLimitedUntil(store, clock.now(), error.resetAt, 'scheduler');
      return { reason: 'platform_rate_limited', posted: false, ...ids, detail: { until: error.resetAt } };
    }
    return { reason: 'error', posted: false, ...ids, detail: { error: describeError(error) } };
  }
  const blocked = targetProblem(deps, head, target);
  if (blocked) {
    store.tx(() => host.send('candidate', head.candidateId, { type: 'REJECT', reasonCode: blocked }));
    return {
      reason: blocked === 'target_deleted' ? 'target_unavailable' : 'policy_blocked',
      posted: false,
      ...ids,
      detail: { reasonCode: blocked },
    };
  }

  const generated = await generate(deps, head, run);
  if ('failure' in generated) {
    store.tx(() => {
      host.send('candidate', head.candidateId, { type: 'RELEASE', reasonCode: 'generation_failed' });
      store.event({
        at: clock.now(),
        type: EVENT.generationFailed,
        severity: 'warn',
        candidateId: head.candidateId,
        schedulerRunId: run.runId,
        data: JSON.stringify({ reason: generated.failure }),
      });
    });
    return { reason: 'generation_failed', posted: false, ...ids, detail: { failure: generated.failure } };
  }
  const gate = gateContent(generated.reply.text, {
    maxLength: deps.platform.limits().maxTextLength,
    bannedTerms: deps.config.REPLYWRIGHT_BANNED_TERMS,
    defaultDenyList: deps.config.REPLYWRIGHT_DEFAULT_DENY_LIST,
    recentReplies: recentReplyTexts(deps),
    account: deps.config.REPLYWRIGHT_ACCOUNT,
    targetAuthor: head.author,
    // The text the generator was given: a reply may repeat only a short span of it.
    targetText: head.text,
  });
  if (!gate.ok) {
    const reasonCode = `content_${gate.reasonCode}`;
    store.tx(() => host.send('candidate', head.candidateId, { type: 'REJECT', reasonCode }));
    return { reason: 'policy_blocked', posted: false, ...ids, detail: { reasonCode } };
  }
  if (run.signal.aborted) {
    store.tx(() => host.send('candidate', head.candidateId, { type: 'RELEASE', reasonCode: 'run_timeout' }));
    return { reason: 'error', posted: false, ...ids, detail: { error: 'timeout' } };
  }
  try {
    return grantPermit(deps, run, head, target!, generated.reply, generated.latencyMs);
  } catch (error) {
    // The unique index refused a second permit for this target: someone got there first.
    if (/UNIQUE constraint failed: permits/.test(describeError(error))) {
      store.tx(() =>
        host.send('candidate', head.candidateId, { type: 'REJECT', reasonCode: 'already_replied' }),
      );
      return { reason: 'policy_blocked', posted: false, ...ids, detail: { reasonCode: 'already_replied' } };
    }
    throw error;
  }
}

/**
 * The target verdict again, on the target as the platform has it now and the store's records.
 * Cooldown is checked at discovery too, but two posts of one author can wait in the queue
 * together: the second must not be answered right after the first. The scheduler's codes for
 * a root refused are `target_not_root`, whether it is a reply or unknown.
 */
function targetProblem(deps: PipelineDeps, head: QueueHead, target: PlatformPost | null): string | null {
  const platform = deps.platform.name;
  const verdict = targetVerdict({
    now: deps.clock.now(),
    exists: target !== null && !target.deleted,
    root: target ? targetRootFacts(target) : { isRoot: null, inReplyToId: null },
    records: {
      authorOptedOut: isOptedOut(deps.store, platform, head.author),
      alreadyReplied: hasHoldingPermit(deps.store, platform, head.postId),
      authorLastRepliedAt: authorLastRepliedAt(deps.store, platform, head.author),
      authorCooldownMs: deps.config.REPLYWRIGHT_AUTHOR_COOLDOWN_MIN * 60_000,
    },
  });
  if (verdict.allowed) return null;
  return verdict.reason === 'not_root' || verdict.reason === 'root_unknown'
    ? 'target_not_root'
    : verdict.reason;
}

async function generate(
  deps: PipelineDeps,
  head: QueueHead,
  run: RunContext,
): Promise<{ reply: GeneratedReply; latencyMs: number } | { failure: string }> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  run.signal.addEventListener('abort', onAbort, { once: true });
  const started = deps.clock.now();
  let timer: { cancel(): void } | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = deps.clock.setTimeout(() => {
      controller.abort();
      reject(new GenerationFailed('generator timed out', 'timeout'));
    }, deps.config.REPLYWRIGHT_GENERATOR_TIMEOUT_MS);
  });
  try {
    const reply = await Promise.race([
      deps.generator.generate(
        {
          targetPostId: head.postId,
          targetText: head.text,
          targetAuthor: head.author,
          account: deps.config.REPLYWRIGHT_ACCOUNT,
          maxLength: deps.platform.limits().maxTextLength,
        },
        controller.signal,
      ),
      timeout,
    ]);
    return { reply, latencyMs: deps.clock.now() - started };
  } catch (error) {
    return { failure: error instanceof GenerationFailed ? error.reason : describeError(error) };
  } finally {
    timer?.cancel();
    run.signal.removeEventListener('abort', onAbort);
  }
}

function grantPermit(
  deps: PipelineDeps,
  run: RunContext,
  head: QueueHead,
  target: PlatformPost,
  reply: GeneratedReply,
  latencyMs: number,
): SloOutcome {
  const { store, host, clock, ids, config } = deps;
  const decisionId = ids.next('d');
  const permitId = ids.next('pm');
  const hash = contentHash(reply.text);
  const platform = deps.platform.name;
  return store.tx(() => {
    const now = clock.now();
    store.db
      .insert(decisions)
      .values({
        id: decisionId,
        candidateId: head.candidateId,
        queueEntryId: head.queueEntryId,
        schedulerRunId: run.runId,
        platform,
        targetPostId: target.id,
        targetRootPostId: target.rootId,
        text: reply.text,
        contentHash: hash,
        generator: deps.generator.name,
        model: reply.model,
        costUsd: reply.costUsd,
        latencyMs,
        createdAt: now,
      })
      .run();
    host.send('candidate', head.candidateId, { type: 'DECIDE', decisionId });
    const isRoot = rootStatus(target);
    const expiresAt = now + config.REPLYWRIGHT_APPROVAL_TTL_MIN * 60_000;
    store.db
      .insert(permits)
      .values({
        id: permitId,
        decisionId,
        candidateId: head.candidateId,
        queueEntryId: head.queueEntryId,
        schedulerRunId: run.runId,
        pipelineSource: 'scheduler',
        platform,
        targetPostId: target.id,
        targetAuthor: target.author,
        targetIsRoot: rootColumn(isRoot),
        targetInReplyToPostId: target.inReplyToId,
        text: reply.text,
        contentHash: hash,
        idempotencyKey: permitId,
        state: PERMIT.pending,
        createdAt: now,
        updatedAt: now,
        expiresAt,
      })
      .run();
    const permit = host.create(
      'permit',
      permitId,
      {
        permitId,
        candidateId: head.candidateId,
        decisionId,
        approvalMode: config.REPLYWRIGHT_APPROVAL,
        targetIsRoot: isRoot,
        targetInReplyToPostId: target.inReplyToId,
        targetRootPostId: target.rootId,
        expiresAt,
      },
      [{ type: 'SUBMIT' }],
    );
    host.send('candidate', head.candidateId, { type: 'PERMIT', permitId });
    const links = { candidateId: head.candidateId, queueEntryId: head.queueEntryId, decisionId, permitId };
    if (permit.state === 'rejected') {
      const reasonCode = permit.context.reasonCode ?? 'permit_rejected';
      host.send('candidate', head.candidateId, { type: 'FAIL', reasonCode });
      return { reason: 'policy_blocked', posted: false, ...links, detail: { reasonCode } };
    }
    return {
      reason: permit.state === 'awaiting_approval' ? 'awaiting_approval' : 'permitted',
      posted: false,
      ...links,
    };
  });
}

function recentReplyTexts(deps: PipelineDeps): string[] {
  return latestHoldingTexts.all(deps.store, {}).map((r) => r.text);
}

const latestHoldingTexts = prepared()((db) =>
  db
    .select({ text: permits.text })
    .from(permits)
    .where(permitStateIn(PERMIT_GROUPS.holdsTarget))
    .orderBy(desc(permits.createdAt))
    .limit(50)
    .prepare(),
);

/** Exactly one SLO row per scheduler run: the first write wins, later ones are ignored. */
export function writeSlo(
  deps: Pick<PipelineDeps, 'store' | 'clock' | 'log'>,
  runId: string,
  outcome: SloOutcome,
): void {
  try {
    const now = deps.clock.now();
    deps.store.tx(() =>
      deps.store.db
        .insert(sloEvents)
        .values({
          schedulerRunId: runId,
          at: now,
          posted: outcome.posted,
          reason: outcome.reason,
          queueSize: queueSize(deps.store, now),
          candidateId: outcome.candidateId ?? null,
          queueEntryId: outcome.queueEntryId ?? null,
          decisionId: outcome.decisionId ?? null,
          permitId: outcome.permitId ?? null,
          detail: outcome.detail ? JSON.stringify(outcome.detail) : null,
        })
        .onConflictDoNothing({ target: sloEvents.schedulerRunId })
        .run(),
    );
  } catch (error) {
    deps.log.error({ err: describeError(error), runId }, 'could not write the SLO event');
  }
}
