import type { AnyStateMachine } from 'xstate';
import { machineRegistry } from '../../machines/registry.ts';
import type { AppHandle } from '../../src/app/types.ts';
import { actorCountsByState } from '../../src/runtime/actorListing.ts';
import { definitionOf } from './definition.ts';
import { type MachineGraph, machineGraph } from './graph.ts';
import { visualizerConfig } from './visualizerConfig.ts';

/**
 * Every registered machine with live counts per top-level state: candidates from their rows,
 * permits from the `actors` table, job machines and the supervisor from the supervisor's health view.
 */
export interface MachineSummary {
  name: string;
  version: number;
  id: string;
  initial: string | null;
  states: string[];
  finalStates: string[];
  counts: Record<string, number>;
}

const ENTITY_KINDS = new Set(['candidate', 'permit']);

const graphs = new Map<string, MachineGraph>();

function graphOf(name: string, machine: AnyStateMachine): MachineGraph {
  let g = graphs.get(name);
  if (!g) {
    g = machineGraph(machine);
    graphs.set(name, g);
  }
  return g;
}

export function findMachine(name: string) {
  return machineRegistry.find((m) => m.name === name) ?? null;
}

export function liveCounts(app: AppHandle, name: string, states: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(states.map((s) => [s, 0]));
  const add = (state: string, n: number) => {
    const top = state.split('.')[0]!;
    counts[top] = (counts[top] ?? 0) + n;
  };
  if (ENTITY_KINDS.has(name)) {
    for (const row of actorCountsByState(app.store, name)) add(row.state, row.n);
    return counts;
  }
  const supervisor = app.health().supervisor;
  if (name === 'supervisor') add(supervisor.state, 1);
  else {
    const child = supervisor.children[name];
    if (child) add(child.machineState, 1);
  }
  return counts;
}

export function machineSummary(app: AppHandle, entry: (typeof machineRegistry)[number]): MachineSummary {
  const g = graphOf(entry.name, entry.machine);
  const states = g.nodes.map((n) => n.key);
  return {
    name: entry.name,
    version: entry.version,
    id: g.id,
    initial: g.initial,
    states,
    finalStates: g.nodes.filter((n) => n.final).map((n) => n.key),
    counts: liveCounts(app, entry.name, states),
  };
}

export function listMachines(app: AppHandle): MachineSummary[] {
  return machineRegistry.map((entry) => machineSummary(app, entry));
}

/** One machine: summary, XState's definition JSON, a visualizer config and the drawn graph. */
export function machineDetail(app: AppHandle, entry: (typeof machineRegistry)[number]) {
  return {
    ...machineSummary(app, entry),
    definition: definitionOf(entry.machine),
    config: visualizerConfig(entry.machine),
    graph: graphOf(entry.name, entry.machine),
  };
}

export function machineGraphs(app: AppHandle): { summary: MachineSummary; graph: MachineGraph }[] {
  return machineRegistry.map((entry) => ({
    summary: machineSummary(app, entry),
    graph: graphOf(entry.name, entry.machine),
  }));
}
