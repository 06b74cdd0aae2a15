import { asc, count, eq, max, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { compiled, type PreparedQueryLike } from '../../db/prepared.ts';
import { candidates, queueEntries, sloEvents } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { tempStore } from '../support/tempStore.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/**
 * `compiled()` binds and decodes what drizzle's own prepared query would, without its per-call
 * work. Each shape this codebase prepares is run both ways on the same rows; the results
 * must be equal, including nulls, decoded columns (boolean mode) and SQL expressions.
 */
async function seeded(): Promise<Store> {
  const t = await tempStore();
  cleanup = t.cleanup;
  const { db } = t.store;
  db.insert(candidates)
    .values([
      {
        id: 'c1',
        platform: 'sandbox',
        postId: '1',
        author: 'Alice',
        text: 'hello there',
        postCreatedAt: 10,
        source: 'mentions:mentions',
        consent: 'mention',
        state: 'queued',
        score: 71.5,
        tier: 2,
        discoveredAt: 20,
        updatedAt: 20,
      },
      {
        id: 'c2',
        platform: 'sandbox',
        postId: '2',
        author: 'bob',
        text: 'no score yet',
        postCreatedAt: 11,
        isRoot: null,
        source: 'mentions:mentions',
        consent: 'none',
        state: 'rejected',
        reasonCode: 'no_consent',
        discoveredAt: 21,
        updatedAt: 21,
      },
    ])
    .run();
  db.insert(queueEntries)
    .values({
      id: 'q1',
      candidateId: 'c1',
      tier: 2,
      score: 71.5,
      status: 'queued',
      enqueuedAt: 20,
      expiresAt: 99,
      updatedAt: 20,
    })
    .run();
  db.insert(sloEvents)
    .values([
      { schedulerRunId: 'r1', at: 5, posted: true, reason: 'posted', queueSize: 3 },
      { schedulerRunId: 'r2', at: 6, posted: false, reason: 'empty_queue', queueSize: 0 },
    ])
    .run();
  return t.store;
}

function bothWays<Q extends PreparedQueryLike>(query: Q, values: Record<string, unknown>) {
  const fast = compiled(query);
  return {
    get: [fast.get(values), query.get(values)],
    all: [fast.all(values), query.all(values)],
  };
}

describe('compiled(): drizzle prepared queries without the per-call overhead', () => {
  it('selects flat columns with nulls, typed placeholders and literal parameters alike', async () => {
    const store = await seeded();
    const query = store.db
      .select({
        id: candidates.id,
        isRoot: candidates.isRoot,
        score: candidates.score,
        reason: candidates.reasonCode,
      })
      .from(candidates)
      .where(eq(candidates.platform, sql.placeholder('platform')))
      .orderBy(asc(candidates.id))
      .prepare();
    for (const platform of ['sandbox', 'elsewhere']) {
      const { get, all } = bothWays(query, { platform });
      expect(get[0]).toEqual(get[1]);
      expect(all[0]).toEqual(all[1]);
    }
    expect(compiled(query).all({ platform: 'sandbox' })).toEqual([
      { id: 'c1', isRoot: null, score: 71.5, reason: null },
      { id: 'c2', isRoot: null, score: null, reason: 'no_consent' },
    ]);
  });

  it('decodes columns with a mode (boolean) and SQL expressions the way drizzle does', async () => {
    const store = await seeded();
    const rows = store.db
      .select({
        run: sloEvents.schedulerRunId,
        posted: sloEvents.posted,
        twice: sql<number>`${sloEvents.at} * 2`,
      })
      .from(sloEvents)
      .orderBy(asc(sloEvents.at))
      .prepare();
    const { all } = bothWays(rows, {});
    expect(all[0]).toEqual(all[1]);
    expect(all[0]).toEqual([
      { run: 'r1', posted: true, twice: 10 },
      { run: 'r2', posted: false, twice: 12 },
    ]);
    const aggregate = store.db
      .select({ n: count(), latest: max(sloEvents.at) })
      .from(sloEvents)
      .where(eq(sloEvents.posted, sql.placeholder('posted')))
      .prepare();
    // A placeholder compared with a column is bound as given (drizzle does not encode it).
    expect(() => aggregate.get({ posted: true })).toThrow(/can only bind/);
    expect(() => compiled(aggregate).get({ posted: true })).toThrow(/can only bind/);
    const { get } = bothWays(aggregate, { posted: 1 });
    expect(get[0]).toEqual(get[1]);
    expect(get[0]).toEqual({ n: 1, latest: 5 });
  });

  it('selects across a left join (flat fields) like drizzle, and keeps drizzle for nested ones', async () => {
    const store = await seeded();
    const flat = store.db
      .select({ id: candidates.id, entry: queueEntries.id, expires: queueEntries.expiresAt })
      .from(candidates)
      .leftJoin(queueEntries, eq(queueEntries.candidateId, candidates.id))
      .orderBy(asc(candidates.id))
      .prepare();
    const a = bothWays(flat, {});
    expect(a.all[0]).toEqual(a.all[1]);
    expect(a.all[0]).toEqual([
      { id: 'c1', entry: 'q1', expires: 99 },
      { id: 'c2', entry: null, expires: null },
    ]);
    const nested = store.db
      .select({ id: candidates.id, entry: { id: queueEntries.id, status: queueEntries.status } })
      .from(candidates)
      .leftJoin(queueEntries, eq(queueEntries.candidateId, candidates.id))
      .orderBy(asc(candidates.id))
      .prepare();
    const b = bothWays(nested, {});
    expect(b.all[0]).toEqual(b.all[1]);
    expect(b.all[0]).toEqual([
      { id: 'c1', entry: { id: 'q1', status: 'queued' } },
      { id: 'c2', entry: null },
    ]);
  });

  it('writes with placeholders (encoded by their column) and reports the change count', async () => {
    const store = await seeded();
    const insert = compiled(
      store.db
        .insert(sloEvents)
        .values({
          schedulerRunId: sql.placeholder('run'),
          at: sql.placeholder('at'),
          posted: sql.placeholder('posted'),
          reason: 'posted',
          queueSize: 1,
        })
        .prepare(),
    );
    expect(insert.run({ run: 'r3', at: 7, posted: true }).changes).toBe(1);
    const update = compiled(
      store.db
        .update(candidates)
        .set({ tier: sql`coalesce(${sql.placeholder('tier')}, ${candidates.tier})` })
        .where(eq(candidates.id, sql.placeholder('id')))
        .prepare(),
    );
    expect(update.run({ id: 'c1', tier: null }).changes).toBe(1);
    expect(update.run({ id: 'nobody', tier: 1 }).changes).toBe(0);
    expect(
      store.db
        .select({ posted: sloEvents.posted })
        .from(sloEvents)
        .where(eq(sloEvents.schedulerRunId, 'r3'))
        .get(),
    ).toEqual({ posted: true });
    expect(
      store.db.select({ tier: candidates.tier }).from(candidates).where(eq(candidates.id, 'c1')).get(),
    ).toEqual({ tier: 2 });
  });

  it("refuses a missing placeholder value with drizzle's message, before touching the database", async () => {
    const store = await seeded();
    const query = store.db
      .select({ id: candidates.id })
      .from(candidates)
      .where(eq(candidates.id, sql.placeholder('id')))
      .prepare();
    expect(() => compiled(query).get({})).toThrow('No value for placeholder "id" was provided');
    expect(() => query.get({})).toThrow('No value for placeholder "id" was provided');
  });
});
