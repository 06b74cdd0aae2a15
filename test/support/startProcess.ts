import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/chaos/children.ts';
import { waitFor } from './waitFor.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export { freePort };

export interface StartedProcess {
  child: ChildProcess;
  url: string;
  dir: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts the whole system (`src/cli/start.ts`) in a child process on free ports and a temp DB. */
export async function startSystem(
  command: string[],
  env: Record<string, string> = {},
): Promise<StartedProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'replywright-start-'));
  const port = await freePort();
  const sandboxPort = await freePort();
  let out = '';
  const child = spawn(command[0]!, command.slice(1), {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      SANDBOX_PORT: String(sandboxPort),
      REPLYWRIGHT_DB: join(dir, 'replywright.db'),
      REPLYWRIGHT_SANDBOX_DB: join(dir, 'sandbox.db'),
      REPLYWRIGHT_ADMIN_TOKEN: 'test-admin-token-0123456789',
      REPLYWRIGHT_MIN_SPACING_SEC: '0',
      SANDBOX_TRAFFIC_PER_MIN: '60',
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url: `http://127.0.0.1:${port}`, dir, output: () => out, exited };
}

/** Polls the proof until a reply was posted; returns its post id. */
export async function firstPostedReply(url: string, timeoutMs: number): Promise<string> {
  return waitFor(
    async () => {
      const res = await fetch(`${url}/api/proof?window=30m`);
      if (!res.ok) return null;
      const body = (await res.json()) as { report?: { trace?: { postedPostId?: string | null } | null } };
      return body.report?.trace?.postedPostId ?? null;
    },
    { what: 'a posted reply', timeoutMs, intervalMs: 500 },
  );
}
