import { describe, it } from 'vitest';
import { expectSeedsHold } from '../support/simSeeds.ts';

describe('deterministic simulation', () => {
  it('holds every invariant for seeds 101..200', () => expectSeedsHold(101, 200), 300_000);
});
