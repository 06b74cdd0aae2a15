import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seededDb } from './seed.ts';
import { spawnTs } from './spawnTs.ts';
import { fmt, fmtRatio, nowMs, ratio } from './stats.ts';
import type { BenchFn } from './types.ts';
import { freshStore } from './workspace.ts';

/**
 * 2. Restore: time from spawning the process to its first 200 on /healthz, with N
 * non-terminal persisted actors in a file DB, against the same process on an empty DB
 * (the ratio shows how much of it the actors cost, whatever the machine's load). Boots
 * alternate empty/full; the median of each is reported.
 */
export const GOAL_MS = 2000;
const ENTRY = fileURLToPath(new URL('./serveEntry.ts', import.meta.url));

interface Boot {
  readyMs: number;
  rssMb: number;
  restored: number;
  restoreMs: number;
}

function vmRssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function boot(dbPath: string): Promise<Boot> {
  const started = nowMs();
  let info: { url: string; restored: number; restoreMs: number; rssMb: number } | null = null;
  let announce: () => void = () => {};
  const announced = new Promise<void>((resolve) => {
    announce = resolve;
  });
  const proc = spawnTs(ENTRY, [dbPath], {
    onLine: (line) => {
      if (line.startsWith('{')) {
        info = JSON.parse(line) as NonNullable<typeof info>;
        announce();
      }
    },
  });
  try {
    await Promise.race([
      announced,
      proc.exited.then((code) => {
        throw new Error(`serveEntry exited with ${code}: ${proc.stderr()}`);
      }),
    ]);
    const { url, restored, restoreMs, rssMb } = info!;
    for (;;) {
      const res = await fetch(`${url}/healthz`).catch(() => null);
      if (res?.status === 200) break;
      await res?.body?.cancel();
      if (nowMs() - started > 60_000) throw new Error('healthz never answered 200');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const readyMs = nowMs() - started;
    return { readyMs, rssMb: vmRssMb(proc.child.pid!) ?? rssMb, restored, restoreMs };
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const restoreBench: BenchFn = async ({ quick, workDir }) => {
  const n = quick ? 10_000 : 100_000;
  const trials = quick ? 1 : 3;
  const full = await seededDb(workDir, n);
  const emptyStore = await freshStore(workDir, 'restore-empty');
  const empty = emptyStore.path;
  emptyStore.close();
  const boots: { empty: Boot[]; full: Boot[] } = { empty: [], full: [] };
  await boot(empty); // warms tsx's transform cache and the OS file cache, untimed
  for (let t = 0; t < trials; t++) {
    boots.empty.push(await boot(empty));
    boots.full.push(await boot(full));
  }
  const restored = boots.full[0]!.restored;
  if (restored < n - 10) throw new Error(`restored ${restored} actors, expected ${n}`);
  const fullMs = median(boots.full.map((b) => b.readyMs));
  const emptyMs = median(boots.empty.map((b) => b.readyMs));
  const fullRss = median(boots.full.map((b) => b.rssMb));
  const emptyRss = median(boots.empty.map((b) => b.rssMb));
  const restoreMs = median(boots.full.map((b) => b.restoreMs));
  return {
    id: 'restore',
    title: `Restore (${fmt(n)} non-terminal actors, file DB)`,
    rows: [
      {
        measure: `process start → /healthz 200, ${fmt(n)} actors`,
        value: fullMs,
        unit: 'ms',
        comparisons: [
          { against: 'same process, empty DB', ratio: ratio(fullMs, emptyMs), referenceValue: emptyMs },
        ],
        goal: { text: `< ${fmt(GOAL_MS)} ms`, met: fullMs < GOAL_MS },
        note: `restoreActors itself: ${fmt(restoreMs)} ms; median of ${trials}`,
      },
      {
        measure: `RSS after restore, ${fmt(n)} actors`,
        value: fullRss,
        unit: 'MB',
        comparisons: [
          { against: 'same process, empty DB', ratio: ratio(fullRss, emptyRss), referenceValue: emptyRss },
        ],
      },
    ],
    summary: `restore: ${fmt(n)} actors ready in ${fmt(fullMs)} ms (${fmtRatio(ratio(fullMs, emptyMs))} the empty-DB boot of ${fmt(emptyMs)} ms; goal < ${fmt(GOAL_MS)} ms), RSS ${fmt(fullRss)} MB`,
    details: { n, trials, boots },
    rssMb: fullRss,
  };
};
