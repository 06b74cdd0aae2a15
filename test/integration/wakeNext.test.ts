import { ne } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { jobRuns } from '../../db/schema.ts';
import { createReplywright, type Replywright } from '../../src/app/replywright.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createTemplateGenerator } from '../../src/generators/template.ts';
import { silentLogger } from '../../src/logging.ts';
import { createSandboxInProcessAdapter } from '../../src/platforms/sandbox/inProcessAdapter.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { tempStore } from '../support/tempStore.ts';
import { waitFor } from '../support/waitFor.ts';

const JOBS = 4; // fetch, scheduler, poster, reconciler

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
  // On the real clock: 20 s of slack for a loaded machine is still a third of the 60 s
  // intervals the wake-up has to beat, and more than vitest's default 5 s per test.
  it('a fetched mention is answered long before the scheduler and poster intervals come round', {
    timeout: 30_000,
  }, async () => {
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
    // Let the first round of every job end: from now on only a wake-up runs the scheduler soon.
    const jobsWithAnEndedRun = () =>
      t.store.db.selectDistinct({ job: jobRuns.job }).from(jobRuns).where(ne(jobRuns.status, 'running')).all()
        .length;
    await waitFor(() => jobsWithAnEndedRun() === JOBS, { what: 'the first run of every job to end' });
    platform.ensureUser({ handle: 'wren_ops', displayName: 'Wren' });
    const target = platform.createPost({
      author: 'wren_ops',
      text: `@${config.REPLYWRIGHT_ACCOUNT} how do I keep replies from posting twice after a crash?`,
    }).post;
    const started = Date.now();
    const replied = () =>
      platform.groundTruth({ author: config.REPLYWRIGHT_ACCOUNT }).some((p) => p.inReplyToId === target.id);
    await waitFor(replied, { what: 'the reply', timeoutMs: 20_000 });
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
