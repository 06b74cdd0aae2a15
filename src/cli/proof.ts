import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { openStore } from '../../db/store.ts';
import { loadConfig } from '../config/config.ts';
import { diagnose } from '../proof/diagnosis.ts';
import { parseDuration } from '../proof/duration.ts';
import { renderProof } from '../proof/render.ts';
import { buildProofReport } from '../proof/report.ts';
import { parseTargetSpec, resolveTargets, type ProofTargets } from '../proof/targets.ts';

/**
 * `npm run proof -- --window 30m [--json] [--db path] [--target queueSize=5,...]`
 *
 * Prints the production proof of the store at `--db` (default REPLYWRIGHT_DB) and exits 0
 * only when every row passes; 1 when a row fails; 2 on bad usage.
 */
export interface ProofCliIo {
  env?: Record<string, string | undefined>;
  now?: () => number;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

interface Args {
  windowMs: number;
  json: boolean;
  db: string | undefined;
  targets: Partial<ProofTargets>;
}

const USAGE = 'usage: proof [--window 30m] [--json] [--db path] [--target key=value,...]';

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { windowMs: 30 * 60_000, json: false, db: undefined, targets: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--window': {
        const v = value();
        const ms = parseDuration(v);
        if (ms === null) throw new UsageError(`--window: expected a duration such as 30m, 2h or 90s, got "${v}"`);
        args.windowMs = ms;
        break;
      }
      case '--json':
        args.json = true;
        break;
      case '--db':
        args.db = value();
        break;
      case '--target':
        args.targets = { ...args.targets, ...parseTargetSpec(value()) };
        break;
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  return args;
}

export async function main(argv: readonly string[], io: ProofCliIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const out = io.out ?? ((text: string) => process.stdout.write(`${text}\n`));
  const err = io.err ?? ((text: string) => process.stderr.write(`${text}\n`));
  let args: Args;
  let targets: ProofTargets;
  let dbPath: string;
  let caps: { perHour: number; perDay: number };
  try {
    args = parseArgs(argv);
    const config = loadConfig(env);
    targets = resolveTargets(config, env, args.targets);
    dbPath = args.db ?? config.REPLYWRIGHT_DB;
    caps = { perHour: config.REPLYWRIGHT_CAP_PER_HOUR, perDay: config.REPLYWRIGHT_CAP_PER_DAY };
  } catch (error) {
    err(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (!existsSync(dbPath)) {
    err(`no database at ${dbPath} (set --db or REPLYWRIGHT_DB)`);
    return 2;
  }
  const store = await openStore(dbPath);
  try {
    const now = (io.now ?? Date.now)();
    const report = buildProofReport(store, { now, windowMs: args.windowMs, targets });
    const diagnosis = diagnose(store, { now, windowMs: args.windowMs, lowWatermark: targets.queueSize, caps });
    out(args.json ? JSON.stringify({ report, diagnosis }, null, 2) : renderProof(report, diagnosis));
    return report.allPass ? 0 : 1;
  } finally {
    store.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`proof failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
