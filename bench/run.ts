import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCHES } from './registry.ts';
import { machine, type RunReport, writeDoc, writeResults } from './report.ts';
import { spawnTs } from './spawnTs.ts';
import type { BenchResult } from './types.ts';

/**
 * `npm run bench [-- --quick] [--only=ingest,http] [--results=path] [--doc=path] [--keep]`:
 * each benchmark in its own process (bench/child.ts), one summary line each, then
 * bench/results.json and the table in docs/BENCHMARKS.md. Exits 1 if any benchmark failed.
 */
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

function option(args: string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function commandLine(args: string[]): string {
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

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = option(args, 'only')?.split(',');
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
    if (!args.includes('--keep')) rmSync(workDir, { recursive: true, force: true });
  }
  report.machine.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  writeResults(option(args, 'results') ?? here('./results.json'), report);
  writeDoc(option(args, 'doc') ?? here('../docs/BENCHMARKS.md'), report);
  return report.failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
