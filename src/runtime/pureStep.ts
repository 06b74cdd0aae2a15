import { type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine, createActor } from 'xstate';
import { flatInitial, flatNext, flatPlanOf } from './flatMachine.ts';

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
 *
 * A flat machine (one level of states, only `assign`: the candidate, the permit, the
 * supervisor) goes further and skips XState's general macrostep: see flatMachine.ts.
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
  const scope = inertScope(machine);
  const plan = flatPlanOf(machine);
  if (plan) {
    try {
      return flatInitial(machine, plan, scope, input);
    } catch {
      // XState decides what a failing context factory gives (an errored snapshot).
    }
  }
  return machine.getInitialSnapshot(scope, input);
}

export function nextSnapshot(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: { type: string },
): AnyMachineSnapshot {
  const scope = inertScope(machine);
  const plan = flatPlanOf(machine);
  if (plan) {
    try {
      const next = flatNext(machine, plan, scope, snapshot, event);
      if (next) return next;
    } catch {
      // A guard or an assign that throws: XState decides what that gives.
    }
  }
  return machine.transition(snapshot, event, scope);
}
