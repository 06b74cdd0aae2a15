import { migrate } from '../db/migrate.ts';
import { openStore } from '../db/store.ts';
import { queueHead } from '../src/jobs/queue.ts';
import { seededDb } from './seed.ts';
import { fmt, fmtRatio, nowMs, ratio, summarize } from './stats.ts';
import type { BenchFn } from './types.ts';

/**
 * 4. Scheduler pick: latency of `queueHead` (the scheduler's choice: tier, then score, then
 * expiry) with N queued entries, against a raw one-statement `select … order by … limit 1`
 * on the same table and connection. Calls alternate (the raw select within a time budget), so
 * both see the same machine; both must name the same entry. The raw select reads the whole
 * queue, which evicts SQLite's page cache: a pick right after it is a cold pick (~1.5 ms at 1M,
 * against ~0.3 ms warm) and is reported apart, so the goal is judged on the picks that follow
 * a pick — what the scheduler sees — and not on the benchmark's own interference.
 */
export const GOAL_P99_MS = 1;

const RAW = `select id, candidate_id, tier, score, expires_at from queue_entries
  where status = 'queued' and expires_at > ?
  order by tier asc, score desc, expires_at asc, id asc limit 1`;

export const queuePickBench: BenchFn = async ({ quick, workDir }) => {
  const n = quick ? 50_000 : 1_000_000;
  const store = await openStore(await seededDb(workDir, n, { lowScores: true }));
  migrate(store);
  const raw = store.driver.prepare(RAW);
  const now = Date.now();
  const head = queueHead(store, now);
  const rawHead = raw.get(now) as { id: string } | undefined;
  if (!head || head.queueEntryId !== rawHead?.id) {
    throw new Error(`queueHead picked ${head?.queueEntryId} but the raw select picked ${rawHead?.id}`);
  }
  const samples = { head: [] as number[], afterScan: [] as number[], raw: [] as number[] };
  const calls = quick ? 600 : 3000;
  // The raw select reads the whole queue each time: it gets a time budget, not a call count.
  const rawBudgetMs = quick ? 3000 : 20_000;
  let rawMs = 0;
  let afterScan = false;
  for (let i = 0; i < calls; i++) {
    let t = nowMs();
    queueHead(store, now);
    (afterScan ? samples.afterScan : samples.head).push(nowMs() - t);
    // The raw select follows every other pick, so half the picks follow a pick.
    afterScan = i % 2 === 0 && (rawMs < rawBudgetMs || samples.raw.length < 25);
    if (afterScan) {
      t = nowMs();
      raw.get(now);
      const ms = nowMs() - t;
      rawMs += ms;
      samples.raw.push(ms);
    }
  }
  store.close();
  const h = summarize(samples.head.slice(5));
  const r = summarize(samples.raw.slice(5));
  const cold = summarize(samples.afterScan);
  return {
    id: 'queuePick',
    title: `Scheduler pick (${fmt(n)} queued entries)`,
    rows: [
      {
        measure: 'queueHead p50',
        value: h.p50,
        unit: 'ms',
        comparisons: [
          {
            against: 'raw select … order by … limit 1, p50',
            ratio: ratio(h.p50, r.p50),
            referenceValue: r.p50,
          },
        ],
      },
      {
        measure: 'queueHead p99',
        value: h.p99,
        unit: 'ms',
        comparisons: [
          {
            against: 'raw select … order by … limit 1, p99',
            ratio: ratio(h.p99, r.p99),
            referenceValue: r.p99,
          },
        ],
        goal: { text: `p99 < ${GOAL_P99_MS} ms`, met: h.p99 < GOAL_P99_MS },
        note: `${h.n} calls of queueHead that followed a pick, ${r.n} of the raw select, alternating`,
      },
      {
        measure: "queueHead right after the raw select's full scan (cold page cache), p50",
        value: cold.p50,
        unit: 'ms',
        comparisons: [
          { against: 'queueHead p50, warm', ratio: ratio(cold.p50, h.p50), referenceValue: h.p50 },
        ],
        note: `${cold.n} calls; p99 ${fmt(cold.p99)} ms`,
      },
    ],
    summary: `queue pick: queueHead p50 ${fmt(h.p50)} ms, p99 ${fmt(h.p99)} ms with ${fmt(n)} queued (${fmtRatio(ratio(h.p99, r.p99))} the raw select's p99 of ${fmt(r.p99)} ms; goal p99 < ${GOAL_P99_MS} ms); ${fmt(cold.p50)} ms right after a full scan`,
    details: { n, head: h, afterScan: cold, raw: r },
    rssMb: process.memoryUsage().rss / 1_048_576,
  };
};
