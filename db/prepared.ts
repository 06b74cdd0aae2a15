import { type Placeholder, sql } from 'drizzle-orm';
import type { Db, Store } from './store.ts';

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

export interface Prepared<P, Q extends PreparedQueryLike> {
  all(store: Store, params: P): ReturnType<Q['all']>;
  get(store: Store, params: P): ReturnType<Q['get']>;
  run(store: Store, params: P): void;
}

// biome-ignore lint/complexity/noBannedTypes: a query without parameters takes `{}`
export function prepared<P extends Record<string, unknown> = {}>() {
  return <Q extends PreparedQueryLike>(build: (db: Db, p: Placeholders<P>) => Q): Prepared<P, Q> => {
    const byStore = new WeakMap<Store, Q>();
    const forStore = (store: Store): Q => {
      let query = byStore.get(store);
      if (!query) {
        query = build(store.db, placeholders<P>());
        byStore.set(store, query);
      }
      return query;
    };
    return {
      all: (store, params) => forStore(store).all(params) as ReturnType<Q['all']>,
      get: (store, params) => forStore(store).get(params) as ReturnType<Q['get']>,
      run: (store, params) => {
        forStore(store).run(params);
      },
    };
  };
}

function placeholders<P>(): Placeholders<P> {
  return new Proxy({} as Placeholders<P>, {
    get: (_target, key) => (typeof key === 'string' ? sql.placeholder(key) : undefined),
  });
}
