import { idempotencyModeSchema } from '../sandbox/behaviour.ts';
import { runSimulation } from '../sim/simulation.ts';
import { choiceFlag, intFlag, parseCli, runCli, UsageError } from './args.ts';

const USAGE =
  'usage: npm run sim -- [--seeds A..B] [--minutes N] [--keys permanent|none|window:N] [--visibility-lag-ms N] [--no-faults] [--no-crashes] [--no-slow-clicks] [--platform sandbox|x|mastodon]';

/**
 * `npm run sim -- --seeds 1..1000 [--minutes 30] [--keys none] [--visibility-lag-ms 1500]`
 * Runs the deterministic simulation for each seed; a failing seed prints the command that
 * replays it exactly. Exit 0 only when every seed holds every invariant; an unknown flag is an
 * error (exit 2). REPLYWRIGHT_SIM_DEBUG=1 prints each seed's candidates, SLO reasons, permits and runs.
 */
export function main(argv: readonly string[]): Promise<number> {
  return runCli({ name: 'sim', usage: USAGE, parse, run: (flags) => simulate(flags) }, argv);
}

export function parse(argv: readonly string[]) {
  const { values } = parseCli(
    {
      options: {
        seeds: { type: 'string', default: '1..20' },
        minutes: { type: 'string', default: '30' },
        keys: { type: 'string', default: 'permanent' },
        'visibility-lag-ms': { type: 'string', default: '0' },
        'no-faults': { type: 'boolean', default: false },
        'no-crashes': { type: 'boolean', default: false },
        'no-slow-clicks': { type: 'boolean', default: false },
        platform: { type: 'string', default: 'sandbox' },
      },
    },
    argv,
  );
  const range = /^(\d+)(?:\.\.(\d+))?$/.exec(values.seeds);
  if (!range) throw new UsageError(`invalid --seeds "${values.seeds}": expected N or A..B`);
  const minutes = Number(values.minutes);
  if (!Number.isFinite(minutes) || minutes <= 0)
    throw new UsageError(`invalid --minutes "${values.minutes}": expected a number > 0`);
  const keys = idempotencyModeSchema.safeParse(values.keys);
  if (!keys.success)
    throw new UsageError(`invalid --keys "${values.keys}": ${keys.error.issues[0]?.message}`);
  const platform = choiceFlag(values.platform, 'platform', ['sandbox', 'x', 'mastodon']);
  // X offers no idempotency key (its dialect ignores --keys) and forbids scripting its website.
  if (platform === 'x' && !['none', 'permanent'].includes(keys.data))
    throw new UsageError('--platform x plays --keys none');
  return {
    help: values.help === true,
    first: Number(range[1]),
    last: Number(range[2] ?? range[1]),
    run: {
      minutes,
      faults: !values['no-faults'],
      crashes: !values['no-crashes'],
      // Slow clicks are the browser poster's, on the sandbox's own web UI.
      slowClicks: platform === 'sandbox' ? !values['no-slow-clicks'] : false,
      keys: platform === 'x' ? 'none' : keys.data,
      platform,
      visibilityLagMs: intFlag(values['visibility-lag-ms'], 'visibility-lag-ms', 0),
    },
  };
}

async function simulate({ first, last, run }: ReturnType<typeof parse>): Promise<number> {
  const { platform, visibilityLagMs: lag } = run;
  const started = Date.now();
  const totals = { seeds: 0, failed: 0, crashes: 0, ghosts: 0, posted: 0, mutated: 0 };
  for (let seed = first; seed <= last; seed++) {
    const result = await runSimulation({ seed, ...run });
    totals.seeds++;
    totals.crashes += result.crashes;
    totals.ghosts += result.ghostsInjected;
    totals.posted += result.posted;
    totals.mutated += result.targetsMutated;
    if (!result.ok) {
      totals.failed++;
      console.log(`seed ${seed} FAILED: ${result.report.violations.join(' | ')}`);
      console.log(`  reproduce: ${result.command}`);
    }
    if (totals.seeds % 100 === 0) console.log(`… ${totals.seeds} seeds, ${totals.failed} failed`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `sim: ${platform === 'sandbox' ? '' : `platform=${platform} `}keys=${run.keys} visibility_lag_ms=${lag} slow_clicks=${run.slowClicks} seeds=${totals.seeds} failed=${totals.failed} crashes=${totals.crashes} ghosts=${totals.ghosts} targets_mutated=${totals.mutated} replies=${totals.posted} seconds=${seconds}`,
  );
  return totals.failed === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
