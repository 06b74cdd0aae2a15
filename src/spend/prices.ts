import { z } from 'zod';
import type { PriceUnit } from '../platforms/usage.ts';

/**
 * What X charges (pay-per-use, from 20 Apr 2026), in USD: writes per request, reads per
 * resource returned. Prices change, so they are configuration (`REPLYWRIGHT_X_PRICES_USD`,
 * `unit=usd` pairs over these defaults).
 */
export type UnitPrices = Record<PriceUnit, number>;

export const X_PRICE_DEFAULTS: UnitPrices = {
  /** A reply to a post whose author summoned the account. */
  reply: 0.01,
  /** Any other post. */
  post: 0.015,
  /** A post with a link. */
  urlPost: 0.2,
  /** Reading the account's own data (its posts, its mentions), per item. */
  ownedRead: 0.001,
  /** Reading other posts, per post. */
  read: 0.005,
  /** Reading a user, per user. */
  userRead: 0.01,
  free: 0,
};

export const X_PRICE_DEFAULTS_TEXT = Object.entries(X_PRICE_DEFAULTS)
  .filter(([unit]) => unit !== 'free')
  .map(([unit, usd]) => `${unit}=${usd}`)
  .join(',');

/** `reply=0.01,read=0.005` → the defaults with those units replaced; an unknown unit or a bad number throws. */
export function parseXPrices(text: string): UnitPrices {
  const prices = { ...X_PRICE_DEFAULTS };
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [unit = '', value = ''] = pair.split('=').map((s) => s.trim());
    const usd = Number(value);
    if (!(unit in prices) || unit === 'free') {
      throw new RangeError(`unknown price unit '${unit}' (one of ${PRICE_NAMES})`);
    }
    if (value === '' || !Number.isFinite(usd) || usd < 0)
      throw new RangeError(`price of ${unit} must be USD ≥ 0`);
    prices[unit as PriceUnit] = usd;
  }
  return prices;
}

const PRICE_NAMES = X_PRICE_DEFAULTS_TEXT.replace(/=[^,]*/g, '');

/** The config's check of REPLYWRIGHT_X_PRICES_USD (it stays text, so the README shows it). */
export const xPricesText = z.string().superRefine((text, ctx) => {
  try {
    parseXPrices(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** Reads are billed per resource returned; writes per request. */
export function isPerResource(unit: PriceUnit): boolean {
  return unit === 'ownedRead' || unit === 'read' || unit === 'userRead';
}
