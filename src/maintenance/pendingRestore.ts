import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDir } from './fsync.ts';

/**
 * A restore staged for the next start. While replywright runs, `npm run restore` refuses to
 * replace its database (the process would go on writing to the file it has open). Where the
 * process cannot simply be stopped first — on Fly it *is* the machine — `npm run restore --
 * --at-next-start` validates the backup into `<db>.restore-pending` instead, and the next boot
 * swaps it in while it holds the instance lock, before it opens the database.
 */
export function pendingRestorePath(dbPath: string): string {
  return `${dbPath}.restore-pending`;
}

/**
 * Swaps a staged restore in: the database's stale -wal/-shm/-journal go first (a WAL replayed
 * onto another file corrupts it), then the staged file is renamed over it. Call only while
 * holding the instance lock. Returns whether there was one.
 */
export function applyPendingRestore(dbPath: string): boolean {
  const pending = pendingRestorePath(dbPath);
  if (!existsSync(pending)) return false;
  for (const side of [`${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`]) rmSync(side, { force: true });
  renameSync(pending, dbPath);
  fsyncDir(dirname(dbPath));
  return true;
}
