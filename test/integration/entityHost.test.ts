import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { ActorNotFound, ActorQuarantined, TransitionRejected } from '../../src/runtime/errors.ts';
import { tempStore } from '../support/tempStore.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

type Store = Awaited<ReturnType<typeof tempStore>>['store'];

function insertCandidate(store: Store, id: string, at: number) {
  store
    .statement(
      `insert into candidates (id, platform, post_id, author, text, post_created_at, source, consent, state, discovered_at, updated_at)
       values (?, 'sandbox', ?, 'alice', 'hello there', ?, 'mentions', 'mention', 'discovered', ?, ?)`,
    )
    .run(id, id, at, at, at);
}

/** Every row a step could write, to prove one wrote nothing. */
function rowsOf(store: Store) {
  const all = (table: string) => store.statement(`select * from ${table} order by rowid`).all();
  return {
    actors: all('actors'),
    candidates: all('candidates'),
    queueEntries: all('queue_entries'),
    events: all('events'),
    timers: all('timers'),
  };
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('EntityHost', () => {
  it('persists snapshot, domain row and events in one transaction', async () => {
    const t = await tempStore();
    cleanup = t.cleanup;
    const clock = new SimulatedClock();
    const host = new EntityHost(t.store, clock);
    t.store.tx(() => {
      insertCandidate(t.store, 'c1', clock.now());
      t.store
        .statement(
          `insert into queue_entries (id, candidate_id, tier, score, status, enqueued_at, expires_at, updated_at)
           values ('q1', 'c1', 1, 80, 'queued', ?, ?, ?)`,
        )
        .run(clock.now(), clock.now() + 1000, clock.now());
      host.create('candidate', 'c1', { candidateId: 'c1' }, [
        { type: 'EVALUATE' },
        { type: 'QUEUE', queueEntryId: 'q1', tier: 1, score: 80, expiresAt: clock.now() + 1000 },
      ]);
    });
    // The candidates row is the candidate's snapshot: state and whole context, no actors row.
    expect(t.store.statement("select * from actors where id = 'c1'").get()).toBeUndefined();
    expect(
      t.store
        .statement(
          `select state, queue_entry_id, scheduler_run_id, decision_id, permit_id, posted_post_id, reason_code,
             tier, score, expires_at
           from candidates where id = 'c1'`,
        )
        .get(),
    ).toEqual({
      state: 'queued',
      queue_entry_id: 'q1',
      scheduler_run_id: null,
      decision_id: null,
      permit_id: null,
      posted_post_id: null,
      reason_code: null,
      tier: 1,
      score: 80,
      expires_at: clock.now() + 1000,
    });
    expect(host.get('candidate', 'c1')).toEqual({
      id: 'c1',
      kind: 'candidate',
      state: 'queued',
      done: false,
      context: {
        candidateId: 'c1',
        queueEntryId: 'q1',
        schedulerRunId: null,
        decisionId: null,
        permitId: null,
        postedPostId: null,
        reasonCode: null,
        tier: 1,
        score: 80,
        expiresAt: clock.now() + 1000,
      },
    });
    const events = t.store.statement("select type from events where actor_id = 'c1' order by id").all();
    expect(events).toEqual([{ type: 'candidate_queued' }]);
  });

  it('rolls back everything when an event is not accepted', async () => {
    const t = await tempStore();
    cleanup = t.cleanup;
    const clock = new SimulatedClock();
    const host = new EntityHost(t.store, clock);
    t.store.tx(() => {
      insertCandidate(t.store, 'c2', clock.now());
      host.create('candidate', 'c2', { candidateId: 'c2' });
    });
    expect(() => t.store.tx(() => host.send('candidate', 'c2', { type: 'POSTED', postId: 'p' }))).toThrow(
      TransitionRejected,
    );
    expect(host.get('candidate', 'c2')?.state).toBe('discovered');
  });

  it('a step of a candidate whose candidates row is missing throws ActorNotFound and writes nothing', async () => {
    const t = await tempStore();
    cleanup = t.cleanup;
    const clock = new SimulatedClock();
    const host = new EntityHost(t.store, clock);
    t.store.tx(() => {
      insertCandidate(t.store, 'c3', clock.now());
      host.create('candidate', 'c3', { candidateId: 'c3' }, [{ type: 'EVALUATE' }]);
    });
    // Its row was its snapshot: with the row gone there is no candidate to step.
    t.store.statement("delete from candidates where id = 'c3'").run();
    const before = rowsOf(t.store);
    // Caught inside the transaction, which then commits: the host itself wrote nothing.
    const [sent, created] = t.store.tx(() => [
      thrownBy(() => host.send('candidate', 'c3', { type: 'REJECT', reasonCode: 'low_score' })),
      thrownBy(() =>
        host.create('candidate', 'c4', { candidateId: 'c4' }, [
          { type: 'EVALUATE' },
          { type: 'REJECT', reasonCode: 'low_score' },
        ]),
      ),
    ]);
    for (const error of [sent, created]) {
      expect(error).toBeInstanceOf(ActorNotFound);
      // Missing is not unreadable: nothing to quarantine.
      expect(error).not.toBeInstanceOf(ActorQuarantined);
    }
    expect(rowsOf(t.store)).toEqual(before);
    expect(host.get('candidate', 'c3')).toBeNull();
    expect(host.get('candidate', 'c4')).toBeNull();
  });
});
