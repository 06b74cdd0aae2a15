import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, type StartedProcess, startSystem } from '../support/startProcess.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * Issue #12, "one instance per database": a second replywright on the same DB file used to
 * boot cleanly — it turned the first one's in-flight `posting` permits into `unconfirmed`,
 * closed its running job runs as crashed, and both schedulers granted permits under one cap.
 * Now it exits non-zero within seconds with one line naming the holder, and the holder is
 * unaffected; a holder killed with -9 does not keep the next boot out; read-only CLIs work
 * while it runs and `npm run restore` refuses.
 */
const NODE_START = [process.execPath, '--import', 'tsx', 'src/cli/start.ts'];
const deno = join(repoRoot, 'node_modules/deno/deno');
const HOLDER_LINE =
  /replywright: .*replywright\.db is in use by another replywright \(pid (\d+) on host [^,]+, started [^,]+, last heartbeat \d+ s ago\)/;

const started: StartedProcess[] = [];
afterAll(() => {
  for (const p of started) p.child.kill('SIGKILL');
});

async function start(env: Record<string, string> = {}, command = NODE_START): Promise<StartedProcess> {
  const p = await startSystem(command, env);
  started.push(p);
  return p;
}

async function healthy(p: StartedProcess, timeoutMs = 60_000): Promise<number> {
  const t0 = Date.now();
  await waitFor(async () => (await fetch(`${p.url}/healthz`)).status === 200, {
    what: 'healthz 200',
    timeoutMs,
    intervalMs: 250,
  });
  return Date.now() - t0;
}

async function exitWithin(p: StartedProcess, ms: number): Promise<number | null | 'still running'> {
  return Promise.race([
    p.exited,
    new Promise<'still running'>((r) => setTimeout(() => r('still running'), ms)),
  ]);
}

function cli(script: string, args: string[], db: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, REPLYWRIGHT_DB: db, NO_COLOR: '1' },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** What a second process could have done to the first one's rows. */
function damage(db: string) {
  const conn = new Database(db, { readonly: true });
  try {
    const one = (sql: string) => (conn.prepare(sql).get() as { n: number }).n;
    return {
      crashRecoveries: one("select count(*) as n from events where type = 'crash_recovery'"),
      runsClosedAsCrashed: one("select count(*) as n from job_runs where reason = 'crashed'"),
      migrationsApplied: one("select count(*) as n from events where type = 'migration_applied'"),
    };
  } finally {
    conn.close();
  }
}

const schedulerRuns = (db: string) => {
  const conn = new Database(db, { readonly: true });
  try {
    return (
      conn.prepare("select count(*) as n from events where type = 'scheduler_started'").get() as { n: number }
    ).n;
  } finally {
    conn.close();
  }
};

