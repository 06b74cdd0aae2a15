import { createHttpApp } from '../http/app.ts';
import { serveHttp } from '../http/serve.ts';
import { benchPipeline } from './pipeline.ts';
import { rssMb } from './stats.ts';

/**
 * The process the restore benchmark starts: `node --import tsx bench/serveEntry.ts <db>`.
 * What `npm start` does (createReplywright, start: recovery and restore, supervisor, then
 * serveHttp), with the sandbox in process. Prints one JSON line once it listens; SIGTERM stops it.
 */
async function main(): Promise<void> {
  const [dbPath] = process.argv.slice(2);
  if (!dbPath) throw new Error('usage: serveEntry.ts <db path>');
  const pipeline = await benchPipeline(dbPath, { supervise: true });
  await pipeline.app.start();
  const http = await serveHttp(createHttpApp(pipeline.app), { port: 0, host: '127.0.0.1' });
  const restore = pipeline.app.recovery?.restore;
  process.stdout.write(
    `${JSON.stringify({ url: http.url, restored: restore?.active ?? 0, restoreMs: restore?.durationMs ?? 0, rssMb: rssMb() })}\n`,
  );
  process.once('SIGTERM', () => {
    void Promise.all([pipeline.close(), http.close()]).finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
