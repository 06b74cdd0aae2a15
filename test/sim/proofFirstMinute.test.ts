import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store.ts';
import { createReplywright, type Replywright } from '../../src/app/replywright.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { createTemplateGenerator } from '../../src/generators/template.ts';
import { silentLogger } from '../../src/logging.ts';
import { createSandboxInProcessAdapter } from '../../src/platforms/sandbox/inProcessAdapter.ts';
import { diagnose } from '../../src/proof/diagnosis.ts';
import { buildProofReport, type ProofReport } from '../../src/proof/report.ts';
import { resolveTargets } from '../../src/proof/targets.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { TrafficGenerator } from '../../src/sandbox/traffic.ts';
import { tempStore } from '../support/tempStore.ts';

/**
 * The first minutes of `npm start`: the default settings (dev speed, the sandbox and its
 * default traffic, the default caps and spacing), supervised, on a simulated clock. A minute
 * and a bit in, `npm run proof` must say OPERATIONAL — and a queue nobody feeds must still fail.
 */
interface Running {
  app: Replywright;
  clock: SimulatedClock;
  config: Config;
  store: Store;
  traffic: TrafficGenerator;
  proof(): ProofReport;
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function startDefault(options: { trafficPerMin?: number; paused?: boolean } = {}): Promise<Running> {
  const clock = new SimulatedClock();
  const config = loadConfig({});
  const t = await tempStore();
  const platform = await SandboxPlatform.open(':memory:', {
    clock,
    seed: config.SANDBOX_SEED,
    account: config.REPLYWRIGHT_ACCOUNT,
  });
  const traffic = new TrafficGenerator(platform, {
    seed: config.SANDBOX_SEED,
    perMin: options.trafficPerMin ?? config.SANDBOX_TRAFFIC_PER_MIN,
    clock,
  });
  const app = await createReplywright({
    config,
    log: silentLogger,
    platform: createSandboxInProcessAdapter({ platform, clock }),
    generator: createTemplateGenerator(),
    clock,
    store: t.store,
  });
  stop = async () => {
    traffic.stop();
    await app.stop();
    platform.close();
    t.cleanup();
  };
  traffic.start();
  if (options.paused) app.controls.pause('test');
  await app.start();
  return {
    app,
    clock,
    config,
    store: t.store,
    traffic,
    proof: () =>
      buildProofReport(t.store, { now: clock.now(), windowMs: 30 * 60_000, targets: resolveTargets(config) }),
  };
}

async function advance(clock: SimulatedClock, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 250) await clock.advance(Math.min(250, left));
}

const failing = (report: ProofReport) =>
  report.rows
    .filter((r) => !r.pass && !r.informational)
    .map((r) => `${r.metric}: ${r.actual} (target ${r.target})`);

describe('a fresh npm start, proved a minute later', () => {
  it('is OPERATIONAL with the default sandbox traffic and settings', async () => {
    const run = await startDefault();
    await advance(run.clock, 70_000);
    const report = run.proof();
    expect(failing(report)).toEqual([]);
    expect(report.status).toBe('OPERATIONAL');
    const diagnosis = diagnose(run.store, {
      now: run.clock.now(),
      windowMs: 30 * 60_000,
      lowWatermark: run.config.REPLYWRIGHT_QUEUE_LOW_WATERMARK,
    });
    expect(diagnosis.code).toBe('none');
    // Under the watermark, and passing because it is drained as fast as it is fed.
    const queue = report.rows.find((r) => r.key === 'queueSize');
    expect(queue?.actual).toBeLessThan(run.config.REPLYWRIGHT_QUEUE_LOW_WATERMARK);
    expect(queue?.detail).toMatch(/fed as fast as drained: \d+ permits created in 30m/);
  }, 120_000);

  it('still fails the queue when nothing feeds it', async () => {
    const run = await startDefault({ trafficPerMin: 0 });
    await advance(run.clock, 70_000);
    const report = run.proof();
    const queue = report.rows.find((r) => r.key === 'queueSize');
    expect(queue).toMatchObject({ actual: 0, pass: false });
    expect(queue?.detail).toMatch(
      /empty now; the latest scheduler run found nothing to pick \(queue_empty\)/,
    );
    expect(report.status).not.toBe('OPERATIONAL');
  }, 120_000);

  it('still fails the queue when nothing drains it', async () => {
    const run = await startDefault({ paused: true });
    await advance(run.clock, 70_000);
    const report = run.proof();
    const queue = report.rows.find((r) => r.key === 'queueSize');
    expect(queue?.actual).toBeGreaterThan(0);
    expect(queue?.pass).toBe(false);
    expect(queue?.detail).toMatch(/no permit created in 30m/);
    expect(failing(report)).toEqual(expect.arrayContaining([expect.stringMatching(/^Permits created: 0/)]));
    expect(report.status).toBe('NOT OPERATIONAL');
  }, 120_000);
});
