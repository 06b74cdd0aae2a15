import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { createJobMachine, type RunInput } from '../../machines/job.ts';
import { SimulatedClock, settle, type TimerHandle } from '../../src/runtime/clock.ts';
import { stateName } from '../../src/runtime/snapshotCodec.ts';

interface PendingRun {
  input: RunInput;
  resolve(): void;
  reject(error: Error): void;
}

/** A job actor on our SimulatedClock (through createActor's `clock`), whose runs the test settles. */
function harness(
  options: { intervalMs?: number; maxConsecutiveFailures?: number; provideRun?: boolean } = {},
) {
  const clock = new SimulatedClock();
  const runs: PendingRun[] = [];
  const base = createJobMachine('fetch');
  const machine =
    options.provideRun === false
      ? base
      : base.provide({
          actors: {
            run: fromPromise<unknown, RunInput>(
              ({ input }) =>
                new Promise<void>((resolve, reject) => {
                  runs.push({ input, resolve, reject });
                }),
            ),
          },
        });
  const actor = createActor(machine, {
    input: {
      job: 'fetch',
      intervalMs: options.intervalMs ?? 1_000,
      maxConsecutiveFailures: options.maxConsecutiveFailures,
    },
    clock: {
      setTimeout: (fn: () => void, ms: number) => clock.setTimeout(fn, ms),
      clearTimeout: (handle: TimerHandle) => handle.cancel(),
    },
  }).start();
  const last = () => runs.at(-1)!;
  return {
    clock,
    runs,
    actor,
    state: () => stateName(actor.getSnapshot()),
    context: () => actor.getSnapshot().context,
    async succeed() {
      last().resolve();
      await settle();
    },
    async fail(message = 'boom') {
      last().reject(new Error(message));
      await settle();
    },
  };
}

describe('job machine', () => {
  it('runs at once, then waits its interval in idle before the next run', async () => {
    const h = harness({ intervalMs: 1_000 });
    expect(h.state()).toBe('running.active');
    expect(h.runs.map((r) => r.input)).toEqual([{ job: 'fetch' }]);
    await h.succeed();
    expect(h.state()).toBe('idle');
    expect(h.context()).toMatchObject({ runs: 1, failures: 0, consecutiveFailures: 0 });
    await h.clock.advance(999);
    expect(h.state()).toBe('idle');
    expect(h.runs).toHaveLength(1);
    await h.clock.advance(1);
    expect(h.state()).toBe('running.active');
    expect(h.runs).toHaveLength(2);
  });

  it('TICK in idle runs at once and cancels the interval; TICK while running is ignored', async () => {
    const h = harness({ intervalMs: 1_000 });
    await h.succeed();
    h.actor.send({ type: 'TICK' });
    expect(h.state()).toBe('running.active');
    h.actor.send({ type: 'TICK' });
    expect(h.runs).toHaveLength(2);
    await h.clock.advance(5_000);
    expect(h.runs).toHaveLength(2);
  });

  it('counts failures; a success resets only the consecutive count', async () => {
    const h = harness({ maxConsecutiveFailures: 5 });
    await h.fail('first');
    h.actor.send({ type: 'TICK' });
    await h.succeed();
    h.actor.send({ type: 'TICK' });
    await h.fail('second');
    expect(h.state()).toBe('idle');
    expect(h.context()).toMatchObject({
      runs: 3,
      failures: 2,
      consecutiveFailures: 1,
      lastError: 'Error: second',
    });
  });

  it.each([1, 2, 3, 5])('crashes after %i consecutive failures, not before', async (max) => {
    const h = harness({ maxConsecutiveFailures: max, intervalMs: 100 });
    for (let i = 1; i < max; i++) {
      await h.fail();
      expect(h.state()).toBe('idle');
      await h.clock.advance(100);
    }
    await h.fail();
    expect(h.state()).toBe('crashed');
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.context()).toMatchObject({ runs: max, failures: max, consecutiveFailures: max });
    await h.clock.advance(10_000);
    expect(h.runs).toHaveLength(max);
  });

  it('a success between failures keeps it from crashing', async () => {
    const h = harness({ maxConsecutiveFailures: 3, intervalMs: 100 });
    for (const outcome of ['fail', 'fail', 'ok', 'fail', 'fail'] as const) {
      if (outcome === 'ok') await h.succeed();
      else await h.fail();
      await h.clock.advance(100);
    }
    expect(h.state()).toBe('running.active');
    expect(h.context()).toMatchObject({ runs: 5, failures: 4, consecutiveFailures: 2 });
  });

  it('STOP while running drains: the run finishes, then it stops without another run', async () => {
    const h = harness({ intervalMs: 100 });
    h.actor.send({ type: 'STOP' });
    expect(h.state()).toBe('running.draining');
    expect(h.actor.getSnapshot().status).toBe('active');
    await h.clock.advance(1_000);
    expect(h.state()).toBe('running.draining');
    await h.succeed();
    expect(h.state()).toBe('stopped');
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.context().runs).toBe(1);
    await h.clock.advance(1_000);
    expect(h.runs).toHaveLength(1);
  });

  it('a run failing while draining stops (records the failure, does not crash)', async () => {
    const h = harness({ maxConsecutiveFailures: 1 });
    h.actor.send({ type: 'STOP' });
    await h.fail('during drain');
    expect(h.state()).toBe('stopped');
    expect(h.context()).toMatchObject({ failures: 1, lastError: 'Error: during drain' });
  });

  it('STOP in idle stops at once and leaves no timer armed', async () => {
    const h = harness({ intervalMs: 1_000 });
    await h.succeed();
    expect(h.clock.pending).toBe(1);
    h.actor.send({ type: 'STOP' });
    expect(h.state()).toBe('stopped');
    expect(h.clock.pending).toBe(0);
  });

  it('without a provided run effect, every run fails with a clear error', async () => {
    const h = harness({ provideRun: false, maxConsecutiveFailures: 2 });
    await settle();
    expect(h.context().lastError).toBe('Error: no run effect provided for job fetch');
  });
});
