import { lt } from 'drizzle-orm';
import { platformBilled, platformCalls } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { PlatformCall } from '../platforms/usage.ts';
import { isPerResource, type UnitPrices } from './prices.ts';

/**
 * Every platform call an adapter reports, counted and priced in the store (`platform_calls`).
 * Reads are billed per resource, once per resource and UTC day as X bills them
 * (`platform_billed` remembers what was billed today and yesterday); writes per request, a
 * create with an unknown outcome as if it posted; failed calls cost nothing.
 *
 * The adapter exists before the store is open, so calls wait in memory until `attach`.
 *
 * @example
 * const ledger = new SpendLedger(config.REPLYWRIGHT_X_PRICES_USD);
 * const platform = platformFromConfig(config, url, { onCall: ledger.record });
 * ledger.attach(app.store);
 */
export class SpendLedger {
  readonly prices: UnitPrices;
  #store: Store | null = null;
  #pending: PlatformCall[] = [];
  #prunedDay = '';

  constructor(prices: UnitPrices) {
    this.prices = prices;
  }

  /** Bound, so it can be handed to an adapter as its `onCall`. */
  readonly record = (call: PlatformCall): void => {
    if (this.#store === null) {
      this.#pending.push(call);
      return;
    }
    this.#write(this.#store, call);
  };

  attach(store: Store): void {
    this.#store = store;
    for (const call of this.#pending.splice(0)) this.#write(store, call);
  }

  #write(store: Store, call: PlatformCall): void {
    const day = utcDay(call.at);
    store.tx(() => {
      let billed = 0;
      if (isPerResource(call.unit)) {
        for (const resourceId of new Set(call.resources)) {
          billed += store.db
            .insert(platformBilled)
            .values({ platform: call.platform, day, unit: call.unit, resourceId })
            .onConflictDoNothing()
            .run().changes;
        }
      } else if (call.unit !== 'free' && call.outcome !== 'failed') {
        billed = 1;
      }
      store.db
        .insert(platformCalls)
        .values({
          platform: call.platform,
          at: call.at,
          operation: call.operation,
          outcome: call.outcome,
          unit: call.unit,
          items: call.resources.length,
          billed,
          costUsd: billed * this.prices[call.unit],
        })
        .run();
      if (day !== this.#prunedDay) {
        store.db
          .delete(platformBilled)
          .where(lt(platformBilled.day, utcDay(call.at - 86_400_000)))
          .run();
        this.#prunedDay = day;
      }
    });
  }
}

/** 'YYYY-MM-DD' of `ms` in UTC: X's deduplication window. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
