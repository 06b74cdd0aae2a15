import { createReplywright, type Replywright } from '../src/app/replywright.ts';
import { loadConfig } from '../src/config/config.ts';
import { createGenerator } from '../src/generators/index.ts';
import { silentLogger } from '../src/logging.ts';
import type { PlatformAdapter } from '../src/platforms/contract.ts';
import { createSandboxInProcessAdapter } from '../src/platforms/sandbox/inProcessAdapter.ts';
import { systemClock } from '../src/runtime/clock.ts';
import { SandboxPlatform } from '../src/sandbox/platform.ts';
import { SEED_USERS } from '../src/sandbox/traffic.ts';
import { BENCH_ACCOUNT } from './synthetic.ts';
import { BENCH_ENV } from './workspace.ts';

/**
 * replywright as `npm start` assembles it, on a given DB file, against a sandbox (its own file
 * next to the DB) called in process: zero platform latency. Caps are opened up so that every tick can post.
 */
export interface BenchPipeline {
  app: Replywright;
  platform: SandboxPlatform;
  /** Adds `count` fresh opted-in root mentions of the bot to the sandbox. */
  addMentions(count: number): void;
  close(): Promise<void>;
}

const WORDS = [
  [
    'durable',
    'sqlite',
    'nightly',
    'remote',
    'layered',
    'sharded',
    'encrypted',
    'streaming',
    'batched',
    'cached',
  ],
  [
    'timers',
    'backups',
    'queues',
    'snapshots',
    'permits',
    'cursors',
    'webhooks',
    'migrations',
    'checkpoints',
    'retries',
    'quotas',
  ],
  [
    'rollout',
    'drift',
    'budgets',
    'failover',
    'tracing',
    'alerts',
    'latency',
    'ordering',
    'cleanup',
    'replay',
    'sampling',
    'audits',
    'limits',
  ],
];

/** Three salient words that change from one mention to the next (1 430 combinations), so the
 * template replies do not look alike to the content gate. */
function topicOf(i: number): string {
  return `${WORDS[0]![i % 10]} ${WORDS[1]![(i * 3) % 11]} ${WORDS[2]![(i * 7) % 13]}`;
}

export const OPEN_CAPS: Record<string, string> = {
  REPLYWRIGHT_CAP_PER_HOUR: '100000',
  REPLYWRIGHT_CAP_PER_DAY: '100000',
  REPLYWRIGHT_MIN_SPACING_SEC: '0',
  REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: '0',
};

export async function benchPipeline(
  dbPath: string,
  options: {
    supervise?: boolean;
    env?: Record<string, string>;
    /** Wraps the platform adapter (to count its calls, say). */
    platform?: (adapter: PlatformAdapter) => PlatformAdapter;
  } = {},
): Promise<BenchPipeline> {
  const config = loadConfig({ ...BENCH_ENV, ...OPEN_CAPS, REPLYWRIGHT_DB: dbPath, ...options.env });
  // The platform lives next to the DB, so a DB booted again meets the posts it already made.
  const platform = await SandboxPlatform.open(`${dbPath}.sandbox`, {
    clock: systemClock,
    seed: 7,
    account: BENCH_ACCOUNT,
  });
  for (const user of SEED_USERS) platform.ensureUser(user);
  const inProcess = createSandboxInProcessAdapter({ platform });
  const adapter = options.platform ? options.platform(inProcess) : inProcess;
  const app = await createReplywright({
    config,
    log: silentLogger,
    platform: adapter,
    generator: createGenerator(config),
    supervise: options.supervise ?? false,
  });
  let made = 0;
  const people = SEED_USERS.filter((u) => !u.isBot && !u.isParody).map((u) => u.handle);
  return {
    app,
    platform,
    addMentions(count) {
      for (let k = 0; k < count; k++, made++) {
        platform.createPost({
          author: people[made % people.length]!,
          text: `@${BENCH_ACCOUNT} how would you handle ${topicOf(made)} in a reply pipeline?`,
        });
      }
    },
    async close() {
      await app.stop();
      platform.close();
    },
  };
}
