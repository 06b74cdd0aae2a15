import { describe, expect, it } from 'vitest';
import { decodeCursor, type ListPage, readNewerThan } from '../../src/platforms/bluesky/newerThan.ts';

/** A newest-first list with a backwards cursor, like listNotifications: items are times. */
function list(times: number[], pageSize: number) {
  const sorted = [...times].sort((a, b) => b - a);
  const calls: (string | null)[] = [];
  const fetchPage = async (cursor: string | null): Promise<ListPage<number>> => {
    calls.push(cursor);
    const start = cursor === null ? 0 : Number(cursor);
    const items = sorted.slice(start, start + pageSize).map((at) => ({ at, item: at }));
    const next = start + pageSize < sorted.length ? String(start + pageSize) : null;
    return { items, cursor: next };
  };
  return {
    fetchPage,
    calls,
    add: (...t: number[]) => sorted.splice(0, sorted.length, ...[...sorted, ...t].sort((a, b) => b - a)),
  };
}

const opts = { maxPages: 2, overlapMs: 0, firstLookbackMs: 1_000, now: 10_000 };

describe('readNewerThan: the pipeline cursor over a backwards-paged list', () => {
  it('a first read goes back firstLookbackMs and returns oldest first', async () => {
    const l = list([8_500, 9_000, 9_500, 9_900], 10);
    const { items, nextCursor } = await readNewerThan(null, l.fetchPage, opts);
    expect(items.map((i) => i.item)).toEqual([9_000, 9_500, 9_900]);
    expect(decodeCursor(nextCursor)).toEqual({ top: 9_900, gap: null });
  });

  it('passing the cursor back gives only newer items (and the one at the watermark: inclusive, ingest drops repeats)', async () => {
    const l = list([9_000, 9_500], 10);
    const first = await readNewerThan(null, l.fetchPage, opts);
    l.add(9_700, 9_800);
    const second = await readNewerThan(first.nextCursor, l.fetchPage, { ...opts, now: 11_000 });
    expect(second.items.map((i) => i.item)).toEqual([9_500, 9_700, 9_800]);
    const third = await readNewerThan(second.nextCursor, l.fetchPage, { ...opts, now: 12_000 });
    expect(third.items.map((i) => i.item)).toEqual([9_800]);
    expect(third.nextCursor).toBe(second.nextCursor);
  });

  it('a burst larger than one read leaves a gap that later reads fill before reading the top again', async () => {
    const l = list([9_000], 2);
    const first = await readNewerThan(null, l.fetchPage, opts);
    const burst = Array.from({ length: 9 }, (_, i) => 9_100 + i * 10); // 9100..9180
    l.add(...burst);
    const seen: number[] = [];
    let cursor = first.nextCursor;
    const a = await readNewerThan(cursor, l.fetchPage, opts);
    seen.push(...a.items.map((i) => i.item));
    expect(a.items).toHaveLength(4); // two pages of two
    expect(decodeCursor(a.nextCursor).gap).toMatchObject({ floor: 9_000 });
    l.add(9_999); // arrives while the gap is being filled
    cursor = a.nextCursor;
    for (let i = 0; i < 5 && decodeCursor(cursor).gap; i++) {
      const next = await readNewerThan(cursor, l.fetchPage, opts);
      seen.push(...next.items.map((x) => x.item));
      cursor = next.nextCursor;
    }
    expect(decodeCursor(cursor).gap).toBeNull();
    const top = await readNewerThan(cursor, l.fetchPage, opts);
    seen.push(...top.items.map((x) => x.item));
    expect([...new Set(seen)].filter((t) => t > 9_000).sort()).toEqual([...burst, 9_999]);
  });

  it('items without a time are passed on but move no watermark', async () => {
    const fetchPage = async (): Promise<ListPage<string>> => ({
      items: [
        { at: null, item: 'malformed' },
        { at: 9_500, item: 'ok' },
      ],
      cursor: null,
    });
    const { items, nextCursor } = await readNewerThan(null, fetchPage, opts);
    expect(items.map((i) => i.item).sort()).toEqual(['malformed', 'ok']);
    expect(decodeCursor(nextCursor).top).toBe(9_500);
  });

  it('an unreadable cursor starts over instead of failing', () => {
    expect(decodeCursor('not json')).toEqual({ top: null, gap: null });
    expect(decodeCursor('{"t":"x","g":{"c":1}}')).toEqual({ top: null, gap: null });
  });
});
