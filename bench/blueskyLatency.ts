import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { AtpAgent } from '@atproto/api';
import { eq } from 'drizzle-orm';
import { candidates, permits } from '../db/schema.ts';
import type { Store } from '../db/store.ts';
import { createReplywright } from '../src/app/replywright.ts';
import { intervalsFor } from '../src/config/intervals.ts';
import { createTemplateGenerator } from '../src/generators/template.ts';
import { silentLogger } from '../src/logging.ts';
import { blueskyFromConfig } from '../src/platforms/bluesky/fromConfig.ts';
import { postIdOf } from '../src/platforms/bluesky/postIds.ts';
import { blueskyConfig } from '../test/bluesky/blueskyPipeline.ts';
import { type LocalNetwork, postMentioning, startLocalNetwork } from '../test/bluesky/localNetwork.ts';
import { fmt, nowMs, ratio, summarize } from './stats.ts';
import type { BenchFn, Row } from './types.ts';

/**
 * Mention → reply latency on a real local AT Protocol network (PLC + PDS + AppView): a user
 * posts a root post mentioning the bot; the clock stops when the bot's reply shows in the
 * AppView's getPostThread of that post (what the user sees), and separately when the reply
 * record is in the bot's repo on the PDS. The pipeline runs supervised at the `dev` job
 * cadence (REPLYWRIGHT_SPEED=dev), caps, spacing and cooldown set so they never bind. One
 * mention at a time, each after a random 0–4 s pause so the mentions land at every phase of
 * the job cycle. The watchers poll every 50 ms.
 */
const POLL_MS = 50;

export const blueskyLatencyBench: BenchFn = async ({ quick, workDir }) => {
  const n = quick ? 3 : 30;
  const net = await startLocalNetwork();
  const dir = mkdtempSync(join(workDir, 'bluesky-'));
  const config = blueskyConfig(net, dir, { REPLYWRIGHT_SPEED: 'dev' });
  const intervals = intervalsFor(config);
  const app = await createReplywright({
    config,
    log: silentLogger,
    platform: blueskyFromConfig(config),
    generator: createTemplateGenerator(),
    intervals,
  });
  const visible: number[] = [];
  const committed: number[] = [];
  const indexing: number[] = [];
  const phases: { discovered: number; permitted: number; postingStarted: number }[] = [];
  try {
    await app.start();
    for (let i = 0; i < n; i++) {
      await sleep(Math.random() * 4_000);
      const agent = await net.agent(i % net.users.length);
      const started = nowMs();
      const wallStart = Date.now();
      const mention = await postMentioning(agent, net.bot, probeText(i));
      const [inRepo, inThread] = await Promise.all([
        until(() => replyInRepo(net, agent, mention.uri)),
        until(() => replyInThread(net, agent, mention.uri)),
      ]);
      committed.push(inRepo - started);
      visible.push(inThread - started);
      indexing.push(Math.max(0, inThread - inRepo));
      const row = pipelineTimes(app.store, postIdOf(mention.uri));
      if (row) {
        phases.push({
          discovered: row.discovered - wallStart,
          permitted: row.permitted - wallStart,
          postingStarted: (row.postingStarted ?? Number.NaN) - wallStart,
        });
      }
    }
  } finally {
    await app.stop();
    await net.stop();
  }
  const phase = (key: 'discovered' | 'permitted' | 'postingStarted') =>
    summarize(phases.map((p) => p[key])).p50;
  const v = summarize(visible);
  const c = summarize(committed);
  const lag = summarize(indexing);
  const fetchMs = intervals.fetch.intervalMs;
  const rows: Row[] = [
    {
      measure: 'mention → reply visible in getPostThread (AppView), p50',
      value: v.p50,
      unit: 'ms',
      comparisons: [
        { against: 'the dev fetch interval', ratio: ratio(v.p50, fetchMs), referenceValue: fetchMs },
      ],
      goal: { text: 'p50 < 3 s at the dev interval', met: v.p50 < 3_000 },
      note: `${v.n} mentions, one at a time; p99 ${fmt(v.p99)} ms; jobs at the dev cadence (fetch ${intervals.fetch.intervalMs / 1000} s, scheduler ${intervals.scheduler.intervalMs / 1000} s, poster ${intervals.poster.intervalMs / 1000} s); watchers poll every ${POLL_MS} ms`,
    },
    {
      measure: 'mention → reply visible in getPostThread (AppView), p99',
      value: v.p99,
      unit: 'ms',
      comparisons: [
        { against: 'the dev fetch interval', ratio: ratio(v.p99, fetchMs), referenceValue: fetchMs },
      ],
    },
    {
      measure:
        'where the time goes, p50 from the mention: discovered (fetch) → permit (scheduler) → posting (poster)',
      value: phase('postingStarted'),
      unit: 'ms',
      comparisons: [],
      note: `discovered ${fmt(phase('discovered'))} ms, permit ${fmt(phase('permitted'))} ms, posting started ${fmt(phase('postingStarted'))} ms`,
    },
    {
      measure: 'mention → reply record in the bot repo (PDS), p50',
      value: c.p50,
      unit: 'ms',
      comparisons: [],
      note: `p99 ${fmt(c.p99)} ms`,
    },
    {
      measure: 'reply in the repo → visible in the AppView (firehose indexing), p50',
      value: lag.p50,
      unit: 'ms',
      comparisons: [],
      note: `p99 ${fmt(lag.p99)} ms: the visibility lag of AppView reads (ownRepliesTo reads the PDS, which has none)`,
    },
  ];
  return {
    id: 'blueskyLatency',
    title: 'Bluesky: mention → reply on a real local AT Protocol network',
    rows,
    summary: `blueskyLatency: mention → reply visible p50 ${fmt(v.p50)} ms, p99 ${fmt(v.p99)} ms (${v.n} mentions, dev cadence, fetch every ${fetchMs / 1000} s); AppView indexing p50 ${fmt(lag.p50)} ms`,
    details: {
      n,
      phasesMs: phases,
      visibleMs: visible,
      committedMs: committed,
      indexingMs: indexing,
      intervals,
      networkStartMs: net.startMs,
    },
    rssMb: process.memoryUsage().rss / 1_048_576,
  };
};

