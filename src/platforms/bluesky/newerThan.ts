/**
 * Bluesky lists (notifications, author feeds, search) come newest first with a cursor that
 * pages BACKWARDS, and have no "since". The pipeline's cursor means "pass back to get only
 * newer items" (src/jobs/fetch.ts persists each page's `nextCursor` with the page). This
 * turns one into the other with a durable watermark:
 *
 * - `top`: the newest item time handed out so far. A call reads from the newest page down to
 *   `top - overlapMs` (the overlap re-reads a little; ingest ignores posts it has seen) and
 *   moves `top` up.
 * - `gap`: when more new items arrived than one call reads (`maxPages`), the rest is NOT
 *   skipped: the API cursor where the call stopped and the floor it was heading for are
 *   kept, and the next calls continue down from there until the floor is reached. Only then
 *   does reading resume at the newest page.
 * - a first read (no cursor) goes back `firstLookbackMs`.
 *
 * The cursor is a small JSON string; an unreadable one starts over (a first read).
 */
export interface WatermarkCursor {
  /** Newest item time (epoch ms) handed out. */
  top: number | null;
  gap: { apiCursor: string; floor: number } | null;
}

export interface ListedItem<T> {
  /** The list's own sort time for this item (indexedAt), epoch ms; null when it has none (a malformed item). */
  at: number | null;
  item: T;
}

export interface ListPage<T> {
  items: ListedItem<T>[];
  cursor: string | null;
}

export interface NewerThanOptions {
  maxPages: number;
  overlapMs: number;
  firstLookbackMs: number;
  now: number;
}

export function decodeCursor(cursor: string | null): WatermarkCursor {
  if (cursor === null) return { top: null, gap: null };
  try {
    const raw = JSON.parse(cursor) as { t?: unknown; g?: { c?: unknown; f?: unknown } | null };
    const top = typeof raw.t === 'number' && Number.isFinite(raw.t) ? raw.t : null;
    const gap =
      raw.g && typeof raw.g.c === 'string' && typeof raw.g.f === 'number'
        ? { apiCursor: raw.g.c, floor: raw.g.f }
        : null;
    return { top, gap };
  } catch {
    return { top: null, gap: null };
  }
}

export function encodeCursor(state: WatermarkCursor): string {
  return JSON.stringify({
    t: state.top,
    g: state.gap ? { c: state.gap.apiCursor, f: state.gap.floor } : null,
  });
}

/** Items newer than the cursor's watermark (oldest first) and the cursor to persist with them. */
export async function readNewerThan<T>(
  cursor: string | null,
  fetchPage: (apiCursor: string | null) => Promise<ListPage<T>>,
  options: NewerThanOptions,
): Promise<{ items: ListedItem<T>[]; nextCursor: string }> {
  const state = decodeCursor(cursor);
  const fillingGap = state.gap !== null;
  const floor = state.gap?.floor ?? state.top ?? options.now - options.firstLookbackMs;
  let apiCursor = state.gap?.apiCursor ?? null;
  const items: ListedItem<T>[] = [];
  let newest: number | null = null;
  let reachedFloor = false;
  for (let page = 0; page < options.maxPages && !reachedFloor; page++) {
    const result = await fetchPage(apiCursor);
    for (const entry of result.items) {
      if (entry.at === null) {
        items.push(entry); // reported (as invalid) by the caller; moves no watermark
        continue;
      }
      newest = newest === null ? entry.at : Math.max(newest, entry.at);
      // Not a break: lists are only roughly ordered (a late-indexed item), keep scanning the page.
      if (entry.at < floor - options.overlapMs) reachedFloor = true;
      else items.push(entry);
    }
    if (result.items.length === 0 || result.cursor === null || result.cursor === apiCursor)
      reachedFloor = true;
    apiCursor = result.cursor;
  }
  const next: WatermarkCursor = {
    top: fillingGap ? state.top : maxOf(state.top, newest),
    gap: reachedFloor || apiCursor === null ? null : { apiCursor, floor },
  };
  items.sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
  return { items, nextCursor: encodeCursor(next) };
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
