import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { asc, count, eq, like, sql } from 'drizzle-orm';
import { candidates, permits, platformCalls } from '../db/schema.ts';
import { openStore } from '../db/store.ts';
import type { JobName } from '../machines/job.ts';
import { PERMIT } from '../machines/stateGroups.ts';
import { platformFromConfig } from '../src/app/platformFromConfig.ts';
import { createReplywright } from '../src/app/replywright.ts';
import { loadConfig } from '../src/config/config.ts';
import { intervalsFor } from '../src/config/intervals.ts';
import { createTemplateGenerator } from '../src/generators/template.ts';
import { silentLogger } from '../src/logging.ts';
import { countRows } from '../src/proof/queries.ts';
import { SimulatedClock } from '../src/runtime/clock.ts';
import { seededIds } from '../src/runtime/ids.ts';
import { seededRandom } from '../src/runtime/random.ts';
import { SandboxPlatform } from '../src/sandbox/platform.ts';
import { createSandboxApp } from '../src/sandbox/server.ts';
import { SEED_USERS, TrafficGenerator } from '../src/sandbox/traffic.ts';
import { SpendLedger } from '../src/spend/ledger.ts';
import { parseXPrices } from '../src/spend/prices.ts';
import { fmt } from './stats.ts';
import type { BenchFn, Row } from './types.ts';

/**
 * 7. What X costs: `REPLYWRIGHT_PLATFORM=x` with every default (caps 6/h and 40/day, prod job
 * intervals, template replies) against the sandbox's X dialect over real HTTP, on a simulated
 * clock, with the sandbox's ordinary traffic mix at a small account's rate. Every call the
 * adapter makes is priced by the spend ledger at X's default prices. Reports calls and cost
 * per posted reply, split into what each reply causes (root check, own-reply lookup, create)
 * and what watching costs whatever is posted (mentions, searches, the reconciler's timeline).
 */
const ACCOUNT = 'replywright_bot';
const TRAFFIC_PER_MIN = 2;
const PER_REPLY = new Set(['get_post', 'own_replies', 'create_reply']);

interface Scenario {
  hours: number;
  replies: number;
  calls: number;
  spend: number;
  byOp: { operation: string; calls: number; billed: number; usd: number }[];
  mentionsSeen: number;
  wallSeconds: number;
  config: ReturnType<typeof loadConfig>;
}

async function scenario(
  workDir: string,
  name: string,
  hours: number,
  env: Record<string, string>,
): Promise<Scenario> {
  const clock = new SimulatedClock();
  const platform = await SandboxPlatform.open(join(workDir, `${name}-sandbox.db`), {
    clock,
    seed: 16,
    account: ACCOUNT,
  });
  for (const user of SEED_USERS) platform.ensureUser(user);
  const traffic = new TrafficGenerator(platform, { seed: 16, perMin: 0, clock });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: createSandboxApp(platform).fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s),
    );
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({
    REPLYWRIGHT_PLATFORM: 'x',
    REPLYWRIGHT_SPEED: 'prod',
    REPLYWRIGHT_X_TOKEN_FILE: join(workDir, `${name}-x-token.json`),
    ...env,
  });
  const store = await openStore(join(workDir, `${name}.db`));
  const ledger = new SpendLedger(parseXPrices(config.REPLYWRIGHT_X_PRICES_USD));
  const adapter = platformFromConfig(config, url, { onCall: ledger.record, now: () => clock.now() });
  const intervals = intervalsFor(config);
  const app = await createReplywright({
    config,
    log: silentLogger,
    platform: adapter,
    generator: createTemplateGenerator(),
    clock,
    ids: seededIds(seededRandom(16), () => clock.now()),
    intervals,
    store,
    supervise: false,
  });
  ledger.attach(store);
  await app.start();

  const start = clock.now();
  const end = start + hours * 3_600_000;
  const next: Record<JobName, number> = {
    fetch: start,
    scheduler: start + 5_000,
    poster: start + 7_000,
    reconciler: start + 9_000,
  };
  let nextTraffic = start;
  let owed = 0;
  const wall = performance.now();
  for (;;) {
    const [job, due] = (Object.entries(next) as [JobName, number][]).reduce((a, b) => (b[1] < a[1] ? b : a));
    if (due > end) break;
    while (nextTraffic <= due) {
      await clock.advanceTo(nextTraffic);
      owed += TRAFFIC_PER_MIN;
      const n = Math.floor(owed);
      if (n > 0) traffic.generate(n);
      owed -= n;
      nextTraffic += 60_000;
    }
    await clock.advanceTo(due);
    await clock.settleWhileAdvancing(app.runOnce(job));
    next[job] = due + intervals[job].intervalMs;
  }
  const wallSeconds = (performance.now() - wall) / 1000;

  const byOp = store.db
    .select({
      operation: platformCalls.operation,
      calls: count(),
      billed: sql<number>`sum(${platformCalls.billed})`,
      usd: sql<number>`sum(${platformCalls.costUsd})`,
    })
    .from(platformCalls)
    .groupBy(platformCalls.operation)
    .orderBy(asc(platformCalls.operation))
    .all();
  const replies = countRows(store, permits, eq(permits.state, PERMIT.used));
  const botPosts = platform.groundTruth({ author: ACCOUNT }).length;
  const mentionsSeen = countRows(store, candidates, like(candidates.source, 'mentions%'));
  await app.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  platform.close();

  if (botPosts !== replies)
    throw new Error(`${name}: the bot posted ${botPosts} times for ${replies} used permits`);
  const calls = byOp.reduce((n, r) => n + r.calls, 0);
  const spend = byOp.reduce((n, r) => n + r.usd, 0);
  return { hours, replies, calls, spend, byOp, mentionsSeen, wallSeconds, config };
}

