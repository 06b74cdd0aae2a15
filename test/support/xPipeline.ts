import { join } from 'node:path';
import type { JobName } from '../../machines/job.ts';
import { platformFromConfig } from '../../src/app/platformFromConfig.ts';
import { createReplywright, type Replywright } from '../../src/app/replywright.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createTemplateGenerator } from '../../src/generators/template.ts';
import { silentLogger } from '../../src/logging.ts';
import type { PlatformAdapter } from '../../src/platforms/contract.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { seededIds } from '../../src/runtime/ids.ts';
import { seededRandom } from '../../src/runtime/random.ts';
import { SpendLedger } from '../../src/spend/ledger.ts';
import { parseXPrices } from '../../src/spend/prices.ts';
import { TEST_INTERVALS } from './pipeline.ts';
import { tempStore } from './tempStore.ts';
import { serveXSandbox, X_ACCOUNT, type XSandbox } from './xSandbox.ts';

export interface XPipelineFixture {
  app: Replywright;
  clock: SimulatedClock;
  sandbox: XSandbox;
  adapter: PlatformAdapter;
  run(job: JobName): Promise<void>;
  /** fetch, scheduler, poster, reconciler — once each. */
  cycle(): Promise<void>;
  /** The bot's posts on the sandbox (its ground truth), oldest first. */
  botPosts(): { id: string; inReplyToId: string | null; text: string }[];
  cleanup(): Promise<void>;
}

/**
 * The whole pipeline with REPLYWRIGHT_PLATFORM=x and no REPLYWRIGHT_X_API_URL: the X adapter
 * (real twitter-api-v2 over HTTP) against the sandbox's X dialect, as `npm start` wires it, on a
 * simulated clock shared by the pipeline and the sandbox. Every call is priced in the store.
 */
export async function xPipelineFixture(
  options: { env?: Record<string, string> } = {},
): Promise<XPipelineFixture> {
  const clock = new SimulatedClock();
  const sandbox = await serveXSandbox({ clock });
  const t = await tempStore();
  const config = loadConfig({
    REPLYWRIGHT_PLATFORM: 'x',
    REPLYWRIGHT_ACCOUNT: X_ACCOUNT,
    REPLYWRIGHT_X_TOKEN_FILE: join(t.dir, 'x-token.json'),
    REPLYWRIGHT_MIN_SPACING_SEC: '0',
    REPLYWRIGHT_CAP_PER_HOUR: '100',
    REPLYWRIGHT_CAP_PER_DAY: '1000',
    REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: '0',
    REPLYWRIGHT_SEARCH_QUERIES: 'replywright',
    ...options.env,
  });
  const ledger = new SpendLedger(parseXPrices(config.REPLYWRIGHT_X_PRICES_USD));
  const adapter = platformFromConfig(config, sandbox.url, { onCall: ledger.record, now: () => clock.now() });
  const app = await createReplywright({
    config,
    log: silentLogger,
    platform: adapter,
    generator: createTemplateGenerator(),
    clock,
    ids: seededIds(seededRandom(9), () => clock.now()),
    intervals: TEST_INTERVALS,
    store: t.store,
    supervise: false,
  });
  ledger.attach(t.store);
  await app.start();
  const run = (job: JobName) => clock.settleWhileAdvancing(app.runOnce(job));
  return {
    app,
    clock,
    sandbox,
    adapter,
    run,
    async cycle() {
      for (const job of ['fetch', 'scheduler', 'poster', 'reconciler'] as const) await run(job);
    },
    botPosts: () =>
      sandbox.platform
        .groundTruth({ author: X_ACCOUNT })
        .map((p) => ({ id: p.id, inReplyToId: p.inReplyToId, text: p.text })),
    async cleanup() {
      await app.stop();
      await sandbox.stop();
      t.cleanup();
    },
  };
}
