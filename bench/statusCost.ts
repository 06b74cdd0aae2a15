import { createHttpApp } from '../http/app.ts';
import { benchPipeline } from './pipeline.ts';
import { seededDb } from './seed.ts';
import { nowMs, summarize } from './stats.ts';

/**
 * What one /api/status and one /metrics cost in process (no socket, no load) with `n`
 * candidates discovered and queued in the last minutes: the handlers' own time, to show how
 * it grows with the window's activity.
 */
export async function routeCost(workDir: string, n: number, calls: number): Promise<Record<string, number>> {
  const pipeline = await benchPipeline(await seededDb(workDir, n));
  await pipeline.app.start();
  const http = createHttpApp(pipeline.app);
  const out: Record<string, number> = {};
  for (const path of ['/healthz', '/api/status', '/metrics']) {
    const times: number[] = [];
    for (let i = 0; i < calls + 3; i++) {
      const t = nowMs();
      const res = await http.request(path);
      await res.text();
      // unsupervised here, so /healthz answers 503 (not ready) after doing all its checks
      if (res.status !== 200 && path !== '/healthz') throw new Error(`${path} answered ${res.status}`);
      if (i >= 3) times.push(nowMs() - t);
    }
    out[path] = summarize(times).p50;
  }
  await pipeline.close();
  return out;
}
