import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstPostedReply, repoRoot, startSystem } from '../support/startProcess.ts';

/**
 * The whole system as a newcomer starts it — sandbox, pipeline and HTTP in one process —
 * on Node and on Deno: a reply is posted with a complete trace chain, and SIGTERM drains
 * and exits 0.
 */
const deno = join(repoRoot, 'node_modules/deno/deno');

async function endToEnd(command: string[]) {
  const system = await startSystem(command);
  try {
    const postId = await firstPostedReply(system.url, 60_000);
    const trace = (await (await fetch(`${system.url}/api/trace/${postId}`)).json()) as {
      complete: boolean;
      checks: { name: string; pass: boolean }[];
    };
    expect(trace.complete, JSON.stringify(trace.checks)).toBe(true);
    system.child.kill('SIGTERM');
    const code = await Promise.race([
      system.exited,
      new Promise((r) => setTimeout(() => r('timeout'), 30_000)),
    ]);
    expect(code, system.output().slice(-2000)).toBe(0);
    expect(system.output()).toContain('stopped cleanly');
    expect(system.output()).not.toContain('test-admin-token-0123456789');
  } finally {
    system.child.kill('SIGKILL');
  }
}

describe('npm start', () => {
  it('posts a traced reply on Node and drains on SIGTERM', async () => {
    await endToEnd([process.execPath, '--import', 'tsx', 'src/cli/start.ts']);
  }, 120_000);

  it.skipIf(!existsSync(deno))(
    'runs the whole system under Deno (node:sqlite) too',
    async () => {
      await endToEnd([deno, 'run', '--allow-all', 'src/cli/start.ts']);
    },
    120_000,
  );
});
