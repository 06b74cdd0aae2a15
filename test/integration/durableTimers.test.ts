import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../db/store.ts';
import type { PermitEvent } from '../../machines/permit.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { type DueTimer, DurableTimers, TIMER_RETRY_MS } from '../../src/runtime/durableTimers.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { insertPermitChain, permitInput } from '../support/fixtures.ts';
import { tempStore } from '../support/tempStore.ts';

const MINUTE = 60_000;
let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function timerEvent(timer: DueTimer, now: number): PermitEvent {
  if (timer.event === 'POSTING_DEADLINE') return { type: 'POSTING_DEADLINE', resolveBy: now + 10 * MINUTE };
  return { type: timer.event } as PermitEvent;
}

/** Host + timer service over `store`, wired the way the runtime wires them; logs captured. */
function runtime(store: Store, clock: SimulatedClock, dispatch?: (timer: DueTimer) => void) {
  const logs: { level: number; msg: string }[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const host = new EntityHost(store, clock);
  const timers = new DurableTimers(
    store,
    clock,
    log,
    dispatch ?? ((timer) => host.send(timer.kind, timer.actorId, timerEvent(timer, clock.now()))),
  );
  host.onTimerScheduled((dueAt) => timers.scheduled(dueAt));
  const createPermit = (id: string, expiresAt: number, events: PermitEvent[] = [{ type: 'SUBMIT' }]) =>
    store.tx(() => {
      const input = permitInput(id, expiresAt);
      insertPermitChain(store, input, clock.now());
      return host.create('permit', id, input, events);
    });
  const state = (id: string) => host.get('permit', id)?.state;
  const timerRows = () => store.statement('select actor_id, event, due_at from timers order by due_at').all();
  const events = (id: string) =>
    (
      store.statement('select type, data from events where actor_id = ? order by id').all(id) as {
        type: string;
        data: string;
      }[]
    ).map((e) => ({ type: e.type, cause: (JSON.parse(e.data) as { cause: string }).cause }));
  return { host, timers, logs, createPermit, state, timerRows, events };
}

async function setup() {
  const t = await tempStore();
  cleanup = t.cleanup;
  const clock = new SimulatedClock();
  return { t, clock, T0: clock.now(), ...runtime(t.store, clock) };
}

describe('DurableTimers', () => {
  it('fires a timer once, when it comes due', async () => {
    const { clock, T0, timers, createPermit, state, timerRows, events } = await setup();
    createPermit('p1', T0 + MINUTE);
    expect(timerRows()).toEqual([{ actor_id: 'p1', event: 'EXPIRE', due_at: T0 + MINUTE }]);
    timers.start();
    await clock.advance(MINUTE - 1);
    expect(state('p1')).toBe('approved');
    await clock.advance(1);
    expect(state('p1')).toBe('expired');
    expect(timerRows()).toEqual([]);
    await clock.advance(60 * MINUTE);
    expect(timers.fireDue()).toBe(0);
    expect(timers.fired).toBe(1);
    expect(events('p1')).toEqual([
      { type: 'permit_approved', cause: 'SUBMIT' },
      { type: 'permit_expired', cause: 'EXPIRE' },
    ]);
    expect(clock.pending).toBe(0);
  });

  it('fires overdue timers at start, after a restart, in due order', async () => {
    const t = await tempStore();
    cleanup = t.cleanup;
    const clock = new SimulatedClock();
    const T0 = clock.now();
    const before = runtime(t.store, clock);
    before.createPermit('late', T0 + 2 * MINUTE);
    before.createPermit('early', T0 + MINUTE);
    before.createPermit('future', T0 + 60 * MINUTE);
    t.store.close();
    await clock.advance(10 * MINUTE);

    const store = await openStore(t.path);
    cleanup = () => {
      store.close();
      t.cleanup();
    };
    const order: string[] = [];
    const after = runtime(store, clock, (timer) => {
      order.push(timer.actorId);
      after.host.send('permit', timer.actorId, { type: 'EXPIRE' });
    });
    after.timers.start();
    await clock.advance(0);
    expect(order).toEqual(['early', 'late']);
    expect([after.state('early'), after.state('late'), after.state('future')]).toEqual([
      'expired',
      'expired',
      'approved',
    ]);
    expect(after.timerRows()).toEqual([{ actor_id: 'future', event: 'EXPIRE', due_at: T0 + 60 * MINUTE }]);
    await clock.advance(50 * MINUTE);
    expect(after.state('future')).toBe('expired');
    expect(after.timers.fired).toBe(3);
  });

  it('deletes a stale timer whose transition is rejected, silently', async () => {
    const { t, clock, T0, timers, createPermit, state, timerRows, events, logs } = await setup();
    createPermit('p1', T0 + MINUTE, [
      { type: 'SUBMIT' },
      {
        type: 'CLAIM',
        target: { exists: true, isRoot: true, inReplyToPostId: null },
        postingDeadlineAt: T0 + MINUTE,
      },
      { type: 'POSTED', postId: 'reply-1' },
    ]);
    const before = events('p1');
    t.store.statement("insert into timers (actor_id, event, due_at) values ('p1', 'EXPIRE', ?)").run(T0 - 1);
    t.store
      .statement("insert into timers (actor_id, event, due_at) values ('gone', 'EXPIRE', ?)")
      .run(T0 - 1);
    timers.start();
    await clock.advance(0);
    expect(timerRows()).toEqual([]);
    expect(state('p1')).toBe('used');
    expect(events('p1')).toEqual(before);
    expect(logs.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('re-arms for a timer written earlier than the one armed', async () => {
    const { clock, T0, timers, createPermit, state } = await setup();
    createPermit('slow', T0 + 60 * MINUTE);
    timers.start();
    expect(clock.pending).toBe(1);
    createPermit('fast', T0 + MINUTE);
    expect(clock.pending).toBe(1);
    await clock.advance(MINUTE);
    expect([state('fast'), state('slow')]).toEqual(['expired', 'approved']);
    createPermit('later', T0 + 90 * MINUTE);
    await clock.advance(59 * MINUTE);
    expect([state('slow'), state('later')]).toEqual(['expired', 'approved']);
    await clock.advance(30 * MINUTE);
    expect(state('later')).toBe('expired');
    expect(timers.fired).toBe(3);
  });

  it('arms the timers a fired transition writes (posting deadline → unconfirmed → failed)', async () => {
    const { clock, T0, timers, createPermit, state, events } = await setup();
    createPermit('p1', T0 + 60 * MINUTE, [
      { type: 'SUBMIT' },
      {
        type: 'CLAIM',
        target: { exists: true, isRoot: true, inReplyToPostId: null },
        postingDeadlineAt: T0 + MINUTE,
      },
    ]);
    timers.start();
    await clock.advance(MINUTE);
    expect(state('p1')).toBe('unconfirmed');
    await clock.advance(10 * MINUTE);
    expect(state('p1')).toBe('failed');
    expect(events('p1').map((e) => `${e.type}<-${e.cause}`)).toEqual([
      'permit_approved<-SUBMIT',
      'permit_posting<-CLAIM',
      'permit_unconfirmed<-POSTING_DEADLINE',
      'permit_failed<-UNRESOLVED',
    ]);
  });

  it('keeps a timer whose dispatch fails for another reason, and fires it on the next pass', async () => {
    const t = await tempStore();
    cleanup = t.cleanup;
    const clock = new SimulatedClock();
    let failures = 1;
    const r = runtime(t.store, clock, (timer) => {
      if (failures-- > 0) throw new Error('database is locked');
      r.host.send('permit', timer.actorId, { type: 'EXPIRE' });
    });
    r.createPermit('p1', clock.now() - 1);
    expect(r.timers.fireDue()).toBe(0);
    expect(r.state('p1')).toBe('approved');
    expect(r.timerRows()).toHaveLength(1);
    expect(r.logs.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([
      'timer dispatch failed; will retry',
    ]);
    expect(r.timers.fireDue()).toBe(1);
    expect(r.state('p1')).toBe('expired');
  });

  it("regression: a quarantined actor's timer neither fires nor keeps the service spinning", async () => {
    const t = await tempStore();
    cleanup = t.cleanup;
    const clock = new SimulatedClock();
    const T0 = clock.now();
    const calls: string[] = [];
    const r = runtime(t.store, clock, (timer) => {
      calls.push(timer.actorId);
      if (calls.length > 20) r.timers.stop(); // before the fix: a retry loop at the same instant
      r.host.send('permit', timer.actorId, { type: 'EXPIRE' });
    });
    r.createPermit('sick', T0 + MINUTE);
    r.createPermit('healthy', T0 + 2 * MINUTE);
    t.store.statement("update actors set status = 'quarantined' where id = 'sick'").run();
    r.timers.start();
    await clock.advance(10 * MINUTE);
    expect(calls).toEqual(['healthy']);
    expect(r.state('healthy')).toBe('expired');
    expect(r.timerRows()).toEqual([{ actor_id: 'sick', event: 'EXPIRE', due_at: T0 + MINUTE }]);
    expect(clock.pending).toBe(0);
  });

  it('regression: a dispatch that keeps failing is retried every TIMER_RETRY_MS, not in a hot loop', async () => {
    const t = await tempStore();
    cleanup = t.cleanup;
    const clock = new SimulatedClock();
    const T0 = clock.now();
    let calls = 0;
    const r = runtime(t.store, clock, (timer) => {
      if (timer.actorId === 'broken') {
        calls++;
        if (calls > 100) r.timers.stop();
        throw new Error('disk I/O error');
      }
      r.host.send('permit', timer.actorId, { type: 'EXPIRE' });
    });
    r.createPermit('broken', T0 + MINUTE);
    r.timers.start();
    await clock.advance(MINUTE);
    expect(calls).toBe(1);
    await clock.advance(TIMER_RETRY_MS - 1);
    expect(calls).toBe(1);
    await clock.advance(1);
    expect(calls).toBe(2);
    await clock.advance(10 * TIMER_RETRY_MS);
    expect(calls).toBe(12);
    expect(r.state('broken')).toBe('approved');

    // a healthy timer due inside the retry pause still fires on time
    const dueAt = clock.now() + TIMER_RETRY_MS / 4;
    r.createPermit('fine', dueAt);
    await clock.advance(TIMER_RETRY_MS / 4);
    expect(r.state('fine')).toBe('expired');
    expect(r.events('fine').at(-1)).toEqual({ type: 'permit_expired', cause: 'EXPIRE' });
    expect(calls).toBeLessThanOrEqual(13);
  });
});
