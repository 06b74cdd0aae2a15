import { afterEach, describe, expect, it } from 'vitest';
import { createReplywright, type Replywright } from '../../src/app/replywright.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createTemplateGenerator } from '../../src/generators/template.ts';
import { silentLogger } from '../../src/logging.ts';
import { createSandboxInProcessAdapter } from '../../src/platforms/sandbox/inProcessAdapter.ts';
import { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { tempStore } from '../support/tempStore.ts';

/**
 * A run that made work for the next job wakes it: a mention fetched is answered within a
 * second or two, not after the scheduler's and the poster's next intervals (a minute here).
 */
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('jobs wake the next one', () => {
  it('a fetched mention is answered long before the scheduler and poster intervals come round', async () => {
    const t = await tempStore();
    const config = loadConfig({ REPLYWRIGHT_MIN_SPACING_SEC: '0', REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: '0' });
    const platform = await SandboxPlatform.open(':memory:', {
      clock: systemClock,
      seed: 3,
      account: config.REPLYWRIGHT_ACCOUNT,
    });
    let app: Replywright | undefined;
    stop = async () => {
      await app?.stop();
      platform.close();
      t.cleanup();
    };
    app = await createReplywright({
      config,
      log: silentLogger,
      platform: createSandboxInProcessAdapter({ platform }),
      generator: createTemplateGenerator(),
      store: t.store,
      intervals: {
        fetch: { intervalMs: 200, deadlineMs: 10_000 },
        scheduler: { intervalMs: 60_000, deadlineMs: 10_000 },
        poster: { intervalMs: 60_000, deadlineMs: 10_000 },
        reconciler: { intervalMs: 60_000, deadlineMs: 10_000 },
        postingDeadlineMs: 30_000,
      },
    });
    await app.start();
    // Let the first round of every job pass: from now on only a wake-up runs the scheduler soon.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    platform.ensureUser({ handle: 'wren_ops', displayName: 'Wren' });
    const target = platform.createPost({
      author: 'wren_ops',
      text: `@${config.REPLYWRIGHT_ACCOUNT} how do I keep replies from posting twice after a crash?`,
    }).post;
    const started = Date.now();
    const replied = () =>
      platform.groundTruth({ author: config.REPLYWRIGHT_ACCOUNT }).some((p) => p.inReplyToId === target.id);
    while (!replied() && Date.now() - started < 20_000)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(replied()).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
