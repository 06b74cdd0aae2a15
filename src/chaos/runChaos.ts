import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../db/store.ts';
import { seededRandom } from '../runtime/random.ts';
import { killAllChildren, type NodeChild } from './children.ts';
import { type KillLoopContext, killCycle } from './killLoop.ts';
import { type ChaosWorld, pipelineDbPath, startSandboxProcess } from './processes.ts';
import { SandboxAdmin } from './sandboxAdmin.ts';
import { settle, stop } from './settle.ts';
import type { ChaosCounters, ChaosOptions, ChaosResult } from './types.ts';
import { verify } from './verify.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ACCOUNT = 'replywright_bot';

/** Faults while the kills go on: 5xx, short 429 windows, lost responses, some latency. */
const CHAOS_FAULTS = {
  errorRate: 0.1,
  latencyMs: 200,
  rateLimit: { rate429: 0.02, resetAfterMs: 1_000 },
  dropResponseRate: 0.2,
};

/**
 * The chaos harness: the sandbox as its own process, the pipeline as a child that is
 * SIGKILLed `kills` times (at random instants, and at least a third of the time while a
 * permit is in `posting`) and restarted, under injected faults, ghosts and mutated targets;
 * then faults off, a quiet drain, and the invariants against the sandbox's ground truth.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now();
  const log = options.progress ?? (() => {});
  const dir = options.keepDir ? resolve(options.keepDir) : mkdtempSync(join(tmpdir(), 'replywright-chaos-'));
  mkdirSync(dir, { recursive: true });
  const world: ChaosWorld = {
    root: ROOT,
    dir,
    adminToken: randomBytes(18).toString('hex'),
    seed: options.seed,
    readyTimeoutMs: options.readyTimeoutMs ?? 90_000,
    // X's dialect keeps no idempotency key, whatever the sandbox's own API plays.
    keys: options.platform === 'x' ? 'none' : (options.keys ?? 'permanent'),
    visibilityLagMs: options.visibilityLagMs ?? 0,
    platform: options.platform ?? 'sandbox',
  };
  const counters: ChaosCounters = {
    kills: 0,
    killsInPosting: 0,
    postingModeKills: 0,
    ghostsInjected: 0,
    lastGhostAt: 0,
    targetsMutated: 0,
    latencyChanges: 0,
    incidents: [],
  };
  let sandbox: NodeChild | null = null;
  let ctx: KillLoopContext | null = null;
  let ok = false;
  try {
    const platform = await startSandboxProcess(world);
    sandbox = platform.child;
    const admin = new SandboxAdmin(platform.url, world.adminToken);
    await admin.setFaults(CHAOS_FAULTS);
    // Opt-outs are permanent and the sandbox has eight repliable authors: without 'stop'
    // traffic a long run keeps having targets (the simulator covers opt-outs).
    await admin.traffic(options.trafficPerMin ?? 120, ['stop']);
    log(`chaos: sandbox ${platform.url}, dir ${dir}`);
    ctx = {
      world,
      sandboxUrl: platform.url,
      admin,
      random: seededRandom(options.seed),
      counters,
      postingWaitMs: options.postingWaitMs ?? 20_000,
      watch: null,
    };
    while (counters.kills < options.kills) {
      await killCycle(ctx);
      if (counters.incidents.length > 20)
        throw new Error(`too many incidents: ${counters.incidents.join('; ')}`);
      if (counters.kills % 10 === 0 || counters.kills === options.kills) {
        log(
          `chaos: ${counters.kills}/${options.kills} kills (${counters.killsInPosting} inside posting), ` +
            `${counters.ghostsInjected} ghosts, ${counters.targetsMutated} targets mutated, ${secondsSince(started)} s`,
        );
      }
    }
    log('chaos: faults off, settling');
    const settled = await settle(world, ctx.sandboxUrl, admin, ctx.watch, options.settleTimeoutMs ?? 180_000);
    ctx.watch = settled.watch;
    counters.incidents.push(...settled.incidents);
    const truth = await admin.groundTruth();
    await stop(sandbox, 10_000);
    sandbox = null;
    ctx.watch.close();
    ctx.watch = null;
    const store = await openStore(pipelineDbPath(world));
    let result: ChaosResult;
    try {
      const verdict = verify(store, truth, { account: ACCOUNT, now: settled.stoppedAt });
      result = {
        seed: options.seed,
        platform: world.platform,
        keys: world.keys,
        visibilityLagMs: world.visibilityLagMs,
        counters,
        ...verdict,
        quiet: settled.quiet,
        durationMs: Date.now() - started,
        dir,
        ok: false,
      };
    } finally {
      store.close();
    }
    const r = result.report;
    result.ok =
      r.duplicates === 0 &&
      r.undetectedGhosts.length === 0 &&
      r.lostPermits.length === 0 &&
      r.incompleteTraces.length === 0 &&
      r.violations.length === 0 &&
      counters.incidents.length === 0;
    ok = result.ok;
    return result;
  } finally {
    ctx?.watch?.close();
    if (sandbox) await stop(sandbox, 5_000);
    killAllChildren();
    if (ok && !options.keepDir) rmSync(dir, { recursive: true, force: true });
  }
}

function secondsSince(t: number): string {
  return ((Date.now() - t) / 1000).toFixed(0);
}
