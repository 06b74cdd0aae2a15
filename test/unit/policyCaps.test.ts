import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import {
  type CapCheck,
  type CapPolicy,
  capPolicyFrom,
  checkCaps,
  quietUntil,
} from '../../src/policy/caps.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** 2026-01-15 12:00 UTC. */
const NOON = Date.UTC(2026, 0, 15, 12, 0);
const at = (h: number, m = 0) => Date.UTC(2026, 0, 15, h, m);
const base: CapPolicy = { perHour: 3, perDay: 5, minSpacingMs: 20_000, quietHours: null };

describe('checkCaps', () => {
  it.each<[string, number, number[], Partial<CapPolicy>, CapCheck]>([
    ['empty history', NOON, [], {}, { ok: true }],
    [
      'spacing since the latest',
      NOON,
      [NOON - 5_000],
      {},
      { ok: false, reason: 'spacing', until: NOON + 15_000 },
    ],
    ['spacing just met', NOON, [NOON - 20_000], {}, { ok: true }],
    [
      'spacing from an in-flight future permit',
      NOON,
      [NOON + 1_000],
      {},
      { ok: false, reason: 'spacing', until: NOON + 21_000 },
    ],
    ['no spacing configured', NOON, [NOON - 1], { minSpacingMs: 0 }, { ok: true }],
    [
      'hourly cap: until the oldest of the hour leaves the window',
      NOON,
      [NOON - 50 * MIN, NOON - 30 * MIN, NOON - 10 * MIN],
      {},
      { ok: false, reason: 'cap_reached', until: NOON + 10 * MIN },
    ],
    [
      'hourly cap: a post exactly an hour ago is out',
      NOON,
      [NOON - HOUR, NOON - 30 * MIN, NOON - 10 * MIN],
      {},
      { ok: true },
    ],
    [
      'daily cap: until enough leave the day',
      NOON,
      [NOON - 20 * HOUR, NOON - 10 * HOUR, NOON - 5 * HOUR, NOON - 3 * HOUR, NOON - 2 * HOUR],
      {},
      { ok: false, reason: 'cap_reached', until: NOON + 4 * HOUR },
    ],
    [
      'both caps: until both clear',
      NOON,
      [NOON - 23 * HOUR, NOON - 50 * MIN, NOON - 40 * MIN, NOON - 30 * MIN],
      { perDay: 4 },
      { ok: false, reason: 'cap_reached', until: NOON + HOUR },
    ],
    [
      'over the cap: the window must drop below it',
      NOON,
      [NOON - 40 * MIN, NOON - 30 * MIN, NOON - 20 * MIN, NOON - 10 * MIN],
      {},
      { ok: false, reason: 'cap_reached', until: NOON + 30 * MIN },
    ],
    [
      'a zero cap stops posting',
      NOON,
      [],
      { perHour: 0 },
      { ok: false, reason: 'cap_reached', until: NOON + HOUR },
    ],
    ['old history is ignored', NOON, [NOON - 2 * DAY, NOON - 25 * HOUR], {}, { ok: true }],
    ['non-finite times are ignored', NOON, [Number.NaN], {}, { ok: true }],
    [
      'quiet hours win',
      at(23, 30),
      [at(23, 29)],
      { quietHours: { from: '23:00', to: '07:00' } },
      { ok: false, reason: 'quiet_hours', until: Date.UTC(2026, 0, 16, 7) },
    ],
  ])('%s', (_, now, postTimes, overrides, expected) => {
    expect(checkCaps(now, { postTimes }, { ...base, ...overrides })).toEqual(expected);
  });
});

describe('quietUntil', () => {
  it.each<[string, string, string, number, number | null]>([
    ['inside a same-day window', '13:00', '14:30', at(13, 15), at(14, 30)],
    ['at the start', '13:00', '14:30', at(13), at(14, 30)],
    ['at the end (exclusive)', '13:00', '14:30', at(14, 30), null],
    ['before a same-day window', '13:00', '14:30', at(12, 59), null],
    ['wrapping, before midnight', '22:00', '06:00', at(23), Date.UTC(2026, 0, 16, 6)],
    ['wrapping, after midnight', '22:00', '06:00', at(2), at(6)],
    ['wrapping, outside', '22:00', '06:00', at(12), null],
    ['empty window', '05:00', '05:00', at(5), null],
    ['midnight to midnight-ish', '00:00', '23:59', at(23, 58), at(23, 59)],
  ])('%s', (_, from, to, now, expected) => {
    expect(quietUntil(now, { from, to })).toBe(expected);
  });

  it('rejects malformed times', () => {
    expect(() => quietUntil(NOON, { from: '25:00', to: '01:00' })).toThrow(RangeError);
  });
});

describe('capPolicyFrom', () => {
  it('reads caps, spacing in ms and quiet hours', () => {
    const config = loadConfig({
      REPLYWRIGHT_CAP_PER_HOUR: '4',
      REPLYWRIGHT_CAP_PER_DAY: '30',
      REPLYWRIGHT_MIN_SPACING_SEC: '45',
      REPLYWRIGHT_QUIET_HOURS: '22:00-06:30',
    });
    expect(capPolicyFrom(config)).toEqual({
      perHour: 4,
      perDay: 30,
      minSpacingMs: 45_000,
      quietHours: { from: '22:00', to: '06:30' },
      dailyBudgetUsd: null,
    });
  });

  it('has no quiet hours by default', () => {
    expect(capPolicyFrom(loadConfig({})).quietHours).toBeNull();
  });
});
