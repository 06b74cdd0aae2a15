import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, count, inArray } from 'drizzle-orm';
import { candidates, jobRuns, permits, sloEvents } from '../../db/schema.ts';
import { openStore, type Store } from '../../db/store.ts';
import type { JobName } from '../../machines/job.ts';
import { CANDIDATE_GROUPS } from '../../machines/stateGroups.ts';
import { createReplywright, type Replywright } from '../app/replywright.ts';
import { type Config, loadConfig } from '../config/config.ts';
import { devFlags } from '../config/devFlags.ts';
import type { Intervals } from '../config/intervals.ts';
import { createTemplateGenerator } from '../generators/template.ts';
import { GenerationFailed, type ReplyGenerator } from '../generators/types.ts';
import { apiChannel } from '../jobs/post.ts';
import { silentLogger } from '../logging.ts';
import type { PlatformAdapter } from '../platforms/contract.ts';
import { withOverrides } from '../platforms/delegate.ts';
import { createSandboxInProcessAdapter } from '../platforms/sandbox/inProcessAdapter.ts';
import { checkInvariants, type InvariantReport } from '../proof/invariants.ts';
import { SimulatedClock } from '../runtime/clock.ts';
import { seededIds } from '../runtime/ids.ts';
import { seededRandom } from '../runtime/random.ts';
import { SandboxPlatform } from '../sandbox/platform.ts';
import { TrafficGenerator } from '../sandbox/traffic.ts';
import { eitherChannel } from './eitherChannel.ts';
import { serveMastodonDialect } from './mastodonDialect.ts';
import { slowClickChannel } from './slowClickChannel.ts';
import { serveXDialect } from './xDialect.ts';

export interface SimulationOptions {
  seed: number;
  /** Simulated minutes of traffic (a quiet settling period follows). */
  minutes?: number;
  trafficPerMin?: number;
  /** Platform faults: errors, 429s, dropped responses, ghosts, mutated targets. */
  faults?: boolean;
  /** Process deaths at random instants, including inside posting and scheduling. */
  crashes?: boolean;
  /** The sandbox's idempotency mode: `permanent` (default), `window:<seconds>` or `none`. */
  keys?: string;
  /** How long a new post takes to show in the sandbox's listings. */
  visibilityLagMs?: number;
  /**
   * Half the replies go through a browser-like channel: clicks that start near the posting
   * deadline, a fresh key per click, responses lost while the server commits later.
   */
  slowClicks?: boolean;
  /**
   * `x`: the pipeline runs with REPLYWRIGHT_PLATFORM=x, its X adapter talking to the sandbox's X v2
   * dialect over loopback HTTP (no idempotency key whatever `keys` says; no slow clicks).
   * `mastodon`: REPLYWRIGHT_PLATFORM=mastodon, the masto client against its Mastodon dialect
   * (keys kept for Mastodon's hour, or less when `keys` is stricter; no slow clicks).
   */
  platform?: 'sandbox' | 'x' | 'mastodon';
  /** Fixed fault rates instead of seeded ones. */
  faultRates?: { errorRate: number; rate429: number; dropResponseRate: number };
  config?: Record<string, string>;
  /** Called with the live store when the traffic minutes end (e.g. to read the proof report then). */
  onTrafficEnd?: (store: Store, now: number) => void;
}

export interface SimulationResult {
  seed: number;
  ok: boolean;
  crashes: number;
  ghostsInjected: number;
  targetsMutated: number;
  posted: number;
  report: InvariantReport;
  /** The exact command that replays this run. */
  command: string;
}

const START = Date.UTC(2026, 0, 9, 8, 0, 0);

export const SIM_INTERVALS: Intervals = {
  fetch: { intervalMs: 60_000, deadlineMs: 30_000 },
  scheduler: { intervalMs: 30_000, deadlineMs: 20_000 },
  poster: { intervalMs: 10_000, deadlineMs: 30_000 },
  reconciler: { intervalMs: 60_000, deadlineMs: 30_000 },
  postingDeadlineMs: 30_000,
};

/** Every traffic kind except opted-in root mentions must never get a reply. */
export const FORBIDDEN_ORIGINS = [
  'traffic:keyword',
  'traffic:chatter',
  'traffic:reply_other',
  'traffic:reply_other_mention',
  'traffic:reply_to_account',
  'traffic:spam',
  'traffic:too_short',
  'traffic:parody',
  'traffic:stop',
] as const;

class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}

