import { killAllChildren } from '../chaos/children.ts';
import { chaosProblems, chaosSummary, chaosTable } from '../chaos/report.ts';
import { runChaos } from '../chaos/runChaos.ts';
import { idempotencyModeSchema } from '../sandbox/behaviour.ts';
import { parseFlags, UsageError } from './args.ts';

const USAGE =
  'npm run chaos -- --kills N --seed S [--keys permanent|none|window:N] [--visibility-lag-ms N] [--platform sandbox|x|mastodon] [--keep DIR]';

/**
 * `npm run chaos -- --kills N --seed S [--keys none] [--visibility-lag-ms N] [--keep DIR]`: SIGKILL the real pipeline process N
 * times under injected faults, then check exactly-once against the sandbox's ground truth.
 * Prints a table and, last, `chaos: keys=… visibility_lag_ms=… kills=… duplicates=… undetected_ghosts=… lost_permits=…
 * incomplete_traces=…`. Exit 0 only when every invariant held; 1 otherwise; 2 on bad usage.
 */
export async function main(argv: string[]): Promise<number> {
  let kills: number;
  let seed: number;
  let keep: string | undefined;
  let keys: string;
  let visibilityLagMs: number;
  let platform: 'sandbox' | 'x' | 'mastodon';
  try {
    const flags = parseFlags(argv, {
      '--kills': 'string',
      '--seed': 'string',
      '--keep': 'string',
      '--keys': 'string',
      '--visibility-lag-ms': 'string',
      '--platform': 'string',
    });
    kills = positiveInt(flags['--kills'] ?? '30', '--kills');
    seed = positiveInt(flags['--seed'] ?? '1', '--seed', 0);
    keep = flags['--keep'];
    const mode = idempotencyModeSchema.safeParse(flags['--keys'] ?? 'permanent');
    if (!mode.success) throw new UsageError(`--keys: ${mode.error.issues[0]?.message}`);
    keys = mode.data;
    visibilityLagMs = positiveInt(flags['--visibility-lag-ms'] ?? '0', '--visibility-lag-ms', 0);
    const named = flags['--platform'] ?? 'sandbox';
    if (named !== 'sandbox' && named !== 'x' && named !== 'mastodon')
      throw new UsageError('--platform: expected sandbox, x or mastodon');
    platform = named;
    // The X dialect keeps no idempotency key.
    if (platform === 'x') keys = 'none';
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`chaos: ${error.message}\nusage: ${USAGE}`);
    return 2;
  }
  const result = await runChaos({
    kills,
    seed,
    keys,
    visibilityLagMs,
    platform,
    keepDir: keep,
    progress: (line) => console.log(line),
  });
  console.log('');
  console.log(chaosTable(result));
  const problems = chaosProblems(result);
  if (problems.length) {
    console.log('');
    for (const problem of problems) console.log(`violation: ${problem.slice(0, 2_000)}`);
  }
  if (!result.ok || keep) console.log(`\nrun directory (DBs and logs): ${result.dir}`);
  console.log(
    `reproduce: npm run chaos -- --kills ${kills} --seed ${seed} --keys ${keys} --visibility-lag-ms ${visibilityLagMs}${platform === 'sandbox' ? '' : ` --platform ${platform}`}`,
  );
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
