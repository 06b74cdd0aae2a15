/** Display helpers for the dashboard: times, relative times, truncation. */
export function isoTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function relative(ms: number, now: number): string {
  const d = ms - now;
  const abs = Math.abs(d);
  const text =
    abs < 60_000
      ? `${Math.round(abs / 1000)}s`
      : abs < 3_600_000
        ? `${Math.round(abs / 60_000)}m`
        : abs < 86_400_000
          ? `${(abs / 3_600_000).toFixed(1)}h`
          : `${(abs / 86_400_000).toFixed(1)}d`;
  return d >= 0 ? `in ${text}` : `${text} ago`;
}

export function truncate(text: string, max = 90): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
