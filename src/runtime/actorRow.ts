import type { AnyStateMachine } from 'xstate';
import type { EntityMachineEntry, PersistedShape } from '../../machines/registry.ts';
import { entityKind, isEntityKind } from './entityKinds.ts';
import { leafStates, parsePersisted } from './snapshotCodec.ts';

/**
 * Reading a persisted actor row the one way the boot check and every step share: its machine
 * must be one this build has, its version current (or migratable), its snapshot JSON, its
 * state one the machine has. Anything else is a problem with a code, and the actor is
 * quarantined — never loaded half-right.
 */
export type QuarantineCode = 'unknown_machine' | 'unknown_version' | 'unreadable_snapshot' | 'unknown_state';

export interface SnapshotProblem {
  code: QuarantineCode;
  reason: string;
}

export interface PersistedActorRow {
  kind: string;
  machine: string;
  version: number;
  snapshot: string;
}

export type DecodedActorRow =
  | { ok: true; entry: EntityMachineEntry<unknown>; shape: PersistedShape }
  | { ok: false; problem: SnapshotProblem };

const states = new Map<AnyStateMachine, Set<string>>();

function statesOf(machine: AnyStateMachine): Set<string> {
  let set = states.get(machine);
  if (!set) {
    set = leafStates(machine);
    states.set(machine, set);
  }
  return set;
}

export function decodeActorRow(row: PersistedActorRow): DecodedActorRow {
  const entry = isEntityKind(row.kind) ? entityKind(row.kind).entry : undefined;
  const fail = (code: QuarantineCode, reason: string): DecodedActorRow => ({
    ok: false,
    problem: { code, reason },
  });
  if (!entry || entry.name !== row.machine) return fail('unknown_machine', `unknown machine ${row.machine}`);
  let shape: PersistedShape;
  try {
    shape = parsePersisted(row.snapshot);
  } catch (error) {
    return fail('unreadable_snapshot', (error as Error).message);
  }
  if (row.version !== entry.version) {
    const migrated = entry.migrate?.(row.version, shape) ?? null;
    if (!migrated) {
      return fail(
        'unknown_version',
        `unknown version ${row.version} of ${row.machine} (current ${entry.version})`,
      );
    }
    shape = migrated;
  }
  if (!statesOf(entry.machine).has(shape.value)) {
    return fail('unknown_state', `state ${shape.value} is not in ${row.machine}`);
  }
  return { ok: true, entry, shape };
}

/**
 * A kind persisted in its domain row (src/runtime/candidateRow.ts): the columns are typed, so
 * what can be wrong is a state this build's machine does not have (a newer build wrote it).
 */
export function decodeDomainRow(
  entry: EntityMachineEntry<unknown>,
  row: { state: string; context: unknown },
): DecodedActorRow {
  if (!statesOf(entry.machine).has(row.state)) {
    return {
      ok: false,
      problem: { code: 'unknown_state', reason: `state ${row.state} is not in ${entry.name}` },
    };
  }
  return { ok: true, entry, shape: { value: row.state, context: row.context as Record<string, unknown> } };
}
