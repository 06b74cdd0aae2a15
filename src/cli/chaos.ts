import { killAllChildren } from '../chaos/children.ts';
import { chaosProblems, chaosSummary, chaosTable } from '../chaos/report.ts';
import { runChaos } from '../chaos/runChaos.ts';
import { idempotencyModeSchema } from '../sandbox/behaviour.ts';
import { choiceFlag, intFlag, parseCli, runCli, UsageError } from './args.ts';

const USAGE =
  'usage: npm run chaos -- [--kills N] [--seed S] [--keys permanent|none|window:N] [--visibility-lag-ms N] [--platform sandbox|x|mastodon] [--keep DIR]';

/**
 * `npm run chaos -- --kills N --seed S [--keys none] [--visibility-lag-ms N] [--keep DIR]`: SIGKILL the real pipeline process N
 * times under injected faults, then check exactly-once against the sandbox's ground truth.
 * Prints a table and, last, `chaos: keys=… visibility_lag_ms=… kills=… duplicates=… undetected_ghosts=… lost_permits=…
 * incomplete_traces=…`. Exit 0 only when every invariant held; 1 otherwise; 2 on bad usage.
 */
export function main(argv: readonly string[]): Promise<number> {
  return runCli({ name: 'chaos', usage: USAGE, parse, run: (flags) => chaos(flags) }, argv);
}

export function parse(argv: readonly string[]) {
  const { values } = parseCli(
    {
      options: {
        kills: { type: 'string', default: '30' },
        seed: { type: 'string', default: '1' },
        keep: { type: 'string' },
        keys: { type: 'string', default: 'permanent' },
        'visibility-lag-ms': { type: 'string', default: '0' },
        platform: { type: 'string', default: 'sandbox' },
      },
    },
    argv,
  );
  const mode = idempotencyModeSchema.safeParse(values.keys);
  if (!mode.success)
    throw new UsageError(`invalid --keys "${values.keys}": ${mode.error.issues[0]?.message}`);
  const platform = choiceFlag(values.platform, 'platform', ['sandbox', 'x', 'mastodon']);
  return {
    help: values.help === true,
    kills: intFlag(values.kills, 'kills', 1),
    seed: intFlag(values.seed, 'seed', 0),
    keep: values.keep,
    // The X dialect keeps no idempotency key.
    keys: platform === 'x' ? 'none' : mode.data,
    visibilityLagMs: intFlag(values['visibility-lag-ms'], 'visibility-lag-ms', 0),
    platform,
  };
}

async function chaos({
  kills,
  seed,
  keep,
  keys,
  visibilityLagMs,
  platform,
}: ReturnType<typeof parse>): Promise<number> {
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
