import Database from 'better-sqlite3';
import { and, asc, count, eq, gte, inArray, sql } from 'drizzle-orm';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from '../../db/schema.ts';
import { candidates, jobRuns, permits } from '../../db/schema.ts';
import { CANDIDATE_GROUPS, PERMIT, PERMIT_GROUPS } from '../../machines/stateGroups.ts';

/**
 * A read-only connection to the pipeline's DB, held by the harness while the pipeline lives,
 * dies and restarts (WAL lets a reader in beside the writer). A read that hits a lock during
 * the writer's crash recovery answers `null` ("don't know yet") instead of throwing.
 */
export class PipelineWatch {
  readonly #raw: Database.Database;
  readonly #db: WatchDb;
  /** Prepared at the first read that succeeds: the pipeline may not have migrated yet. */
  #queries: WatchQueries | undefined;

  constructor(path: string) {
    this.#raw = new Database(path, { readonly: true, fileMustExist: true });
    this.#raw.pragma('busy_timeout = 2000');
    this.#db = drizzle(this.#raw, { schema });
  }

  /** Permits in `posting` right now: a kill now lands inside posting. */
  postingCount(): number | null {
    return this.#read(() => this.#q().posting.get()?.n ?? 0);
  }

  /** Permits not yet settled: approved, posting or unconfirmed (they may post). */
  openCount(): number | null {
    return this.#read(() => this.#q().mayPost.get()?.n ?? 0);
  }

  /** Reconciler runs that started at or after `since` and completed. */
  reconcilerRunsSince(since: number): number | null {
    return this.#read(() => this.#q().reconcilerRunsSince.get({ since })?.n ?? 0);
  }

  /** Post ids of candidates still on their way to a reply: targets worth mutating. */
  mutableTargets(): string[] {
    return (this.#read(() => this.#q().admittedTargets.all()) ?? []).map((r) => r.postId);
  }

  close(): void {
    this.#raw.close();
  }

  #q(): WatchQueries {
    this.#queries ??= prepareQueries(this.#db);
    return this.#queries;
  }

  #read<T>(fn: () => T): T | null {
    try {
      return fn();
    } catch {
      return null;
    }
  }
}

type WatchDb = BetterSQLite3Database<typeof schema>;
type WatchQueries = ReturnType<typeof prepareQueries>;

function prepareQueries(db: WatchDb) {
  return {
    posting: db.select({ n: count() }).from(permits).where(eq(permits.state, PERMIT.posting)).prepare(),
    mayPost: db
      .select({ n: count() })
      .from(permits)
      .where(inArray(permits.state, PERMIT_GROUPS.mayPost))
      .prepare(),
    reconcilerRunsSince: db
      .select({ n: count() })
      .from(jobRuns)
      .where(
        and(
          eq(jobRuns.job, 'reconciler'),
          eq(jobRuns.status, 'completed'),
          gte(jobRuns.startedAt, sql.placeholder('since')),
        ),
      )
      .prepare(),
    admittedTargets: db
      .select({ postId: candidates.postId })
      .from(candidates)
      .where(inArray(candidates.state, CANDIDATE_GROUPS.admitted))
      .orderBy(asc(candidates.id))
      .limit(50)
      .prepare(),
  };
}
