import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A node process the harness started (tsx loaded directly: its pid is the real process, no npx wrapper). */
export interface NodeChild {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  readonly alive: boolean;
  signal(signal: NodeJS.Signals): void;
}

const live = new Set<ChildProcess>();

/** SIGKILLs every child the harness still has; safe to call from an exit or signal handler. */
export function killAllChildren(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

/**
 * `node --import tsx <script>` with `env`, stdout and stderr appended to `logFile`.
 * Throws when the process cannot be started at all.
 */
export async function spawnNode(
  script: string,
  options: { cwd: string; env: Record<string, string>; logFile: string },
): Promise<NodeChild> {
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.once('error', () => {
      live.delete(child);
      resolve({ code: -1, signal: null });
    });
  });
  if (child.pid === undefined) {
    await exited;
    throw new Error(`could not start ${script}`);
  }
  live.add(child);
  const pid = child.pid;
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    pid,
    exited,
    get alive() {
      return !done;
    },
    signal(signal) {
      if (!done) child.kill(signal);
    },
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
