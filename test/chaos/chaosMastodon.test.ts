import { afterAll, describe, expect, it } from 'vitest';
import { killAllChildren } from '../../src/chaos/children.ts';
import { chaosProblems, chaosSummary, chaosTable } from '../../src/chaos/report.ts';
import { runChaos } from '../../src/chaos/runChaos.ts';

/**
 * The CI-sized chaos run on Mastodon's wire format: the real pipeline process with
 * REPLYWRIGHT_PLATFORM=mastodon (the masto client against the sandbox's Mastodon dialect, keys
 * kept for Mastodon's hour and declared so) SIGKILLed 12 times (the sandbox run kills 30; this
 * one adds the Mastodon adapter under the same faults, kept short for CI) under 5xx, 429s, lost
 * responses, latency, ghosts and mutated targets, new posts shown 1 s late; checked against
 * the sandbox's ground truth.
 */
const KILLS = 12;
const SEED = 20260109;

afterAll(() => killAllChildren());

describe('chaos on the Mastodon dialect', () => {
  it(`${KILLS} kills, platform=mastodon: no duplicate, no undetected ghost, no lost permit, every trace complete`, async () => {
    const result = await runChaos({
      kills: KILLS,
      seed: SEED,
      platform: 'mastodon',
      keys: 'permanent',
      visibilityLagMs: 1000,
      readyTimeoutMs: 60_000,
      postingWaitMs: 10_000,
      settleTimeoutMs: 75_000,
    });
    const context = `${chaosTable(result)}\n${chaosProblems(result).join('\n')}\nrun dir: ${result.dir}`;
    console.log(`${chaosTable(result)}\n${chaosSummary(result)}`);
    const r = result.report;
    expect(result.counters.kills, context).toBe(KILLS);
    expect(r.duplicates, context).toBe(0);
    expect(r.undetectedGhosts, context).toEqual([]);
    expect(r.lostPermits, context).toEqual([]);
    expect(r.incompleteTraces, context).toEqual([]);
    expect(chaosProblems(result), context).toEqual([]);
    expect(result.counters.killsInPosting, context).toBeGreaterThanOrEqual(Math.ceil(KILLS / 3));
    expect(result.replies, context).toBeGreaterThan(0);
    expect(chaosSummary(result)).toMatch(/^chaos: platform=mastodon keys=permanent /);
    expect(result.ok, context).toBe(true);
  }, 540_000);
});
