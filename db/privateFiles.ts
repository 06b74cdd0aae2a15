import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';

/**
 * Files that hold replywright's data — databases and their WAL, SHM and journal, the one-run
 * admin token — are readable by the user the process runs as and nobody else (0600), in a
 * directory only that user can list (0700). Modes are applied to files that already exist
 * too: a mode given at creation is silently ignored for an existing file.
 *
 * A directory is tightened only when it is plausibly the data directory itself: one this user
 * owns, not sticky (/tmp), not the working directory, the home directory or the root. Anything
 * else is shared with other programs, and chmod-ing it would break them.
 *
 * @example preparePrivateDatabase('./data/replywright.db') // ./data 0700, replywright.db 0600
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** The files SQLite keeps beside a database; each holds the same data. */
const SQLITE_COMPANIONS = ['', '-wal', '-shm', '-journal'];

/**
 * Before SQLite opens `path`: a private directory, and the database file created (empty, which
 * SQLite reads as a new database) or tightened to 0600. SQLite gives the WAL and SHM files it
 * creates later the mode of the database file, so they are 0600 as well.
 */
export function preparePrivateDatabase(path: string): void {
  if (path === '' || path === ':memory:' || path.startsWith('file:')) return;
  privateDirectory(dirname(path));
  for (const suffix of SQLITE_COMPANIONS) {
    const file = `${path}${suffix}`;
    if (suffix === '') createPrivateFile(file);
    else if (existsSync(file)) tighten(file, PRIVATE_FILE_MODE);
  }
}

export function privateDirectory(dir: string): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    tighten(dir, PRIVATE_DIR_MODE);
    return;
  }
  if (isOwnDataDirectory(dir)) tighten(dir, PRIVATE_DIR_MODE);
}

/** Opens (creating if needed) a file that is 0600 from its first byte, whatever existed before. */
export function openPrivateFile(path: string, flags: 'a' | 'w'): number {
  const fd = openSync(path, flags, PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (error) {
    if (!notOurs(error)) {
      closeSync(fd);
      throw error;
    }
  }
  return fd;
}

function createPrivateFile(path: string): void {
  closeSync(openPrivateFile(path, 'a'));
}

function isOwnDataDirectory(dir: string): boolean {
  if (typeof process.getuid !== 'function') return false;
  const stat = statSync(dir);
  if (stat.uid !== process.getuid() || (stat.mode & 0o1000) !== 0) return false;
  const absolute = resolve(dir);
  return ![resolve('/'), resolve(process.cwd()), resolve(homedir())].includes(absolute);
}

function tighten(path: string, mode: number): void {
  try {
    if ((statSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
  } catch (error) {
    // A file this user does not own, or a read-only mount: not ours to change, and SQLite
    // will say so itself if it cannot use it.
    if (!notOurs(error)) throw error;
  }
}

function notOurs(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'EPERM' || code === 'EROFS' || code === 'EACCES';
}
