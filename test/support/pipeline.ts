import { openStore, type Store } from '../../db/store.ts';
import type { JobName } from '../../machines/job.ts';
import { createReplywright, type Replywright } from '../../src/app/replywright.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createTemplateGenerator } from '../../src/generators/template.ts';
import type { ReplyGenerator } from '../../src/generators/types.ts';
import type { PipelineDeps } from '../../src/jobs/deps.ts';
import type { ReplyChannel } from '../../src/jobs/replyChannel.ts';
import { silentLogger } from '../../src/logging.ts';
import type { PlatformAdapter } from '../../src/platforms/contract.ts';
import { createSandboxInProcessAdapter } from '../../src/platforms/sandbox/inProcessAdapter.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { seededIds } from '../../src/runtime/ids.ts';
import { seededRandom } from '../../src/runtime/random.ts';
import { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { SIM_INTERVALS } from '../../src/sim/simulation.ts';
import { tempStore } from './tempStore.ts';

/** The simulator's job timing: minutes-scale, as in production. */
export const TEST_INTERVALS = SIM_INTERVALS;

export interface PipelineFixture {
  app: Replywright;
  /** The replywright DB file. */
  path: string;
  clock: SimulatedClock;
  platform: SandboxPlatform;
  adapter: PlatformAdapter;
  /** Runs one job now, advancing the simulated clock while it awaits. */
  run(job: JobName): Promise<void>;
  /** One full pass: fetch, scheduler, poster, reconciler. */
  cycle(): Promise<void>;
  /** A root post by `author` that mentions the bot: an opted-in target. */
  mention(author: string, text?: string): string;
  /**
   * Stops this replywright and boots a new one on the same file (after `between` ran, say a
   * restore over it), against the same platform and clock.
   */
  reboot(between?: () => Promise<void>): Promise<void>;
  cleanup(): Promise<void>;
}

/** A replywright on a real SQLite file against an in-process sandbox, on a simulated clock. */
export async function pipelineFixture(
  options: {
    env?: Record<string, string>;
    platform?: (adapter: PlatformAdapter) => PlatformAdapter;
    generator?: ReplyGenerator;
    /** How replies are sent; the platform API by default. */
    channel?: (deps: PipelineDeps) => ReplyChannel;
    /** The simulated clock's start (epoch ms). */
    start?: number;
  } = {},
): Promise<PipelineFixture> {
  const clock = new SimulatedClock(options.start);
  const t = await tempStore();
  const config = loadConfig({
    REPLYWRIGHT_MIN_SPACING_SEC: '0',
    REPLYWRIGHT_CAP_PER_HOUR: '100',
    REPLYWRIGHT_CAP_PER_DAY: '1000',
    REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: '0',
    ...options.env,
  });
  const platform = await SandboxPlatform.open(':memory:', {
    clock,
    seed: 7,
    account: config.REPLYWRIGHT_ACCOUNT,
  });
  const inProcess = createSandboxInProcessAdapter({ platform, clock });
  const adapter = options.platform ? options.platform(inProcess) : inProcess;
  const ids = seededIds(seededRandom(7), () => clock.now());
  const boot = async (store: Store) => {
    const instance = await createReplywright({
      config,
      log: silentLogger,
      platform: adapter,
      generator: options.generator ?? createTemplateGenerator(),
      channel: options.channel,
      clock,
      ids,
      intervals: TEST_INTERVALS,
      store,
      supervise: false,
    });
    await instance.start();
    return instance;
  };
  let store = t.store;
  let app = await boot(store);
  let n = 0;
  const run = (job: JobName) => clock.settleWhileAdvancing(app.runOnce(job));
  return {
    get app() {
      return app;
    },
    path: t.path,
    clock,
    platform,
    adapter,
    run,
    async cycle() {
      for (const job of ['fetch', 'scheduler', 'poster', 'reconciler'] as const) await run(job);
    },
    mention(author, text) {
      n++;
      platform.ensureUser({ handle: author, displayName: author });
      return platform.createPost({
        author,
        text:
          text ??
          `@${config.REPLYWRIGHT_ACCOUNT} how do I keep replies from posting twice after a crash? (${n})`,
      }).post.id;
    },
    async reboot(between) {
      await app.stop();
      store.close();
      await between?.();
      store = await openStore(t.path);
      app = await boot(store);
    },
    async cleanup() {
      await app.stop();
      platform.close();
      store.close();
      t.cleanup();
    },
  };
}
