import { describe, it } from 'vitest';
import { expectSeedsHold } from '../support/simSeeds.ts';

describe('deterministic simulation', () => {
  it(
    'holds every invariant for seeds 101..200 with no idempotency keys, a 1.5 s visibility lag and slow clicks',
    () => expectSeedsHold(101, 200, { keys: 'none', visibilityLagMs: 1500, slowClicks: true }),
    300_000,
  );
});
