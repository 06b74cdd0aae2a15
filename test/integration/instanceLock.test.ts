import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeHolder } from '../../db/instanceHolder.ts';
import { acquireInstanceLock, type InstanceLock, InstanceLocked } from '../../db/instanceLock.ts';
import { migrate } from '../../db/migrate.ts';
import { openStore } from '../../db/store.ts';

/** The instance lock in one process (the real second process is test/process/singleInstance.test.ts). */
let dir: string;
const held: InstanceLock[] = [];
afterEach(() => {
  for (const lock of held.splice(0)) lock.release();
  rmSync(dir, { recursive: true, force: true });
});

async function acquire(path: string): Promise<InstanceLock> {
  const lock = await acquireInstanceLock(path);
  held.push(lock);
  return lock;
}

async function refusal(path: string): Promise<InstanceLocked> {
  try {
    await acquireInstanceLock(path);
  } catch (error) {
    if (error instanceof InstanceLocked) return error;
    throw error;
  }
  throw new Error('acquired a lock that is held');
}

describe('instance lock', () => {
  it('keeps a second holder out until released, naming the first once it has recorded itself', async () => {
    dir = mkdtempSync(join(tmpdir(), 'replywright-lock-'));
    const db = join(dir, 'replywright.db');
    const first = await acquire(db);
    // Before the holder has a database to record itself in: still refused.
    expect((await refusal(db)).message).toMatch(
      /is in use by another replywright \(it has not recorded its pid yet/,
    );

    const store = await openStore(db);
    migrate(store);
    first.attach(store);
    const refused = await refusal(db);
    expect(refused.holder).toMatchObject({ pid: process.pid, host: hostname() });
    expect(refused.message).toMatch(
      new RegExp(
        `^${db.replaceAll('.', '\\.')} is in use by another replywright \\(pid ${process.pid} on host .+, last heartbeat 0 s ago\\): stop it first$`,
      ),
    );

    first.detach();
    expect(store.statement('select count(*) as n from instance_holder').get()).toEqual({ n: 0 });
    store.close();
    first.release();
    const second = await acquire(db);
    expect(second.lockPath).toBe(`${db}.lock`);
  });

  it('is one lock for every path to the same file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'replywright-lock-'));
    symlinkSync(dir, join(dir, 'alias'));
    await acquire(join(dir, 'replywright.db'));
    await expect(acquireInstanceLock(join(dir, 'alias', '..', 'alias', 'replywright.db'))).rejects.toThrow(
      InstanceLocked,
    );
  });

  it('says when the recorded holder is gone (a row a killed holder left, the lock taken by a run that records none)', () => {
    dir = mkdtempSync(join(tmpdir(), 'replywright-lock-'));
    const gone = { pid: 2 ** 22 + 7, host: hostname(), startedAt: 0, heartbeatAt: 0 };
    expect(describeHolder(gone, 1_000)).toMatch(
      /has not recorded its pid yet.*the recorded pid 4194311 is gone/,
    );
    expect(describeHolder({ ...gone, host: 'elsewhere', heartbeatAt: 0 }, 12_400)).toBe(
      'pid 4194311 on host elsewhere, started 1970-01-01T00:00:00.000Z, last heartbeat 12 s ago',
    );
  });
});
