import { killAllChildren } from '../chaos/children.ts';
import { chaosProblems, chaosSummary, chaosTable } from '../chaos/report.ts';
import { runChaos } from '../chaos/runChaos.ts';
import { parseFlags, UsageError } from './opsArgs.ts';

/**
 * `npm run chaos -- --kills N --seed S [--keep DIR]`: SIGKILL the real pipeline process N
 * times under injected faults, then check exactly-once against the sandbox's ground truth.
 * Prints a table and, last, `chaos: kills=… duplicates=… undetected_ghosts=… lost_permits=…
 * incomplete_traces=…`. Exit 0 only when every invariant held; 1 otherwise; 2 on bad usage.
 */
export async function main(argv: string[]): Promise<number> {
  let kills: number;
  let seed: number;
  let keep: string | undefined;
  try {
    const flags = parseFlags(argv, { '--kills': 'string', '--seed': 'string', '--keep': 'string' });
    kills = positiveInt(flags['--kills'] ?? '30', '--kills');
    seed = positiveInt(flags['--seed'] ?? '1', '--seed', 0);
    keep = flags['--keep'];
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`chaos: ${error.message}\nusage: npm run chaos -- --kills N --seed S [--keep DIR]`);
    return 2;
  }
  const result = await runChaos({ kills, seed, keepDir: keep, progress: (line) => console.log(line) });
  console.log('');
  console.log(chaosTable(result));
  const problems = chaosProblems(result);
  if (problems.length) {
    console.log('');
    for (const problem of problems) console.log(`violation: ${problem.slice(0, 2_000)}`);
  }
  if (!result.ok || keep) console.log(`\nrun directory (DBs and logs): ${result.dir}`);
  console.log(`reproduce: npm run chaos -- --kills ${kills} --seed ${seed}`);
  console.log(chaosSummary(result));
  return result.ok ? 0 : 1;
}

function positiveInt(value: string, name: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer ≥ ${min}`);
  return n;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const interrupted = (signal: NodeJS.Signals) => {
    killAllChildren();
    console.error(`chaos: ${signal}, child processes killed`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  process.once('exit', killAllChildren);
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      killAllChildren();
      console.error(error instanceof Error ? error.stack : error);
      process.exit(1);
    },
  );
}
