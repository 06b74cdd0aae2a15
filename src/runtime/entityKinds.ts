import type { Store } from '../../db/store.ts';
import {
  type ContextOf,
  type EntityKind,
  type EntityMachineEntry,
  entityMachines,
  type StateOf,
} from '../../machines/registry.ts';
import { loadCandidateRow } from './candidateRow.ts';
import { projectCandidate, projectPermit } from './projections.ts';

/**
 * The runtime side of an entity kind: its machine entry (machines/registry.ts, pure) joined to
 * the projection that writes its domain row (SQL, so it lives here), and where its snapshot
 * lives. EntityHost reads a kind only through this: a new kind is one machine entry plus one
 * line here.
 */
export interface EntityKindRuntime<K extends EntityKind> {
  entry: EntityMachineEntry<ContextOf<K>>;
  /**
   * Writes the actor's state into its domain row (and rows that follow it), in the step's
   * transaction; returns the number of domain rows written. Not called for a row its creator
   * inserts itself (`EntityHost.createWithRow`).
   */
  project(store: Store, state: StateOf<K>, context: ContextOf<K>, at: number): number;
  /**
   * Present when the domain row is the actor's persisted snapshot (state and whole context,
   * all written by `project`): the kind has no `actors` row, and a step loads it from here.
   * Absent: the snapshot is JSON in `actors`, and the domain row mirrors it.
   */
  loadRow?(store: Store, id: string): { state: string; context: ContextOf<K> } | undefined;
}

export const entityKinds: { readonly [K in EntityKind]: EntityKindRuntime<K> } = {
  candidate: { entry: entityMachines.candidate, project: projectCandidate, loadRow: loadCandidateRow },
  permit: { entry: entityMachines.permit, project: projectPermit },
};

/** A kind with its types erased, as the kind-generic host handles it. */
export interface AnyEntityKind {
  entry: EntityMachineEntry<unknown>;
  project(store: Store, state: string, context: unknown, at: number): number;
  loadRow?(store: Store, id: string): { state: string; context: unknown } | undefined;
}

export function isEntityKind(kind: string): kind is EntityKind {
  return Object.hasOwn(entityKinds, kind);
}

export function entityKind(kind: EntityKind): AnyEntityKind {
  // The host passes each kind's projection only states and contexts of that kind's machine.
  return entityKinds[kind] as unknown as AnyEntityKind;
}
