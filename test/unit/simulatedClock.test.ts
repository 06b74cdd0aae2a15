import { describe, expect, it } from 'vitest';
import { SimulatedClock, settle } from '../../src/runtime/clock.ts';

const T0 = Date.UTC(2026, 0, 1);

describe('SimulatedClock', () => {
  it('starts where told and moves only when advanced', async () => {
    const clock = new SimulatedClock(T0);
    expect(clock.now()).toBe(T0);
    await settle();
    expect(clock.now()).toBe(T0);
    await clock.advance(1_500);
    expect(clock.now()).toBe(T0 + 1_500);
    await clock.advanceTo(T0 + 1_000);
    expect(clock.now()).toBe(T0 + 1_500);
  });

  it('fires due timers in time order, ties in scheduling order, each at its own time', async () => {
    const clock = new SimulatedClock(T0);
    const fired: [string, number][] = [];
    const at = (name: string) => () => fired.push([name, clock.now() - T0]);
    clock.setTimeout(at('c'), 300);
    clock.setTimeout(at('a'), 100);
    clock.setTimeout(at('b1'), 200);
    clock.setTimeout(at('b2'), 200);
    clock.setTimeout(at('late'), 1_000);
    await clock.advance(300);
    expect(fired).toEqual([
      ['a', 100],
      ['b1', 200],
      ['b2', 200],
      ['c', 300],
    ]);
    expect(clock.pending).toBe(1);
  });

  it('a timer set while advancing fires in the same advance when due within it', async () => {
    const clock = new SimulatedClock(T0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now() - T0);
      clock.setTimeout(() => fired.push(clock.now() - T0), 50);
      clock.setTimeout(() => fired.push(clock.now() - T0), 500);
    }, 100);
    await clock.advance(200);
    expect(fired).toEqual([100, 150]);
    await clock.advance(400);
    expect(fired).toEqual([100, 150, 600]);
  });

  it('cancelled timers never fire and are not pending', async () => {
    const clock = new SimulatedClock(T0);
    let fired = 0;
    const handle = clock.setTimeout(() => fired++, 10);
    clock.setTimeout(() => fired++, 20);
    handle.cancel();
    expect(clock.pending).toBe(1);
    await clock.advance(100);
    expect(fired).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('a negative delay is due now', async () => {
    const clock = new SimulatedClock(T0);
    let firedAt = -1;
    clock.setTimeout(() => {
      firedAt = clock.now();
    }, -5_000);
    await clock.advance(0);
    expect(firedAt).toBe(T0);
  });

  it('sleep resolves after that much simulated time, letting async chains interleave', async () => {
    const clock = new SimulatedClock(T0);
    const log: string[] = [];
    const worker = async (name: string, step: number) => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(step);
        log.push(`${name}@${clock.now() - T0}`);
      }
    };
    const done = Promise.all([worker('fast', 100), worker('slow', 250)]);
    await clock.advance(1_000);
    await done;
    expect(log).toEqual(['fast@100', 'fast@200', 'slow@250', 'fast@300', 'slow@500', 'slow@750']);
  });
});
