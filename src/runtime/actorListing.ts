import { and, asc, count, eq, gt, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { actors, candidates } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { entityMachines } from '../../machines/registry.ts';
import { QUARANTINED } from '../../machines/stateGroups.ts';
import { candidateStatusOf, candidatesPerState, loadCandidateRow } from './candidateRow.ts';

/**
 * The persisted actors as the outside sees them (`/api/actors`, the statechart catalog):
 * permits from `actors`, candidates from their `candidates` rows (a candidate's row is its
 * snapshot — src/runtime/candidateRow.ts), both in one shape.
 */
export interface ListedActor {
  id: string;
  kind: string;
  machine: string;
  version: number;
  state: string;
  status: 'active' | 'done' | 'quarantined';
  updatedAt: number;
}

export interface ActorFilter {
  kind?: string | undefined;
  state?: string | undefined;
  /** The last id of the previous page. */
  after?: string | undefined;
  limit: number;
}

const CANDIDATE_KIND = entityMachines.candidate.kind;

/** The columns of an `actors` row that make a `ListedActor`. */
const LISTED_FIELDS = {
  id: actors.id,
  kind: actors.kind,
  machine: actors.machine,
  version: actors.version,
  state: actors.state,
  status: actors.status,
  updatedAt: actors.updatedAt,
};

function asListed(row: { id: string; state: string; updatedAt: number }): ListedActor {
  const { name, kind, version } = entityMachines.candidate;
  return { ...row, kind, machine: name, version, status: candidateStatusOf(row.state) };
}

/** Actors by id, filtered by kind and state: both tables read by id from the cursor, merged. */
export function listActors(store: Store, filter: ActorFilter): ListedActor[] {
  const fromCandidates = filter.kind === undefined || filter.kind === CANDIDATE_KIND;
  const fromActors = filter.kind !== CANDIDATE_KIND;
  const found: ListedActor[] = [];
  if (fromActors) {
    found.push(
      ...store.db
        .select(LISTED_FIELDS)
        .from(actors)
        .where(
          and(
            filter.kind ? eq(actors.kind, filter.kind) : undefined,
            filter.state ? eq(actors.state, filter.state) : undefined,
            filter.after ? gt(actors.id, filter.after) : undefined,
          ),
        )
        .orderBy(asc(actors.id))
        .limit(filter.limit)
        .all(),
    );
  }
  if (fromCandidates) {
    found.push(
      ...store.db
        .select({ id: candidates.id, state: candidates.state, updatedAt: candidates.updatedAt })
        .from(candidates)
        .where(
          and(
            filter.state ? sql`${candidates.state} = ${filter.state}` : undefined,
            filter.after ? gt(candidates.id, filter.after) : undefined,
          ),
        )
        .orderBy(asc(candidates.id))
        .limit(filter.limit)
        .all()
        .map(asListed),
    );
  }
  return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, filter.limit);
}

/** One actor with its snapshot (`{ value, context }`), wherever it is kept; undefined if none. */
export function actorWithSnapshot(
  store: Store,
  id: string,
): (ListedActor & { snapshot: unknown }) | undefined {
  const row = store.db
    .select({ ...LISTED_FIELDS, snapshot: actors.snapshot })
    .from(actors)
    .where(eq(actors.id, id))
    .get();
  if (row) return { ...row, snapshot: JSON.parse(row.snapshot) as unknown };
  const candidate = loadCandidateRow(store, id);
  if (!candidate) return undefined;
  const updatedAt =
    store.db.select({ at: candidates.updatedAt }).from(candidates).where(eq(candidates.id, id)).get()?.at ??
    0;
  return {
    ...asListed({ id, state: candidate.state, updatedAt }),
    snapshot: { value: candidate.state, context: candidate.context },
  };
}

/** How many actors of a kind are in each state (a quarantined candidate is in none). */
export function actorCountsByState(store: Store, kind: string): { state: string; n: number }[] {
  if (kind === CANDIDATE_KIND) {
    return candidatesPerState(store).filter((r) => r.state !== QUARANTINED);
  }
  return actorsByState.all(store, { kind });
}

const actorsByState = prepared<{ kind: string }>()((db, p) =>
  db
    .select({ state: actors.state, n: count() })
    .from(actors)
    .where(eq(actors.kind, p.kind))
    .groupBy(actors.state)
    .prepare(),
);
