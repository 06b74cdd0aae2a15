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
 * both see the same machine; both must name the same entry.
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
  const samples = { head: [] as number[], raw: [] as number[] };
  const calls = quick ? 500 : 3000;
  // The raw select reads the whole queue each time: it gets a time budget, not a call count.
  const rawBudgetMs = quick ? 3000 : 20_000;
  let rawMs = 0;
  for (let i = 0; i < calls; i++) {
    let t = nowMs();
    queueHead(store, now);
    samples.head.push(nowMs() - t);
    if (rawMs < rawBudgetMs || samples.raw.length < 25) {
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
        note: `${h.n} calls of queueHead, ${r.n} of the raw select, alternating`,
      },
    ],
    summary: `queue pick: queueHead p50 ${fmt(h.p50)} ms, p99 ${fmt(h.p99)} ms with ${fmt(n)} queued (${fmtRatio(ratio(h.p99, r.p99))} the raw select's p99 of ${fmt(r.p99)} ms; goal p99 < ${GOAL_P99_MS} ms)`,
    details: { n, head: h, raw: r },
    rssMb: process.memoryUsage().rss / 1_048_576,
  };
};
