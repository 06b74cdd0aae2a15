import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { and, eq } from 'drizzle-orm';
import { openDriver } from './drivers/open.ts';
import { instanceHolder } from './schema.ts';
import { drizzleOver, type Store } from './store.ts';

/**
 * The `instance_holder` row: which process holds the instance lock, and its last heartbeat.
 * Only what a second process prints — who keeps it out — never what decides it (the lock
 * does). Times are wall-clock epoch ms.
 */
export interface InstanceHolder {
  pid: number;
  host: string;
  startedAt: number;
  heartbeatAt: number;
}

/** The one row's id. */
const ROW = 1;

export function writeHolder(store: Store, holder: InstanceHolder): void {
  const { pid, host, startedAt, heartbeatAt } = holder;
  store.db
    .insert(instanceHolder)
    .values({ id: ROW, pid, host, startedAt, heartbeatAt })
    .onConflictDoUpdate({ target: instanceHolder.id, set: { pid, host, startedAt, heartbeatAt } })
    .run();
}

/** This process's row only: a holder that lost the row to another writes nothing. */
const thisHolder = (holder: Pick<InstanceHolder, 'pid' | 'host'>) =>
  and(eq(instanceHolder.id, ROW), eq(instanceHolder.pid, holder.pid), eq(instanceHolder.host, holder.host));

export function beat(store: Store, holder: Pick<InstanceHolder, 'pid' | 'host'>, at: number): void {
  store.db.update(instanceHolder).set({ heartbeatAt: at }).where(thisHolder(holder)).run();
}

export function clearHolder(store: Store, holder: Pick<InstanceHolder, 'pid' | 'host'>): void {
  store.db.delete(instanceHolder).where(thisHolder(holder)).run();
}

/** The recorded holder of the database at `dbPath`, or null (no file, no table yet, no row). */
export async function readHolder(dbPath: string): Promise<InstanceHolder | null> {
  if (!existsSync(dbPath)) return null;
  try {
    const driver = await openDriver(dbPath);
    try {
      driver.exec('PRAGMA busy_timeout = 1000');
      // SQLite's own catalogue, not a table of db/schema.ts: a raw admin query.
      const table = driver
        .prepare("select 1 from sqlite_master where type = 'table' and name = 'instance_holder'")
        .get();
      if (!table) return null;
      const row = drizzleOver(driver)
        .select({
          pid: instanceHolder.pid,
          host: instanceHolder.host,
          startedAt: instanceHolder.startedAt,
          heartbeatAt: instanceHolder.heartbeatAt,
        })
        .from(instanceHolder)
        .where(eq(instanceHolder.id, ROW))
        .get();
      return row ?? null;
    } finally {
      driver.close();
    }
  } catch {
    // Whatever keeps us from reading it, the lock already answered the question.
    return null;
  }
}

/** "pid 4242 on host web-1, started 2026-01-09T12:00:00.000Z, last heartbeat 3 s ago" */
export function describeHolder(
  holder: InstanceHolder | null,
  now: number,
  heldByThisProcess = false,
): string {
  const unrecorded = 'it has not recorded its pid yet: still starting, or a migrate or restore run';
  if (!holder) return unrecorded;
  // A row a killed holder left behind, while someone else holds the lock without a row (our
  // own pid recorded means the same, unless we hold it: in a container every boot may be pid 1).
  const ours = holder.pid === process.pid;
  if (holder.host === hostname() && (ours ? !heldByThisProcess : !processAlive(holder.pid))) {
    return `${unrecorded}; the recorded pid ${holder.pid} is gone`;
  }
  const ago = Math.max(0, Math.round((now - holder.heartbeatAt) / 1000));
  return `pid ${holder.pid} on host ${holder.host}, started ${new Date(holder.startedAt).toISOString()}, last heartbeat ${ago} s ago`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
