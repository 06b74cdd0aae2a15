import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEntry, parseCli, runCli, UsageError } from '../src/cli/args.ts';
import { BENCHES } from './registry.ts';
import { machine, type RunReport, writeDoc, writeResults } from './report.ts';
import { spawnTs } from './spawnTs.ts';
import type { BenchResult } from './types.ts';

/**
 * `npm run bench [-- --quick] [--only=ingest,http] [--record] [--results=path] [--doc=path] [--keep]`:
 * each benchmark in its own process (bench/child.ts), one summary line each, then the raw
 * figures (results.json) and the doc with its table (BENCHMARKS.md) — by default under the
 * ignored bench/tmp/last/, so a run leaves the working tree clean, and the two paths are
 * printed. `--record` writes the tracked bench/results.json and docs/BENCHMARKS.md instead
 * (what a commit of new reference figures does); `--results`/`--doc` name other files.
 * Exits 1 if any benchmark failed, 2 on bad usage.
 */
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const TRACKED_DOC = here('../docs/BENCHMARKS.md');

const USAGE =
  'usage: npm run bench -- [--quick] [--only=ID,...] [--record] [--results=PATH] [--doc=PATH] [--keep]\n' +
  `benchmarks: ${BENCHES.map((b) => b.id).join(', ')}`;

export function parse(argv: readonly string[]) {
  const { values } = parseCli(
    {
      options: {
        quick: { type: 'boolean' },
        only: { type: 'string' },
        record: { type: 'boolean' },
        results: { type: 'string' },
        doc: { type: 'string' },
        keep: { type: 'boolean' },
      },
    },
    argv,
  );
  const only = values.only?.split(',').filter(Boolean);
  const unknown = only?.find((id) => !BENCHES.some((b) => b.id === id));
  if (unknown !== undefined) {
    throw new UsageError(`invalid --only "${unknown}": expected ${BENCHES.map((b) => b.id).join(', ')}`);
  }
  return {
    help: values.help === true,
    quick: values.quick === true,
    only,
    keep: values.keep === true,
    ...outputPaths({ record: values.record === true, results: values.results, doc: values.doc }),
  };
}

/**
 * Where a run writes: the ignored bench/tmp/last/ unless `--record` (the tracked files) or an
 * explicit path. The scratch doc starts as a copy of docs/BENCHMARKS.md, so it reads the same.
 */
export function outputPaths(options: { record: boolean; results?: string; doc?: string }): {
  resultsPath: string;
  docPath: string;
} {
  const scratch = here('./tmp/last');
  return {
    resultsPath: options.results ?? (options.record ? here('./results.json') : join(scratch, 'results.json')),
    docPath: options.doc ?? (options.record ? TRACKED_DOC : join(scratch, 'BENCHMARKS.md')),
  };
}

function commandLine(args: readonly string[]): string {
  const rest = args.length ? ` -- ${args.join(' ')}` : '';
  return process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${rest}`
    : `tsx bench/run.ts${args.length ? ` ${args.join(' ')}` : ''}`;
}

async function runOne(id: string, quick: boolean, workDir: string): Promise<BenchResult> {
  const out = join(workDir, `${id}.result.json`);
  const child = spawnTs(here('./child.ts'), [id, quick ? '1' : '0', workDir, out]);
  const code = await child.exited;
  if (code !== 0) throw new Error(child.stderr().trim() || `exit code ${code}`);
  return JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
}

export function main(argv: readonly string[]): Promise<number> {
  return runCli({ name: 'bench', usage: USAGE, parse, run: (flags) => runBenches(flags, argv) }, argv);
}

async function runBenches(
  { quick, only, keep, resultsPath, docPath }: ReturnType<typeof parse>,
  args: readonly string[],
): Promise<number> {
  const benches = BENCHES.filter((b) => !only || only.includes(b.id));
  const tmp = here('./tmp');
  mkdirSync(tmp, { recursive: true });
  const workDir = mkdtempSync(join(tmp, 'run-'));
  const report: RunReport = {
    generatedAt: new Date().toISOString(),
    command: commandLine(args),
    quick,
    machine: machine(),
    results: [],
    failures: [],
  };
  try {
    for (const bench of benches) {
      try {
        const result = await runOne(bench.id, quick, workDir);
        report.results.push(result);
        process.stdout.write(`${result.summary} [${result.seconds.toFixed(1)} s]\n`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        report.failures.push({ id: bench.id, error: message });
        process.stdout.write(`${bench.id}: FAILED — ${message.split('\n').slice(-3).join(' ')}\n`);
      }
    }
  } finally {
    if (!keep) rmSync(workDir, { recursive: true, force: true });
  }
  report.machine.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  writeReport(report, resultsPath, docPath);
  process.stdout.write(`results: ${resultsPath}\ntable: ${docPath}\n`);
  return report.failures.length === 0 ? 0 : 1;
}

/** Writes the two files, creating the scratch directory and seeding a new doc from the tracked one. */
export function writeReport(report: RunReport, resultsPath: string, docPath: string): void {
  for (const path of [resultsPath, docPath]) mkdirSync(dirname(path), { recursive: true });
  if (!existsSync(docPath) && existsSync(TRACKED_DOC)) copyFileSync(TRACKED_DOC, docPath);
  writeResults(resultsPath, report);
  writeDoc(docPath, report);
}

if (isEntry(import.meta.url)) void main(process.argv.slice(2)).then((code) => process.exit(code));
