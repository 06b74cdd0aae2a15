import { describe, expect, it } from 'vitest';
import { createActor, initialTransition, transition } from 'xstate';
import {
  backoffMs,
  type SupervisorContext,
  type SupervisorEvent,
  supervisorHealth,
  supervisorMachine,
} from '../../machines/supervisor.ts';

const T0 = 1_000_000;

function run(events: SupervisorEvent[], children = ['fetch', 'scheduler'], base = 1_000, max = 60_000) {
  let [snapshot] = initialTransition(supervisorMachine, { children, baseBackoffMs: base, maxBackoffMs: max });
  for (const event of events) [snapshot] = transition(supervisorMachine, snapshot, event);
  return snapshot;
}

const started = (name: string, at = T0): SupervisorEvent => ({ type: 'CHILD_STARTED', name, at });
const crashed = (name: string, at = T0): SupervisorEvent => ({
  type: 'CHILD_CRASHED',
  name,
  error: 'boom',
  at,
});

describe('backoffMs', () => {
  it.each([
    [0, 1_000],
    [1, 2_000],
    [2, 4_000],
    [5, 32_000],
    [6, 60_000],
    [30, 60_000],
    [1_000, 60_000],
  ])('after %i restarts waits %i ms (base 1 s, cap 60 s)', (restarts, expected) => {
    expect(backoffMs(restarts, 1_000, 60_000)).toBe(expected);
  });
});

describe('supervisor machine', () => {
  it('doubles the backoff on every crash of the same child and caps it', () => {
    const delays: number[] = [];
    let at = T0;
    const events: SupervisorEvent[] = [started('fetch', at)];
    for (let i = 0; i < 9; i++) {
      events.push(crashed('fetch', at));
      const s = run(events, ['fetch'], 100, 5_000);
      const health = s.context.children.fetch!;
      delays.push(health.nextRestartAt! - at);
      expect(health).toMatchObject({ status: 'backoff', restarts: i + 1, lastError: 'boom' });
      at = health.nextRestartAt!;
      events.push(started('fetch', at));
    }
    expect(delays).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000]);
  });

  it('a restart clears nextRestartAt and records startedAt; other children are untouched', () => {
    const s = run([
      started('fetch'),
      started('scheduler'),
      crashed('fetch', T0 + 5),
      started('fetch', T0 + 2_000),
    ]);
    expect(s.context.children.fetch).toEqual({
      status: 'running',
      restarts: 1,
      lastError: 'boom',
      nextRestartAt: null,
      startedAt: T0 + 2_000,
    });
    expect(s.context.children.scheduler).toMatchObject({ status: 'running', restarts: 0 });
  });

  it.each<[string, SupervisorEvent[], ReturnType<typeof supervisorHealth>]>([
    ['nothing started yet', [], 'stopped'],
    ['every child running', [started('fetch'), started('scheduler')], 'healthy'],
    ['one child not started', [started('fetch')], 'degraded'],
    ['one child in backoff', [started('fetch'), started('scheduler'), crashed('fetch')], 'degraded'],
    [
      'back after backoff',
      [started('fetch'), started('scheduler'), crashed('fetch'), started('fetch')],
      'healthy',
    ],
    [
      'all stopped',
      [
        started('fetch'),
        started('scheduler'),
        { type: 'CHILD_STOPPED', name: 'fetch' },
        { type: 'CHILD_STOPPED', name: 'scheduler' },
      ],
      'stopped',
    ],
  ])('health: %s → %s', (_name, events, expected) => {
    expect(supervisorHealth(run(events).context)).toBe(expected);
  });

  it('drains: stops once every running child has stopped', () => {
    const actor = createActor(supervisorMachine, {
      input: { children: ['fetch', 'scheduler', 'poster'] },
    }).start();
    actor.send(started('fetch'));
    actor.send(started('scheduler'));
    actor.send(crashed('poster'));
    actor.send({ type: 'DRAIN' });
    expect(actor.getSnapshot().value).toBe('draining');
    actor.send({ type: 'CHILD_STOPPED', name: 'fetch' });
    expect(actor.getSnapshot().value).toBe('draining');
    actor.send({ type: 'CHILD_STOPPED', name: 'scheduler' });
    expect(actor.getSnapshot().value).toBe('stopped');
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('regression: drains to stopped when the last running child crashes instead of stopping', () => {
    // allStopped only recognised CHILD_STOPPED as the event that ends the last running child,
    // so a crash while draining left every child stopped and the supervisor draining forever.
    const s = run([
      started('fetch'),
      started('scheduler'),
      { type: 'DRAIN' },
      { type: 'CHILD_STOPPED', name: 'fetch' },
      crashed('scheduler'),
    ]);
    expect(s.value).toBe('stopped');
    expect(Object.values((s.context as SupervisorContext).children).map((c) => c.status)).toEqual([
      'stopped',
      'stopped',
    ]);
  });

  it('a crash while draining does not schedule a restart', () => {
    const s = run([started('fetch'), started('scheduler'), { type: 'DRAIN' }, crashed('fetch')]);
    expect(s.value).toBe('draining');
    expect(s.context.children.fetch).toMatchObject({ status: 'stopped', nextRestartAt: null });
  });

  it('DRAINED stops at once; a stopped supervisor ignores everything', () => {
    const s = run([
      started('fetch'),
      { type: 'DRAIN' },
      { type: 'DRAINED' },
      started('scheduler'),
      crashed('fetch'),
    ]);
    expect(s.value).toBe('stopped');
    expect(s.context.children.scheduler!.status).toBe('stopped');
  });
});