async function replyInRepo(net: LocalNetwork, agent: AtpAgent, uri: string): Promise<boolean> {
  const res = await agent.com.atproto.repo.listRecords({
    repo: net.bot.did,
    collection: 'app.bsky.feed.post',
    limit: 10,
  });
  return res.data.records.some(
    (r) => (r.value as { reply?: { parent: { uri: string } } }).reply?.parent.uri === uri,
  );
}

/** When the pipeline discovered the post, permitted a reply to it and began posting it. */
function pipelineTimes(store: Store, postId: string | null) {
  if (postId === null) return undefined;
  return store.db
    .select({
      discovered: candidates.discoveredAt,
      permitted: permits.createdAt,
      postingStarted: permits.postingStartedAt,
    })
    .from(candidates)
    .innerJoin(permits, eq(permits.candidateId, candidates.id))
    .where(eq(candidates.postId, postId))
    .get();
}

async function replyInThread(net: LocalNetwork, agent: AtpAgent, uri: string): Promise<boolean> {
  const res = await agent.getPostThread({ uri, depth: 1 });
  const replies = (res.data.thread as { replies?: { post?: { author?: { did?: string } } }[] }).replies ?? [];
  return replies.some((r) => r.post?.author?.did === net.bot.did);
}

/** The time (nowMs) at which `check` first held; fails after 60 s. */
async function until(check: () => Promise<boolean>): Promise<number> {
  const deadline = nowMs() + 60_000;
  while (nowMs() < deadline) {
    if (await check().catch(() => false)) return nowMs();
    await sleep(POLL_MS);
  }
  throw new Error('no reply within 60 s');
}

const WORDS = [
  'gardens',
  'compilers',
  'rivers',
  'jazz',
  'satellites',
  'bread',
  'glaciers',
  'typography',
  'chess',
  'volcanoes',
  'bicycles',
  'lichens',
  'opera',
  'tides',
  'origami',
  'comets',
  'ferns',
  'carpentry',
  'owls',
  'deserts',
  'violins',
  'coral',
  'maps',
  'lanterns',
  'beekeeping',
  'quasars',
  'pottery',
  'harbors',
  'mosses',
  'telescopes',
];

/** Mentions about different things: the content gate refuses near-duplicate replies, and the template quotes the post. */
function probeText(i: number): string {
  const a = WORDS[i % WORDS.length]!;
  const b = WORDS[(i * 7 + 3) % WORDS.length]!;
  return `what do you think connects ${a} and ${b}? (probe ${i})`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
