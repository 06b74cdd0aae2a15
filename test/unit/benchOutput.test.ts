import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../bench/report.ts';
import { outputPaths, parse, writeReport } from '../../bench/run.ts';

/**
 * `npm run bench` leaves the working tree clean unless asked to record: by default its two
 * files go to the git-ignored bench/tmp/last/; `--record` names the tracked ones.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const ignored = (path: string) => {
  try {
    execFileSync('git', ['check-ignore', '-q', relative(root, path)], { cwd: root });
    return true;
  } catch {
    return false;
  }
};
const dir = mkdtempSync(join(tmpdir(), 'replywright-bench-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('where npm run bench writes', () => {
  it('by default: ignored files under bench/tmp/last', () => {
    const { resultsPath, docPath } = parse([]);
    expect(relative(root, resultsPath)).toBe('bench/tmp/last/results.json');
    expect(relative(root, docPath)).toBe('bench/tmp/last/BENCHMARKS.md');
    expect(ignored(resultsPath)).toBe(true);
    expect(ignored(docPath)).toBe(true);
  });

  it('with --record: the tracked bench/results.json and docs/BENCHMARKS.md', () => {
    const { resultsPath, docPath } = parse(['--record', '--quick']);
    expect(relative(root, resultsPath)).toBe('bench/results.json');
    expect(relative(root, docPath)).toBe('docs/BENCHMARKS.md');
    expect(ignored(resultsPath)).toBe(false);
    expect(ignored(docPath)).toBe(false);
  });

  it('explicit --results/--doc win', () => {
    expect(outputPaths({ record: true, results: '/x/r.json', doc: '/x/d.md' })).toEqual({
      resultsPath: '/x/r.json',
      docPath: '/x/d.md',
    });
  });

  it('a scratch doc starts from the tracked one, with the run table in place', () => {
    const report: RunReport = {
      generatedAt: '2026-12-01T00:00:00.000Z',
      command: 'npm run bench -- --only=ingest',
      quick: true,
      machine: {
        cores: 2,
        cpu: 'test',
        memoryGb: 1,
        node: 'v20',
        platform: 'linux x64',
        loadAverageAtStart: [1, 1, 1],
      },
      results: [],
      failures: [],
    };
    const docPath = join(dir, 'nested/BENCHMARKS.md');
    writeReport(report, join(dir, 'nested/results.json'), docPath);
    const doc = readFileSync(docPath, 'utf8');
    expect(doc.startsWith('# Benchmarks')).toBe(true);
    expect(doc).toContain('by `npm run bench -- --only=ingest` (quick pass');
    expect(existsSync(join(dir, 'nested/results.json'))).toBe(true);
  });

  it('rejects an unknown benchmark id', () => {
    expect(() => parse(['--only=ingest,nope'])).toThrow(/invalid --only "nope": expected ingest, /);
  });
});
