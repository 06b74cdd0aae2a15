import { describe, it } from 'vitest';
import { expectSeedsHold } from '../support/simSeeds.ts';

describe('deterministic simulation', () => {
  it('holds every invariant for seeds 1..100', () => expectSeedsHold(1, 100), 300_000);
});
