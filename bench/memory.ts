import { fileURLToPath } from 'node:url';
import { seededDb } from './seed.ts';
import { spawnTs } from './spawnTs.ts';
import { fmt, fmtRatio, ratio } from './stats.ts';
import type { BenchFn } from './types.ts';
import { freshStore } from './workspace.ts';

/**
 * 3. Memory: RSS of a process running the pipeline (a few fetch/scheduler/poster/reconciler
 * ticks against the in-process sandbox) over N persisted, passivated candidates, against the
 * same process over an empty DB.
 */
export const GOAL_MB = 300;
const ENTRY = fileURLToPath(new URL('./memoryEntry.ts', import.meta.url));

interface Measured {
  beforeBootMb: number;
  afterBootMb: number;
  rssMb: number;
  maxSampleMb: number;
  peakRssMb: number;
  heapUsedMb: number;
  posted: number;
  candidates: number;
  restored: number;
}

async function measure(dbPath: string, ticks: number): Promise<Measured> {
  let result: Measured | null = null;
  const proc = spawnTs(ENTRY, [dbPath, String(ticks)], {
    onLine: (line) => {
      if (line.startsWith('{')) result = JSON.parse(line) as Measured;
    },
  });
  const code = await proc.exited;
  if (code !== 0 || !result) throw new Error(`memoryEntry exited with ${code}: ${proc.stderr()}`);
  return result;
}

export const memoryBench: BenchFn = async ({ quick, workDir }) => {
  const n = quick ? 50_000 : 1_000_000;
  const ticks = 3;
  const full = await seededDb(workDir, n, { lowScores: true });
  const emptyStore = await freshStore(workDir, 'memory-empty');
  emptyStore.close();
  const empty = await measure(emptyStore.path, ticks);
  const loaded = await measure(full, ticks);
  if (loaded.posted === 0) throw new Error('the pipeline posted nothing during the memory benchmark');
  const worst = Math.max(loaded.peakRssMb, loaded.rssMb);
  return {
    id: 'memory',
    title: `Memory (${fmt(n)} persisted candidates, pipeline running)`,
    rows: [
      {
        measure: `peak RSS, ${fmt(n)} candidates, ${ticks} ticks of every job`,
        value: worst,
        unit: 'MB',
        comparisons: [
          {
            against: 'same process, empty DB',
            ratio: ratio(worst, empty.peakRssMb),
            referenceValue: empty.peakRssMb,
          },
        ],
        goal: { text: `< ${GOAL_MB} MB`, met: worst < GOAL_MB },
        note: `RSS ${fmt(loaded.beforeBootMb)} MB before boot, ${fmt(loaded.afterBootMb)} MB after restore, ${fmt(loaded.rssMb)} MB at the end; JS heap ${fmt(loaded.heapUsedMb)} MB; ${loaded.posted} replies posted; ${fmt(loaded.restored)} actors restored at boot`,
      },
    ],
    summary: `memory: peak RSS ${fmt(worst)} MB with ${fmt(n)} persisted candidates while the pipeline runs (${fmtRatio(ratio(worst, empty.peakRssMb))} the empty DB's ${fmt(empty.peakRssMb)} MB; goal < ${GOAL_MB} MB)`,
    details: { n, ticks, empty, loaded },
    rssMb: worst,
  };
};
