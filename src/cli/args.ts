import { pathToFileURL } from 'node:url';
import { configSchema } from '../config/config.ts';
import { messageOf } from '../maintenance/backup.ts';

/**
 * What the operations CLIs (migrate, backup, restore) share: flag parsing, the database path,
 * injectable output, and the exit-code convention: 0 done, 1 failed, 2 bad usage.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliIo {
  env?: Record<string, string | undefined>;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

type FlagKind = 'string' | 'boolean';
type Flags<S extends Record<string, FlagKind>> = { [K in keyof S]?: S[K] extends 'string' ? string : true };

/**
 * `--name value`, `--name=value` and boolean `--name`; anything else is a UsageError.
 *
 * @example parseFlags(['--db', 'x.db', '--force'], { '--db': 'string', '--force': 'boolean' })
 */
export function parseFlags<S extends Record<string, FlagKind>>(argv: readonly string[], spec: S): Flags<S> {
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) throw new UsageError(`unknown argument "${arg}"`);
    if (kind === 'boolean') {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      throw new UsageError(`${name} needs a value`);
    }
    flags[name] = value;
  }
  return flags as Flags<S>;
}

/** REPLYWRIGHT_DB, or its documented default; the rest of the config is not needed (nor validated). */
export function databasePath(env: Record<string, string | undefined>): string {
  const fromEnv = env.REPLYWRIGHT_DB;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : configSchema.shape.REPLYWRIGHT_DB.parse(undefined);
}

export function cliOutput(io: CliIo): {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
} {
  return {
    env: io.env ?? process.env,
    out: io.out ?? ((text) => process.stdout.write(`${text}\n`)),
    err: io.err ?? ((text) => process.stderr.write(`${text}\n`)),
  };
}

/** Runs `main` when `moduleUrl` is the script node (or deno) was started with. */
export function runIfEntry(
  moduleUrl: string,
  name: string,
  main: (argv: readonly string[]) => Promise<number>,
): void {
  const script = process.argv[1];
  if (!script || moduleUrl !== pathToFileURL(script).href) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${name}: ${messageOf(error)}\n`);
      process.exitCode = 1;
    },
  );
}

export interface OpsCommand<F extends { help: boolean }> {
  name: string;
  usage: string;
  parse(argv: readonly string[]): F;
  run(flags: F, io: ReturnType<typeof cliOutput>): Promise<number>;
}

/**
 * The shape every operations CLI shares: parse (bad usage → exit 2 with the usage line),
 * `--help`, then the command itself (a thrown error → one line and exit 1).
 */
export async function runOpsCommand<F extends { help: boolean }>(
  command: OpsCommand<F>,
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  const output = cliOutput(io);
  let flags: F;
  try {
    flags = command.parse(argv);
  } catch (error) {
    output.err(`${command.name}: ${messageOf(error)}\n${command.usage}`);
    return 2;
  }
  if (flags.help) {
    output.out(command.usage);
    return 0;
  }
  try {
    return await command.run(flags, output);
  } catch (error) {
    output.err(`${command.name}: ${messageOf(error)}`);
    return 1;
  }
}
