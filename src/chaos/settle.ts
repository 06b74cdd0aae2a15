import type { NodeChild } from './children.ts';
import { pollUntil, sleep } from './http.ts';
import { PipelineWatch } from './pipelineWatch.ts';
import { bootPipeline, type ChaosWorld, pipelineDbPath } from './processes.ts';
import type { SandboxAdmin } from './sandboxAdmin.ts';

export interface SettleResult {
  quiet: boolean;
  /** When the pipeline was told to stop: deadlines after it are not the pipeline's to keep. */
  stoppedAt: number;
  incidents: string[];
}

/**
 * Faults off, traffic off, one more life for the pipeline, run until quiet — no permit
 * approved, posting or unconfirmed, and the reconciler has completed two runs since — or until
 * `timeoutMs`; then SIGTERM and wait for the drain.
 */
export async function settle(
  world: ChaosWorld,
  sandboxUrl: string,
  admin: SandboxAdmin,
  watch: PipelineWatch | null,
  timeoutMs: number,
): Promise<SettleResult & { watch: PipelineWatch }> {
  await admin.setFaults({ errorRate: 0, latencyMs: 0, rateLimit: null, dropResponseRate: 0 });
  await admin.traffic(0);
  const since = Date.now();
  const { child } = await bootPipeline(world, sandboxUrl);
  const db = watch ?? new PipelineWatch(pipelineDbPath(world));
  let streak = 0;
  const quiet = await pollUntil(
    () => {
      const open = db.openCount();
      const reconciled = db.reconcilerRunsSince(since) ?? 0;
      streak = open === 0 && reconciled >= 2 ? streak + 1 : 0;
      return streak >= 2;
    },
    { timeoutMs, intervalMs: 500, giveUp: () => !child.alive },
  );
  const incidents: string[] = [];
  if (!child.alive) {
    const exit = await child.exited;
    incidents.push(`pipeline exited on its own while settling (${exit.code ?? exit.signal})`);
    return { quiet, stoppedAt: Date.now(), incidents, watch: db };
  }
  const stoppedAt = Date.now();
  const drained = await stop(child, 40_000);
  if (!drained) incidents.push('pipeline did not drain within 40 s of SIGTERM');
  else if (drained.code !== 0) incidents.push(`pipeline drain exited with ${drained.code ?? drained.signal}`);
  return { quiet, stoppedAt, incidents, watch: db };
}

/** SIGTERM, then SIGKILL after `graceMs`; the exit, or null when it had to be killed. */
export async function stop(child: NodeChild, graceMs: number) {
  child.signal('SIGTERM');
  const timer = new AbortController();
  const exit = await Promise.race([
    child.exited,
    sleep(graceMs, null, { signal: timer.signal }).catch(() => null),
  ]);
  timer.abort();
  if (exit) return exit;
  child.signal('SIGKILL');
  await child.exited;
  return null;
}
