import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate.ts';
import { openStore } from '../../db/store.ts';
import { backupDatabase, restoreDatabase } from '../../src/maintenance/backup.ts';
import { inspect, MIGRATIONS, maxEventId, seeded as seededIn, shipped } from '../support/backupDatabases.ts';

/**
 * Backup and restore across processes: a snapshot taken while another process commits, and
 * the CLIs under Deno. The in-process cases are test/integration/backup.test.ts.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const writerScript = join(root, 'test/support/eventWriter.ts');
const deno = join(root, 'node_modules/.bin/deno');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'replywright-backup-live-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A migrated database in this file's temp dir with `rows` filler events, closed (no -wal left). */
const seeded = (name: string, rows?: number) => seededIn(dir, name, rows);

type Writer = ChildProcessByStdio<Writable, Readable, null>;

async function startWriter(
  path: string,
): Promise<{ child: Writer; stop: () => Promise<{ commits: number }> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', writerScript, path], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const queue: string[] = [];
  let wake: (() => void) | null = null;
  lines.on('line', (line) => {
    queue.push(line);
    wake?.();
  });
  const nextLine = async () => {
    while (queue.length === 0) {
      await new Promise<void>((resolve, reject) => {
        wake = resolve;
        child.once('exit', (code) => reject(new Error(`writer exited with ${code}`)));
      });
    }
    return queue.shift()!;
  };
  expect(await nextLine()).toBe('ready');
  return {
    child,
    stop: async () => {
      child.stdin.end();
      const done = JSON.parse(await nextLine()) as { commits: number };
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
      return done;
    },
  };
}

describe('backupDatabase while the pipeline writes', () => {
  it('takes a consistent, complete, migrated snapshot; restore refuses the live DB, then restores it', async () => {
    const source = await seeded('live.db', 60_000);
    const backup = join(dir, 'live-backup.db');
    const writer = await startWriter(source);
    let stopped = false;
    try {
      const before = maxEventId(source);
      const result = await backupDatabase(source, backup);
      const after = maxEventId(source);

      const snap = inspect(backup);
      expect(snap.integrity).toBe('ok');
      // A backup holds everything the database does: readable by its owner only.
      expect(statSync(backup).mode & 0o777).toBe(0o600);
      expect(snap.migrations).toEqual(shipped);
      expect(result.migrations).toEqual(shipped);
      // A prefix of the commits: ids contiguous from 1, every 10-row transaction whole.
      expect(snap.events.lo).toBe(1);
      expect(snap.events.n).toBe(snap.events.hi);
      expect(snap.tornCommits).toEqual([]);
      expect(snap.writerRows % 10).toBe(0);
      expect(snap.events.hi).toBeGreaterThanOrEqual(before);
      expect(snap.events.hi).toBeLessThanOrEqual(after);
      // The writer really was committing while the backup ran.
      expect(after).toBeGreaterThan(before);

      await expect(restoreDatabase(backup, source)).rejects.toThrow(
        /looks live \(a -wal file is present: replywright is running/,
      );

      const { commits } = await writer.stop();
      stopped = true;
      expect(existsSync(`${source}-wal`)).toBe(false);
      expect(inspect(source).writerRows).toBe(commits * 10);
      expect(commits * 10).toBeGreaterThan(snap.writerRows);

      // Stopped: restore without --force, and the restored DB is the backup exactly.
      const restored = await restoreDatabase(backup, source);
      expect(restored.overrodeLive).toBeNull();
      expect(restored.pending).toEqual([]);
      expect(inspect(source).events).toEqual(snap.events);
      const store = await openStore(source);
      try {
        expect(migrate(store)).toEqual([]);
      } finally {
        store.close();
      }
    } finally {
      if (!stopped) await writer.stop();
    }
  }, 60_000);
});

describe('backup and restore under Deno (node:sqlite)', () => {
  const hasDeno = existsSync(deno);
  it.skipIf(!hasDeno)(
    'the CLIs back up and restore with the node:sqlite driver',
    async () => {
      const source = await seeded('deno-source.db', 20);
      const backup = join(dir, 'deno-backup.db');
      const target = join(dir, 'deno-target.db');
      const run = (args: string[]) =>
        spawnSync(deno, ['run', '--allow-all', '--node-modules-dir=manual', ...args], {
          cwd: root,
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, NO_COLOR: '1' },
        });
      const b = run(['src/cli/backup.ts', '--db', source, '--to', backup]);
      expect(b.stderr).toBe('');
      expect(b.status).toBe(0);
      const r = run(['src/cli/restore.ts', '--from', backup, '--db', target]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(inspect(target).events.n).toBe(MIGRATIONS + 20);
      expect(inspect(target).integrity).toBe('ok');
    },
    120_000,
  );
});