/**
 * The whole pipeline in one process on a simulated clock. Every random choice — traffic,
 * faults, crash points — comes from one PRNG seeded with `seed`, so a failing seed replays
 * exactly. A crash drops every live actor and reopens the DB file, as a `kill -9` would.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const minutes = options.minutes ?? 60;
  const random = seededRandom(options.seed);
  const chance = (p: number) => random() < p;
  const clock = new SimulatedClock(START);
  const dir = mkdtempSync(join(tmpdir(), 'replywright-sim-'));
  const dbPath = join(dir, 'sim.db');
  const config: Config = loadConfig({
    REPLYWRIGHT_SPEED: 'prod',
    REPLYWRIGHT_QUEUE_TTL_MIN: '30',
    REPLYWRIGHT_CAP_PER_HOUR: '8',
    REPLYWRIGHT_CAP_PER_DAY: '60',
    REPLYWRIGHT_MIN_SPACING_SEC: '60',
    REPLYWRIGHT_APPROVAL_TTL_MIN: '20',
    ...quietHoursFor(options.seed),
    ...(options.platform && options.platform !== 'sandbox' ? { REPLYWRIGHT_PLATFORM: options.platform } : {}),
    ...options.config,
  });

  const platform = await SandboxPlatform.open(':memory:', {
    clock,
    seed: options.seed,
    account: config.REPLYWRIGHT_ACCOUNT,
  });
  const traffic = new TrafficGenerator(platform, {
    seed: options.seed,
    perMin: options.trafficPerMin ?? 6,
    clock,
  });
  platform.behaviour.update({
    idempotency: options.keys ?? 'permanent',
    visibilityLagMs: options.visibilityLagMs ?? 0,
  });
  const served =
    options.platform === 'x'
      ? await serveXDialect(platform, clock)
      : options.platform === 'mastodon'
        ? await serveMastodonDialect(platform, clock)
        : null;
  const adapter: PlatformAdapter = served?.adapter ?? createSandboxInProcessAdapter({ platform, clock });
  if (options.faults) {
    const rates = options.faultRates ?? {
      errorRate: 0.05 + random() * 0.15,
      rate429: 0.01 + random() * 0.03,
      dropResponseRate: 0.1 + random() * 0.15,
    };
    platform.faults.update({
      errorRate: rates.errorRate,
      rateLimit: { rate429: rates.rate429, resetAfterMs: 20_000 + Math.floor(random() * 60_000) },
      dropResponseRate: rates.dropResponseRate,
    });
  }

  let crashes = 0;
  let ghostsInjected = 0;
  let targetsMutated = 0;
  let store: Store = await openStore(dbPath);
  let crashArmed: 'post_before' | 'post_after' | 'generate' | null = null;
  const crashNow = () => {
    crashes++;
    app.abandon();
    store.close();
    throw new SimulatedCrash('simulated kill -9');
  };
  const platformWithCrashes = withOverrides(adapter, {
    async createReply(request) {
      if (crashArmed === 'post_before') {
        crashArmed = null;
        crashNow();
      }
      const result = await adapter.createReply(request);
      if (crashArmed === 'post_after') {
        crashArmed = null;
        crashNow();
      }
      return result;
    },
  });
  const template = createTemplateGenerator();
  const generator: ReplyGenerator = {
    name: template.name,
    async generate(request, signal) {
      if (crashArmed === 'generate') {
        crashArmed = null;
        crashNow();
      }
      if (options.faults && chance(0.03))
        throw new GenerationFailed('simulated generator failure', 'http_error');
      return template.generate(request, signal);
    },
  };
  const boot = async (): Promise<Replywright> => {
    const instance = await createReplywright({
      config,
      log: silentLogger,
      platform: platformWithCrashes,
      channel:
        options.slowClicks && !served
          ? (deps) => eitherChannel(slowClickChannel(deps, platform, clock, random), apiChannel(deps), random)
          : undefined,
      generator,
      clock,
      ids: seededIds(random, () => clock.now()),
      intervals: SIM_INTERVALS,
      store,
      supervise: false,
    });
    await instance.start();
    return instance;
  };
  let app = await boot();

  const next: Record<JobName, number> = {
    fetch: START,
    scheduler: START + 5_000,
    poster: START + 7_000,
    reconciler: START + 9_000,
  };
  const runJob = (job: JobName) => clock.settleWhileAdvancing(app.runOnce(job));
  const restartIfCrashed = async () => {
    if (!crashed()) return;
    store = await openStore(dbPath);
    app = await boot();
  };
  let crashedFlag = 0;
  const crashed = () => {
    if (crashes > crashedFlag) {
      crashedFlag = crashes;
      return true;
    }
    return false;
  };

  traffic.start();
  const trafficEnd = START + minutes * 60_000;
  const end = trafficEnd + 20 * 60_000;
  for (;;) {
    const [job, due] = (Object.entries(next) as [JobName, number][]).reduce((a, b) => (b[1] < a[1] ? b : a));
    if (due > end) break;
    await clock.advanceTo(due);
    if (due >= trafficEnd && traffic.running) {
      options.onTrafficEnd?.(store, clock.now());
      traffic.stop();
      platform.faults.reset();
      crashArmed = null;
    }
    const chaotic = due < trafficEnd;
    if (chaotic && options.faults) {
      if (chance(0.01)) {
        try {
          platform.faults.ghost(chance(0.5) ? 'root' : 'reply');
          ghostsInjected++;
        } catch {
          // nothing to reply to yet
        }
      }
      if (chance(0.02)) targetsMutated += mutateQueuedTarget(store, platform, random) ? 1 : 0;
    }
    if (chaotic && options.crashes && crashArmed === null && chance(0.04)) {
      crashArmed = (['post_before', 'post_after', 'generate'] as const)[Math.floor(random() * 3)]!;
    }
    if (chaotic && options.crashes && chance(0.01)) {
      try {
        crashNow();
      } catch {
        // the crash between runs
      }
    }
    await restartIfCrashed();
    await runJob(job);
    await restartIfCrashed();
    next[job] = due + SIM_INTERVALS[job].intervalMs;
  }
  crashArmed = null;
  await runJob('reconciler');
  await runJob('poster');
  await runJob('reconciler');
  app.fireTimers();

  const truth = platform.groundTruth().map((p) => ({
    id: p.id,
    author: p.author,
    inReplyToId: p.inReplyToId,
    createdAt: p.createdAt,
    deleted: p.deleted,
    origin: p.origin,
  }));
  const report = checkInvariants(store, truth, {
    account: config.REPLYWRIGHT_ACCOUNT,
    now: clock.now(),
    caps: {
      perHour: config.REPLYWRIGHT_CAP_PER_HOUR,
      perDay: config.REPLYWRIGHT_CAP_PER_DAY,
      minSpacingMs: config.REPLYWRIGHT_MIN_SPACING_SEC * 1000,
      authorCooldownMs: config.REPLYWRIGHT_AUTHOR_COOLDOWN_MIN * 60_000,
      quietHours: config.REPLYWRIGHT_QUIET_HOURS,
    },
    forbiddenOrigins: FORBIDDEN_ORIGINS,
  });
  const debug = devFlags().REPLYWRIGHT_SIM_DEBUG ? summarize(store) : undefined;
  if (debug) console.error(JSON.stringify(debug));
  await app.stop();
  store.close();
  await served?.close();
  platform.close();
  rmSync(dir, { recursive: true, force: true });
  const flags = [
    options.faults ? '' : '--no-faults',
    options.crashes ? '' : '--no-crashes',
    `--keys ${options.keys ?? 'permanent'}`,
    `--visibility-lag-ms ${options.visibilityLagMs ?? 0}`,
    options.slowClicks ? '' : '--no-slow-clicks',
    options.platform && options.platform !== 'sandbox' ? `--platform ${options.platform}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    seed: options.seed,
    ok: report.violations.length === 0,
    crashes,
    ghostsInjected,
    targetsMutated,
    posted: report.usedPermits,
    report,
    command: `npm run sim -- --seeds ${options.seed} --minutes ${minutes} ${flags}`.trim(),
  };
}

/**
 * One seed in three runs with a ten-minute quiet window inside its traffic (the run starts at
 * 08:00 UTC), so replies approved before it must wait, whenever their permits were granted.
 */
