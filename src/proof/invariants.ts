import { and, eq, min, ne, notInArray, sql } from 'drizzle-orm';
import { ghosts, jobRuns, optOuts as optOutsTable, permits, sloEvents, timers } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { CANDIDATE, PERMIT, PERMIT_GROUPS } from '../../machines/stateGroups.ts';
import { JOB_EVENT } from '../events.ts';
import { type QuietHours, quietUntil } from '../policy/caps.ts';
import { countEventsEver, countRows, JOB_NAMES } from './queries.ts';
import { traceChain } from './traceChain.ts';

/** What the platform itself says was posted (the sandbox's `GET /api/posts`). */
export interface GroundTruthPost {
  id: string;
  author: string;
  inReplyToId: string | null;
  createdAt: number;
  deleted: boolean;
  /** The sandbox labels what made each post: 'ghost' for injected ghosts, 'traffic:spam', … */
  origin?: string;
}

export interface InvariantOptions {
  account: string;
  now: number;
  /** Measured on the platform's own record: each reply's time there, not its permit's. */
  caps?: {
    perHour: number;
    perDay: number;
    minSpacingMs: number;
    authorCooldownMs?: number;
    quietHours?: QuietHours | null;
  };
  /** Slack for deadlines that are due but whose timer has not had its tick yet. */
  graceMs?: number;
  /** Traffic labels whose posts must never get a reply. */
  forbiddenOrigins?: readonly string[];
}

export interface InvariantReport {
  botPosts: number;
  usedPermits: number;
  duplicates: number;
  unexplainedPosts: string[];
  injectedGhosts: number;
  undetectedGhosts: string[];
  lostPermits: string[];
  incompleteTraces: string[];
  unbalancedJobs: string[];
  sloMismatch: number;
  forbiddenReplies: string[];
  capViolations: string[];
  violations: string[];
}

/**
 * The nine invariants (README.md) checked against the platform's own record and the DB: no duplicate
 * reply per target, every own post explained by exactly one used permit (or an injected
 * ghost that was detected), no permit left non-terminal past its deadline, a complete trace
 * chain for every used permit, every job run ended, one SLO event per scheduler run, no
 * reply to a post the policy forbids, caps held.
 */
export function checkInvariants(
  store: Store,
  truth: GroundTruthPost[],
  options: InvariantOptions,
): InvariantReport {
  const account = options.account.toLowerCase();
  const grace = options.graceMs ?? 0;
  const bot = truth.filter((p) => p.author.toLowerCase() === account);
  const byId = new Map(truth.map((p) => [p.id, p]));

  const perTarget = new Map<string, number>();
  for (const p of bot)
    if (p.inReplyToId && p.origin !== 'ghost')
      perTarget.set(p.inReplyToId, (perTarget.get(p.inReplyToId) ?? 0) + 1);
  const duplicates = [...perTarget.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);

  const used = usedPermits(store);
  const explained = new Set(used.map((p) => p.actualPostId));
  const ghostRows = new Set(
    store.db
      .select({ postId: ghosts.postId })
      .from(ghosts)
      .where(eq(ghosts.kind, 'unexplained_post'))
      .all()
      .map((g) => g.postId),
  );
  const injected = bot.filter((p) => p.origin === 'ghost');
  const undetectedGhosts = injected.filter((p) => !ghostRows.has(p.id)).map((p) => p.id);
  const unexplainedPosts = bot.filter((p) => !explained.has(p.id) && p.origin !== 'ghost').map((p) => p.id);

  const lostPermits = unsettledPermits(store)
    .filter((p) => {
      if (p.state === PERMIT.pending) return true;
      if (p.dueAt === null) return true;
      return p.dueAt + grace < options.now;
    })
    .map((p) => `${p.id}:${p.state}`);

  const incompleteTraces: string[] = [];
  for (const p of used) {
    const missing = traceGaps(store, p.id, p.actualPostId);
    const post = p.actualPostId === null ? undefined : byId.get(p.actualPostId);
    if (!post) missing.push('post missing on platform');
    else if (post.inReplyToId !== p.targetPostId) missing.push('post replies to another target');
    if (missing.length) incompleteTraces.push(`${p.id}: ${missing.join(', ')}`);
  }

  const unbalancedJobs: string[] = [];
  for (const job of JOB_NAMES) {
    const names = JOB_EVENT[job];
    const count = (type: string) => countEventsEver(store, type);
    const running = countRows(store, jobRuns, and(eq(jobRuns.job, job), eq(jobRuns.status, 'running')));
    const started = count(names.started);
    const ended = count(names.completed) + count(names.failed);
    if (started !== ended + running || running > 1) {
      unbalancedJobs.push(`${job}: started=${started} ended=${ended} running=${running}`);
    }
  }
  const schedulerRuns = countRows(
    store,
    jobRuns,
    and(eq(jobRuns.job, 'scheduler'), ne(jobRuns.status, 'running')),
  );
  const slo = countRows(store, sloEvents);

  const forbiddenReplies: string[] = [];
  const optOuts = new Map(
    store.db
      .select({ author: optOutsTable.author, at: optOutsTable.at })
      .from(optOutsTable)
      .all()
      .map((o) => [o.author.toLowerCase(), o.at]),
  );
  for (const p of used) {
    if (p.targetIsRoot !== 1 || p.inReplyTo !== null) forbiddenReplies.push(`${p.id}: target not root`);
    const optOutAt = optOuts.get(p.author.toLowerCase());
    if (optOutAt !== undefined && p.startedAt !== null && optOutAt < p.startedAt) {
      forbiddenReplies.push(`${p.id}: author opted out before posting`);
    }
    const origin = byId.get(p.targetPostId)?.origin;
    if (origin && options.forbiddenOrigins?.includes(origin))
      forbiddenReplies.push(`${p.id}: target is ${origin}`);
  }

  const capViolations = capViolationsOnPlatform(bot, byId, options.caps);

  const report: InvariantReport = {
    botPosts: bot.length,
    usedPermits: used.length,
    duplicates,
    unexplainedPosts,
    injectedGhosts: injected.length,
    undetectedGhosts,
    lostPermits,
    incompleteTraces,
    unbalancedJobs,
    sloMismatch: slo - schedulerRuns,
    forbiddenReplies,
    capViolations,
    violations: [],
  };
  const v = report.violations;
  if (duplicates) v.push(`${duplicates} duplicate replies`);
  if (unexplainedPosts.length) v.push(`posts without a used permit: ${unexplainedPosts.join(', ')}`);
  if (undetectedGhosts.length) v.push(`undetected ghosts: ${undetectedGhosts.join(', ')}`);
  if (lostPermits.length) v.push(`permits past their deadline: ${lostPermits.join(', ')}`);
  if (incompleteTraces.length) v.push(`incomplete traces: ${incompleteTraces.join('; ')}`);
  if (unbalancedJobs.length) v.push(`unbalanced job runs: ${unbalancedJobs.join('; ')}`);
  if (report.sloMismatch !== 0) v.push(`SLO events ${slo} for ${schedulerRuns} ended scheduler runs`);
  if (forbiddenReplies.length) v.push(`forbidden replies: ${forbiddenReplies.join('; ')}`);
  if (capViolations.length) v.push(`caps: ${capViolations.slice(0, 5).join('; ')}`);
  return report;
}

