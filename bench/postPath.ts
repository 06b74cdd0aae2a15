import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { permits } from '../db/schema.ts';
import { PERMIT } from '../machines/stateGroups.ts';
import type { PlatformAdapter } from '../src/platforms/contract.ts';
import { withOverrides } from '../src/platforms/delegate.ts';
import { createSandboxInProcessAdapter } from '../src/platforms/sandbox/inProcessAdapter.ts';
import { countRows } from '../src/proof/queries.ts';
import { benchPipeline } from './pipeline.ts';
import { fmt, fmtRatio, nowMs, ratio, summarize } from './stats.ts';
import type { BenchFn, Row } from './types.ts';
import { freshStore } from './workspace.ts';

/**
 * 6. Post path: one poster run turning an approved permit into `used` through the API channel
 * — re-check of the target, `posting` committed with fsync, createReply, `used` with its
 * events — on the in-process sandbox with zero latency, against the bare createReply call
 * on the same platform, alternating. Each permit is made by the real fetch and scheduler
 * (untimed) from a fresh mention.
 */
const BROWSER_FILE = fileURLToPath(new URL('./browser-post.json', import.meta.url));

export const postPathBench: BenchFn = async ({ quick, workDir }) => {
  const n = quick ? 20 : 300;
  const store = await freshStore(workDir, 'post');
  store.close();
  // Every platform call the poster makes, by method: the price of asking before posting.
  const calls = new Map<string, number>();
  let counting = false;
  const pipeline = await benchPipeline(store.path, {
    platform: (a) => countingCalls(a, calls, () => counting),
  });
  const { app, platform } = pipeline;
  await app.start();
  const bare = createSandboxInProcessAdapter({ platform });
  const samples = { poster: [] as number[], bare: [] as number[] };
  for (let i = 0; i < n + 3; i++) {
    pipeline.addMentions(1);
    await app.runOnce('fetch');
    const scheduled = await app.runOnce('scheduler');
    if (scheduled.reason !== 'posted' && scheduled.reason !== 'permitted') {
      throw new Error(`scheduler run ${i} ended ${String(scheduled.reason)}`);
    }
    let t = nowMs();
    counting = i >= 3;
    const stats = await app.runOnce('poster');
    counting = false;
    const posterMs = nowMs() - t;
    if (stats.posted !== 1) throw new Error(`poster run ${i} did not post: ${JSON.stringify(stats)}`);
    const target = platform.createPost({ author: 'alice', text: `a root post to answer, number ${i}` }).post;
    t = nowMs();
    await bare.createReply({
      targetId: target.id,
      text: `bare reply ${i}`,
      idempotencyKey: `bare-${i}`,
      attempt: 1,
    });
    const bareMs = nowMs() - t;
    if (i >= 3) {
      samples.poster.push(posterMs);
      samples.bare.push(bareMs);
    }
  }
  const used = countRows(app.store, permits, eq(permits.state, PERMIT.used));
  await pipeline.close();
  const p = summarize(samples.poster);
  const b = summarize(samples.bare);
  const rows: Row[] = [
    {
      measure: 'permit approved → used, API channel (one poster run), p50',
      value: p.p50,
      unit: 'ms',
      comparisons: [{ against: 'bare createReply p50', ratio: ratio(p.p50, b.p50), referenceValue: b.p50 }],
    },
    {
      measure: 'permit approved → used, API channel (one poster run), p99',
      value: p.p99,
      unit: 'ms',
      comparisons: [{ against: 'bare createReply p99', ratio: ratio(p.p99, b.p99), referenceValue: b.p99 }],
      note: `${p.n} permits, ${used} used in all; includes the run bracket and the fsync'd \`posting\` commit`,
    },
    {
      measure: 'platform calls per posted reply (poster)',
      value: [...calls.values()].reduce((a, b) => a + b, 0) / p.n,
      unit: 'calls',
      comparisons: [],
      note: `${[...calls].map(([method, count]) => `${method} ${fmt(count / p.n)}`).join(', ')}: the target re-check, the own-reply lookup before the attempt (one read per reply, on every platform), the create`,
    },
    browserRow(),
  ];
  return {
    id: 'post',
    title: 'Post path (in-process sandbox, zero platform latency)',
    rows,
    summary: `post: permit → used p50 ${fmt(p.p50)} ms, p99 ${fmt(p.p99)} ms via the API channel (${fmtRatio(ratio(p.p50, b.p50))} the bare createReply p50 of ${fmt(b.p50)} ms)`,
    details: { n, poster: p, bare: b, used },
    rssMb: process.memoryUsage().rss / 1_048_576,
  };
};

function countingCalls(
  adapter: PlatformAdapter,
  calls: Map<string, number>,
  counting: () => boolean,
): PlatformAdapter {
  const count = (method: string) => {
    if (counting()) calls.set(method, (calls.get(method) ?? 0) + 1);
  };
  return withOverrides(adapter, {
    getPost: (id) => {
      count('getPost');
      return adapter.getPost(id);
    },
    ownRepliesTo: (target, since) => {
      count('ownRepliesTo');
      return adapter.ownRepliesTo(target, since);
    },
    createReply: (request) => {
      count('createReply');
      return adapter.createReply(request);
    },
  });
}

/** The browser poster is measured by another engineer into bench/browser-post.json. */
function browserRow(): Row {
  if (!existsSync(BROWSER_FILE)) {
    return {
      measure: 'browser poster, per post',
      value: Number.NaN,
      unit: 'ms',
      comparisons: [],
      note: 'see issue notes',
    };
  }
  const data = JSON.parse(readFileSync(BROWSER_FILE, 'utf8')) as Record<string, unknown>;
  const p50 = Number(data.p50Ms ?? data.p50 ?? Number.NaN);
  const p99 = data.p99Ms ?? data.p99;
  return {
    measure: 'browser poster, per post, p50 (from bench/browser-post.json)',
    value: p50,
    unit: 'ms',
    comparisons: [],
    note: p99 === undefined ? 'measured separately' : `p99 ${String(p99)} ms; measured separately`,
  };
}
