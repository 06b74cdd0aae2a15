import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openDriver } from '../../db/drivers/open.ts';
import { createStore } from '../../db/store.ts';
import { markRestored } from '../jobs/restoreMarker.ts';
import { fsyncDir, fsyncFile } from './fsync.ts';
import { formatVersions, type MigrationStatus, migrationStatus } from './migrationStatus.ts';

/**
 * Online backup and offline restore of the replywright database.
 *
 * A backup is `VACUUM INTO` a temp file beside the destination: one read transaction on the
 * source, so it is a consistent snapshot while the pipeline keeps writing (WAL readers do not
 * block writers), on both drivers. The copy is fsync'd, checked (`integrity_check`, migrations)
 * and renamed into place, so a destination is either absent or a whole, valid backup.
 *
 * A restore validates the backup first, refuses a target that looks live unless forced, removes
 * the target's stale -wal/-shm/-journal (a stale WAL replayed onto another file corrupts it) and
 * renames a validated copy into place.
 */
export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupResult {
  source: string;
  dest: string;
  bytes: number;
  /** Migration versions recorded in the backup. */
  migrations: number[];
  durationMs: number;
}

export interface RestoreResult {
  from: string;
  to: string;
  bytes: number;
  migrations: number[];
  /** Shipped by this build, not in the backup: applied when replywright starts. */
  pending: number[];
  /** Stale side files of the target that were removed. */
  removed: string[];
  /** Why the target looked live, when --force overrode it. */
  overrodeLive: string | null;
  /** The first boot reads the account's posts since this time before it posts anything. */
  reconcileSince: number;
}

/** @example await backupDatabase('/data/replywright.db', '/data/backup.db') */
export async function backupDatabase(
  sourcePath: string,
  destPath: string,
  options: { force?: boolean } = {},
): Promise<BackupResult> {
  const source = resolve(sourcePath);
  const dest = resolve(destPath);
  const started = Date.now();
  if (!isFile(source)) throw new BackupError(`no database at ${source}`);
  if (samePath(source, dest)) throw new BackupError('the backup file must not be the database itself');
  const refuseExisting = () => {
    if (existsSync(dest) && !options.force) {
      throw new BackupError(`${dest} already exists (pass --force to replace it)`);
    }
  };
  refuseExisting();
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  try {
    const driver = await openDriver(source);
    try {
      // SQLite admin (a pragma, VACUUM INTO a file): raw statements, no table of db/schema.ts.
      driver.exec('PRAGMA busy_timeout = 5000');
      driver.prepare('VACUUM INTO ?').run(tmp);
    } catch (error) {
      throw new BackupError(`cannot back up ${source}: ${messageOf(error)}`);
    } finally {
      driver.close();
    }
    // VACUUM INTO neither fsyncs its output nor makes it private: it holds everything the DB does.
    chmodSync(tmp, 0o600);
    fsyncFile(tmp);
    const { applied: migrations } = await validateBackup(tmp, `backup of ${source}`);
    refuseExisting();
    renameSync(tmp, dest);
    fsyncDir(dirname(dest));
    return { source, dest, bytes: statSync(dest).size, migrations, durationMs: Date.now() - started };
  } finally {
    removeTemp(tmp);
  }
}

/**
 * Replaces the database at `toPath` with the backup at `fromPath`. Stop replywright first:
 * a target with a -wal file or a lock is refused unless `force`.
 *
 * @example await restoreDatabase('/data/backup.db', '/data/replywright.db')
 */
export async function restoreDatabase(
  fromPath: string,
  toPath: string,
  options: { force?: boolean } = {},
): Promise<RestoreResult> {
  const from = resolve(fromPath);
  const to = resolve(toPath);
  if (!isFile(from)) throw new BackupError(`no backup at ${from}`);
  if (samePath(from, to)) throw new BackupError('the backup and the database are the same file');
  if (existsSync(`${from}-wal`)) {
    throw new BackupError(
      `${from} has a -wal file beside it, so the file alone may miss its latest commits: make backups with "npm run backup"`,
    );
  }
  mkdirSync(dirname(to), { recursive: true });
  const tmp = tempPathFor(to);
  try {
    copyFileSync(from, tmp);
    chmodSync(tmp, 0o600);
    fsyncFile(tmp);
    const { applied: migrations, pending } = await validateBackup(tmp, `backup ${from}`);
    const reconcileSince = await markForReconcile(tmp);

    const live = await whyLive(to);
    if (live && !options.force) {
      throw new BackupError(`${to} looks live (${live}): stop replywright first, or pass --force`);
    }
    matchOwner(tmp, existsSync(to) ? to : dirname(to));
    const removed = [`${to}-wal`, `${to}-shm`, `${to}-journal`].filter((side) => existsSync(side));
    for (const side of removed) rmSync(side, { force: true });
    renameSync(tmp, to);
    fsyncDir(dirname(to));
    return {
      from,
      to,
      bytes: statSync(to).size,
      migrations,
      pending,
      removed,
      overrodeLive: live,
      reconcileSince,
    };
  } finally {
    removeTemp(tmp);
  }
}

