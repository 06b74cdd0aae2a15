import { and, count, eq, gte, inArray, lte, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { prepared } from '../../db/prepared.ts';
import { events, sloEvents } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { JOB_EVENT } from '../events.ts';

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

export type JobName = keyof typeof JOB_EVENT;
/** The jobs that write `job_runs` rows and start/completed/failed events. */
export const JOB_NAMES = Object.keys(JOB_EVENT) as JobName[];

/** Rows of `table` matching `where` (every row without it). */
export function countRows(store: Store, table: SQLiteTable, where?: SQL): number {
  return store.db.select({ n: count() }).from(table).where(where).get()?.n ?? 0;
}

/** Events of `type` written in the range (uses events_type_at). */
export function countEvents(store: Store, type: string, range: TimeRange): number {
  return eventsInRange.get(store, { type, since: range.since, until: range.until })?.n ?? 0;
}

const eventsInRange = prepared<{ type: string; since: number; until: number }>()((db, p) =>
  db
    .select({ n: count() })
    .from(events)
    .where(and(eq(events.type, p.type), gte(events.at, p.since), lte(events.at, p.until)))
    .prepare(),
);

/** Events of `type` ever written (an index-only count over events_type_at). */
export function countEventsEver(store: Store, type: string): number {
  return eventsEver.get(store, { type })?.n ?? 0;
}

const eventsEver = prepared<{ type: string }>()((db, p) =>
  db.select({ n: count() }).from(events).where(eq(events.type, p.type)).prepare(),
);

/** Counts of each of `types` in the range, zero-filled. */
export function countEventsByType(
  store: Store,
  types: readonly string[],
  range: TimeRange,
): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(types.map((t) => [t, 0]));
  if (types.length === 0) return out;
  const rows = store.db
    .select({ type: events.type, n: count() })
    .from(events)
    .where(and(inArray(events.type, [...types]), gte(events.at, range.since), lte(events.at, range.until)))
    .groupBy(events.type)
    .all();
  for (const row of rows) out[row.type] = row.n;
  return out;
}

/** SLO events in the range, by reason (`key`). */
export function sloReasonsInRange(store: Store, range: TimeRange): { key: string; n: number }[] {
  return store.db
    .select({ key: sloEvents.reason, n: count() })
    .from(sloEvents)
    .where(and(gte(sloEvents.at, range.since), lte(sloEvents.at, range.until)))
    .groupBy(sloEvents.reason)
    .all();
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
  const rows = store.db
    .select({ data: events.data })
    .from(events)
    .where(and(eq(events.type, type), gte(events.at, range.since), lte(events.at, range.until)))
    .all();
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
