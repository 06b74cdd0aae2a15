import { sleep } from './http.ts';
import { PipelineWatch } from './pipelineWatch.ts';
import { bootPipeline, type ChaosWorld, pipelineDbPath } from './processes.ts';
import type { SandboxAdmin } from './sandboxAdmin.ts';
import type { ChaosCounters } from './types.ts';

export interface KillLoopContext {
  world: ChaosWorld;
  sandboxUrl: string;
  admin: SandboxAdmin;
  random: () => number;
  counters: ChaosCounters;
  postingWaitMs: number;
  /** Opened after the first boot created the DB; kept across the pipeline's lives. */
  watch: PipelineWatch | null;
}

/**
 * One life of the pipeline: boot, wait for /healthz, then SIGKILL it — either at a random
 * instant 0.3–3 s after ready (with one chaos action somewhere in between), or the moment a
 * permit is in `posting` (intent committed, platform call under way). After the kill, a
 * permit still in `posting` in the DB proves the kill landed inside posting.
 */
export async function killCycle(ctx: KillLoopContext): Promise<void> {
  const { counters, random } = ctx;
  const behind = counters.killsInPosting * 3 < counters.kills + 1;
  const postingMode = random() < 0.45 || behind;
  if (random() < 0.1) await chaosAction(ctx);
  const { child } = await bootPipeline(ctx.world, ctx.sandboxUrl);
  ctx.watch ??= new PipelineWatch(pipelineDbPath(ctx.world));
  const watch = ctx.watch;
  if (postingMode) {
    counters.postingModeKills++;
    if (random() < 0.5) await chaosAction(ctx);
    const end = Date.now() + ctx.postingWaitMs;
    while (child.alive && Date.now() < end && !((watch.postingCount() ?? 0) > 0)) await sleep(4);
  } else {
    const runtimeMs = 300 + random() * 2_700;
    const actionAtMs = random() * runtimeMs;
    const started = Date.now();
    await sleep(actionAtMs);
    await chaosAction(ctx);
    await sleep(Math.max(0, runtimeMs - (Date.now() - started)));
  }
  if (!child.alive) {
    const exit = await child.exited;
    counters.incidents.push(
      `pipeline exited on its own before kill ${counters.kills + 1} (${exit.code ?? exit.signal})`,
    );
    return;
  }
  child.signal('SIGKILL');
  await child.exited;
  counters.kills++;
  if ((await settledCount(() => watch.postingCount())) > 0) counters.killsInPosting++;
}

/** A count from the read-only connection, asked again while a lock makes it unknown. */
async function settledCount(read: () => number | null): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const n = read();
    if (n !== null) return n;
    await sleep(25);
  }
  return 0;
}

/** One seeded disturbance: a ghost post, a mutated queued target, or a new latency. */
export async function chaosAction(ctx: KillLoopContext): Promise<void> {
  const { admin, counters, random } = ctx;
  const roll = random();
  const pick = random();
  const variant = random();
  try {
    if (roll < 0.25) {
      await admin.ghost(variant < 0.5 ? 'root' : 'reply');
      counters.ghostsInjected++;
      counters.lastGhostAt = Date.now();
    } else if (roll < 0.65) {
      const targets = ctx.watch?.mutableTargets() ?? [];
      const target = targets[Math.floor(pick * targets.length)];
      if (target && (await admin.mutate(target, variant < 0.5 ? 'delete' : 'make_reply')))
        counters.targetsMutated++;
    } else {
      await admin.setFaults({ latencyMs: 50 + Math.floor(variant * 350) });
      counters.latencyChanges++;
    }
  } catch (error) {
    // A reply ghost needs a post to reply to; early on there may be none. Anything else is reported.
    const message = error instanceof Error ? error.message : String(error);
    if (!/409/.test(message)) counters.incidents.push(`chaos action failed: ${message}`);
  }
}
