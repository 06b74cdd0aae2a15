import { expect } from 'vitest';
import { chaosProblems, chaosSummary, chaosTable } from '../../src/chaos/report.ts';
import { runChaos } from '../../src/chaos/runChaos.ts';
import type { ChaosOptions, ChaosResult } from '../../src/chaos/types.ts';

/**
 * One CI-sized chaos run, with the timings a shared 2-core machine needs, and what every such
 * run must show: all kills made, at least a third inside `posting`, replies made, and no
 * duplicate, undetected ghost, lost permit, incomplete trace or other problem.
 */
export async function expectChaosHolds(
  options: Omit<ChaosOptions, 'readyTimeoutMs' | 'postingWaitMs' | 'settleTimeoutMs'>,
): Promise<ChaosResult> {
  const result = await runChaos({
    readyTimeoutMs: 60_000,
    postingWaitMs: 10_000,
    settleTimeoutMs: 75_000,
    ...options,
  });
  const context = `${chaosTable(result)}\n${chaosProblems(result).join('\n')}\nrun dir: ${result.dir}`;
  console.log(`${chaosTable(result)}\n${chaosSummary(result)}`);
  const r = result.report;
  expect(result.counters.kills, context).toBe(options.kills);
  expect(r.duplicates, context).toBe(0);
  expect(r.undetectedGhosts, context).toEqual([]);
  expect(r.lostPermits, context).toEqual([]);
  expect(r.incompleteTraces, context).toEqual([]);
  expect(chaosProblems(result), context).toEqual([]);
  expect(result.counters.killsInPosting, context).toBeGreaterThanOrEqual(Math.ceil(options.kills / 3));
  expect(result.replies, context).toBeGreaterThan(0);
  expect(result.ok, context).toBe(true);
  return result;
}
