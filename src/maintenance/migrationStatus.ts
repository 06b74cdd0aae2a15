import { asc } from 'drizzle-orm';
import type { SqliteDriver } from '../../db/drivers/types.ts';
import { listMigrations, migrate } from '../../db/migrate.ts';
import { schemaMigrations } from '../../db/schema.ts';
import { drizzleOver, openStore } from '../../db/store.ts';

export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
}

/** How a database's `schema_migrations` compares with the migrations this build ships. */
export interface MigrationStatus {
  applied: number[];
  /** Shipped here, not applied there: `migrate()` applies them at start-up. */
  pending: number[];
  /** Applied there, unknown here: the database comes from a newer build. */
  unknown: number[];
  /** Applied there with another checksum: `migrate()` would refuse to start. */
  changed: number[];
}

/**
 * Validates the migration journal and files without touching any real database: versions
 * contiguous from 1, unique non-empty files, and every migration applied in order to a
 * throwaway in-memory database. Safe where no volume is mounted (Fly's release machine).
 *
 * @example const files = await validateMigrationFiles(); // throws with a one-line reason
 */
export async function validateMigrationFiles(): Promise<MigrationFile[]> {
  const migrations = listMigrations();
  if (migrations.length === 0) throw new Error('the migration journal lists no migrations');
  const names = new Set<string>();
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`the migration journal is not contiguous: entry ${i + 1} has version ${m.version}`);
    }
    if (names.has(m.name)) throw new Error(`migration ${m.name} is listed twice`);
    names.add(m.name);
    if (m.sql.trim() === '') throw new Error(`migration ${m.version} (${m.name}) is empty`);
  });

  const store = await openStore(':memory:');
  try {
    const applied = migrate(store, () => 0);
    const status = migrationStatus(store.driver);
    if (applied.length !== migrations.length || !status || status.pending.length > 0) {
      throw new Error('the migrations did not all record themselves in schema_migrations');
    }
  } finally {
    store.close();
  }
  return migrations.map(({ version, name, checksum }) => ({ version, name, checksum }));
}

/** null when the database has no `schema_migrations` table (not a replywright database). */
export function migrationStatus(driver: SqliteDriver): MigrationStatus | null {
  // SQLite's own catalogue, not a table of db/schema.ts: a raw admin query.
  const hasTable = driver
    .prepare("select 1 from sqlite_master where type = 'table' and name = 'schema_migrations'")
    .get();
  if (!hasTable) return null;
  const rows = drizzleOver(driver)
    .select({ version: schemaMigrations.version, checksum: schemaMigrations.checksum })
    .from(schemaMigrations)
    .orderBy(asc(schemaMigrations.version))
    .all();
  const shipped = new Map(listMigrations().map((m) => [m.version, m.checksum]));
  const appliedSet = new Set(rows.map((r) => r.version));
  return {
    applied: rows.map((r) => r.version),
    pending: [...shipped.keys()].filter((v) => !appliedSet.has(v)),
    unknown: rows.filter((r) => !shipped.has(r.version)).map((r) => r.version),
    changed: rows
      .filter((r) => shipped.has(r.version) && shipped.get(r.version) !== r.checksum)
      .map((r) => r.version),
  };
}

/** "1..3", "1, 3", or "none". */
export function formatVersions(versions: readonly number[]): string {
  if (versions.length === 0) return 'none';
  const contiguous = versions.every((v, i) => i === 0 || v === versions[i - 1]! + 1);
  return contiguous && versions.length > 2 ? `${versions[0]}..${versions.at(-1)}` : versions.join(', ');
}
