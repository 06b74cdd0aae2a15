import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachine, initialTransition, transition } from 'xstate';
import { type CandidateEvent, candidateMachine } from '../../machines/candidate.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { QUEUE_STATUS } from '../../src/runtime/projections.ts';
import { CANDIDATE_ROW_SQL, type CandidateRow, candidateRowContext } from '../support/candidateRows.ts';
import { insertCandidateRow, insertQueueEntryRow } from '../support/fixtures.ts';
import { CANDIDATE_CATALOG, T0 } from '../support/modelCatalogs.ts';
import { ManualClock, runPath, scopeIds } from '../support/modelHarness.ts';
import { machineEdges, takenEdge, transitionPaths } from '../support/modelPaths.ts';
import { tempStore } from '../support/tempStore.ts';

const INPUT = { candidateId: 'c' };

function coveredEdges(paths: CandidateEvent[][]): Set<string> {
  const covered = new Set<string>();
  for (const path of paths) {
    let [snapshot] = initialTransition(candidateMachine, INPUT);
    for (const event of path) {
      covered.add(takenEdge(candidateMachine, snapshot, event)!);
      [snapshot] = transition(candidateMachine, snapshot, event);
    }
  }
  return covered;
}

describe('candidate machine, model-based', () => {
  const paths = transitionPaths(candidateMachine, INPUT, CANDIDATE_CATALOG);
  const edges = machineEdges(candidateMachine);

  it('the generated paths take every transition of the definition', () => {
    const covered = coveredEdges(paths);
    const missing = [...edges].filter(([key]) => !covered.has(key)).map(([key, d]) => `${key} ${d}`);
    expect(missing).toEqual([]);
    expect([...covered].filter((key) => !edges.has(key))).toEqual([]);
    expect(edges.size).toBeGreaterThanOrEqual(14);
  });

  it('the coverage check fails for a transition no path takes', () => {
    const config = candidateMachine.config as { states: Record<string, { on?: Record<string, unknown> }> };
    const grown = createMachine(
      {
        ...candidateMachine.config,
        states: {
          ...config.states,
          queued: { ...config.states.queued, on: { ...config.states.queued!.on, BUMP: 'selected' } },
        },
      } as never,
      candidateMachine.implementations as never,
    );
    const grownEdges = machineEdges(grown);
    const covered = new Set<string>();
    for (const path of transitionPaths(grown, INPUT, CANDIDATE_CATALOG)) {
      let [snapshot] = initialTransition(grown, INPUT);
      for (const event of path) {
        covered.add(takenEdge(grown, snapshot, event)!);
        [snapshot] = transition(grown, snapshot, event as never);
      }
    }
    expect([...grownEdges.keys()].filter((key) => !covered.has(key))).toEqual(['queued ·BUMP#0']);
  });

  describe('through EntityHost on a SQLite file', () => {
    let t: Awaited<ReturnType<typeof tempStore>>;
    beforeAll(async () => {
      t = await tempStore();
    });
    afterAll(() => t.cleanup());

    it('every path agrees at every step: pure snapshot, candidates row (the snapshot; no actor row), queue_entries rows, events', () => {
      const clock = new ManualClock(T0);
      const host = new EntityHost(t.store, clock);
      const rejectionsChecked = new Set<string>();
      const taken = new Set<string>();
      paths.forEach((path, i) => {
        const id = `cand-${i}`;
        const store = t.store;
        const walked = runPath({
          store,
          host,
          clock,
          kind: 'candidate',
          id,
          input: { candidateId: id },
          events: path.map((e) => scopeIds(e, id)),
          catalog: CANDIDATE_CATALOG.map((e) => scopeIds(e, id)),
          rejectionsChecked,
          seed: (at) => insertCandidateRow(store, id, at),
          beforeStep(event, at) {
            if (event.type === 'QUEUE') {
              insertQueueEntryRow(store, {
                id: event.queueEntryId,
                candidateId: id,
                tier: event.tier,
                score: event.score,
                expiresAt: event.expiresAt,
                at,
              });
            }
          },
          expectedTimers: () => [],
          // The candidates row is the candidate's snapshot: its state and every context field.
          snapshotRow() {
            const row = store.statement(`${CANDIDATE_ROW_SQL} where id = ?`).get(id) as
              | CandidateRow
              | undefined;
            return row && { value: row.state, context: candidateRowContext(row) };
          },
          checkDomain(state, context, trace) {
            const queue = store
              .statement('select id, status, selected_by_run_id from queue_entries where candidate_id = ?')
              .all(id);
            if (context.queueEntryId === null) {
              expect(queue, `${id} has no queue entry before QUEUE`).toEqual([]);
              return;
            }
            const runs = (trace.seen.get('schedulerRunId') ?? []).filter((r) => r !== null);
            expect(queue, `${id} queue entry in ${state}`).toEqual([
              {
                id: context.queueEntryId,
                status: QUEUE_STATUS[state],
                selected_by_run_id: runs.at(-1) ?? null,
              },
            ]);
          },
        });
        for (const edge of walked) taken.add(edge);
      });
      expect([...edges.keys()].filter((key) => !taken.has(key))).toEqual([]);
      expect([...rejectionsChecked].sort()).toEqual([
        'decided',
        'discovered',
        'evaluating',
        'expired',
        'failed',
        'permitted',
        'posted',
        'queued',
        'rejected',
        'selected',
      ]);
    });
  });
});
