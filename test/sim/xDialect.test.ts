import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/sim/simulation.ts';

/**
 * The simulator with `--platform x`: the pipeline's X adapter (twitter-api-v2 over loopback
 * HTTP) against the sandbox's X dialect, with no idempotency key anywhere, under platform
 * faults (5xx, 429s, lost responses, ghosts, mutated targets) and process deaths.
 */
describe('simulation on the X dialect', () => {
  it.each([41, 42])(
    'seed %i: every invariant holds, no duplicate, replies posted',
    async (seed) => {
      const result = await runSimulation({
        seed,
        minutes: 60,
        faults: true,
        crashes: true,
        platform: 'x',
        keys: 'none',
      });
      expect(result.report.violations).toEqual([]);
      expect(result.report.duplicates).toBe(0);
      expect(result.report.lostPermits).toEqual([]);
      expect(result.report.undetectedGhosts).toEqual([]);
      expect(result.posted).toBeGreaterThan(0);
      expect(result.crashes).toBeGreaterThan(0);
      expect(result.command).toContain('--platform x');
    },
    180_000,
  );
});
