import { existsSync } from 'node:fs';
import { openStore } from '../../db/store.ts';
import { loadConfig } from '../config/config.ts';
import { diagnose } from '../proof/diagnosis.ts';
import { parseDuration } from '../proof/duration.ts';
import { renderProof } from '../proof/render.ts';
import { buildProofReport } from '../proof/report.ts';
import { type ProofTargets, parseTargetSpec, resolveTargets } from '../proof/targets.ts';
import { type CliIo, type CliOutput, parseCli, runCli, runIfEntry, UsageError } from './args.ts';

/**
 * `npm run proof -- --window 30m [--json] [--db path] [--target queueSize=5,...]`
 *
 * Prints the production proof of the store at `--db` (default REPLYWRIGHT_DB) and exits 0
 * only when every row passes; 1 when a row fails; 2 on bad usage.
 */
export interface ProofCliIo extends CliIo {
  now?: () => number;
}

interface Args {
  help: boolean;
  windowMs: number;
  json: boolean;
  db: string | undefined;
  targets: Partial<ProofTargets>;
}

const USAGE = 'usage: proof [--window 30m] [--json] [--db path] [--target key=value,...]';

export function parse(argv: readonly string[]): Args {
  const { values } = parseCli(
    {
      options: {
        window: { type: 'string', default: '30m' },
        json: { type: 'boolean' },
        db: { type: 'string' },
        target: { type: 'string', multiple: true },
      },
    },
    argv,
  );
  const windowMs = parseDuration(values.window);
  if (windowMs === null) {
    throw new UsageError(`invalid --window "${values.window}": expected a duration such as 30m, 2h or 90s`);
  }
  let targets: Partial<ProofTargets> = {};
  for (const spec of values.target ?? []) {
    try {
      targets = { ...targets, ...parseTargetSpec(spec) };
    } catch (error) {
      throw new UsageError(
        `invalid --target "${spec}": ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return { help: values.help === true, windowMs, json: values.json === true, db: values.db, targets };
}

export function main(argv: readonly string[], io: ProofCliIo = {}): Promise<number> {
  return runCli(
    { name: 'proof', usage: USAGE, parse, run: (args, output) => prove(args, output, io.now ?? Date.now) },
    argv,
    io,
  );
}

async function prove(args: Args, { env, out, err }: CliOutput, clock: () => number): Promise<number> {
  let targets: ProofTargets;
  let dbPath: string;
  let caps: { perHour: number; perDay: number };
  try {
    const config = loadConfig(env);
    targets = resolveTargets(config, args.targets);
    dbPath = args.db ?? config.REPLYWRIGHT_DB;
    caps = { perHour: config.REPLYWRIGHT_CAP_PER_HOUR, perDay: config.REPLYWRIGHT_CAP_PER_DAY };
  } catch (error) {
    err(`proof: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  if (!existsSync(dbPath)) {
    err(`no database at ${dbPath} (set --db or REPLYWRIGHT_DB)`);
    return 2;
  }
  const store = await openStore(dbPath);
  try {
    const now = clock();
    const report = buildProofReport(store, { now, windowMs: args.windowMs, targets });
    const diagnosis = diagnose(store, {
      now,
      windowMs: args.windowMs,
      lowWatermark: targets.queueSize,
      caps,
    });
    out(args.json ? JSON.stringify({ report, diagnosis }, null, 2) : renderProof(report, diagnosis));
    return report.allPass ? 0 : 1;
  } finally {
    store.close();
  }
}

runIfEntry(import.meta.url, 'proof', main);
