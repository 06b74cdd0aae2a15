import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate.ts';
import { openStore } from '../../db/store.ts';
import { main as backupMain } from '../../src/cli/backup.ts';
import { main as migrateMain } from '../../src/cli/migrate.ts';
import { main as restoreMain } from '../../src/cli/restore.ts';
import { backupDatabase, restoreDatabase } from '../../src/maintenance/backup.ts';
import { inspect, MIGRATIONS, seeded as seededIn, shipped } from '../support/backupDatabases.ts';

/**
 * Backup and restore in one process: restore's refusals and force, backup's refusals, the
 * CLIs' main(argv). A backup taken while another process writes, and the CLIs under Deno,
 * are test/process/backupLive.test.ts.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'replywright-backup-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A migrated database in this file's temp dir with `rows` filler events, closed (no -wal left). */
const seeded = (name: string, rows?: number) => seededIn(dir, name, rows);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { env: {}, out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

describe('restoreDatabase', () => {
  it('replaces a live database only with force, removing its -wal and -shm', async () => {
    const backup = join(dir, 'force-backup.db');
    await backupDatabase(await seeded('force-source.db', 500), backup);
    const target = await seeded('force-target.db', 3);
    const live = await openStore(target);
    try {
      expect(existsSync(`${target}-wal`)).toBe(true);
      await expect(restoreDatabase(backup, target)).rejects.toThrow(/looks live.*pass --force/);
      expect(inspect(target).events.n).toBe(MIGRATIONS + 3);

      const result = await restoreDatabase(backup, target, { force: true });
      expect(result.overrodeLive).toMatch(/^a -wal file is present/);
      expect(result.removed).toEqual([`${target}-wal`, `${target}-shm`]);
    } finally {
      live.close();
    }
    const store = await openStore(target);
    try {
      expect(migrate(store)).toEqual([]);
      expect(inspect(target).events.n).toBe(MIGRATIONS + 500);
      expect(inspect(target).integrity).toBe('ok');
    } finally {
      store.close();
    }
  });

  it('sees a rollback-journal database as live while another connection holds its lock', async () => {
    const backup = join(dir, 'lock-backup.db');
    await backupDatabase(await seeded('lock-source.db'), backup);
    const target = join(dir, 'lock-target.db');
    const holder = new Database(target);
    holder.pragma('journal_mode = DELETE');
    holder.exec('create table t (x)');
    holder.exec('BEGIN IMMEDIATE');
    holder.exec('insert into t values (1)');
    try {
      await expect(restoreDatabase(backup, target)).rejects.toThrow(
        /looks live \(another connection has it open\)/,
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    await restoreDatabase(backup, target);
    expect(inspect(target).migrations).toEqual(shipped);
  });

  it('refuses a database left with a -wal by a crash (its last commits live there) unless force', async () => {
    const backup = join(dir, 'crash-backup.db');
    await backupDatabase(await seeded('crash-source.db'), backup);
    const running = await seeded('crash-running.db');
    const store = await openStore(running);
    const crashed = join(dir, 'crashed.db');
    try {
      store.tx(() => store.event({ at: 1, type: 'last_words' }));
      // What kill -9 leaves: the main file plus a -wal holding the last commit.
      copyFileSync(running, crashed);
      copyFileSync(`${running}-wal`, `${crashed}-wal`);
    } finally {
      store.close();
    }
    await expect(restoreDatabase(backup, crashed)).rejects.toThrow(/did not close cleanly/);
    expect(existsSync(`${crashed}-wal`)).toBe(true);
    const result = await restoreDatabase(backup, crashed, { force: true });
    expect(result.removed).toEqual([`${crashed}-wal`]);
    expect(inspect(crashed).events.n).toBe(MIGRATIONS + 0);
  });

  it('restores onto a path with no database yet', async () => {
    const backup = join(dir, 'fresh-backup.db');
    await backupDatabase(await seeded('fresh-source.db', 10), backup);
    const target = join(dir, 'new/dir/replywright.db');
    const result = await restoreDatabase(backup, target);
    expect(result.removed).toEqual([]);
    expect(inspect(target).events.n).toBe(MIGRATIONS + 10);
  });

  it('validates the backup before touching the target', async () => {
    const target = await seeded('keep.db', 2);
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database, just some bytes'.repeat(200));
    await expect(restoreDatabase(garbage, target)).rejects.toThrow(/not a usable SQLite database/);

    const foreign = join(dir, 'foreign.db');
    const other = new Database(foreign);
    other.exec('create table notes (x)');
    other.close();
    await expect(restoreDatabase(foreign, target)).rejects.toThrow(
      /no schema_migrations: it is not a replywright database/,
    );

    const newer = join(dir, 'newer.db');
    copyFileSync(await seeded('newer-source.db'), newer);
    const db = new Database(newer);
    db.prepare('insert into schema_migrations (version, name, checksum, applied_at) values (?, ?, ?, ?)').run(
      999,
      '0998_future',
      'abc',
      0,
    );
    db.close();
    await expect(restoreDatabase(newer, target)).rejects.toThrow(
      /migrations 999 that this build does not know/,
    );

    const withWal = await seeded('with-wal.db');
    const open = await openStore(withWal);
    try {
      await expect(restoreDatabase(withWal, target)).rejects.toThrow(/has a -wal file beside it/);
    } finally {
      open.close();
    }

    await expect(restoreDatabase(join(dir, 'missing.db'), target)).rejects.toThrow(/no backup at/);
    expect(inspect(target).events.n).toBe(MIGRATIONS + 2);
    expect(readFileSync(target).subarray(0, 15).toString()).toBe('SQLite format 3');
  });
});

describe('backupDatabase refusals', () => {
  it('refuses a missing source, an existing destination (unless force) and itself', async () => {
    const source = await seeded('refuse.db', 1);
    await expect(backupDatabase(join(dir, 'nope.db'), join(dir, 'x.db'))).rejects.toThrow(/no database at/);
    const dest = join(dir, 'refuse-backup.db');
    writeFileSync(dest, 'old');
    await expect(backupDatabase(source, dest)).rejects.toThrow(/already exists \(pass --force/);
    expect(readFileSync(dest, 'utf8')).toBe('old');
    await backupDatabase(source, dest, { force: true });
    expect(inspect(dest).events.n).toBe(MIGRATIONS + 1);
    await expect(backupDatabase(source, source, { force: true })).rejects.toThrow(
      /must not be the database itself/,
    );
  });
});

describe('operations CLIs: main(argv)', () => {
  it('migrate: usage errors exit 2; --check validates files; apply is idempotent', async () => {
    const cases: [string[], RegExp][] = [
      [['--bogus'], /^migrate: unknown flag --bogus; accepted: --db <value>, --check, --help/],
      [['--db'], /^migrate: --db needs a value/],
      [['--check=yes'], /^migrate: --check takes no value/],
      [['stray'], /^migrate: unexpected argument "stray"/],
    ];
    for (const [argv, message] of cases) {
      const c = capture();
      expect(await migrateMain(argv, c.io)).toBe(2);
      expect(c.err).toHaveLength(1);
      expect(c.err[0]).toMatch(message);
    }
    const help = capture();
    expect(await migrateMain(['--help'], help.io)).toBe(0);
    expect(help.out[0]).toContain('usage: migrate');

    const check = capture();
    expect(await migrateMain(['--check'], check.io)).toBe(0);
    expect(check.out[0]).toMatch(/^migrations ok: \d+ \(versions /);

    const path = join(dir, 'cli-migrate/replywright.db');
    const pre = capture();
    expect(await migrateMain(['--check', '--db', path], pre.io)).toBe(0);
    expect(pre.out.at(-1)).toMatch(/no database yet/);
    expect(existsSync(path)).toBe(false);

    const first = capture();
    expect(await migrateMain(['--db', path], first.io)).toBe(0);
    expect(first.out[0]).toMatch(/created; applied \d+ migration/);
    const again = capture();
    expect(await migrateMain([], { ...again.io, env: { REPLYWRIGHT_DB: path } })).toBe(0);
    expect(again.out[0]).toMatch(/up to date/);
    const status = capture();
    expect(await migrateMain(['--check', `--db=${path}`], status.io)).toBe(0);
    expect(status.out.at(-1)).toMatch(/pending none$/);
  });

  it('backup: --to is required; failures exit 1 with one line; REPLYWRIGHT_DB is the default', async () => {
    const usage = capture();
    expect(await backupMain([], usage.io)).toBe(2);
    expect(usage.err[0]).toMatch(/--to FILE is required/);

    const missing = capture();
    expect(await backupMain(['--to', join(dir, 'b1.db'), '--db', join(dir, 'absent.db')], missing.io)).toBe(
      1,
    );
    expect(missing.err).toHaveLength(1);
    expect(missing.err[0]).toMatch(/^backup: no database at .*absent\.db$/);

    const source = await seeded('cli-source.db', 5);
    const dest = join(dir, 'cli-backup.db');
    const ok = capture();
    expect(await backupMain(['--to', dest], { ...ok.io, env: { REPLYWRIGHT_DB: source } })).toBe(0);
    expect(ok.out[0]).toMatch(
      /^backed up .*cli-source\.db to .*cli-backup\.db: \d+ bytes, migrations .*integrity ok/,
    );

    const exists = capture();
    expect(await backupMain(['--to', dest, '--db', source], exists.io)).toBe(1);
    expect(exists.err).toEqual([`backup: ${dest} already exists (pass --force to replace it)`]);
    expect(await backupMain(['--to', dest, '--db', source, '--force'], capture().io)).toBe(0);
  });

  it('restore: --from is required; a live target is refused (exit 1) unless --force', async () => {
    const usage = capture();
    expect(await restoreMain(['--db', join(dir, 'x.db')], usage.io)).toBe(2);
    expect(usage.err[0]).toMatch(/--from FILE is required/);

    const nothing = capture();
    expect(await restoreMain(['--from', join(dir, 'absent-backup.db')], nothing.io)).toBe(1);
    expect(nothing.err[0]).toMatch(/^restore: no backup at /);

    const backup = join(dir, 'cli-restore-backup.db');
    await backupDatabase(await seeded('cli-restore-source.db', 7), backup);
    const target = await seeded('cli-restore-target.db');
    const live = await openStore(target);
    try {
      const refused = capture();
      expect(await restoreMain(['--from', backup, '--db', target], refused.io)).toBe(1);
      expect(refused.err).toHaveLength(1);
      expect(refused.err[0]).toMatch(
        /^restore: .* looks live \(a -wal file is present: .*\): stop replywright first, or pass --force$/,
      );

      const forced = capture();
      expect(await restoreMain(['--from', backup, '--db', target, '--force'], forced.io)).toBe(0);
      expect(forced.out[0]).toMatch(/^restored .* forced over a live database/);
    } finally {
      live.close();
    }
    expect(inspect(target).events.n).toBe(MIGRATIONS + 7);
  });
});
