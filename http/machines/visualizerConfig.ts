import type { AnyStateMachine } from 'xstate';
import {
  definitionOf,
  guardName,
  relativePath,
  type StateNodeJson,
  type TransitionJson,
} from './definition.ts';

/**
 * A `createMachine` config rebuilt from the serialized definition: paste it into the Stately
 * visualizer (or `createMachine(config)`) to see the chart. Implementations are named only:
 * guards, actions and actors keep their names; `after`, `onDone` and `onError` are restored
 * from XState's internal event names.
 */
export interface VisualizerTransition {
  target?: string[];
  guard?: string;
}

export interface VisualizerState {
  type?: 'final' | 'parallel';
  initial?: string;
  states?: Record<string, VisualizerState>;
  on?: Record<string, VisualizerTransition[]>;
  after?: Record<string, VisualizerTransition[]>;
  invoke?: { src: string; onDone?: VisualizerTransition[]; onError?: VisualizerTransition[] }[];
}

export function visualizerConfig(machine: AnyStateMachine): VisualizerState & { id: string } {
  const root = definitionOf(machine);
  return { id: root.id, ...convert(root, root.id) };
}

function convert(state: StateNodeJson, rootId: string): VisualizerState {
  const out: VisualizerState = {};
  if (state.type === 'final') out.type = 'final';
  if (state.type === 'parallel') out.type = 'parallel';
  const initial = state.initial?.target[0];
  if (initial) out.initial = relativePath(state.id, initial);
  const children = Object.values(state.states);
  if (children.length) out.states = Object.fromEntries(children.map((s) => [s.key, convert(s, rootId)]));

  const invoke = state.invoke?.[0];
  const onDone: VisualizerTransition[] = [];
  const onError: VisualizerTransition[] = [];
  for (const t of state.transitions) {
    const transition = toTransition(t);
    if (t.eventType.startsWith('xstate.after.')) {
      const delay = t.eventType.split('.')[2] ?? 'delay';
      out.after = append(out.after, delay, transition);
    } else if (t.eventType.startsWith('xstate.done.actor')) onDone.push(transition);
    else if (t.eventType.startsWith('xstate.error.actor')) onError.push(transition);
    else {
      out.on = append(out.on, t.eventType, transition);
    }
  }
  if (invoke) {
    const src = typeof invoke.src === 'string' ? invoke.src : (invoke.id ?? 'actor');
    out.invoke = [{ src, ...(onDone.length ? { onDone } : {}), ...(onError.length ? { onError } : {}) }];
  }
  return out;
}

function toTransition(t: TransitionJson): VisualizerTransition {
  const guard = guardName(t.guard);
  return {
    ...(t.target?.length ? { target: t.target } : {}),
    ...(guard ? { guard } : {}),
  };
}

function append(
  map: Record<string, VisualizerTransition[]> | undefined,
  key: string,
  transition: VisualizerTransition,
): Record<string, VisualizerTransition[]> {
  const out = map ?? {};
  out[key] = [...(out[key] ?? []), transition];
  return out;
}
