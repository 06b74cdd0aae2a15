import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/sim/simulation.ts';

/**
 * The whole pipeline against the sandbox on the simulated clock, checked against the
 * sandbox's own record of what was posted (invariants 1–8 in README.md): non-root targets,
 * spam, parody, keyword-only posts, opt-outs and already-replied targets never get a reply;
 * caps hold; every reply has its full trace chain; every run ended; one SLO event per run.
 */
describe('pipeline on the sandbox', () => {
  it('holds every invariant over three simulated hours', async () => {
    const result = await runSimulation({ seed: 11, minutes: 180, trafficPerMin: 8 });
    expect(result.report.violations).toEqual([]);
    expect(result.posted).toBeGreaterThanOrEqual(10);
    expect(result.report.botPosts).toBe(result.posted);
  }, 120_000);

  it('holds with 20% platform errors, 429s and dropped responses', async () => {
    const result = await runSimulation({
      seed: 12,
      minutes: 120,
      trafficPerMin: 8,
      faults: true,
      faultRates: { errorRate: 0.2, rate429: 0.05, dropResponseRate: 0.2 },
    });
    expect(result.report.violations).toEqual([]);
    expect(result.report.duplicates).toBe(0);
    expect(result.report.lostPermits).toEqual([]);
    expect(result.posted).toBeGreaterThan(0);
    expect(result.report.undetectedGhosts).toEqual([]);
  }, 120_000);

  it('holds with faults and process deaths at random instants', async () => {
    const result = await runSimulation({ seed: 13, minutes: 90, faults: true, crashes: true });
    expect(result.report.violations).toEqual([]);
    expect(result.crashes).toBeGreaterThan(3);
  }, 120_000);
});

describe('the invariant checker', () => {
  it('is deterministic: the same seed gives the same run', async () => {
    const a = await runSimulation({ seed: 21, minutes: 20, faults: true, crashes: true });
    const b = await runSimulation({ seed: 21, minutes: 20, faults: true, crashes: true });
    expect({ ...b, command: '' }).toEqual({ ...a, command: '' });
  }, 60_000);
});
