import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/proof/diagnosis.ts';
import { buildProofReport, type ProofReport } from '../../src/proof/report.ts';
import { runSimulation } from '../../src/sim/simulation.ts';

/**
 * The proof on a real run, not seeded rows: the whole pipeline on the sandbox for an hour of
 * simulated traffic, then the seed's checklist over the last 30 minutes.
 */
describe('proof report on a healthy sandbox run', () => {
  it('is OPERATIONAL with every row passing', async () => {
    let report: ProofReport | undefined;
    let blocking: string | null = 'not computed';
    const result = await runSimulation({
      seed: 5,
      minutes: 60,
      trafficPerMin: 10,
      config: { REPLYWRIGHT_CAP_PER_HOUR: '30' },
      onTrafficEnd: (store, now) => {
        report = buildProofReport(store, { now, windowMs: 30 * 60_000 });
        blocking = diagnose(store, { now, windowMs: 30 * 60_000 }).code;
      },
    });
    expect(result.ok).toBe(true);
    expect(
      report?.rows.filter((r) => !r.pass && !r.informational).map((r) => `${r.metric}: ${r.actual}`),
    ).toEqual([]);
    expect(report?.status).toBe('OPERATIONAL');
    expect(blocking).not.toBe('not computed');
  }, 60_000);
});
