import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { TransitionRejected } from '../../src/runtime/errors.ts';
import { tempStore } from '../support/tempStore.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function insertCandidate(store: Awaited<ReturnType<typeof tempStore>>['store'], id: string, at: number) {
  store
    .statement(
      `insert into candidates (id, platform, post_id, author, text, post_created_at, source, consent, state, discovered_at, updated_at)
       values (?, 'sandbox', ?, 'alice', 'hello there', ?, 'mentions', 'mention', 'discovered', ?, ?)`,
    )
    .run(id, id, at, at, at);
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
    const actor = t.store.statement("select state, status from actors where id = 'c1'").get();
    expect(actor).toEqual({ state: 'queued', status: 'active' });
    expect(t.store.statement("select state, tier from candidates where id = 'c1'").get()).toEqual({
      state: 'queued',
      tier: 1,
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
});
