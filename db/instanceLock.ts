import { mkdirSync, realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { openDriver } from './drivers/open.ts';
import type { SqliteDriver } from './drivers/types.ts';
import {
  beat,
  clearHolder,
  describeHolder,
  type InstanceHolder,
  readHolder,
  writeHolder,
} from './instanceHolder.ts';
import type { Store } from './store.ts';

/**
 * One replywright per database file. Two on one file undo each other: the second's boot turns
 * the first's in-flight `posting` permits into `unconfirmed` and closes its running job runs
 * as crashed, and both schedulers grant permits under one cap.
 *
 * The exclusion is an operating-system lock, not a lease row: a SQLite connection in
 * EXCLUSIVE locking mode on a sidecar file `<db>.lock` holds its file lock for as long as the
 * process lives. The kernel drops it the instant the process dies, `kill -9` included, so a
 * restart never waits out a lease, never guesses from a heartbeat's age or whether a pid is
 * alive (pids are reused; in a container every boot may be pid 1), and a paused holder keeps
 * its lock instead of coming back to a database someone else took over. It needs the file on
 * a local filesystem, which SQLite's WAL needs anyway. Readers (proof, backup, the dashboard)
 * never touch it.
 *
 * The `instance_holder` row (pid, host, heartbeat) only says who holds it, for the one line a
 * second process prints. Never delete `<db>.lock` while replywright runs: a new file is a new
 * lock.
 */
export const HEARTBEAT_MS = 10_000;

export class InstanceLocked extends Error {
  override name = 'InstanceLocked';
  constructor(
    readonly dbPath: string,
    readonly holder: InstanceHolder | null,
    now: number,
    heldByThisProcess = false,
  ) {
    super(
      `${dbPath} is in use by another replywright (${describeHolder(holder, now, heldByThisProcess)}): stop it first`,
    );
  }
}

export interface InstanceLock {
  readonly dbPath: string;
  readonly lockPath: string;
  /** Records this process as the holder in `store` (migrated) and keeps its heartbeat. */
  attach(store: Store): void;
  /** Stops the heartbeat and removes the holder row: a clean stop, while the store is still open. */
  detach(): void;
  /** Gives the lock up (what the kernel does when the process dies). */
  release(): void;
}

/** The lock file of a database: beside it, through symlinks, so every path to one file shares it. */
export function lockPathFor(dbPath: string): string {
  const dir = dirname(resolve(dbPath));
  mkdirSync(dir, { recursive: true });
  let real = join(realpathSync(dir), basename(dbPath));
  try {
    real = realpathSync(real);
  } catch {
    // not created yet: its directory's real path is enough
  }
  return `${real}.lock`;
}

/** Lock files this process holds (tests run more than one replywright in a process). */
const heldHere = new Set<string>();

/** Takes the database's instance lock, or throws InstanceLocked naming the holder. */
export async function acquireInstanceLock(dbPath: string): Promise<InstanceLock> {
  const lockPath = lockPathFor(dbPath);
  const driver = await openDriver(lockPath);
  try {
    driver.exec('PRAGMA busy_timeout = 0');
    driver.exec('PRAGMA locking_mode = EXCLUSIVE');
    // No journal file beside the lock file; there is nothing in it to protect.
    driver.exec('PRAGMA journal_mode = MEMORY');
    // In EXCLUSIVE locking mode the lock this takes is kept after COMMIT, until close.
    driver.exec('BEGIN EXCLUSIVE');
    driver.exec('COMMIT');
  } catch (error) {
    driver.close();
    if (!isBusy(error)) throw error;
    throw new InstanceLocked(resolve(dbPath), await readHolder(dbPath), Date.now(), heldHere.has(lockPath));
  }
  heldHere.add(lockPath);
  return heldLock(resolve(dbPath), lockPath, driver);
}

function heldLock(dbPath: string, lockPath: string, driver: SqliteDriver): InstanceLock {
  const me = { pid: process.pid, host: hostname() };
  let attached: { store: Store; timer: ReturnType<typeof setInterval> } | null = null;
  let released = false;
  const stopBeating = () => {
    if (attached) clearInterval(attached.timer);
  };
  return {
    dbPath,
    lockPath,
    attach(store) {
      const now = Date.now();
      writeHolder(store, { ...me, startedAt: now, heartbeatAt: now });
      const timer = setInterval(() => {
        try {
          beat(store, me, Date.now());
        } catch {
          // busy or closing: the next beat tries again (the row is only what others are told)
        }
      }, HEARTBEAT_MS);
      timer.unref?.();
      attached = { store, timer };
    },
    detach() {
      stopBeating();
      if (attached) clearHolder(attached.store, me);
      attached = null;
    },
    release() {
      if (released) return;
      released = true;
      stopBeating();
      attached = null;
      driver.close();
      heldHere.delete(lockPath);
    },
  };
}

function isBusy(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return /SQLITE_BUSY|SQLITE_LOCKED|database is locked/i.test(
    `${String(code ?? '')} ${String(message ?? '')}`,
  );
}
