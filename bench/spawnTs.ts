import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Runs a TypeScript file in a fresh Node process (through tsx, as `npm start` does), so
 * what it measures — RSS above all — is its own. stdout is read line by line; stderr is
 * kept for the error message.
 */
export interface SpawnedTs {
  child: ChildProcess;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number>;
  stderr(): string;
}

export function spawnTs(
  file: string,
  args: string[],
  options: { onLine?: (line: string) => void; env?: Record<string, string>; nodeArgs?: string[] } = {},
): SpawnedTs {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-8000);
  });
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => options.onLine?.(line));
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  return { child, exited, stderr: () => err };
}