/** Used permits, with what the checks compare against the platform. */
function usedPermits(store: Store) {
  return store.db
    .select({
      id: permits.id,
      actualPostId: permits.actualPostId,
      targetPostId: permits.targetPostId,
      targetIsRoot: permits.targetIsRoot,
      inReplyTo: permits.targetInReplyToPostId,
      author: permits.targetAuthor,
      startedAt: permits.postingStartedAt,
      createdAt: permits.createdAt,
    })
    .from(permits)
    .where(eq(permits.state, PERMIT.used))
    .all();
}

/** Permits not terminal (an unknown state counts as not terminal), with their next timer. */
function unsettledPermits(store: Store) {
  const nextTimer = store.db
    .select({ dueAt: min(timers.dueAt) })
    .from(timers)
    .where(eq(timers.actorId, permits.id));
  return store.db
    .select({
      id: permits.id,
      state: permits.state,
      expiresAt: permits.expiresAt,
      dueAt: sql<number | null>`(${nextTimer})`,
    })
    .from(permits)
    .where(notInArray(permits.state, [...PERMIT_GROUPS.terminal]))
    .all();
}

/**
 * The links of a used permit's trace chain that are missing: every failed check of
 * `traceChain` (the seed's verification list), plus what exactly-once needs on top — the
 * chain ends at this post, the candidate is `posted`, and it says so in an event.
 */
export function traceGaps(store: Store, permitId: string, postId: string | null): string[] {
  const chain = traceChain(store, permitId);
  if (!chain) return ['permit missing'];
  const gaps = chain.checks.filter((c) => !c.pass).map((c) => `${c.name} (${c.detail})`);
  if (chain.postedPostId !== postId)
    gaps.push(`posted post ${chain.postedPostId ?? 'missing'}, not ${postId}`);
  const candidate = chain.links.candidate;
  if (candidate?.state !== CANDIDATE.posted) gaps.push(`candidate ${candidate?.state ?? 'missing'}`);
  if (!chain.events.some((e) => e.type === `candidate_${CANDIDATE.posted}` && e.postId === postId)) {
    gaps.push('no candidate_posted event');
  }
  return gaps;
}

/**
 * Caps, spacing, quiet hours and the author cooldown, measured by when each of the account's
 * replies appeared on the platform (the ground truth) — a rule that held only when permits
 * were granted, not when they were spent, shows here.
 */
function capViolationsOnPlatform(
  bot: readonly GroundTruthPost[],
  byId: ReadonlyMap<string, GroundTruthPost>,
  caps: InvariantOptions['caps'],
): string[] {
  if (!caps) return [];
  const violations: string[] = [];
  const replies = bot.filter((p) => p.origin !== 'ghost').sort((a, b) => a.createdAt - b.createdAt);
  const times = replies.map((p) => p.createdAt);
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    const inHour = times.filter((x) => x > t - 3_600_000 && x <= t).length;
    const inDay = times.filter((x) => x > t - 86_400_000 && x <= t).length;
    if (inHour > caps.perHour) violations.push(`hour cap exceeded at ${t}`);
    if (inDay > caps.perDay) violations.push(`day cap exceeded at ${t}`);
    if (i > 0 && t - times[i - 1]! < caps.minSpacingMs) violations.push(`spacing broken at ${t}`);
    if (caps.quietHours && quietUntil(t, caps.quietHours) !== null)
      violations.push(`posted in quiet hours at ${t}`);
  }
  if (caps.authorCooldownMs) {
    const lastByAuthor = new Map<string, number>();
    for (const reply of replies) {
      const author = reply.inReplyToId ? byId.get(reply.inReplyToId)?.author.toLowerCase() : undefined;
      if (!author) continue;
      const last = lastByAuthor.get(author);
      if (last !== undefined && reply.createdAt - last < caps.authorCooldownMs)
        violations.push(`author cooldown broken for ${author} at ${reply.createdAt}`);
      lastByAuthor.set(author, reply.createdAt);
    }
  }
  return violations;
}
