import { expect } from 'vitest';
import { runSimulation, type SimulationOptions, type SimulationResult } from '../../src/sim/simulation.ts';

/**
 * Runs simulation seeds `from..to` (traffic, platform faults, injected ghosts, mutated targets
 * and process deaths at random instants, all from one PRNG per seed) and expects every
 * invariant to hold; a failure names the command that replays it exactly.
 */
export async function expectSeedsHold(
  from: number,
  to: number,
  world: Pick<SimulationOptions, 'keys' | 'visibilityLagMs' | 'slowClicks'> = {},
): Promise<void> {
  const failures: string[] = [];
  let crashes = 0;
  let replies = 0;
  for (let seed = from; seed <= to; seed++) {
    const result = await runSimulation({ seed, minutes: 15, faults: true, crashes: true, ...world });
    crashes += result.crashes;
    replies += result.posted;
    if (!result.ok) failures.push(`${result.command}: ${result.report.violations.join(' | ')}`);
  }
  expect(failures).toEqual([]);
  expect(crashes).toBeGreaterThan((to - from) / 2);
  expect(replies).toBeGreaterThan(to - from);
}

/** One simulated run on a platform's wire format held every invariant, with replies and crashes in it. */
export function expectSimHeld(result: SimulationResult, platform: string): void {
  expect(result.report.violations).toEqual([]);
  expect(result.report.duplicates).toBe(0);
  expect(result.report.lostPermits).toEqual([]);
  expect(result.report.undetectedGhosts).toEqual([]);
  expect(result.posted).toBeGreaterThan(0);
  expect(result.crashes).toBeGreaterThan(0);
  expect(result.command).toContain(`--platform ${platform}`);
}
