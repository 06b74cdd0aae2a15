import { afterAll, describe, expect, it } from 'vitest';
import { killAllChildren } from '../../src/chaos/children.ts';
import { chaosSummary } from '../../src/chaos/report.ts';
import { expectChaosHolds } from '../support/chaosRun.ts';

/**
 * The CI-sized chaos run on Mastodon's wire format: the real pipeline process with
 * REPLYWRIGHT_PLATFORM=mastodon (the masto client against the sandbox's Mastodon dialect, keys
 * kept for Mastodon's hour and declared so) SIGKILLed 12 times (the sandbox run kills 30; this
 * one adds the Mastodon adapter under the same faults, kept short for CI) under 5xx, 429s, lost
 * responses, latency, ghosts and mutated targets, new posts shown 1 s late; checked against
 * the sandbox's ground truth.
 */
const KILLS = 12;

afterAll(() => killAllChildren());

describe('chaos on the Mastodon dialect', () => {
  it(`${KILLS} kills, platform=mastodon: no duplicate, no undetected ghost, no lost permit, every trace complete`, async () => {
    const result = await expectChaosHolds({
      kills: KILLS,
      seed: 20260109,
      platform: 'mastodon',
      keys: 'permanent',
      visibilityLagMs: 1000,
    });
    expect(chaosSummary(result)).toMatch(/^chaos: platform=mastodon keys=permanent /);
  }, 540_000);
});
