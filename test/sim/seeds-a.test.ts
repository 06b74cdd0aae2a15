import { describe, it } from 'vitest';
import { expectSeedsHold } from '../support/simSeeds.ts';

describe('deterministic simulation', () => {
  it(
    'holds every invariant for seeds 1..100 (keys remembered for 60 s, browser-like slow clicks)',
    () => expectSeedsHold(1, 100, { keys: 'window:60', slowClicks: true }),
    300_000,
  );
});
