import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../db/store.ts';
import { writeDevAdminToken } from '../../src/app/devAdminToken.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { SandboxPlatform } from '../../src/sandbox/platform.ts';

/**
 * Finding 6 of issue #11: ./data/*.db (and -wal, -shm) were 0644 in a 0755 directory, and the
 * one-run admin-token file kept 0644 when it already existed (the mode applied only on
 * create). The data directory is now 0700 and every file in it 0600, whether or not it existed.
 */
const mode = (path: string) => statSync(path).mode & 0o777;
const POSIX = process.platform !== 'win32';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

describe.skipIf(!POSIX)('data file modes', () => {
  it('a new data directory is 0700, the database and its WAL and SHM 0600', async () => {
    root = mkdtempSync(join(tmpdir(), 'replywright-modes-'));
    const db = join(root, 'data', 'replywright.db');
    const store = await openStore(db);
    store.tx(() => store.driver.exec('create table t (x)'));
    expect(mode(join(root, 'data'))).toBe(0o700);
    for (const file of [db, `${db}-wal`, `${db}-shm`]) expect(mode(file), file).toBe(0o600);
    store.close();
  });

  it('tightens a directory and files that already existed with wider modes', async () => {
    root = mkdtempSync(join(tmpdir(), 'replywright-modes-'));
    const dir = join(root, 'data');
    const db = join(dir, 'replywright.db');
    const first = await openStore(db);
    first.tx(() => first.driver.exec('create table t (x)'));
    // Copy what a crash leaves behind: WAL and SHM still there, all of it world-readable.
    chmodSync(dir, 0o755);
    for (const file of [db, `${db}-wal`, `${db}-shm`]) chmodSync(file, 0o644);
    const again = await openStore(db);
    expect(mode(dir)).toBe(0o700);
    for (const file of [db, `${db}-wal`, `${db}-shm`]) expect(mode(file), file).toBe(0o600);
    first.close();
    again.close();
  });

  it('the sandbox database too', async () => {
    root = mkdtempSync(join(tmpdir(), 'replywright-modes-'));
    const dir = join(root, 'data');
    mkdirSync(dir, { mode: 0o755 });
    const db = join(dir, 'sandbox.db');
    writeFileSync(db, '');
    chmodSync(db, 0o644);
    const platform = await SandboxPlatform.open(db, { clock: new SimulatedClock(), seed: 1 });
    expect(mode(dir)).toBe(0o700);
    expect(mode(db)).toBe(0o600);
    platform.close();
  });

  it('the one-run admin token file is 0600 even when it existed as 0644', () => {
    root = mkdtempSync(join(tmpdir(), 'replywright-modes-'));
    const dir = join(root, 'data');
    mkdirSync(dir, { mode: 0o755 });
    const file = join(dir, 'admin-token');
    writeFileSync(file, 'old-token\n');
    chmodSync(file, 0o644);
    const { token, path } = writeDevAdminToken(join(dir, 'replywright.db'));
    expect(path).toBe(file);
    expect(mode(file)).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
    expect(statSync(file).size).toBe(token.length + 1);
  });
});
