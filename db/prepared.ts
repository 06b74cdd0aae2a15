import { Column, is, Param, Placeholder, type Placeholder as PlaceholderType, SQL, sql } from 'drizzle-orm';
import type { SqliteStatement } from './drivers/types.ts';
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
 * Calls go through `compiled()`: the same SQL statement and the same values drizzle would
 * bind and decode, without drizzle's per-call work (see there).
 */
export type Placeholders<P> = { readonly [K in keyof P]: PlaceholderType<K & string, P[K]> };

export interface PreparedQueryLike {
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
      const byOwner = new WeakMap<Owner, Compiled<Q>>();
      const forOwner = (owner: Owner): Compiled<Q> => {
        let query = byOwner.get(owner);
        if (!query) {
          query = compiled(build(dbOf(owner), placeholders<P>()));
          byOwner.set(owner, query);
        }
        return query;
      };
      return {
        all: (owner, params) => forOwner(owner).all(params),
        get: (owner, params) => forOwner(owner).get(params),
        run: (owner, params) => forOwner(owner).run(params),
      };
    };
}

function placeholders<P>(): Placeholders<P> {
  return new Proxy({} as Placeholders<P>, {
    get: (_target, key) => (typeof key === 'string' ? sql.placeholder(key) : undefined),
  });
}

/** A drizzle prepared query, called the way drizzle calls it, minus its per-call overhead. */
export interface Compiled<Q extends PreparedQueryLike> {
  all(values: object): ReturnType<Q['all']>;
  get(values: object): ReturnType<Q['get']>;
  run(values: object): { changes: number };
}

/** What `compiled` reads of drizzle's better-sqlite3 PreparedQuery (drizzle-orm 0.45). */
interface DrizzleInternals {
  stmt?: SqliteStatement;
  query?: { params?: unknown[] };
  fields?: { path: string[]; field: unknown }[];
  customResultMapper?: unknown;
}

interface Decoder {
  mapFromDriverValue(value: unknown): unknown;
}

interface Encoder {
  mapToDriverValue(value: unknown): unknown;
}

/**
 * On every call drizzle's prepared query walks its parameter list testing each entry's class
 * (`fillPlaceholders`) and, for a select, each selected field's class (`mapResultRow`): about a
 * fifth of the ingest's CPU. Both lists are fixed once the query is prepared, so this works
 * them out once — which parameter is which placeholder and with which column encoder, which
 * decoder reads each field — and each call binds the values to drizzle's own statement and
 * decodes the row with the same decoders. A query of another shape (relational queries,
 * nested selections) keeps drizzle's own methods. test/integration/preparedQuery.test.ts
 * compares both on every shape this codebase uses.
 */
export function compiled<Q extends PreparedQueryLike>(query: Q): Compiled<Q> {
  const internals = query as unknown as DrizzleInternals;
  const stmt = internals.stmt;
  const params = internals.query?.params;
  if (!stmt || !params || internals.customResultMapper) return drizzleOwn(query);
  const fields = internals.fields;
  if (fields?.some((f) => f.path.length !== 1)) return drizzleOwn(query);

  const bind = binder(params);
  if (!fields) {
    return {
      all: (values) => stmt.all(...bind(values)) as ReturnType<Q['all']>,
      get: (values) => stmt.get(...bind(values)) as ReturnType<Q['get']>,
      run: (values) => stmt.run(...bind(values)),
    };
  }
  const names = fields.map((f) => f.path[0]!);
  const decoders = fields.map((f) => decoderOf(f.field));
  const toRow = (raw: unknown[]): Record<string, unknown> => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const value = raw[i];
      row[names[i]!] = value === null ? null : decoders[i]!.mapFromDriverValue(value);
    }
    return row;
  };
  const rawStmt = stmt.raw();
  return {
    all: (values) => (rawStmt.all(...bind(values)) as unknown[][]).map(toRow) as ReturnType<Q['all']>,
    get: (values) => {
      const raw = rawStmt.get(...bind(values)) as unknown[] | undefined;
      return (raw ? toRow(raw) : undefined) as ReturnType<Q['get']>;
    },
    run: (values) => rawStmt.run(...bind(values)),
  };
}

function drizzleOwn<Q extends PreparedQueryLike>(query: Q): Compiled<Q> {
  return {
    all: (values) => query.all(values as Record<string, unknown>) as ReturnType<Q['all']>,
    get: (values) => query.get(values as Record<string, unknown>) as ReturnType<Q['get']>,
    run: (values) => query.run(values as Record<string, unknown>) as { changes: number },
  };
}

/** drizzle's `fillPlaceholders`, decided once per parameter instead of once per call. */
function binder(params: readonly unknown[]): (values: object) => unknown[] {
  const names: (string | null)[] = [];
  const encoders: (Encoder | null)[] = [];
  for (const p of params) {
    if (is(p, Placeholder)) {
      names.push(p.name);
      encoders.push(null);
    } else if (is(p, Param) && is(p.value, Placeholder)) {
      names.push(p.value.name);
      encoders.push(p.encoder as Encoder);
    } else {
      names.push(null);
      encoders.push(null);
    }
  }
  return (values) => {
    const given = values as Record<string, unknown>;
    const out = new Array<unknown>(params.length);
    for (let i = 0; i < params.length; i++) {
      const name = names[i];
      if (name === null || name === undefined) {
        out[i] = params[i];
        continue;
      }
      if (!(name in given)) throw new Error(`No value for placeholder "${name}" was provided`);
      const encoder = encoders[i];
      out[i] = encoder ? encoder.mapToDriverValue(given[name]) : given[name];
    }
    return out;
  };
}

/** The decoder drizzle's `mapResultRow` picks for a selected field. */
function decoderOf(field: unknown): Decoder {
  if (is(field, Column)) return field as unknown as Decoder;
  // SQL's decoder is internal to drizzle; an aliased SQL and a subquery keep it one level down.
  const shape = field as {
    decoder?: Decoder;
    sql?: { decoder?: Decoder };
    _?: { sql?: { decoder?: Decoder } };
  };
  const decoder = is(field, SQL) ? shape.decoder : (shape._?.sql?.decoder ?? shape.sql?.decoder);
  if (!decoder) throw new Error('compiled(): a selected field drizzle would not know how to decode');
  return decoder;
}
