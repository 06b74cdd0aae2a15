import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createHttpApp } from '../http/app.ts';
import { serveHttp } from '../http/serve.ts';
import { ingestPage } from '../src/jobs/ingest.ts';
import { benchPipeline } from './pipeline.ts';
import { optedInRoot } from './synthetic.ts';
import { ingestDepsFor } from './workspace.ts';

/**
 * The server the HTTP benchmark loads: `node --import tsx bench/httpEntry.ts <db> <candidates/s>`.
 * replywright (supervised jobs running) and its HTTP app on 127.0.0.1 and, in the same process, durable ingest at a fixed
 * rate: a fetch-sized page (100 posts, one transaction) every 100 000/rate ms. Prints a JSON
 * line when it listens; on SIGTERM prints what it ingested and exits.
 */
const PAGE = 100;

async function main(): Promise<void> {
  const [dbPath, rateArg] = process.argv.slice(2);
  if (!dbPath) throw new Error('usage: httpEntry.ts <db path> <candidates per second>');
  const pipeline = await benchPipeline(dbPath, { supervise: true });
  await pipeline.app.start();
  const http = await serveHttp(createHttpApp(pipeline.app), { port: 0, host: '127.0.0.1' });
  const deps = ingestDepsFor(pipeline.app.store, pipeline.app.host);
  const source = { kind: 'mentions' as const, name: 'mentions' };
  const intervalMs = (PAGE * 1000) / Number(rateArg ?? 2000);
  let stop = false;
  let ingested = 0;
  let pageMs = 0;
  const started = performance.now();
  const ingest = (async () => {
    for (let k = 0; !stop; k++) {
      const now = Date.now();
      const page = Array.from({ length: PAGE }, (_, j) => optedInRoot(k * PAGE + j, now));
      const t = performance.now();
      ingested += ingestPage(deps, source, page, null).queued;
      pageMs = Math.max(pageMs, performance.now() - t);
      const wait = started + (k + 1) * intervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else await yieldToLoop();
    }
  })();
  process.stdout.write(`${JSON.stringify({ url: http.url })}\n`);
  process.once('SIGTERM', () => {
    stop = true;
    void ingest
      .then(async () => {
        const seconds = (performance.now() - started) / 1000;
        process.stdout.write(`${JSON.stringify({ ingested, seconds, maxPageMs: pageMs })}\n`);
        await http.close();
        await pipeline.close();
      })
      .finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
