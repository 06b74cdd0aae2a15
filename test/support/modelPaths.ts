import { getShortestPaths } from '@xstate/graph';
import type { AnyMachineSnapshot, AnyStateMachine, AnyStateNode, EventObject } from 'xstate';

/**
 * Transition coverage for model-based tests. An edge is one transition of the machine
 * definition: (source state, event type, branch index among that event's guarded branches).
 * `machineEdges` reads them from the definition; `takenEdge` says which one a step used.
 * A test compares the two sets, so a transition nobody walks fails the test.
 */
export function machineEdges(machine: AnyStateMachine): Map<string, string> {
  const edges = new Map<string, string>();
  const walk = (node: AnyStateNode) => {
    for (const [eventType, branches] of node.transitions) {
      branches.forEach((branch, i) => {
        edges.set(edgeKey(node, eventType, i), describeBranch(branch));
      });
    }
    for (const child of Object.values(node.states) as AnyStateNode[]) walk(child);
  };
  walk(machine.root);
  return edges;
}

/** The edge `event` takes from `snapshot`, or null when the snapshot does not accept it. */
export function takenEdge(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: EventObject,
): string | null {
  const [branch] = machine.getTransitionData(snapshot as never, event as never);
  if (!branch) return null;
  const source = branch.source as AnyStateNode;
  const index = (source.transitions.get(branch.eventType) ?? []).indexOf(branch);
  return edgeKey(source, branch.eventType, index);
}

function edgeKey(node: AnyStateNode, eventType: string, index: number): string {
  return `${node.path.join('.') || '(root)'} ·${eventType}#${index}`;
}

function describeBranch(branch: { guard?: unknown; target?: readonly AnyStateNode[] }): string {
  const guard = branch.guard;
  const name =
    guard === undefined
      ? ''
      : typeof guard === 'string'
        ? guard
        : ((guard as { type?: string }).type ?? 'inline guard');
  const target = branch.target?.map((t) => t.path.join('.')).join(',') ?? '(self)';
  return `${name ? `[${name}] ` : ''}→ ${target}`;
}

const serialize = (s: AnyMachineSnapshot) => JSON.stringify({ value: s.value, context: s.context });

/**
 * Event sequences from the initial state that together take every transition reachable with
 * `catalog`: @xstate/graph's shortest paths over a graph whose vertices are transitions
 * (previous snapshot, event, next snapshot) rather than snapshots, so each reachable
 * transition ends one path. Paths that are prefixes of longer ones are dropped.
 */
export function transitionPaths<TEvent extends EventObject>(
  machine: AnyStateMachine,
  input: unknown,
  catalog: readonly TEvent[],
): TEvent[][] {
  const paths = getShortestPaths(machine, {
    input,
    events: (snapshot: AnyMachineSnapshot) => catalog.filter((e) => snapshot.can(e)),
    serializeState: (
      snapshot: AnyMachineSnapshot,
      event: EventObject | undefined,
      prev?: AnyMachineSnapshot,
    ) =>
      prev && event
        ? `${serialize(prev)} ${JSON.stringify(event)} ${serialize(snapshot)}`
        : serialize(snapshot),
  } as never) as { steps: { event: TEvent }[] }[];
  const sequences = paths
    .map((p) => p.steps.map((s) => s.event).filter((e) => e.type !== 'xstate.init'))
    .filter((events) => events.length > 0);
  const keys = sequences.map((events) => events.map((e) => JSON.stringify(e)));
  return sequences.filter(
    (_, i) =>
      !keys.some(
        (other, j) => j !== i && other.length > keys[i]!.length && keys[i]!.every((k, n) => other[n] === k),
      ),
  );
}
