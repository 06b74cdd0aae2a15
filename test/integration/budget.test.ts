import { afterEach, describe, expect, it } from 'vitest';
import { SpendLedger } from '../../src/spend/ledger.ts';
import { X_PRICE_DEFAULTS } from '../../src/spend/prices.ts';
import { type PipelineFixture, pipelineFixture } from '../support/pipeline.ts';

/** REPLYWRIGHT_DAILY_BUDGET_USD stops new permits like a cap, with its own SLO reason. */
let p: PipelineFixture;
afterEach(async () => p.cleanup());

const latestSlo = (f: PipelineFixture) =>
  f.app.store.statement('select reason, detail from slo_events order by id desc limit 1').get() as {
    reason: string;
    detail: string | null;
  };
const permits = (f: PipelineFixture) =>
  (f.app.store.statement('select count(*) as n from permits').get() as { n: number }).n;

describe('the daily budget', () => {
  it('grants no permit while the last 24 h of platform spend has reached it, and grants again after', async () => {
    p = await pipelineFixture({ env: { REPLYWRIGHT_DAILY_BUDGET_USD: '0.02' } });
    const ledger = new SpendLedger(X_PRICE_DEFAULTS);
    ledger.attach(p.app.store);
    const spentAt = p.clock.now();
    ledger.record({
      platform: 'x',
      operation: 'create_reply',
      at: spentAt,
      outcome: 'ok',
      unit: 'reply',
      resources: [],
    });
    ledger.record({
      platform: 'x',
      operation: 'create_reply',
      at: spentAt,
      outcome: 'unknown',
      unit: 'reply',
      resources: [],
    });
    p.mention('alice');
    await p.run('fetch');
    await p.run('scheduler');
    const blocked = latestSlo(p);
    expect(blocked.reason).toBe('budget_reached');
    expect(JSON.parse(blocked.detail!)).toEqual({ until: spentAt + 86_400_000 });
    expect(permits(p)).toBe(0);

    await p.clock.advance(86_400_000);
    p.mention('bob');
    await p.run('fetch');
    await p.run('scheduler');
    expect(latestSlo(p).reason).toBe('permitted');
    expect(permits(p)).toBe(1);
  });

  it('without a budget, spend never blocks', async () => {
    p = await pipelineFixture();
    const ledger = new SpendLedger(X_PRICE_DEFAULTS);
    ledger.attach(p.app.store);
    ledger.record({
      platform: 'x',
      operation: 'create_reply',
      at: p.clock.now(),
      outcome: 'ok',
      unit: 'urlPost',
      resources: [],
    });
    p.mention('alice');
    await p.run('fetch');
    await p.run('scheduler');
    expect(latestSlo(p).reason).toBe('permitted');
  });
});
