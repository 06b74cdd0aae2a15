import { join } from 'node:path';
import Database from 'better-sqlite3';
import { listMigrations, migrate } from '../../db/migrate.ts';
import { openStore } from '../../db/store.ts';

/** Databases for the backup and restore tests (test/integration/backup, test/process/backupLive). */

/** The migration versions this build ships. */
export const shipped = listMigrations().map((m) => m.version);

/** A migrated database with `rows` filler events, closed (no -wal left). */
export async function seeded(dir: string, name: string, rows = 0): Promise<string> {
  const path = join(dir, name);
  const store = await openStore(path);
  migrate(store, () => Date.UTC(2026, 0, 9));
  const filler = 'x'.repeat(200);
  for (let done = 0; done < rows; done += 1000) {
    store.tx(() => {
      for (let i = done; i < Math.min(rows, done + 1000); i++) {
        store.event({ at: i, type: 'filler', data: filler });
      }
    });
  }
  store.close();
  return path;
}

/** What a database holds, read with a plain connection (read-write: a read-only one leaves a -wal behind). */
/** Every migration writes one `migration_applied` event; the counts below are on top of them. */
export const MIGRATIONS = listMigrations().length;

export function inspect(path: string) {
  const db = new Database(path, { fileMustExist: true });
  try {
    const events = db.prepare('select count(*) as n, min(id) as lo, max(id) as hi from events').get() as {
      n: number;
      lo: number;
      hi: number;
    };
    const tornCommits = db
      .prepare(
        `select data ->> '$.commit' as c, count(*) as n from events where type = 'backup_test_write'
         group by c having n != 10`,
      )
      .all();
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      migrations: (
        db.prepare('select version from schema_migrations order by version').all() as { version: number }[]
      ).map((r) => r.version),
      events,
      writerRows: (
        db.prepare("select count(*) as n from events where type = 'backup_test_write'").get() as { n: number }
      ).n,
      tornCommits,
    };
  } finally {
    db.close();
  }
}

export function maxEventId(path: string): number {
  const db = new Database(path, { fileMustExist: true });
  try {
    return (db.prepare('select max(id) as hi from events').get() as { hi: number }).hi;
  } finally {
    db.close();
  }
}
