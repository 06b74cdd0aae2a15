import { afterEach, describe, expect, it } from 'vitest';
import type { PlatformCall } from '../../src/platforms/usage.ts';
import { SpendLedger } from '../../src/spend/ledger.ts';
import { X_PRICE_DEFAULTS } from '../../src/spend/prices.ts';
import { ADMIN_TOKEN, type HttpHarness, httpHarness } from '../support/httpHarness.ts';
import { REPORT_NOW } from '../support/proofFixtures.ts';

/**
 * Spend per window and cost per reply on /api/status, /api/proof, the dashboard and /metrics,
 * and the daily budget's own blocking reason — from priced calls in the store.
 */
let h: HttpHarness;
afterEach(() => h.cleanup());

const MIN = 60_000;
const call = (over: Partial<PlatformCall>): PlatformCall => ({
  platform: 'x',
  operation: 'get_post',
  at: REPORT_NOW - 5 * MIN,
  outcome: 'ok',
  unit: 'read',
  resources: [],
  ...over,
});

async function harnessWithSpend(env: Record<string, string> = {}) {
  h = await httpHarness({ REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN, REPLYWRIGHT_PLATFORM: 'x', ...env });
  const ledger = new SpendLedger(X_PRICE_DEFAULTS);
  ledger.attach(h.app.store);
  const f = h.fixture;
  for (const [i, at] of [REPORT_NOW - 20 * MIN, REPORT_NOW - 10 * MIN].entries()) {
    const c = f.candidate(at - 60_000);
    f.post(f.permitted(c, f.queue(c, at - 50_000, at + 3_600_000), at - 40_000), at);
    ledger.record(call({ operation: 'get_post', unit: 'read', resources: [`t${i}`], at }));
    ledger.record(call({ operation: 'create_reply', unit: 'reply', at: at + 1 }));
  }
  ledger.record(
    call({
      operation: 'mentions',
      unit: 'ownedRead',
      resources: ['t0', 't1', 'k9'],
      at: REPORT_NOW - 30 * MIN,
    }),
  );
  ledger.record(
    call({ operation: 'create_reply', unit: 'reply', outcome: 'failed', at: REPORT_NOW - 2 * MIN }),
  );
  f.clock.set(REPORT_NOW);
  return h;
}

describe('what the platform calls cost', () => {
  it('/api/status: spend per window, per operation, and per reply posted', async () => {
    await harnessWithSpend({ REPLYWRIGHT_DAILY_BUDGET_USD: '1' });
    const status = (await (await h.request('/api/status?window=2h')).json()) as {
      spend: { window: Record<string, unknown>; day: Record<string, unknown>; budgetLeftUsd: number };
    };
    // 2 reads ($0.010) + 2 replies ($0.020) + 3 owned reads ($0.003); the failed create is free.
    expect(status.spend.window).toMatchObject({
      calls: 6,
      spendUsd: 0.033,
      replies: 2,
      costPerReplyUsd: 0.0165,
      callsPerReply: 3,
    });
    expect(status.spend.budgetLeftUsd).toBe(0.967);
    const narrow = (await (await h.request('/api/status?window=15m')).json()) as typeof status;
    expect(narrow.spend.window).toMatchObject({ calls: 3, spendUsd: 0.015, replies: 1 });
  });

  it('the proof report and the dashboard show spend and cost per reply; the dashboard reminds of X’s rules', async () => {
    await harnessWithSpend();
    const proof = (await (await h.request('/api/proof?window=2h')).json()) as {
      report: { status: string; rows: { key: string; actual: string; informational?: boolean }[] };
    };
    const row = (key: string) => proof.report.rows.find((r) => r.key === key);
    expect(row('platformSpend')).toMatchObject({ actual: '$0.033', informational: true });
    expect(row('costPerReply')).toMatchObject({ actual: '$0.0165', informational: true });
    const page = await (await h.request('/?window=2h')).text();
    expect(page).toContain('data-testid="spend"');
    expect(page).toMatch(/data-testid="spend-per-reply"><b>\$0\.017<\/b>/);
    expect(page).toContain('data-testid="x-rules"');
    expect(page).toContain('Automated');
  });

  it('/metrics: calls and spend counters, 24 h spend and cost per reply gauges', async () => {
    await harnessWithSpend({ REPLYWRIGHT_DAILY_BUDGET_USD: '2' });
    const text = await (await h.request('/metrics')).text();
    expect(text).toContain(
      'replywright_platform_calls_total{platform="x",operation="create_reply",outcome="ok"} 2',
    );
    expect(text).toContain(
      'replywright_platform_calls_total{platform="x",operation="create_reply",outcome="failed"} 1',
    );
    expect(text).toContain(
      'replywright_platform_spend_usd_total{platform="x",operation="create_reply"} 0.02',
    );
    expect(text).toContain('replywright_platform_spend_usd_24h 0.033');
    expect(text).toContain('replywright_cost_per_reply_usd_24h 0.0165');
    expect(text).toContain('replywright_daily_budget_usd 2');
    // A second scrape adds only what is new.
    const again = await (await h.request('/metrics')).text();
    expect(again).toContain(
      'replywright_platform_calls_total{platform="x",operation="create_reply",outcome="ok"} 2',
    );
  });

  it('the budget is its own blocking reason', async () => {
    await harnessWithSpend({ REPLYWRIGHT_DAILY_BUDGET_USD: '0.03' });
    const until = REPORT_NOW + 10 * 3_600_000;
    h.fixture.idleSchedulerRun(REPORT_NOW - MIN, 'budget_reached', 12, JSON.stringify({ until }));
    const status = (await (await h.request('/api/status?window=30m')).json()) as {
      blocking: { code: string; cause: string };
    };
    expect(status.blocking.code).toBe('budget_reached');
    expect(status.blocking.cause).toMatch(/\$0\.033 of the \$0\.03 daily budget; new permits wait until/);
  });
});
