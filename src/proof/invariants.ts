import type { Store } from '../../db/store.ts';
import { JOB_EVENT } from '../events.ts';
import { type QuietHours, quietUntil } from '../policy/caps.ts';
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
  const all = <T>(sql: string, ...params: unknown[]) => store.statement(sql).all(...params) as T[];

  const perTarget = new Map<string, number>();
  for (const p of bot)
    if (p.inReplyToId && p.origin !== 'ghost')
      perTarget.set(p.inReplyToId, (perTarget.get(p.inReplyToId) ?? 0) + 1);
  const duplicates = [...perTarget.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);

  const used = all<{
    id: string;
    actualPostId: string;
    targetPostId: string;
    targetIsRoot: number | null;
    inReplyTo: string | null;
    author: string;
    startedAt: number | null;
    createdAt: number;
  }>(
    `select id, actual_post_id as actualPostId, target_post_id as targetPostId, target_is_root as targetIsRoot,
            target_in_reply_to_post_id as inReplyTo, target_author as author, posting_started_at as startedAt,
            created_at as createdAt
     from permits where state = 'used'`,
  );
  const explained = new Set(used.map((p) => p.actualPostId));
  const ghostRows = new Set(
    all<{ postId: string }>("select post_id as postId from ghosts where kind = 'unexplained_post'").map(
      (g) => g.postId,
    ),
  );
  const injected = bot.filter((p) => p.origin === 'ghost');
  const undetectedGhosts = injected.filter((p) => !ghostRows.has(p.id)).map((p) => p.id);
  const unexplainedPosts = bot.filter((p) => !explained.has(p.id) && p.origin !== 'ghost').map((p) => p.id);

  const lostPermits = all<{ id: string; state: string; expiresAt: number; dueAt: number | null }>(
    `select p.id, p.state, p.expires_at as expiresAt, (select min(due_at) from timers t where t.actor_id = p.id) as dueAt
     from permits p where p.state not in ('used', 'rejected', 'expired', 'failed', 'quarantined')`,
  )
    .filter((p) => {
      if (p.state === 'pending') return true;
      if (p.dueAt === null) return true;
      return p.dueAt + grace < options.now;
    })
    .map((p) => `${p.id}:${p.state}`);

  const incompleteTraces: string[] = [];
  for (const p of used) {
    const missing = traceGaps(store, p.id, p.actualPostId);
    const post = byId.get(p.actualPostId);
    if (!post) missing.push('post missing on platform');
    else if (post.inReplyToId !== p.targetPostId) missing.push('post replies to another target');
    if (missing.length) incompleteTraces.push(`${p.id}: ${missing.join(', ')}`);
  }

  const unbalancedJobs: string[] = [];
  for (const [job, names] of Object.entries(JOB_EVENT)) {
    const count = (type: string) =>
      (store.statement('select count(*) as n from events where type = ?').get(type) as { n: number }).n;
    const running = (
      store.statement("select count(*) as n from job_runs where job = ? and status = 'running'").get(job) as {
        n: number;
      }
    ).n;
    const started = count(names.started);
    const ended = count(names.completed) + count(names.failed);
    if (started !== ended + running || running > 1) {
      unbalancedJobs.push(`${job}: started=${started} ended=${ended} running=${running}`);
    }
  }
  const schedulerRuns = (
    store
      .statement("select count(*) as n from job_runs where job = 'scheduler' and status != 'running'")
      .get() as {
      n: number;
    }
  ).n;
  const slo = (store.statement('select count(*) as n from slo_events').get() as { n: number }).n;

  const forbiddenReplies: string[] = [];
  const optOuts = new Map(
    all<{ author: string; at: number }>('select author, at from opt_outs').map((o) => [
      o.author.toLowerCase(),
      o.at,
    ]),
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

/**
 * The links of a used permit's trace chain that are missing: every failed check of
 * `traceChain` (the seed's verification list), plus what exactly-once needs on top — the
 * chain ends at this post, the candidate is `posted`, and it says so in an event.
 */
export function traceGaps(store: Store, permitId: string, postId: string): string[] {
  const chain = traceChain(store, permitId);
  if (!chain) return ['permit missing'];
  const gaps = chain.checks.filter((c) => !c.pass).map((c) => `${c.name} (${c.detail})`);
  if (chain.postedPostId !== postId)
    gaps.push(`posted post ${chain.postedPostId ?? 'missing'}, not ${postId}`);
  const candidate = chain.links.candidate;
  if (candidate?.state !== 'posted') gaps.push(`candidate ${candidate?.state ?? 'missing'}`);
  if (!chain.events.some((e) => e.type === 'candidate_posted' && e.postId === postId)) {
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
    if (caps.quietHours && quietUntil(t, caps.quietHours) !== null) violations.push(`posted in quiet hours at ${t}`);
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