export const xCostBench: BenchFn = async ({ quick, workDir }) => {
  const hours = quick ? 3 : 24;
  const withSearch = await scenario(workDir, 'defaults', hours, {});
  // REPLYWRIGHT_SEARCH_QUERIES=',' is an empty list: mentions only.
  const mentionsOnly = await scenario(workDir, 'mentions', hours, { REPLYWRIGHT_SEARCH_QUERIES: ',' });
  const rows = [
    ...rowsOf(withSearch, 'defaults (search "replywright" watched)', true),
    ...rowsOf(mentionsOnly, 'mentions only', false),
  ];
  const d = withSearch;
  const m = mentionsOnly;
  const per = (s: Scenario) => perReply(s);
  return {
    id: 'x',
    title: 'What X costs (X dialect, default caps and prices, simulated clock)',
    rows,
    summary:
      `x: ${fmt(per(d).calls)} calls and $${per(d).usd.toFixed(4)} caused per reply; ` +
      `all calls ${fmt(d.calls / Math.max(1, d.replies))}/reply; $${((d.spend * 24) / hours).toFixed(2)}/day with the default search, ` +
      `$${((m.spend * 24) / hours).toFixed(2)}/day mentions only (${d.replies} replies in ${hours} simulated h, ${fmt(d.wallSeconds + m.wallSeconds)} s)`,
    details: { hours, trafficPerMin: TRAFFIC_PER_MIN, defaults: strip(d), mentionsOnly: strip(m) },
    rssMb: process.memoryUsage().rss / 1_048_576,
  };
};

function strip(s: Scenario) {
  const { config: _config, ...rest } = s;
  return rest;
}

function perReply(s: Scenario): { calls: number; usd: number } {
  const ops = s.byOp.filter((r) => PER_REPLY.has(r.operation));
  if (!s.replies) return { calls: Number.NaN, usd: Number.NaN };
  return {
    calls: ops.reduce((n, r) => n + r.calls, 0) / s.replies,
    usd: ops.reduce((n, r) => n + r.usd, 0) / s.replies,
  };
}

function rowsOf(s: Scenario, label: string, withGoal: boolean): Row[] {
  const { replies, calls, spend, hours, config } = s;
  const per = perReply(s);
  const breakdown = s.byOp.map((r) => `${r.operation} ${r.calls} calls $${r.usd.toFixed(3)}`).join(', ');
  return [
    {
      measure: `X, ${label}: platform calls per posted reply, caused by the reply (root check, own-reply lookup, create)`,
      value: per.calls,
      unit: 'calls',
      comparisons: [],
      ...(withGoal
        ? { goal: { text: 'at most 3 calls per reply in steady state', met: per.calls <= 3 } }
        : {}),
      note: s.byOp
        .filter((r) => PER_REPLY.has(r.operation))
        .map((r) => `${r.operation} ${fmt(r.calls / Math.max(1, replies))}`)
        .join(', '),
    },
    {
      measure: `X, ${label}: platform calls per posted reply, all jobs (polling included)`,
      value: replies ? calls / replies : Number.NaN,
      unit: 'calls',
      comparisons: [],
      note: `${calls} calls in ${hours} simulated h for ${replies} replies: the fetch and reconciler polls run whether or not anything is posted`,
    },
    {
      measure: `X, ${label}: cost per posted reply, all calls`,
      value: replies ? spend / replies : Number.NaN,
      unit: 'USD',
      comparisons: [],
      note: `of which ${per.usd.toFixed(4)} USD caused by the reply itself; ${breakdown}`,
    },
    {
      measure: `X, ${label}: spend per day at the default caps (${config.REPLYWRIGHT_CAP_PER_HOUR}/h, ${config.REPLYWRIGHT_CAP_PER_DAY}/day), ${TRAFFIC_PER_MIN} posts/min of sandbox traffic`,
      value: (spend * 24) / hours,
      unit: 'USD',
      comparisons: [],
      note: `${replies} replies and ${s.mentionsSeen} mentions read in ${hours} h${hours === 24 ? '' : ' (scaled to 24 h)'}; prices ${config.REPLYWRIGHT_X_PRICES_USD}`,
    },
  ];
}