function quietHoursFor(seed: number): Record<string, string> {
  if (seed % 3 !== 0) return {};
  const from = 5 + (seed % 20);
  return {
    REPLYWRIGHT_QUIET_HOURS: `08:${String(from).padStart(2, '0')}-08:${String(from + 10).padStart(2, '0')}`,
  };
}

/** Deletes, or turns into a reply, the target of a queued candidate — after discovery. */
function mutateQueuedTarget(store: Store, platform: SandboxPlatform, random: () => number): boolean {
  const rows = store.db
    .select({ postId: candidates.postId })
    .from(candidates)
    .where(inArray(candidates.state, CANDIDATE_GROUPS.inQueue))
    .orderBy(asc(candidates.id))
    .limit(20)
    .all();
  if (rows.length === 0) return false;
  const pick = rows[Math.floor(random() * rows.length)]!;
  try {
    platform.faults.mutateTarget(pick.postId, random() < 0.5 ? 'delete' : 'make_reply');
    return true;
  } catch {
    return false;
  }
}

function summarize(store: Store): Record<string, unknown> {
  const { db } = store;
  return {
    candidates: db
      .select({ state: candidates.state, reasonCode: candidates.reasonCode, n: count() })
      .from(candidates)
      .groupBy(candidates.state, candidates.reasonCode)
      .all(),
    slo: db.select({ reason: sloEvents.reason, n: count() }).from(sloEvents).groupBy(sloEvents.reason).all(),
    permits: db
      .select({ state: permits.state, reasonCode: permits.reasonCode, n: count() })
      .from(permits)
      .groupBy(permits.state, permits.reasonCode)
      .all(),
    runs: db
      .select({ job: jobRuns.job, status: jobRuns.status, reason: jobRuns.reason, n: count() })
      .from(jobRuns)
      .groupBy(jobRuns.job, jobRuns.status, jobRuns.reason)
      .all(),
  };
}
