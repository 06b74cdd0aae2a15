import { eq } from 'drizzle-orm';
import { candidates, permits } from '../db/schema.ts';
import { createHttpApp } from '../http/app.ts';
import { PERMIT } from '../machines/stateGroups.ts';
import { countRows } from '../src/proof/queries.ts';
import { benchPipeline } from './pipeline.ts';
import { rssMb } from './stats.ts';

/**
 * The process the memory benchmark measures: `node --import tsx bench/memoryEntry.ts <db> <ticks>`.
 * Boots replywright on the DB (restore included), then runs `ticks` rounds of fetch →
 * scheduler → poster → reconciler against the in-process sandbox (fresh mentions each round,
 * so every round posts), plus a /api/status and a /metrics read. Prints one JSON line.
 */
async function main(): Promise<void> {
  const [dbPath, ticksArg] = process.argv.slice(2);
  if (!dbPath) throw new Error('usage: memoryEntry.ts <db path> <ticks>');
  const pipeline = await benchPipeline(dbPath);
  const { app } = pipeline;
  const beforeBootMb = rssMb();
  await app.start();
  const afterBootMb = rssMb();
  const http = createHttpApp(app);
  const samples: number[] = [afterBootMb];
  const jobs = ['fetch', 'scheduler', 'poster', 'reconciler'] as const;
  for (let t = 0; t < Number(ticksArg ?? 3); t++) {
    pipeline.addMentions(3);
    for (const job of jobs) {
      await app.runOnce(job);
      samples.push(rssMb());
    }
    for (const path of ['/api/status', '/metrics']) {
      const res = await http.request(path);
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      await res.text();
      samples.push(rssMb());
    }
  }
  const posted = countRows(app.store, permits, eq(permits.state, PERMIT.used));
  const candidateCount = countRows(app.store, candidates);
  const result = {
    beforeBootMb,
    afterBootMb,
    rssMb: rssMb(),
    maxSampleMb: Math.max(...samples),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: process.memoryUsage().heapUsed / 1_048_576,
    posted,
    candidates: candidateCount,
    restored: app.recovery?.restore.active ?? 0,
  };
  await pipeline.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