describe('one instance per database (issue #12)', () => {
  let first: StartedProcess;
  let holder: StartedProcess;
  let db: string;

  it('regression: a second process on the same DB exits non-zero within seconds, naming the holder; the first is unaffected', async () => {
    first = await start();
    db = join(first.dir, 'replywright.db');
    await healthy(first);
    const before = damage(db);

    const t0 = Date.now();
    const second = await start({
      REPLYWRIGHT_DB: db,
      REPLYWRIGHT_SANDBOX_DB: join(first.dir, 'sandbox-2.db'),
    });
    const code = await exitWithin(second, 20_000);
    const exitMs = Date.now() - t0;
    console.log(`second process exited with ${code} after ${exitMs} ms`);
    expect(code, second.output()).not.toBe('still running');
    expect(code).not.toBe(0);
    const lines = second.output().trim().split('\n');
    expect(lines.at(-1)).toMatch(HOLDER_LINE);
    expect(Number(HOLDER_LINE.exec(lines.at(-1)!)?.[1])).toBe(first.child.pid);

    // The holder: nothing of its in-flight state touched, and it keeps running.
    expect(damage(db)).toEqual(before);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const runs = schedulerRuns(db);
    await waitFor(() => schedulerRuns(db) > runs, {
      what: 'another scheduler run of the holder',
      timeoutMs: 30_000,
      intervalMs: 250,
    });
  }, 120_000);

  it.skipIf(!existsSync(deno))(
    'a second process under Deno (node:sqlite) is kept out the same way',
    async () => {
      const second = await start(
        { REPLYWRIGHT_DB: db, REPLYWRIGHT_SANDBOX_DB: join(first.dir, 'sandbox-3.db') },
        [deno, 'run', '--allow-all', 'src/cli/start.ts'],
      );
      const code = await exitWithin(second, 30_000);
      expect(code, second.output()).not.toBe('still running');
      expect(code).not.toBe(0);
      expect(second.output().trim().split('\n').at(-1)).toMatch(HOLDER_LINE);
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    },
    60_000,
  );

  it('proof and backup work while it runs; restore refuses, even with --force', async () => {
    const proof = cli('proof', ['--window', '30m'], db);
    expect([0, 1], proof.err).toContain(proof.code);
    expect(proof.out).toContain('# replywright production proof');

    const backupFile = join(first.dir, 'backup.db');
    const backup = cli('backup', ['--to', backupFile], db);
    expect(backup.code, backup.err).toBe(0);
    expect(existsSync(backupFile)).toBe(true);

    for (const args of [
      ['--from', backupFile],
      ['--from', backupFile, '--force'],
    ]) {
      const restore = cli('restore', args, db);
      expect(restore.code).toBe(1);
      expect(restore.err).toMatch(/restore: refused: .*is in use by another replywright \(pid \d+ on host /);
    }
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
  }, 120_000);

  it('kill -9 the holder: a restart boots promptly (a dead holder keeps nobody out)', async () => {
    first.child.kill('SIGKILL');
    await first.exited;
    const t0 = Date.now();
    const next = await start({ REPLYWRIGHT_DB: db, REPLYWRIGHT_SANDBOX_DB: join(first.dir, 'sandbox-4.db') });
    await healthy(next);
    const bootMs = Date.now() - t0;
    console.log(`restart after kill -9: healthy after ${bootMs} ms`);
    expect(bootMs).toBeLessThan(30_000);
    // It recovered the dead holder's runs the way every boot after a crash does.
    expect(next.output()).not.toMatch(/in use by another replywright/);
    holder = next;
  }, 120_000);

  it('a restore staged with --at-next-start while it runs is swapped in by the next start', async () => {
    const backupFile = join(holder.dir, 'staged-backup.db');
    expect(cli('backup', ['--to', backupFile], db).code).toBe(0);
    const marked = new Database(backupFile);
    marked
      .prepare(
        "insert into controls (key, value, updated_at) values ('restore_marker', 'from the backup', 0)",
      )
      .run();
    marked.close();

    const staged = cli('restore', ['--from', backupFile, '--at-next-start'], db);
    expect(staged.code, staged.err).toBe(0);
    expect(staged.out).toMatch(
      /^staged .* to replace .*replywright\.db when replywright next starts: restart it now/,
    );
    expect((await fetch(`${holder.url}/healthz`)).status).toBe(200);

    holder.child.kill('SIGTERM');
    expect(await exitWithin(holder, 30_000)).toBe(0);
    const after = await start({
      REPLYWRIGHT_DB: db,
      REPLYWRIGHT_SANDBOX_DB: join(holder.dir, 'sandbox-5.db'),
    });
    await healthy(after);
    expect(after.output()).toContain('swapped in the restore staged with --at-next-start');
    const conn = new Database(db, { readonly: true });
    try {
      expect(conn.prepare("select value from controls where key = 'restore_marker'").get()).toEqual({
        value: 'from the backup',
      });
    } finally {
      conn.close();
    }
    expect(existsSync(`${db}.restore-pending`)).toBe(false);
  }, 120_000);
});
