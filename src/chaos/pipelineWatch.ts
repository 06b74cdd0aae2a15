import Database from 'better-sqlite3';

/**
 * A read-only connection to the pipeline's DB, held by the harness while the pipeline lives,
 * dies and restarts (WAL lets a reader in beside the writer). A read that hits a lock during
 * the writer's crash recovery answers `null` ("don't know yet") instead of throwing.
 */
export class PipelineWatch {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    this.#db = new Database(path, { readonly: true, fileMustExist: true });
    this.#db.pragma('busy_timeout = 2000');
  }

  /** Permits in `posting` right now: a kill now lands inside posting. */
  postingCount(): number | null {
    return this.#count("select count(*) as n from permits where state = 'posting'");
  }

  /** Permits not yet settled: approved, posting or unconfirmed. */
  openCount(): number | null {
    return this.#count("select count(*) as n from permits where state in ('approved', 'posting', 'unconfirmed')");
  }

  /** Reconciler runs that started at or after `since` and completed. */
  reconcilerRunsSince(since: number): number | null {
    return this.#count(
      "select count(*) as n from job_runs where job = 'reconciler' and status = 'completed' and started_at >= ?",
      since,
    );
  }

  /** Post ids of candidates still on their way to a reply: targets worth mutating. */
  mutableTargets(): string[] {
    return (
      this.#read(
        () =>
          this.#statement(
            `select post_id as postId from candidates
             where state in ('queued', 'selected', 'decided', 'permitted') order by id limit 50`,
          ).all() as { postId: string }[],
      ) ?? []
    ).map((r) => r.postId);
  }

  close(): void {
    this.#db.close();
  }

  #count(sql: string, ...params: unknown[]): number | null {
    return this.#read(() => (this.#statement(sql).get(...params) as { n: number }).n);
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #read<T>(fn: () => T): T | null {
    try {
      return fn();
    } catch {
      return null;
    }
  }
}
