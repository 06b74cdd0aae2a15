import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listMigrations } from '../../db/migrate.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const deno = join(root, 'node_modules/.bin/deno');
const hasDeno = existsSync(deno);

function smoke(dir: string): Record<string, unknown> {
  const result = spawnSync(
    deno,
    ['run', '--allow-all', '--node-modules-dir=manual', 'scripts/deno-smoke.ts', dir],
    { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } },
  );
  expect(result.stderr, 'deno stderr').toBe('');
  expect(result.status).toBe(0);
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Record<string, unknown>;
}

describe('Deno smoke (node:sqlite driver)', () => {
  it.skipIf(!hasDeno)(
    hasDeno
      ? 'persists a candidate in one run, restores and steps it in the next; drizzle transactions work (regression)'
      : `SKIPPED: no deno binary at ${deno} (npm ci installs it)`,
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'replywright-deno-'));
      try {
        expect(smoke(dir)).toEqual({
          smoke: 'ok',
          run: 'create',
          driver: 'node:sqlite',
          applied: listMigrations().length,
          state: 'queued',
        });
        expect(smoke(dir)).toEqual({
          smoke: 'ok',
          run: 'restore',
          driver: 'node:sqlite',
          applied: 0,
          restored: 1,
          quarantined: 0,
          from: 'queued',
          state: 'selected',
          candidateRow: 'selected',
          queueEntry: 'selected',
          // regression (drizzle transactions over node:sqlite): the facade's transaction lacked
          // better-sqlite3's `.deferred`, so drizzle's db.transaction threw under Deno
          control: 'restored',
          events: ['candidate_queued', 'candidate_selected'],
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
