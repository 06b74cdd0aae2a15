import type {
  AnyActorScope,
  AnyMachineSnapshot,
  AnyStateMachine,
  AnyStateNode,
  AnyTransitionDefinition,
  EventObject,
  MachineContext,
} from 'xstate';

/**
 * The fast step of a flat machine: one level of states, whose only effect is `assign`. An
 * entity machine (candidate, permit) is such a machine, and stepping one through XState's
 * general algorithm (exit sets, transition domains, entry sets, eventless transitions — for a
 * machine that has none of them) was most of what the durable ingest spent on XState.
 *
 * For such a machine a step is: XState selects the transition (`getTransitionData`: the
 * event's candidates, guards evaluated in order — XState's code), its `assign`s are applied in
 * order to the context the way XState applies them, and the snapshot is built with
 * `machine.resolveState()` — the same call that revives every persisted snapshot. A machine
 * with anything else (nested or parallel states, entry or exit actions, `always`, `after`,
 * `invoke`, an action that is not an assign, parameterised actions, a machine output) has no
 * plan and is stepped by XState in full (pureStep.ts). `test/unit/pureStep.test.ts` holds both
 * paths equal to XState's public `transition()` on every edge of every machine.
 */
export interface FlatPlan {
  /** The initial state's key. */
  initial: string;
  /** Each transition's actions, resolved to the assigns they name, in order. */
  assigns: ReadonlyMap<AnyTransitionDefinition, readonly AssignAction[]>;
}

type Assigner = (args: Record<string, unknown>, params: unknown) => unknown;
interface AssignAction {
  type: 'xstate.assign';
  assignment: Assigner | Record<string, unknown>;
}

const plans = new WeakMap<AnyStateMachine, FlatPlan | null>();

/** This machine's flat plan, or null when it needs XState's full algorithm. Computed once. */
export function flatPlanOf(machine: AnyStateMachine): FlatPlan | null {
  let plan = plans.get(machine);
  if (plan === undefined) {
    plan = planFor(machine);
    plans.set(machine, plan);
  }
  return plan;
}

function planFor(machine: AnyStateMachine): FlatPlan | null {
  const root = machine.root;
  if (root.type !== 'compound' || root.output !== undefined || !isInert(root) || root.transitions.size > 0) {
    return null;
  }
  const initial = root.config.initial;
  if (typeof initial !== 'string' || !(initial in root.states)) return null;
  const assigns = new Map<AnyTransitionDefinition, readonly AssignAction[]>();
  for (const node of Object.values(root.states) as AnyStateNode[]) {
    if ((node.type !== 'atomic' && node.type !== 'final') || !isInert(node) || node.output !== undefined) {
      return null;
    }
    for (const candidates of node.transitions.values()) {
      for (const t of candidates) {
        const resolved = flatAssigns(machine, t);
        if (!resolved) return null;
        assigns.set(t, resolved);
      }
    }
  }
  return { initial, assigns };
}

/** No entry or exit actions, no eventless or delayed transitions, nothing invoked. */
function isInert(node: AnyStateNode): boolean {
  return (
    node.entry.length === 0 &&
    node.exit.length === 0 &&
    (node.always === undefined || node.always.length === 0) &&
    node.after.length === 0 &&
    node.invoke.length === 0
  );
}

/** A transition's assigns, or null when it targets more than one sibling or does anything else. */
function flatAssigns(machine: AnyStateMachine, t: AnyTransitionDefinition): AssignAction[] | null {
  if (t.target !== undefined && (t.target.length !== 1 || t.target[0]!.parent !== machine.root)) return null;
  const assigns: AssignAction[] = [];
  for (const action of t.actions) {
    const assign = assignOf(machine, action);
    if (!assign) return null;
    assigns.push(assign);
  }
  return assigns;
}

function assignOf(machine: AnyStateMachine, action: unknown): AssignAction | null {
  const resolved =
    typeof action === 'string'
      ? (machine.implementations.actions as Record<string, unknown>)[action]
      : action;
  if (typeof resolved !== 'function') return null;
  const candidate = resolved as unknown as Partial<AssignAction>;
  return candidate.type === 'xstate.assign' && candidate.assignment !== undefined
    ? (candidate as AssignAction)
    : null;
}

/** The initial snapshot of a flat machine: its context from `input`, in its initial state. */
export function flatInitial(
  machine: AnyStateMachine,
  plan: FlatPlan,
  scope: AnyActorScope,
  input: unknown,
): AnyMachineSnapshot {
  const factory: unknown = machine.config.context;
  const context =
    typeof factory === 'function'
      ? { ...((factory as Assigner)({ spawn: noSpawn, input, self: scope.self }, undefined) as object) }
      : (factory ?? {});
  return machine.resolveState({ value: plan.initial, context: context as MachineContext });
}

/**
 * One step of a flat machine, or undefined when XState should take it: no transition enabled
 * (XState decides what an ignored event does), a snapshot that is not active, or an event of
 * XState's own.
 */
export function flatNext(
  machine: AnyStateMachine,
  plan: FlatPlan,
  scope: AnyActorScope,
  snapshot: AnyMachineSnapshot,
  event: EventObject,
): AnyMachineSnapshot | undefined {
  // XState's own events (stop, done, error) have meanings of their own: XState takes them.
  if (snapshot.status !== 'active' || event.type.startsWith('xstate.')) return undefined;
  const [t] = machine.getTransitionData(snapshot, event);
  const assigns = t && plan.assigns.get(t);
  if (t === undefined || assigns === undefined) return undefined;
  let context: MachineContext = snapshot.context;
  for (const { assignment } of assigns) {
    const args = { context, event, spawn: noSpawn, self: scope.self, system: scope.system };
    let update: Record<string, unknown>;
    if (typeof assignment === 'function') {
      update = assignment(args, undefined) as Record<string, unknown>;
    } else {
      update = {};
      for (const key of Object.keys(assignment)) {
        const value = assignment[key];
        update[key] = typeof value === 'function' ? (value as Assigner)(args, undefined) : value;
      }
    }
    context = Object.assign({}, context, update);
  }
  const value = t.target === undefined ? snapshot.value : t.target[0]!.key;
  return machine.resolveState({ value, context });
}

function noSpawn(): never {
  throw new Error('an entity machine cannot spawn actors');
}
