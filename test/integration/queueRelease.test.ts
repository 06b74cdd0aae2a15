import { afterEach, describe, expect, it } from 'vitest';
import { releaseStranded, sweepExpired } from '../../src/jobs/queue.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { insertCandidateRow, insertQueueEntryRow } from '../support/fixtures.ts';
import { tempStore } from '../support/tempStore.ts';

/**
 * A scheduler run that failed, timed out or died leaves the candidates it picked in
 * `selected`/`decided`: they go back to the queue (only that run's, when a run is named).
 * Entries past their TTL expire in batches.
 */
let cleanup: () => void = () => {};
afterEach(() => cleanup());

async function queueOf(ids: string[], expiresAt: (i: number) => number) {
  const t = await tempStore();
  cleanup = t.cleanup;
  const clock = new SimulatedClock(1_000);
  const host = new EntityHost(t.store, clock);
  t.store.tx(() => {
    ids.forEach((id, i) => {
      insertCandidateRow(t.store, id, clock.now(), { postId: `p-${id}` });
      insertQueueEntryRow(t.store, {
        id: `q-${id}`,
        candidateId: id,
        tier: 1,
        score: 80,
        expiresAt: expiresAt(i),
        at: 0,
      });
      host.create('candidate', id, { candidateId: id }, [
        { type: 'EVALUATE' },
        { type: 'QUEUE', queueEntryId: `q-${id}`, tier: 1, score: 80, expiresAt: expiresAt(i) },
      ]);
    });
  });
  return { store: t.store, host, clock };
}

const stateOf = (deps: Awaited<ReturnType<typeof queueOf>>, id: string) =>
  deps.host.get('candidate', id)?.state;

describe('releaseStranded', () => {
  it("puts back only the named run's picks, selected or decided", async () => {
    const deps = await queueOf(['a', 'b', 'c', 'd'], () => 1_000_000);
    deps.store.tx(() => {
      deps.host.send('candidate', 'a', { type: 'SELECT', schedulerRunId: 'run-1' });
      deps.host.send('candidate', 'b', { type: 'SELECT', schedulerRunId: 'run-1' });
      deps.host.send('candidate', 'b', { type: 'DECIDE', decisionId: 'd-b' });
      deps.host.send('candidate', 'c', { type: 'SELECT', schedulerRunId: 'run-2' });
    });
    expect(releaseStranded(deps, 'run_failed', 'run-1')).toBe(2);
    expect(['a', 'b', 'c', 'd'].map((id) => stateOf(deps, id))).toEqual([
      'queued',
      'queued',
      'selected',
      'queued',
    ]);
    expect(releaseStranded(deps, 'run_crashed')).toBe(1);
    expect(stateOf(deps, 'c')).toBe('queued');
    expect(releaseStranded(deps, 'run_crashed')).toBe(0);
  });
});

describe('sweepExpired', () => {
  it('expires every entry past its TTL, across batches, and nothing else', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `c${i}`);
    const deps = await queueOf(ids, (i) => (i < 5 ? 2_000 : 9_000));
    await deps.clock.advanceTo(5_000);
    expect(sweepExpired(deps, 2)).toBe(5);
    expect(ids.map((id) => stateOf(deps, id))).toEqual([...Array(5).fill('expired'), 'queued', 'queued']);
    expect(sweepExpired(deps, 2)).toBe(0);
  });
});
