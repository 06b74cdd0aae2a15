import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Store } from './store.ts';

interface JournalEntry {
  idx: number;
  tag: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
}

const migrationsDir = new URL('./migrations/', import.meta.url);

export function listMigrations(): { version: number; name: string; sql: string; checksum: string }[] {
  const journal = JSON.parse(readFileSync(new URL('meta/_journal.json', migrationsDir), 'utf8')) as {
    entries: JournalEntry[];
  };
  return journal.entries.map((entry) => {
    const sql = readFileSync(new URL(`${entry.tag}.sql`, migrationsDir), 'utf8');
    return {
      version: entry.idx + 1,
      name: entry.tag,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex').slice(0, 16),
    };
  });
}

/**
 * Applies the drizzle-kit migrations not yet applied, each in its own transaction that also
 * records it in `schema_migrations` and as a `migration_applied` event with its version.
 */
export function migrate(store: Store, now: () => number = Date.now): AppliedMigration[] {
  // The first migration creates schema_migrations itself.
  const hasTable = store.driver
    .prepare("select 1 from sqlite_master where type = 'table' and name = 'schema_migrations'")
    .get();
  const rows = hasTable
    ? (store.driver.prepare('select version, checksum from schema_migrations').all() as {
        version: number;
        checksum: string;
      }[])
    : [];
  const done = new Map(rows.map((r) => [r.version, r.checksum]));
  const applied: AppliedMigration[] = [];
  for (const m of listMigrations()) {
    const existing = done.get(m.version);
    if (existing !== undefined) {
      if (existing !== m.checksum) {
        throw new Error(`migration ${m.version} (${m.name}) changed after it was applied`);
      }
      continue;
    }
    store.tx(() => {
      for (const statement of m.sql.split('--> statement-breakpoint')) {
        if (statement.trim()) store.driver.exec(statement);
      }
      const at = now();
      store.driver
        .prepare('insert into schema_migrations (version, name, checksum, applied_at) values (?, ?, ?, ?)')
        .run(m.version, m.name, m.checksum, at);
      store.event({
        at,
        type: 'migration_applied',
        data: JSON.stringify({ version: m.version, name: m.name, checksum: m.checksum }),
      });
    });
    applied.push({ version: m.version, name: m.name });
  }
  return applied;
}
