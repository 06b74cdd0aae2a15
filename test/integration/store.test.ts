import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { insertCandidateRow, insertQueueEntryRow } from '../support/fixtures.ts';
import { tempStore } from '../support/tempStore.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function setup() {
  const t = await tempStore();
  cleanup = t.cleanup;
  return t.store;
}

const synchronous = (store: Store) =>
  (store.driver.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
const NORMAL = 1;
const FULL = 2;

const setControl = (store: Store, key: string) =>
  store.statement('insert into controls (key, value, updated_at) values (?, ?, 0)').run(key, key);
const controlKeys = (store: Store) =>
  (store.statement('select key from controls order by key').all() as { key: string }[]).map((r) => r.key);
const count = (store: Store, table: string) =>
  (store.statement(`select count(*) as n from ${table}`).get() as { n: number }).n;

describe('store transactions', () => {
  it('durableTx commits with synchronous=FULL and puts NORMAL back afterwards', async () => {
    const store = await setup();
    expect(synchronous(store)).toBe(NORMAL);
    const inside = store.durableTx(() => {
      setControl(store, 'posting');
      return synchronous(store);
    });
    expect(inside).toBe(FULL);
    expect(synchronous(store)).toBe(NORMAL);
    expect(controlKeys(store)).toEqual(['posting']);
    expect(store.tx(() => synchronous(store))).toBe(NORMAL);
  });

  it('durableTx puts NORMAL back when its callback throws, and rolls back', async () => {
    const store = await setup();
    expect(() =>
      store.durableTx(() => {
        setControl(store, 'doomed');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(synchronous(store)).toBe(NORMAL);
    expect(controlKeys(store)).toEqual([]);
    expect(store.driver.inTransaction).toBe(false);
  });

  it('a nested tx is a savepoint: its failure rolls back only the inner part', async () => {
    const store = await setup();
    store.tx(() => {
      setControl(store, 'outer-before');
      expect(() =>
        store.tx(() => {
          setControl(store, 'inner');
          store.tx(() => setControl(store, 'inner-inner'));
          throw new Error('inner fails');
        }),
      ).toThrow('inner fails');
      store.tx(() => {
        setControl(store, 'sibling');
        expect(() =>
          store.tx(() => {
            setControl(store, 'deepest');
            throw new Error('deepest fails');
          }),
        ).toThrow('deepest fails');
      });
      setControl(store, 'outer-after');
    });
    expect(controlKeys(store)).toEqual(['outer-after', 'outer-before', 'sibling']);
  });

  it('an error escaping the outer tx rolls back every level', async () => {
    const store = await setup();
    expect(() =>
      store.tx(() => {
        setControl(store, 'outer');
        store.tx(() => setControl(store, 'inner'));
        throw new Error('outer fails');
      }),
    ).toThrow('outer fails');
    expect(controlKeys(store)).toEqual([]);
    store.tx(() => setControl(store, 'next'));
    expect(controlKeys(store)).toEqual(['next']);
  });

  it('rejects an async callback and rolls it back', async () => {
    const store = await setup();
    expect(() =>
      store.tx(async () => {
        setControl(store, 'async');
      }),
    ).toThrow('store.tx callbacks must be synchronous');
    expect(controlKeys(store)).toEqual([]);
  });

  it('a thrown error rolls back the snapshot, the domain rows and the events together', async () => {
    const store = await setup();
    const clock = new SimulatedClock();
    const host = new EntityHost(store, clock);
    const at = clock.now();
    const before = {
      actors: count(store, 'actors'),
      candidates: count(store, 'candidates'),
      events: count(store, 'events'),
    };
    expect(() =>
      store.tx(() => {
        insertCandidateRow(store, 'c1', at);
        insertQueueEntryRow(store, {
          id: 'q1',
          candidateId: 'c1',
          tier: 1,
          score: 9,
          expiresAt: at + 1_000,
          at,
        });
        host.create('candidate', 'c1', { candidateId: 'c1' }, [
          { type: 'EVALUATE' },
          { type: 'QUEUE', queueEntryId: 'q1', tier: 1, score: 9, expiresAt: at + 1_000 },
        ]);
        throw new Error('crash before commit');
      }),
    ).toThrow('crash before commit');
    expect({
      actors: count(store, 'actors'),
      candidates: count(store, 'candidates'),
      events: count(store, 'events'),
    }).toEqual(before);
    expect(count(store, 'queue_entries')).toBe(0);

    // and for a step of an existing actor: state, queue entry and event log stay as they were
    store.tx(() => {
      insertCandidateRow(store, 'c2', at);
      insertQueueEntryRow(store, {
        id: 'q2',
        candidateId: 'c2',
        tier: 1,
        score: 9,
        expiresAt: at + 1_000,
        at,
      });
      host.create('candidate', 'c2', { candidateId: 'c2' }, [
        { type: 'EVALUATE' },
        { type: 'QUEUE', queueEntryId: 'q2', tier: 1, score: 9, expiresAt: at + 1_000 },
      ]);
    });
    const snapshot = () => ({
      actor: store.statement("select state, snapshot, updated_at from actors where id = 'c2'").get(),
      candidate: store.statement("select state, updated_at from candidates where id = 'c2'").get(),
      queue: store.statement("select status, selected_by_run_id from queue_entries where id = 'q2'").get(),
      events: count(store, 'events'),
    });
    const committed = snapshot();
    await clock.advance(5_000);
    expect(() =>
      store.tx(() => {
        host.send('candidate', 'c2', { type: 'SELECT', schedulerRunId: 'run-1' });
        throw new Error('crash after the step');
      }),
    ).toThrow('crash after the step');
    expect(snapshot()).toEqual(committed);
    expect(host.get('candidate', 'c2')?.state).toBe('queued');
  });

  it('EntityHost refuses to step outside a transaction', async () => {
    const store = await setup();
    const host = new EntityHost(store, new SimulatedClock());
    expect(() => host.create('candidate', 'c1', { candidateId: 'c1' })).toThrow(/inside store.tx/);
  });
});
