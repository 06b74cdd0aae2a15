import type { AnyStateMachine } from 'xstate';
import { definitionOf, eventLabel, guardName, relativePath, type StateNodeJson } from './definition.ts';

/**
 * A machine flattened to its top-level states and the transitions between them — what the
 * dashboard draws. Nested states become a node's `children`; transitions inside one
 * top-level state are kept as `internal` labels on that node.
 */
export interface GraphNode {
  key: string;
  final: boolean;
  children: string[];
  internal: string[];
}

export interface GraphEdge {
  from: string;
  to: string;
  labels: string[];
}

export interface MachineGraph {
  id: string;
  initial: string | null;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const root = definitionOf(machine);
  const top = (path: string) => path.split('.')[0]!;
  const nodes: GraphNode[] = Object.values(root.states).map((s) => ({
    key: s.key,
    final: s.type === 'final',
    children: Object.keys(s.states),
    internal: [],
  }));
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const edges = new Map<string, GraphEdge>();
  const visit = (state: StateNodeJson) => {
    const from = top(relativePath(root.id, state.id));
    for (const t of state.transitions) {
      const guard = guardName(t.guard);
      const label = `${eventLabel(t.eventType)}${guard ? ` [${guard}]` : ''}`;
      for (const target of t.target ?? []) {
        const to = top(relativePath(root.id, target));
        if (to === from) {
          const node = byKey.get(from);
          if (node && !node.internal.includes(label)) node.internal.push(label);
          continue;
        }
        const key = `${from}→${to}`;
        const edge = edges.get(key) ?? { from, to, labels: [] };
        if (!edge.labels.includes(label)) edge.labels.push(label);
        edges.set(key, edge);
      }
    }
    for (const child of Object.values(state.states)) visit(child);
  };
  for (const s of Object.values(root.states)) visit(s);
  const initial = root.initial?.target[0];
  return {
    id: root.id,
    initial: initial ? top(relativePath(root.id, initial)) : null,
    nodes,
    edges: [...edges.values()],
  };
}
