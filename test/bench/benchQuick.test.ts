import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../bench/report.ts';

/**
 * The quick pass of `npm run bench` runs end to end: every benchmark in its own process, a
 * results file and the doc table written. Harness only — no timing is asserted.
 */
const RUN = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'replywright-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  it('runs every benchmark and writes results.json and the table', { timeout: 300_000 }, () => {
    const results = join(dir, 'results.json');
    const doc = join(dir, 'BENCHMARKS.md');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', RUN, '--quick', `--results=${results}`, `--doc=${doc}`],
      {
        encoding: 'utf8',
        timeout: 290_000,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(results, 'utf8')) as RunReport;
    expect(report.failures).toEqual([]);
    expect(report.results.map((r) => r.id)).toEqual([
      'ingest',
      'restore',
      'queuePick',
      'memory',
      'http',
      'post',
      'x',
      'blueskyLatency',
    ]);
    expect(run.stdout.trim().split('\n')).toEqual([
      ...report.results.map((r) => expect.stringContaining(r.summary)),
      `results: ${results}`,
      `table: ${doc}`,
    ]);
    for (const result of report.results) {
      expect(result.rows.length).toBeGreaterThan(0);
      for (const row of result.rows.filter((r) => r.value !== null)) expect(row.value).toBeGreaterThan(0);
    }
    const table = readFileSync(doc, 'utf8');
    expect(table).toContain('| benchmark | measure | value |');
    expect(table).toContain(`${report.machine.cores} cores`);
    expect(table).toContain('--quick');
  });
});