/** The first boot on a restored file must reconcile with the platform before any post. */
async function markForReconcile(path: string): Promise<number> {
  const driver = await openDriver(path);
  try {
    const since = markRestored(createStore(driver, path), Date.now());
    driver.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return since;
  } finally {
    driver.close();
  }
}

/** Integrity ok, and only migrations this build knows, with unchanged checksums. */
async function validateBackup(path: string, what: string): Promise<MigrationStatus> {
  let integrity: string[];
  try {
    const driver = await openDriver(path);
    try {
      // SQLite admin (a pragma, no table of db/schema.ts): a raw statement.
      integrity = driver
        .prepare('PRAGMA integrity_check')
        .all()
        .map((row) => String(typeof row === 'object' && row !== null ? Object.values(row)[0] : row));
    } finally {
      driver.close();
    }
  } catch (error) {
    throw new BackupError(`${what} is not a usable SQLite database: ${messageOf(error)}`);
  }
  if (integrity.length !== 1 || integrity[0] !== 'ok') {
    throw new BackupError(`${what} fails PRAGMA integrity_check: ${integrity.slice(0, 3).join('; ')}`);
  }
  const status = await readStatus(path);
  if (!status || status.applied.length === 0) {
    throw new BackupError(`${what} has no schema_migrations: it is not a replywright database`);
  }
  if (status.unknown.length > 0) {
    throw new BackupError(
      `${what} has migrations ${formatVersions(status.unknown)} that this build does not know: use a newer build`,
    );
  }
  if (status.changed.length > 0) {
    throw new BackupError(
      `${what} recorded migrations ${formatVersions(status.changed)} with other checksums`,
    );
  }
  return status;
}

async function readStatus(path: string): Promise<MigrationStatus | null> {
  const driver = await openDriver(path);
  try {
    return migrationStatus(driver);
  } finally {
    driver.close();
  }
}

/**
 * A reason the database at `path` must not be replaced without --force, or null. A -wal file
 * means a WAL connection is open, or the last one did not close cleanly (then that file holds
 * its last commits); it is not opened, so a refused restore changes nothing. Otherwise any
 * connection's lock shows: an EXCLUSIVE-locking-mode transaction cannot start at once.
 */
async function whyLive(path: string): Promise<string | null> {
  if (!existsSync(path)) return null;
  if (existsSync(`${path}-wal`))
    return 'a -wal file is present: replywright is running, or did not close cleanly';
  const shmExisted = existsSync(`${path}-shm`);
  let busy = false;
  const driver = await openDriver(path);
  try {
    // SQLite admin (pragmas, a locking probe): raw statements, no table of db/schema.ts.
    driver.exec('PRAGMA busy_timeout = 0');
    driver.exec('PRAGMA locking_mode = EXCLUSIVE');
    driver.exec('BEGIN EXCLUSIVE');
    driver.exec('ROLLBACK');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    const text = `${code} ${messageOf(error)}`;
    // Anything else (say, "file is not a database") is a broken target, not a busy one.
    busy = /SQLITE_BUSY|SQLITE_LOCKED|locked|busy/i.test(text);
  } finally {
    driver.close();
  }
  if (busy) return 'another connection has it open';
  // Nobody else has it open: drop the -shm an exclusive-mode probe of a WAL database leaves.
  if (!shmExisted) rmSync(`${path}-shm`, { force: true });
  return null;
}

/** Run as root (say `fly ssh console`), keep the file owned by whoever owns the target. */
function matchOwner(file: string, like: string): void {
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = statSync(like);
  chownSync(file, uid, gid);
}

function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

function removeTemp(tmp: string): void {
  for (const file of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`]) rmSync(file, { force: true });
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : p);
  return real(a) === real(b);
}

export function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}
