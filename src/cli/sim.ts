import { runSimulation } from '../sim/simulation.ts';

/**
 * `npm run sim -- --seeds 1..1000 [--minutes 30] [--no-faults] [--no-crashes]`
 * Runs the deterministic simulation for each seed; a failing seed prints the command that
 * replays it exactly. Exit 0 only when every seed holds every invariant.
 * REPLYWRIGHT_SIM_DEBUG=1 prints each seed's candidates, SLO reasons, permits and runs.
 */
export async function main(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seedsSpec = arg('--seeds') ?? '1..20';
  const range = /^(\d+)(?:\.\.(\d+))?$/.exec(seedsSpec);
  if (!range) {
    console.error(`invalid --seeds ${seedsSpec}: expected N or A..B`);
    return 2;
  }
  const first = Number(range[1]);
  const last = Number(range[2] ?? range[1]);
  const minutes = Number(arg('--minutes') ?? 30);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    console.error(`invalid --minutes ${arg('--minutes')}`);
    return 2;
  }
  const faults = !argv.includes('--no-faults');
  const crashes = !argv.includes('--no-crashes');
  const started = Date.now();
  const totals = { seeds: 0, failed: 0, crashes: 0, ghosts: 0, posted: 0, mutated: 0 };
  for (let seed = first; seed <= last; seed++) {
    const result = await runSimulation({ seed, minutes, faults, crashes });
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
    `sim: seeds=${totals.seeds} failed=${totals.failed} crashes=${totals.crashes} ghosts=${totals.ghosts} targets_mutated=${totals.mutated} replies=${totals.posted} seconds=${seconds}`,
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
