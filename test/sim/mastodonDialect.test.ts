import { describe, it } from 'vitest';
import { runSimulation } from '../../src/sim/simulation.ts';
import { expectSimHeld } from '../support/simSeeds.ts';

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
      expectSimHeld(result, 'mastodon');
    },
    180_000,
  );
});
