/** Small measurement helpers: percentiles, rates, RSS, formatting. */
export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[index]!;
}

export function summarize(samplesMs: number[]): { p50: number; p99: number; mean: number; n: number } {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, n: sorted.length };
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function rssMb(): number {
  return process.memoryUsage().rss / 1_048_576;
}

export function ratio(value: number, reference: number): number {
  return reference === 0 ? Number.NaN : value / reference;
}

/** 3 significant digits, thousands separated: 31 400, 0.412, 1.07. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

export function fmtRatio(r: number): string {
  return `${fmt(r)}×`;
}
