import type { AnyStateMachine } from 'xstate';

/**
 * The parts of XState's serialized machine definition (`machine.toJSON()`) that the graph,
 * the visualizer config and the statechart picture read.
 */
export interface TransitionJson {
  eventType: string;
  target?: string[];
  guard?: string | { type?: string };
}

export interface StateNodeJson {
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  initial?: { target: string[] };
  states: Record<string, StateNodeJson>;
  transitions: TransitionJson[];
  invoke?: { id?: string; src?: unknown }[];
}

export function definitionOf(machine: AnyStateMachine): StateNodeJson {
  // toJSON() returns plain data (functions become null/undefined), so a JSON round trip is exact.
  return JSON.parse(JSON.stringify(machine.toJSON())) as StateNodeJson;
}

/** `#permit.awaiting_approval` → `awaiting_approval`; `#fetch.running.active` → `running.active`. */
export function relativePath(rootId: string, target: string): string {
  const id = target.startsWith('#') ? target.slice(1) : target;
  return id.startsWith(`${rootId}.`) ? id.slice(rootId.length + 1) : id;
}

export function guardName(guard: TransitionJson['guard']): string | null {
  if (typeof guard === 'string') return guard;
  return guard?.type ?? null;
}

/** `xstate.after.interval.fetch.idle` → `after interval`; `xstate.done.actor.0.fetch.running` → `done`. */
export function eventLabel(eventType: string): string {
  if (eventType.startsWith('xstate.after.')) return `after ${eventType.split('.')[2] ?? ''}`.trim();
  if (eventType.startsWith('xstate.done.actor')) return 'done';
  if (eventType.startsWith('xstate.error.actor')) return 'error';
  if (eventType.startsWith('xstate.done.state')) return 'done';
  return eventType;
}
