import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The strict flag parsing end to end, in a real process (the parsers themselves: test/unit/cliFlags.test.ts). */
describe('npm run sim -- --keyz none', () => {
  it('exits 2 naming the flag, before simulating anything', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/sim.ts', '--keyz', 'none'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^sim: unknown flag --keyz \(did you mean --keys\?\); accepted: /);
    expect(run.stdout).toBe('');
  }, 60_000);
});
