import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postIdOf } from '../../src/platforms/bluesky/postIds.ts';
import { waitFor } from '../support/waitFor.ts';
import { botRecords, type LocalNetwork, postMentioning, ROOT, startLocalNetwork } from './localNetwork.ts';

/**
 * kill -9 while a permit is `posting`, on Bluesky (real local network, real process): once
 * after the PDS took the write (the answer lost with the process), once before the request
 * left. Either way, after a restart there is exactly one reply.
 */
const WORKER = join(ROOT, 'test/bluesky/killWorker.ts');
let net: LocalNetwork;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  net = await startLocalNetwork();
  dir = mkdtempSync(join(tmpdir(), 'rw-bluesky-crash-'));
}, 600_000);

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await net?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

interface Worker {
  child: ChildProcess;
  line(prefix: string): Promise<string>;
}

function startWorker(hold: 'after-put' | 'before-put' | 'none'): Worker {
  const info = {
    service: net.service,
    appview: net.appview,
    bot: net.bot,
    users: net.users,
    startMs: net.startMs,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(info), dir, hold], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.splice(0)) {
        if (line.startsWith(w.prefix)) w.resolve(line);
        else waiters.push(w);
      }
    }
  });
  return {
    child,
    line: (prefix) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => l.startsWith(prefix));
        if (seen) return resolve(seen);
        waiters.push({ prefix, resolve });
        child.once('exit', (code) =>
          reject(new Error(`worker exited (${code}) before "${prefix}": ${stderr.slice(-1500)}`)),
        );
      }),
  };
}

async function kill9(worker: Worker): Promise<void> {
  const exited = new Promise((resolve) => worker.child.once('exit', resolve));
  worker.child.kill('SIGKILL');
  await exited;
}

function permitState(targetUri: string): { state: string; attempts: number } | undefined {
  const db = new Database(join(dir, 'replywright.db'), { readonly: true });
  try {
    return db
      .prepare('select state, attempts from permits where target_post_id = ?')
      .get(postIdOf(targetUri)) as { state: string; attempts: number } | undefined;
  } finally {
    db.close();
  }
}

const JOBS = ['fetch', 'scheduler', 'poster', 'reconciler'] as const;

/** How many runs of each job have ended (completed or failed). */
function endedRuns(): Map<string, number> {
  const db = new Database(join(dir, 'replywright.db'), { readonly: true });
  try {
    const rows = db
      .prepare("select job, count(*) as n from job_runs where status != 'running' group by job")
      .all() as { job: string; n: number }[];
    return new Map(rows.map((r) => [r.job, r.n]));
  } finally {
    db.close();
  }
}

async function botRepliesTo(uri: string) {
  return (await botRecords(net)).filter((r) => r.value.reply?.parent.uri === uri);
}

async function restartUntilUsed(targetUri: string) {
  const worker = startWorker('none');
  const ready = JSON.parse((await worker.line('ready ')).slice('ready '.length)) as {
    postingToUnconfirmed: number;
  };
  expect(ready.postingToUnconfirmed).toBe(1);
  await waitFor(async () => (permitState(targetUri)?.state === 'used' ? true : undefined), {
    timeoutMs: 60_000,
    what: 'the permit to be used',
    intervalMs: 150,
  });
  // A few more passes of every job: still one.
  const before = endedRuns();
  await waitFor(() => JOBS.every((job) => (endedRuns().get(job) ?? 0) >= (before.get(job) ?? 0) + 2), {
    timeoutMs: 30_000,
    what: 'two more runs of every job',
    intervalMs: 150,
  });
  const exited = new Promise((resolve) => worker.child.once('exit', resolve));
  worker.child.kill('SIGTERM');
  await exited;
}

describe('kill -9 while posting to Bluesky', () => {
  it('after the PDS took the write: one reply after the restart, found not re-posted', {
    timeout: 120_000,
  }, async () => {
    const worker = startWorker('after-put');
    await worker.line('ready ');
    const target = await postMentioning(
      await net.agent(0),
      net.bot,
      'what if the process dies right after the write?',
    );
    await worker.line('put-landed');
    await kill9(worker);
    expect(permitState(target.uri)?.state).toBe('posting');
    expect(await botRepliesTo(target.uri)).toHaveLength(1);
    await restartUntilUsed(target.uri);
    expect(await botRepliesTo(target.uri)).toHaveLength(1);
  });

  it('before the request left: the restart proves it absent and posts it, once', {
    timeout: 120_000,
  }, async () => {
    const worker = startWorker('before-put');
    await worker.line('ready ');
    const target = await postMentioning(
      await net.agent(1),
      net.bot,
      'and if it dies before the write is even sent?',
    );
    await worker.line('put-held');
    await kill9(worker);
    expect(permitState(target.uri)?.state).toBe('posting');
    expect(await botRepliesTo(target.uri)).toHaveLength(0);
    await restartUntilUsed(target.uri);
    expect(await botRepliesTo(target.uri)).toHaveLength(1);
  });
});
