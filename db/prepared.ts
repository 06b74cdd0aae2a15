import { type Placeholder, sql } from 'drizzle-orm';
import type { Store } from './store.ts';

/**
 * A query written with drizzle's builder, prepared once per store, and called with typed named
 * parameters. Columns come from `db/schema.ts`, so a renamed column fails `npm run typecheck`;
 * rows are typed by the query; parameters by `P`.
 *
 * ```ts
 * const permitById = prepared<{ id: string }>()((db, p) =>
 *   db.select({ state: permits.state }).from(permits).where(eq(permits.id, p.id)).prepare(),
 * );
 * permitById.get(store, { id }); // { state: string } | undefined
 * ```
 *
 * Use it on hot paths; elsewhere call `store.db` directly (drizzle's builder, unprepared).
 */
export type Placeholders<P> = { readonly [K in keyof P]: Placeholder<K & string, P[K]> };

interface PreparedQueryLike {
  all(values?: Record<string, unknown>): unknown;
  get(values?: Record<string, unknown>): unknown;
  run(values?: Record<string, unknown>): unknown;
}

/** `Owner` is what the query is prepared once for: the pipeline's `Store`, or another database. */
export interface Prepared<P, Q extends PreparedQueryLike, Owner = Store> {
  all(owner: Owner, params: P): ReturnType<Q['all']>;
  get(owner: Owner, params: P): ReturnType<Q['get']>;
  /** The number of rows written (better-sqlite3's and node:sqlite's `changes`). */
  run(owner: Owner, params: P): { changes: number };
}

// biome-ignore lint/complexity/noBannedTypes: a query without parameters takes `{}`
export function prepared<P extends Record<string, unknown> = {}>() {
  return preparedOn((store: Store) => store.db)<P>();
}

/**
 * `prepared` for a database other than the pipeline's store (the sandbox's own file): `dbOf`
 * gives the drizzle database of an owner, and each query is prepared once per owner.
 */
export function preparedOn<Owner extends object, D>(dbOf: (owner: Owner) => D) {
  // biome-ignore lint/complexity/noBannedTypes: a query without parameters takes `{}`
  return <P extends Record<string, unknown> = {}>() =>
    <Q extends PreparedQueryLike>(build: (db: D, p: Placeholders<P>) => Q): Prepared<P, Q, Owner> => {
      const byOwner = new WeakMap<Owner, Q>();
      const forOwner = (owner: Owner): Q => {
        let query = byOwner.get(owner);
        if (!query) {
          query = build(dbOf(owner), placeholders<P>());
          byOwner.set(owner, query);
        }
        return query;
      };
      return {
        all: (owner, params) => forOwner(owner).all(params) as ReturnType<Q['all']>,
        get: (owner, params) => forOwner(owner).get(params) as ReturnType<Q['get']>,
        run: (owner, params) => forOwner(owner).run(params) as { changes: number },
      };
    };
}

function placeholders<P>(): Placeholders<P> {
  return new Proxy({} as Placeholders<P>, {
    get: (_target, key) => (typeof key === 'string' ? sql.placeholder(key) : undefined),
  });
}
