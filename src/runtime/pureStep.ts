import { type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine, createActor } from 'xstate';

/**
 * XState's pure `initialTransition()` / `transition()`, without their per-call cost: each of
 * those builds a throwaway actor whose constructor computes a whole initial snapshot — three
 * actors per ingested candidate, most of the ingest's CPU. Entity machines only `assign` and
 * guard (no children, no delays, no custom or deferred actions), so one inert scope per
 * machine can serve every step; actions are dropped, exactly as the host dropped the ones
 * `transition()` returned. Same `machine.transition` / `getInitialSnapshot` XState runs.
 * The scope leans on XState internals (5.33): test/unit/pureStep.test.ts checks every edge
 * of every machine against the public `transition()`, which cannot replace it outright (it
 * builds a throwaway actor per call — the cost this file exists to avoid).
 */
const scopes = new WeakMap<AnyStateMachine, AnyActorScope>();

function inertScope(machine: AnyStateMachine): AnyActorScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    const noop = () => {};
    scope = {
      self,
      id: '',
      sessionId: '',
      system: self.system,
      logger: noop,
      defer: noop,
      emit: noop,
      stopChild: noop,
      actionExecutor: noop,
    } as AnyActorScope;
    scopes.set(machine, scope);
  }
  return scope;
}

export function initialSnapshot(machine: AnyStateMachine, input: unknown): AnyMachineSnapshot {
  return machine.getInitialSnapshot(inertScope(machine), input);
}

export function nextSnapshot(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: { type: string },
): AnyMachineSnapshot {
  return machine.transition(snapshot, event, inertScope(machine));
}
