import { afterEach, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/proof/diagnosis.ts';
import { renderProof } from '../../src/proof/render.ts';
import { buildProofReport } from '../../src/proof/report.ts';
import {
  MIN,
  ProofFixture,
  REPORT_NOW,
  seedHealthyState,
  seedStarvedState,
} from '../support/proofFixtures.ts';
import { tempStore } from '../support/tempStore.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function fixture() {
  const t = await tempStore();
  cleanup = t.cleanup;
  return new ProofFixture(t.store);
}

const rowsOf = (report: ReturnType<typeof buildProofReport>) =>
  Object.fromEntries(report.rows.map((r) => [r.key, { actual: r.actual, pass: r.pass }]));

describe('buildProofReport', () => {
  it("reproduces the seed's table: NOT OPERATIONAL", async () => {
    const f = await fixture();
    seedStarvedState(f);
    const report = buildProofReport(f.store, { now: REPORT_NOW, windowMs: 30 * MIN });
    const rows = rowsOf(report);
    expect(rows.fetchStarted).toEqual({ actual: 4, pass: true });
    expect(rows.fetchCompleted).toEqual({ actual: 1, pass: false });
    expect(rows.queueSize).toEqual({ actual: 2, pass: false });
    expect(rows.schedulerStarted).toEqual({ actual: 2, pass: true });
    expect(rows.sloEvents).toEqual({ actual: 2, pass: true });
    expect(rows.permitsCreated).toEqual({ actual: 0, pass: false });
    expect(rows.permitsUsed).toEqual({ actual: 0, pass: false });
    expect(rows.ghosts).toEqual({ actual: 0, pass: true });
    expect(rows['jobRuns.fetch']).toEqual({ actual: '4 = 1 + 0 + 3', pass: false });
    expect(rows['jobRuns.scheduler']?.pass).toBe(true);
    expect(rows.trace).toEqual({ actual: 'no posted reply', pass: false });
    expect(rows.migrations?.pass).toBe(true);
    expect(report.status).toBe('NOT OPERATIONAL');
    expect(report.allPass).toBe(false);
    expect(report.sloReasons).toEqual([{ key: 'queue_empty', count: 2 }]);
  });

  it('is OPERATIONAL for a healthy half hour, with the latest reply traced', async () => {
    const f = await fixture();
    const { posted } = seedHealthyState(f);
    const report = buildProofReport(f.store, { now: REPORT_NOW, windowMs: 30 * MIN });
    expect(report.rows.filter((r) => !r.pass)).toEqual([]);
    expect(report.status).toBe('OPERATIONAL');
    expect(report.counts).toMatchObject({ permitsCreated: 2, permitsUsed: 2, queueSize: 12, ghosts: 0 });
    expect(report.trace?.permitId).toBe(posted[1]!.permitId);
    expect(report.trace?.complete).toBe(true);
  });

  it('counts ghosts inside the window only', async () => {
    const f = await fixture();
    seedHealthyState(f);
    expect(buildProofReport(f.store, { now: REPORT_NOW, windowMs: 4 * 60 * MIN }).counts.ghosts).toBe(1);
    f.ghost('1700000000000000099', REPORT_NOW - MIN);
    const report = buildProofReport(f.store, { now: REPORT_NOW, windowMs: 30 * MIN });
    expect(report.counts.ghosts).toBe(1);
    expect(report.status).toBe('NOT OPERATIONAL');
  });

  it('is PARTIALLY OPERATIONAL when replies go out correctly but a throughput target is missed', async () => {
    const f = await fixture();
    seedHealthyState(f);
    const report = buildProofReport(f.store, {
      now: REPORT_NOW,
      windowMs: 30 * MIN,
      targets: { schedulerStarted: 50 },
    });
    expect(report.rows.filter((r) => !r.pass).map((r) => r.key)).toEqual(['schedulerStarted']);
    expect(report.status).toBe('PARTIALLY OPERATIONAL');
  });

  it('takes target overrides', async () => {
    const f = await fixture();
    seedStarvedState(f);
    const report = buildProofReport(f.store, {
      now: REPORT_NOW,
      windowMs: 30 * MIN,
      targets: { fetchCompleted: 1, queueSize: 2 },
    });
    expect(rowsOf(report).fetchCompleted?.pass).toBe(true);
    expect(report.rows.find((r) => r.key === 'queueSize')?.target).toBe('>= 2, or >= 1 while drained');
  });

  it('passes a queue under its target only while it is drained as fast as it is fed', async () => {
    const f = await fixture();
    seedHealthyState(f);
    const queueRow = (report: ReturnType<typeof buildProofReport>) =>
      report.rows.find((r) => r.key === 'queueSize');
    const drained = queueRow(
      buildProofReport(f.store, { now: REPORT_NOW, windowMs: 30 * MIN, targets: { queueSize: 50 } }),
    );
    expect(drained).toMatchObject({ actual: 12, pass: true });
    expect(drained?.detail).toMatch(/^under 50 but fed as fast as drained: 2 permits created in 30m/);
    const starved = await fixture();
    seedStarvedState(starved);
    const row = queueRow(buildProofReport(starved.store, { now: REPORT_NOW, windowMs: 30 * MIN }));
    expect(row?.pass).toBe(false);
    expect(row?.detail).toMatch(/found nothing to pick \(queue_empty\)/);
  });

  it('flags a job whose runs do not all end (invariant 6)', async () => {
    const f = await fixture();
    seedHealthyState(f);
    f.jobRun('poster', REPORT_NOW - 3 * MIN, { status: 'running' });
    expect(
      rowsOf(buildProofReport(f.store, { now: REPORT_NOW, windowMs: 30 * MIN }))['jobRuns.poster']?.pass,
    ).toBe(true);
    f.jobRun('poster', REPORT_NOW - 2 * MIN, { status: 'running' });
    const balance = buildProofReport(f.store, { now: REPORT_NOW, windowMs: 30 * MIN }).jobRuns.find(
      (j) => j.job === 'poster',
    );
    expect(balance).toMatchObject({
      started: 4,
      completed: 2,
      failed: 0,
      inFlight: 2,
      running: 2,
      pass: false,
    });
  });

  it('fails the migrations row when the code ships a migration not applied', async () => {
    const f = await fixture();
    seedHealthyState(f);
    const report = buildProofReport(f.store, { now: REPORT_NOW, windowMs: 30 * MIN, knownMigrations: 99 });
    expect(rowsOf(report).migrations?.pass).toBe(false);
  });

  it('renders the seed-like markdown table with PASS/FAIL and the blocking reason', async () => {
    const f = await fixture();
    seedStarvedState(f);
    const options = { now: REPORT_NOW, windowMs: 30 * MIN };
    const text = renderProof(buildProofReport(f.store, options), diagnose(f.store, options));
    expect(text).toContain('| Metric | Target | Actual | Status |');
    expect(text).toContain('| Fetch started | >= 3 | 4 | PASS |');
    expect(text).toContain('| Fetch completed | >= 2 | 1 | FAIL |');
    expect(text).toContain('**Queue starvation**');
    expect(text).toContain('## STATUS: NOT OPERATIONAL');
  });
});
