import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/sim/simulation.ts';

/**
 * The simulator with `--platform mastodon`: the Mastodon adapter (the masto client over
 * loopback HTTP) against the sandbox's Mastodon dialect, declaring what it plays (Mastodon's
 * one-hour key; none at all when the sandbox keeps none), under platform faults (5xx, 429s in
 * Mastodon's form, lost responses, ghosts, mutated targets) and process deaths.
 */
describe('simulation on the Mastodon dialect', () => {
  it.each([
    [43, 'permanent'],
    [44, 'none'],
  ] as const)(
    'seed %i, keys %s: every invariant holds, no duplicate, replies posted',
    async (seed, keys) => {
      const result = await runSimulation({
        seed,
        minutes: 60,
        faults: true,
        crashes: true,
        platform: 'mastodon',
        keys,
        visibilityLagMs: keys === 'none' ? 1500 : 0,
      });
      expect(result.report.violations).toEqual([]);
      expect(result.report.duplicates).toBe(0);
      expect(result.report.lostPermits).toEqual([]);
      expect(result.report.undetectedGhosts).toEqual([]);
      expect(result.posted).toBeGreaterThan(0);
      expect(result.crashes).toBeGreaterThan(0);
      expect(result.command).toContain('--platform mastodon');
    },
    180_000,
  );
});
