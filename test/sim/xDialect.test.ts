import { describe, it } from 'vitest';
import { runSimulation } from '../../src/sim/simulation.ts';
import { expectSimHeld } from '../support/simSeeds.ts';

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
      expectSimHeld(result, 'x');
    },
    180_000,
  );
});
