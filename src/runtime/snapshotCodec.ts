import type { AnyMachineSnapshot, AnyStateMachine, StateValue } from 'xstate';
import type { EntityMachineEntry, PersistedShape } from '../../machines/registry.ts';

/**
 * Snapshots are stored as `{ value, context }` JSON — all an entity machine needs (no
 * children, no history) — and revived with `machine.resolveState`, which rejects a state
 * the machine does not have.
 */
export function encodeSnapshot(snapshot: AnyMachineSnapshot): string {
  return JSON.stringify({ value: snapshot.value, context: snapshot.context });
}

export function stateName(snapshot: AnyMachineSnapshot): string {
  return flattenValue(snapshot.value);
}

export function flattenValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, inner] = Object.entries(value)[0] ?? ['?', ''];
    const rest = flattenValue(inner);
    return rest ? `${key}.${rest}` : key;
  }
  return '';
}

export class SnapshotDecodeError extends Error {
  override name = 'SnapshotDecodeError';
}

/** All leaf state names of a machine, dotted ("running.active"). */
export function leafStates(machine: AnyStateMachine): Set<string> {
  const out = new Set<string>();
  const walk = (node: { key: string; states: Record<string, unknown> }, prefix: string) => {
    const children = Object.values(node.states) as { key: string; states: Record<string, unknown> }[];
    if (children.length === 0) {
      out.add(prefix);
      return;
    }
    for (const child of children) walk(child, prefix ? `${prefix}.${child.key}` : child.key);
  };
  walk(machine.root as unknown as { key: string; states: Record<string, unknown> }, '');
  return out;
}

export function parsePersisted(json: string): PersistedShape {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new SnapshotDecodeError(`snapshot is not JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object') throw new SnapshotDecodeError('snapshot is not an object');
  const { value, context } = parsed as { value?: unknown; context?: unknown };
  if (!context || typeof context !== 'object') throw new SnapshotDecodeError('snapshot has no context');
  const state = flattenValue(value);
  if (!state) throw new SnapshotDecodeError('snapshot has no state value');
  return { value: state, context: context as Record<string, unknown> };
}

export function reviveSnapshot(
  entry: EntityMachineEntry<unknown>,
  shape: PersistedShape,
): AnyMachineSnapshot {
  const value = shape.value.includes('.') ? nest(shape.value) : shape.value;
  try {
    return entry.machine.resolveState({ value, context: shape.context });
  } catch (error) {
    throw new SnapshotDecodeError(
      `state ${shape.value} is not in ${entry.name}: ${(error as Error).message}`,
    );
  }
}

function nest(dotted: string): StateValue {
  const [head, ...rest] = dotted.split('.');
  return rest.length === 0 ? head! : { [head!]: nest(rest.join('.')) };
}
