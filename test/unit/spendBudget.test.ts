import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import type { PlatformCall } from '../../src/platforms/usage.ts';
import { budgetUntil, capPolicyFrom, DAY_MS } from '../../src/policy/caps.ts';
import { SpendLedger } from '../../src/spend/ledger.ts';
import { X_PRICE_DEFAULTS } from '../../src/spend/prices.ts';
import { chargesSince, spendSummary, spendWindow } from '../../src/spend/queries.ts';
import { ProofFixture } from '../support/proofFixtures.ts';
import { tempStore } from '../support/tempStore.ts';

const NOON = Date.UTC(2026, 2, 10, 12);
const call = (over: Partial<PlatformCall>): PlatformCall => ({
  platform: 'x',
  operation: 'get_post',
  at: NOON,
  outcome: 'ok',
  unit: 'read',
  resources: [],
  ...over,
});

describe('the daily budget, checked like a cap', () => {
  it('holds from the moment the rolling 24 h reach the budget until the earliest charges leave it', () => {
    const charges = [
      { at: NOON - 20 * 3_600_000, usd: 0.3 },
      { at: NOON - 2 * 3_600_000, usd: 0.5 },
      { at: NOON - 60_000, usd: 0.2 },
    ];
    expect(budgetUntil(NOON, charges, null)).toBeNull();
    expect(budgetUntil(NOON, charges, 1.01)).toBeNull();
    // 1.00 spent of 1.00: new permits wait until the 0.30 leaves the window (then 0.70 < 1).
    expect(budgetUntil(NOON, charges, 1)).toBe(NOON - 20 * 3_600_000 + DAY_MS);
    // 0.70 budget: the 0.30 leaving still leaves 0.70, so the 0.50 must leave too.
    expect(budgetUntil(NOON, charges, 0.7)).toBe(NOON - 2 * 3_600_000 + DAY_MS);
    // Charges older than 24 h do not count; sums of small prices compare exactly.
    expect(budgetUntil(NOON, [{ at: NOON - DAY_MS, usd: 5 }], 1)).toBeNull();
    const thousand = Array.from({ length: 1000 }, (_, i) => ({ at: NOON - i, usd: 0.001 }));
    expect(budgetUntil(NOON, thousand, 1)).not.toBeNull();
    expect(budgetUntil(NOON, thousand.slice(1), 1)).toBeNull();
  });

  it('comes from REPLYWRIGHT_DAILY_BUDGET_USD', () => {
    expect(capPolicyFrom(loadConfig({ REPLYWRIGHT_DAILY_BUDGET_USD: '2.5' })).dailyBudgetUsd).toBe(2.5);
  });
});

describe('the spend ledger', () => {
  let t: Awaited<ReturnType<typeof tempStore>>;
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(() => t.cleanup());

  it('bills a read resource once per UTC day, a write per request, an unknown create as posted, a failure not at all', () => {
    const ledger = new SpendLedger(X_PRICE_DEFAULTS);
    ledger.record(call({ operation: 'mentions', unit: 'ownedRead', resources: ['1', '2', '2'] }));
    ledger.attach(t.store);
    ledger.record(call({ operation: 'mentions', unit: 'ownedRead', resources: ['2', '3'], at: NOON + 1 }));
    ledger.record(call({ operation: 'get_post', unit: 'read', resources: ['2'], at: NOON + 2 }));
    ledger.record(call({ operation: 'create_reply', unit: 'reply', at: NOON + 3 }));
    ledger.record(call({ operation: 'create_reply', unit: 'urlPost', outcome: 'unknown', at: NOON + 4 }));
    ledger.record(call({ operation: 'create_reply', unit: 'post', outcome: 'failed', at: NOON + 5 }));
    ledger.record(call({ operation: 'token_refresh', unit: 'free', at: NOON + 6 }));
    // The next UTC day bills resource 1 again.
    const tomorrow = Date.UTC(2026, 2, 11, 0, 0, 1);
    ledger.record(call({ operation: 'mentions', unit: 'ownedRead', resources: ['1'], at: tomorrow }));
    const rows = t.store
      .statement('select operation, outcome, items, billed, cost_usd as usd from platform_calls order by id')
      .all();
    expect(rows).toEqual([
      { operation: 'mentions', outcome: 'ok', items: 3, billed: 2, usd: 0.002 },
      { operation: 'mentions', outcome: 'ok', items: 2, billed: 1, usd: 0.001 },
      { operation: 'get_post', outcome: 'ok', items: 1, billed: 1, usd: 0.005 },
      { operation: 'create_reply', outcome: 'ok', items: 0, billed: 1, usd: 0.01 },
      { operation: 'create_reply', outcome: 'unknown', items: 0, billed: 1, usd: 0.2 },
      { operation: 'create_reply', outcome: 'failed', items: 0, billed: 0, usd: 0 },
      { operation: 'token_refresh', outcome: 'ok', items: 0, billed: 0, usd: 0 },
      { operation: 'mentions', outcome: 'ok', items: 1, billed: 1, usd: 0.001 },
    ]);
    expect(chargesSince(t.store, NOON - 1).map((c) => c.usd)).toEqual([
      0.002, 0.001, 0.005, 0.01, 0.2, 0.001,
    ]);
  });

  it('sums spend per window and divides it by the replies posted', () => {
    const ledger = new SpendLedger(X_PRICE_DEFAULTS);
    ledger.attach(t.store);
    ledger.record(call({ operation: 'create_reply', unit: 'reply', at: NOON - 10 }));
    ledger.record(call({ operation: 'get_post', unit: 'read', resources: ['9'], at: NOON - 20 }));
    const f = new ProofFixture(t.store);
    const c = f.candidate(NOON - 60);
    f.post(f.permitted(c, f.queue(c, NOON - 50, NOON + DAY_MS), NOON - 40), NOON - 5_000);
    const window = spendWindow(t.store, NOON, 3_600_000);
    expect(window).toMatchObject({
      calls: 2,
      spendUsd: 0.015,
      replies: 1,
      costPerReplyUsd: 0.015,
      callsPerReply: 2,
    });
    expect(window.byOperation.map((o) => o.operation)).toEqual(['create_reply', 'get_post']);
    const summary = spendSummary(t.store, { now: NOON, windowMs: 3_600_000, dailyBudgetUsd: 0.02 });
    expect(summary.budgetLeftUsd).toBe(0.005);
    expect(spendWindow(t.store, NOON + 2 * 3_600_000, 3_600_000)).toMatchObject({
      calls: 0,
      costPerReplyUsd: null,
    });
  });
});
