import { type SQL, sql } from 'drizzle-orm';
import { type PermitRowState, sqlList } from '../machines/stateGroups.ts';
import { permits } from './schema.ts';

/**
 * `permits.state in ('pending', …)` for a state group, the states written as literals. SQLite
 * uses a partial index (`permits_one_per_target`, whose WHERE is the `holdsTarget` group) only
 * when it can prove the query's WHERE implies the index's, and it can only for literals:
 * drizzle's `inArray` binds parameters, and the lookup of a target's permit would then read
 * every holding permit through `permits_state` (checked with EXPLAIN QUERY PLAN). The states
 * come from the machines (`PERMIT_GROUPS`), never from input; `sqlList` checks each name.
 */
export function permitStateIn(group: readonly PermitRowState[]): SQL {
  return sql`${permits.state} in ${sql.raw(sqlList(group))}`;
}
