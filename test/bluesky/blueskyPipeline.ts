import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReplywright, type Replywright } from '../../src/app/replywright.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import type { Intervals } from '../../src/config/intervals.ts';
import { createTemplateGenerator } from '../../src/generators/template.ts';
import { silentLogger } from '../../src/logging.ts';
import { blueskyFromConfig } from '../../src/platforms/bluesky/fromConfig.ts';
import type { NetworkInfo } from './localNetwork.ts';

/** Job timing for tests and the latency bench: the dev cadence, a little faster. */
export const FAST_INTERVALS: Intervals = {
  fetch: { intervalMs: 1_000, deadlineMs: 10_000 },
  scheduler: { intervalMs: 1_000, deadlineMs: 20_000 },
  poster: { intervalMs: 500, deadlineMs: 30_000 },
  reconciler: { intervalMs: 2_000, deadlineMs: 15_000 },
  postingDeadlineMs: 5_000,
};

/** The pipeline's config against the local network's bot; caps and spacing out of the way. */
export function blueskyConfig(net: NetworkInfo, dir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    REPLYWRIGHT_PLATFORM: 'bluesky',
    REPLYWRIGHT_BLUESKY_SERVICE: net.service,
    REPLYWRIGHT_BLUESKY_IDENTIFIER: net.bot.handle,
    REPLYWRIGHT_BLUESKY_APP_PASSWORD: net.bot.appPassword,
    REPLYWRIGHT_DB: join(dir, 'replywright.db'),
    REPLYWRIGHT_SEARCH_QUERIES: 'replywright-local-search',
    REPLYWRIGHT_MIN_SPACING_SEC: '0',
    REPLYWRIGHT_CAP_PER_HOUR: '1000',
    REPLYWRIGHT_CAP_PER_DAY: '10000',
    REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: '0',
    REPLYWRIGHT_MIN_SCORE: '0',
    REPLYWRIGHT_LOG_LEVEL: 'silent',
    ...env,
  });
}

export interface BlueskyPipeline {
  app: Replywright;
  config: Config;
  /** One pass of every job, in pipeline order; a job's failed run (rate limited, say) does not stop the pass. */
  cycle(): Promise<void>;
  stop(): Promise<void>;
}

/** A replywright (real clock, real SQLite file) against the local network; jobs driven by `cycle`. */
export async function blueskyPipeline(
  net: NetworkInfo,
  options: { env?: Record<string, string>; fetch?: typeof fetch; dir?: string } = {},
): Promise<BlueskyPipeline> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'rw-bluesky-pipeline-'));
  const config = blueskyConfig(net, dir, options.env);
  const app = await createReplywright({
    config,
    log: silentLogger,
    platform: blueskyFromConfig(config, options.fetch ? { fetch: options.fetch } : {}),
    generator: createTemplateGenerator(),
    intervals: FAST_INTERVALS,
    supervise: false,
  });
  await app.start();
  return {
    app,
    config,
    async cycle() {
      for (const job of ['fetch', 'scheduler', 'poster', 'reconciler'] as const) {
        await app.runOnce(job).catch(() => undefined);
      }
    },
    async stop() {
      await app.stop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
