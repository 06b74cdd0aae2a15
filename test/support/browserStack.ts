import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChannel } from '../../src/app/channelFromConfig.ts';
import { platformFromConfig } from '../../src/app/platformFromConfig.ts';
import { createReplywright, type Replywright } from '../../src/app/replywright.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { createTemplateGenerator } from '../../src/generators/template.ts';
import type { PipelineDeps } from '../../src/jobs/deps.ts';
import type { ReplyChannel } from '../../src/jobs/replyChannel.ts';
import { silentLogger } from '../../src/logging.ts';
import type { PlatformAdapter } from '../../src/platforms/contract.ts';
import type { GroundTruthPost } from '../../src/proof/invariants.ts';
import type { FaultPatch } from '../../src/sandbox/faults.ts';
import { fetchGroundTruth } from '../../src/sandbox/groundTruth.ts';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/main.ts';
import { QUESTIONS } from '../../src/sandbox/texts.ts';
import type { SandboxPost } from '../../src/sandbox/types.ts';

/**
 * The real thing for browser tests: the sandbox over HTTP on a free port (its own temp DB,
 * no background traffic), replywright on a temp DB with caps and spacing relaxed, and the
 * channel chosen by REPLYWRIGHT_POSTER built by `createChannel`. Jobs run only when the test
 * says so (`supervise: false`). Every `send` is timed.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const ADMIN_TOKEN = 'browser-tests-admin-token-0123456789';

export interface BrowserStack {
  dir: string;
  sandbox: RunningSandbox;
  config: Config;
  platform: PlatformAdapter;
  app: Replywright;
  /** Milliseconds of each completed `channel.send`, successful or not. */
  sendTimes: number[];
  /** Opted-in root posts mentioning the bot, each by a new author (no cooldown between them). */
  roots(n: number): SandboxPost[];
  truth(): Promise<GroundTruthPost[]>;
  botReplies(): Promise<GroundTruthPost[]>;
  faults(patch: FaultPatch): Promise<void>;
  /** fetch once, then scheduler + poster until `posts` more replies are used (or `maxTicks`). */
  postReplies(posts: number, maxTicks?: number): Promise<number>;
  permits(): { id: string; state: string; reasonCode: string | null; actualPostId: string | null }[];
  stop(): Promise<void>;
}

let rootSeq = 0;

export async function browserStack(env: Record<string, string> = {}): Promise<BrowserStack> {
  const dir = mkdtempSync(join(tmpdir(), 'replywright-browser-'));
  const sandbox = await startSandbox({
    port: 0,
    dbPath: join(dir, 'sandbox.db'),
    seed: 7,
    trafficPerMin: 0,
    adminToken: ADMIN_TOKEN,
  });
  const config = loadConfig({
    REPLYWRIGHT_DB: join(dir, 'replywright.db'),
    REPLYWRIGHT_POSTER: 'browser',
    REPLYWRIGHT_BROWSER_PATH: CHROMIUM,
    REPLYWRIGHT_BROWSER_STATE: join(dir, 'secrets', 'browser-state.json'),
    REPLYWRIGHT_TRACES_DIR: join(dir, 'traces'),
    REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN,
    REPLYWRIGHT_MIN_SPACING_SEC: '0',
    REPLYWRIGHT_CAP_PER_HOUR: '500',
    REPLYWRIGHT_CAP_PER_DAY: '5000',
    REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: '0',
    REPLYWRIGHT_LOG_LEVEL: 'silent',
    ...env,
  });
  const platform = platformFromConfig(config, sandbox.url);
  const sendTimes: number[] = [];
  const channel = async (pipeline: PipelineDeps): Promise<ReplyChannel> =>
    timed(
      await createChannel(config, {
        platform,
        sandboxUrl: sandbox.url,
        log: silentLogger,
        pipeline,
      }),
      sendTimes,
    );
  const app = await createReplywright({
    config,
    log: silentLogger,
    platform,
    generator: createTemplateGenerator(),
    channel,
    supervise: false,
  });
  await app.start();

  const truth = (): Promise<GroundTruthPost[]> => fetchGroundTruth(sandbox.url);
  const usedCount = () =>
    (app.store.statement("select count(*) as n from permits where state = 'used'").get() as { n: number }).n;

  return {
    dir,
    sandbox,
    config,
    platform,
    app,
    sendTimes,
    roots(n) {
      return Array.from({ length: n }, () => {
        const i = rootSeq++;
        const author = `reader_${String(i).padStart(3, '0')}`;
        sandbox.platform.ensureUser({ handle: author, displayName: `Reader ${i}`, followers: 200 + 37 * i });
        return sandbox.platform.createPost({
          author,
          text: `@${config.REPLYWRIGHT_ACCOUNT} ${QUESTIONS[i % QUESTIONS.length]} (#${i})`,
          inReplyToId: null,
          origin: 'traffic:mention',
        }).post;
      });
    },
    truth,
    async botReplies() {
      return (await truth()).filter((p) => p.author === config.REPLYWRIGHT_ACCOUNT && p.inReplyToId !== null);
    },
    async faults(patch) {
      const response = await fetch(`${sandbox.url}/admin/faults`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(patch),
      });
      if (!response.ok) throw new Error(`POST /admin/faults: ${response.status}`);
    },
    async postReplies(posts, maxTicks = posts * 3) {
      const before = usedCount();
      await app.runOnce('fetch');
      for (let tick = 0; tick < maxTicks && usedCount() - before < posts; tick++) {
        await app.runOnce('scheduler');
        await app.runOnce('poster');
      }
      return usedCount() - before;
    },
    permits() {
      return app.store
        .statement(
          'select id, state, reason_code as reasonCode, actual_post_id as actualPostId from permits order by created_at',
        )
        .all() as ReturnType<BrowserStack['permits']>;
    },
    async stop() {
      await app.stop();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Wraps a channel so every send's wall time is recorded. */
export function timed(channel: ReplyChannel, times: number[]): ReplyChannel {
  return {
    name: channel.name,
    responseTimeoutMs: channel.responseTimeoutMs,
    carriesKey: channel.carriesKey,
    async send(permit, signal) {
      const started = performance.now();
      try {
        return await channel.send(permit, signal);
      } finally {
        times.push(performance.now() - started);
      }
    },
    close: () => channel.close?.() ?? Promise.resolve(),
  };
}

export function p50(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
}
