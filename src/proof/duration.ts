/**
 * Parses a human window such as `30m`, `2h`, `90s`, `1h30m`, `500ms` or `1d` into milliseconds.
 * Returns null for anything else (including zero and bare numbers), so callers can answer 400.
 *
 * @example parseDuration('30m') // 1_800_000
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+)(ms|s|m|h|d)/g;

export const MAX_WINDOW_MS = 30 * UNIT_MS.d!;

export function parseDuration(input: string): number | null {
  const text = input.trim().toLowerCase();
  if (!/^(\d+(ms|s|m|h|d))+$/.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit!]!;
  return total > 0 && total <= MAX_WINDOW_MS ? total : null;
}

/** The shortest exact spelling of a duration: 1_800_000 → `30m`, 5_400_000 → `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
