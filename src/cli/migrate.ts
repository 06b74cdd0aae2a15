import { existsSync } from 'node:fs';
import { openDriver } from '../../db/drivers/open.ts';
import { acquireInstanceLock } from '../../db/instanceLock.ts';
import { migrate } from '../../db/migrate.ts';
import { openStore } from '../../db/store.ts';
import { formatVersions, migrationStatus, validateMigrationFiles } from '../maintenance/migrationStatus.ts';
import { type CliIo, databasePath, parseCli, runCli, runIfEntry } from './args.ts';

/**
 * `npm run migrate [-- --db PATH]` applies the pending migrations to REPLYWRIGHT_DB (or PATH)
 * and prints them. replywright also migrates at start-up, before it serves.
 *
 * `npm run migrate -- --check [--db PATH]` only validates the migration journal and files (they
 * are applied to a throwaway in-memory database) and prints their versions; it opens no real
 * database unless --db is given, and then only reads which migrations it lacks. Fly's
 * release_command runs this, on a machine without the volume.
 */
const USAGE = 'usage: migrate [--db PATH] [--check]';

export function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
  return runCli(
    {
      name: 'migrate',
      usage: USAGE,
      parse,
      run: (flags, { env, out, err }) =>
        flags.check ? check(flags.db, out, err) : apply(flags.db ?? databasePath(env), out),
    },
    argv,
    io,
  );
}

export function parse(argv: readonly string[]) {
  const { values } = parseCli({ options: { db: { type: 'string' }, check: { type: 'boolean' } } }, argv);
  return { help: values.help === true, db: values.db, check: values.check === true };
}

async function apply(dbPath: string, out: (text: string) => void): Promise<number> {
  const created = !existsSync(dbPath);
  // Never under a running replywright (it migrated at its start, and runs that schema).
  const lock = await acquireInstanceLock(dbPath);
  const store = await openStore(dbPath).catch((error: unknown) => {
    lock.release();
    throw error;
  });
  try {
    const applied = migrate(store);
    const total = migrationStatus(store.driver)?.applied ?? [];
    if (applied.length === 0) {
      out(`${dbPath}: up to date (migrations ${formatVersions(total)})`);
    } else {
      out(`${dbPath}: ${created ? 'created; ' : ''}applied ${applied.length} migration(s)`);
      for (const m of applied) out(`  ${m.version} ${m.name}`);
    }
    return 0;
  } finally {
    store.close();
    lock.release();
  }
}

async function check(
  dbPath: string | undefined,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  const files = await validateMigrationFiles();
  out(`migrations ok: ${files.length} (versions ${formatVersions(files.map((f) => f.version))})`);
  for (const f of files) out(`  ${f.version} ${f.name} ${f.checksum}`);
  if (dbPath === undefined) return 0;
  if (!existsSync(dbPath)) {
    out(`${dbPath}: no database yet; all ${files.length} migration(s) apply at start-up`);
    return 0;
  }
  const driver = await openDriver(dbPath);
  try {
    driver.exec('PRAGMA busy_timeout = 5000');
    const status = migrationStatus(driver);
    if (!status) {
      err(`migrate: ${dbPath} has no schema_migrations table: it is not a replywright database`);
      return 1;
    }
    if (status.changed.length > 0 || status.unknown.length > 0) {
      err(
        `migrate: ${dbPath} does not match this build (changed: ${formatVersions(status.changed)}; unknown: ${formatVersions(status.unknown)})`,
      );
      return 1;
    }
    out(`${dbPath}: applied ${formatVersions(status.applied)}; pending ${formatVersions(status.pending)}`);
    return 0;
  } finally {
    driver.close();
  }
}

runIfEntry(import.meta.url, 'migrate', main);
