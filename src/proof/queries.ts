import type { Store } from '../../db/store.ts';

/**
 * Small read helpers shared by the proof report, the diagnosis, the funnel and the metrics.
 * Every query here is served by an index of db/schema.ts; none scans `events` whole.
 */
export interface TimeRange {
  since: number;
  until: number;
}

export function rangeOf(now: number, windowMs: number): TimeRange {
  return { since: now - windowMs, until: now };
}

export function scalar(store: Store, sql: string, ...params: unknown[]): number {
  const row = store.statement(sql).get(...params) as Record<string, unknown> | undefined;
  const value = row ? Object.values(row)[0] : 0;
  return typeof value === 'number' ? value : Number(value ?? 0);
}

/** Events of `type` written in the range (uses events_type_at). */
export function countEvents(store: Store, type: string, range: TimeRange): number {
  return scalar(
    store,
    'select count(*) as n from events where type = ? and at >= ? and at <= ?',
    type,
    range.since,
    range.until,
  );
}

/** Events of `type` ever written (an index-only count over events_type_at). */
export function countEventsEver(store: Store, type: string): number {
  return scalar(store, 'select count(*) as n from events where type = ?', type);
}

/** Counts of each of `types` in the range, zero-filled. */
export function countEventsByType(
  store: Store,
  types: readonly string[],
  range: TimeRange,
): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(types.map((t) => [t, 0]));
  if (types.length === 0) return out;
  const marks = types.map(() => '?').join(', ');
  const rows = store
    .statement(
      `select type, count(*) as n from events where type in (${marks}) and at >= ? and at <= ? group by type`,
    )
    .all(...types, range.since, range.until) as { type: string; n: number }[];
  for (const row of rows) out[row.type] = row.n;
  return out;
}

export interface Tally {
  key: string;
  count: number;
}

/** `[key, count]` rows sorted by count desc, then key. */
export function tally(rows: { key: string | null; n: number }[], limit = 5): Tally[] {
  return rows
    .map((r) => ({ key: r.key ?? 'unknown', count: r.n }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
    .slice(0, limit);
}

/** Parses an event's data column; a malformed or missing value is an empty object. */
export function eventData(data: string | null | undefined): Record<string, unknown> {
  if (!data) return {};
  try {
    const parsed: unknown = JSON.parse(data);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** Tallies one string field of the data of events of `type` in the range. */
export function tallyEventField(
  store: Store,
  type: string,
  field: string,
  range: TimeRange,
  limit = 5,
): Tally[] {
  const rows = store
    .statement('select data from events where type = ? and at >= ? and at <= ?')
    .all(type, range.since, range.until) as { data: string | null }[];
  const counts = new Map<string, number>();
  for (const row of rows) {
    const value = eventData(row.data)[field];
    const key = typeof value === 'string' && value !== '' ? value : 'unknown';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return tally(
    [...counts].map(([key, n]) => ({ key, n })),
    limit,
  );
}

/** The kill switch, as the scheduler and poster read it. */
export { isPaused as isPausedInStore } from '../jobs/controls.ts';
/** Queue entries the scheduler could pick now (the scheduler's own count). */
export { queueSize } from '../jobs/queue.ts';
