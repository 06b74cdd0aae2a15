import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/sim/simulation.ts';

/**
 * Seeds 1..100 of the deterministic simulation: traffic, platform faults, injected ghosts,
 * mutated targets and process deaths at random instants, all from one PRNG per seed. A
 * failure names the command that replays it exactly.
 */
describe('deterministic simulation, seeds 1..100', () => {
  it('holds every invariant for every seed', async () => {
    const failures: string[] = [];
    let crashes = 0;
    let replies = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const result = await runSimulation({ seed, minutes: 15, faults: true, crashes: true });
      crashes += result.crashes;
      replies += result.posted;
      if (!result.ok) failures.push(`${result.command}: ${result.report.violations.join(' | ')}`);
    }
    expect(failures).toEqual([]);
    expect(crashes).toBeGreaterThan(50);
    expect(replies).toBeGreaterThan(100);
  }, 300_000);
});
