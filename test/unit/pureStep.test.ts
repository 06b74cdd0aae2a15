import { describe, expect, it, vi } from 'vitest';
import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type EventObject,
  initialTransition,
  transition,
} from 'xstate';
import { candidateMachine } from '../../machines/candidate.ts';
import { permitMachine } from '../../machines/permit.ts';
import { jobMachines } from '../../machines/registry.ts';
import { supervisorMachine } from '../../machines/supervisor.ts';
import { flatPlanOf } from '../../src/runtime/flatMachine.ts';
import { initialSnapshot, nextSnapshot } from '../../src/runtime/pureStep.ts';
import { FLAT_FEATURES, NOT_FLAT, type StepCase } from '../support/flatMachines.ts';
import {
  CANDIDATE_CATALOG,
  PERMIT_CATALOG,
  PERMIT_VARIANTS,
  permitInputFor,
} from '../support/modelCatalogs.ts';
import { machineEdges, takenEdge } from '../support/modelPaths.ts';

/**
 * pureStep steps the machines with one hand-built inert actor scope per machine, and a flat
 * machine (flatMachine.ts) without XState's general algorithm — both tied to XState's
 * internals, for speed. This checks it against XState's public, pure `initialTransition()` /
 * `transition()` on every edge of every machine: each machine is explored breadth-first from
 * its initial snapshot(s) with an event catalog (the model tests' payloads, plus one bare
 * event for every other type the definition names), every (snapshot, event) is stepped both
 * ways and compared — state value, context, status, tags, output, error, history, children —
 * and the edges taken must be all the edges of the definition.
 */
type Case = StepCase;

/** Explored snapshots per machine: the counters (runs, restarts) make the state space unbounded. */
const MAX_SNAPSHOTS = 400;

/** One event per type the definition names (internal ones too: done/error of invoked actors, delays). */
function definitionEvents(machine: AnyStateMachine): EventObject[] {
  const types = new Set<string>();
  const walk = (node: AnyStateNode) => {
    for (const type of node.transitions.keys()) types.add(type);
    for (const child of Object.values(node.states) as AnyStateNode[]) walk(child);
  };
  walk(machine.root);
  // A wildcard is no event's type: the catalog names events it matches.
  return [...types]
    .filter((type) => !type.includes('*'))
    .map((type) => ({ type, output: undefined, error: 'boom' }));
}

const comparable = (s: AnyMachineSnapshot) => ({
  value: s.value,
  context: s.context,
  status: s.status,
  tags: [...s.tags].sort(),
  output: s.output,
  error: s.error,
  historyValue: s.historyValue,
  children: Object.keys(s.children),
});
const key = (s: AnyMachineSnapshot) =>
  JSON.stringify({ value: s.value, context: s.context, status: s.status });

function explore(c: Case): { edges: Set<string>; steps: number } {
  const edges = new Set<string>();
  const named = new Set(c.catalog.map((e) => e.type));
  const catalog = [...c.catalog, ...definitionEvents(c.machine).filter((e) => !named.has(e.type))];
  const seen = new Set<string>();
  const queue: AnyMachineSnapshot[] = [];
  for (const input of c.inputs) {
    const [initial] = initialTransition(c.machine, input);
    expect(comparable(initialSnapshot(c.machine, input)), `${c.name}: initial`).toEqual(comparable(initial));
    queue.push(initial);
  }
  let steps = 0;
  while (queue.length > 0 && seen.size < MAX_SNAPSHOTS) {
    const snapshot = queue.shift()!;
    if (seen.has(key(snapshot))) continue;
    seen.add(key(snapshot));
    for (const event of catalog) {
      const edge = takenEdge(c.machine, snapshot, event);
      const [expected] = transition(c.machine, snapshot, event);
      const actual = nextSnapshot(c.machine, snapshot, event);
      const what = `${c.name}: ${edge ?? `ignored ${event.type}`} from ${key(snapshot)}`;
      expect(comparable(actual), what).toEqual(comparable(expected));
      if (edge === null) continue;
      edges.add(edge);
      steps++;
      if (!seen.has(key(expected))) queue.push(expected);
    }
  }
  return { edges, steps };
}

const name = (n: string) => ({ name: n, at: 1_000 });

const CASES: Case[] = [
  {
    name: 'candidate',
    machine: candidateMachine,
    inputs: [{ candidateId: 'c' }],
    catalog: CANDIDATE_CATALOG,
  },
  {
    name: 'permit',
    machine: permitMachine,
    inputs: PERMIT_VARIANTS.map((v) => permitInputFor('p', v)),
    catalog: PERMIT_CATALOG,
  },
  ...Object.entries(jobMachines).map(([job, machine]) => ({
    name: job,
    machine,
    inputs: [{ job, intervalMs: 1_000, maxConsecutiveFailures: 3 }],
    catalog: [{ type: 'TICK' }, { type: 'STOP' }],
  })),
  {
    name: 'supervisor',
    machine: supervisorMachine,
    inputs: [{ children: ['a', 'b'] }],
    catalog: [
      ...['a', 'b'].flatMap((n) => [
        { type: 'CHILD_STARTED', ...name(n) },
        { type: 'CHILD_CRASHED', ...name(n), error: 'boom' },
        { type: 'CHILD_STOPPED', name: n },
      ]),
      { type: 'DRAIN' },
      { type: 'DRAINED' },
    ],
  },
  FLAT_FEATURES,
];

describe('pureStep equals XState’s public transition()', () => {
  it.each(CASES)('$name: on every edge of the definition', (c) => {
    const { edges, steps } = explore(c);
    const missing = [...machineEdges(c.machine).keys()].filter((edge) => !edges.has(edge));
    expect(missing).toEqual([]);
    expect(steps).toBeGreaterThan(0);
  });

  it('the entity machines and the supervisor take the flat path; the job machines (invoke, after) do not', () => {
    expect(flatPlanOf(candidateMachine)).not.toBeNull();
    expect(flatPlanOf(permitMachine)).not.toBeNull();
    expect(flatPlanOf(supervisorMachine)).not.toBeNull();
    expect(flatPlanOf(FLAT_FEATURES.machine)).not.toBeNull();
    for (const machine of Object.values(jobMachines)) expect(flatPlanOf(machine)).toBeNull();
  });

  it.each(NOT_FLAT)('$name: has no flat plan, and XState steps it in full', (c) => {
    expect(flatPlanOf(c.machine)).toBeNull();
    // Every step compared; not every edge is reachable by an outside event here (raised, parallel).
    expect(explore(c).steps).toBeGreaterThan(0);
  });

  it('a flat step does not run XState’s transition; an ignored event does', () => {
    const spy = vi.spyOn(candidateMachine, 'transition');
    try {
      const start = initialSnapshot(candidateMachine, { candidateId: 'c' });
      const evaluating = nextSnapshot(candidateMachine, start, { type: 'EVALUATE' });
      expect(evaluating.value).toBe('evaluating');
      expect(spy).not.toHaveBeenCalled();
      expect(nextSnapshot(candidateMachine, evaluating, { type: 'EXPIRE' })).toBe(evaluating);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('the comparison fails for a step that differs', () => {
    const [initial] = initialTransition(candidateMachine, { candidateId: 'c' });
    const [evaluating] = transition(candidateMachine, initial, { type: 'EVALUATE' });
    const queued = nextSnapshot(candidateMachine, evaluating, CANDIDATE_CATALOG[2]!);
    const [rejected] = transition(candidateMachine, evaluating, { type: 'REJECT', reasonCode: 'x' });
    expect(comparable(queued)).not.toEqual(comparable(rejected));
  });
});
