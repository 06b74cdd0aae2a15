import { afterAll, describe, expect, it } from 'vitest';
import { killAllChildren } from '../../src/chaos/children.ts';
import { chaosSummary } from '../../src/chaos/report.ts';
import { expectChaosHolds } from '../support/chaosRun.ts';

/**
 * The CI-sized chaos run on X's wire format: the real pipeline process with
 * REPLYWRIGHT_PLATFORM=x (twitter-api-v2 against the sandbox's X dialect: no idempotency key at
 * all) SIGKILLed 12 times (the sandbox run kills 30; this one adds the X adapter under the same faults, kept short for CI) under 5xx, 429s, lost responses, latency, ghosts and mutated targets,
 * new posts shown 1 s late; checked against the sandbox's ground truth.
 */
const KILLS = 12;

afterAll(() => killAllChildren());

describe('chaos on the X dialect', () => {
  it(`${KILLS} kills, platform=x: no duplicate, no undetected ghost, no lost permit, every trace complete`, async () => {
    const result = await expectChaosHolds({
      kills: KILLS,
      seed: 20260109,
      platform: 'x',
      visibilityLagMs: 1000,
    });
    expect(result.keys).toBe('none');
    expect(chaosSummary(result)).toMatch(/^chaos: platform=x keys=none /);
  }, 540_000);
});
