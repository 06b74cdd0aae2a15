import { pathToFileURL } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { configSchema } from '../config/config.ts';
import { messageOf } from '../maintenance/backup.ts';

/**
 * What every CLI shares (src/cli/*, scripts/*, bench/run.ts): one strict flag parser over
 * node:util `parseArgs`, `--help`, the database path, injectable output, and the exit-code
 * convention: 0 done, 1 failed, 2 bad usage (one line naming the flag and the accepted ones).
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliIo {
  env?: Record<string, string | undefined>;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/** A command's flags, as node:util `parseArgs` options (`--help`/`-h` is added to every one). */
export interface CliSpec<O extends ParseArgsOptionsConfig> {
  options: O;
  /** How many positional arguments it takes (default none). */
  positionals?: number;
}

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Strict parsing: an unknown or misspelt flag, a flag without its value (or with an empty one),
 * a value given to a boolean flag or a stray argument throws a one-line UsageError naming the
 * flag and the accepted ones.
 *
 * @example parseCli({ options: { db: { type: 'string' }, force: { type: 'boolean' } } }, ['--db', 'x.db'])
 *   // { values: { db: 'x.db' }, positionals: [] }
 */
export function parseCli<const O extends ParseArgsOptionsConfig>(spec: CliSpec<O>, argv: readonly string[]) {
  const options = { ...spec.options, ...HELP };
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof options; strict: true; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(describeParseError(error, options));
  }
  const given: Record<string, unknown> = parsed.values;
  if (given.help === true) return parsed;
  for (const [name, value] of Object.entries(given)) {
    if (value === '') throw new UsageError(`--${name} needs a value; ${accepted(options)}`);
  }
  const stray = parsed.positionals[spec.positionals ?? 0];
  if (stray !== undefined) throw new UsageError(`unexpected argument "${stray}"; ${accepted(options)}`);
  return parsed;
}

function describeParseError(error: unknown, options: ParseArgsOptionsConfig): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '';
  const list = accepted(options);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = closest(flag, Object.keys(options));
    return `unknown flag ${flag}${near ? ` (did you mean --${near}?)` : ''}; ${list}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (message.includes('does not take an argument')) return `${flag} takes no value; ${list}`;
    return `${flag} needs a value; ${list}`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(message)?.[1] ?? '';
    return `unexpected argument "${arg}"; ${list}`;
  }
  return `${message.split('\n')[0]}; ${list}`;
}

function accepted(options: ParseArgsOptionsConfig): string {
  const flags = Object.entries(options).map(([name, o]) =>
    o.type === 'string' ? `--${name} <value>` : `--${name}`,
  );
  return `accepted: ${flags.join(', ')}`;
}

/** The flag name nearest `typed` (without its dashes), if it is a likely typo: at most 2 edits, under half the word. */
function closest(typed: string, names: readonly string[]): string | null {
  const word = typed.replace(/^-+/, '').split('=')[0] ?? '';
  let best: { name: string; d: number } | null = null;
  for (const name of names) {
    const d = editDistance(word, name);
    if (d <= 2 && d * 2 < word.length && (best === null || d < best.d)) best = { name, d };
  }
  return best?.name ?? null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** `--name N`: an integer ≥ `min`, else a UsageError naming the flag. */
export function intFlag(value: string, flag: string, min = 0): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new UsageError(`invalid --${flag} "${value}": expected a whole number ≥ ${min}`);
  }
  return n;
}

/** `--name choice`: one of `choices`, else a UsageError naming the flag and the choices. */
export function choiceFlag<const C extends string>(value: string, flag: string, choices: readonly C[]): C {
  const found = choices.find((c) => c === value);
  if (found === undefined)
    throw new UsageError(`invalid --${flag} "${value}": expected ${choices.join(', ')}`);
  return found;
}

/** REPLYWRIGHT_DB, or its documented default; the rest of the config is not needed (nor validated). */
export function databasePath(env: Record<string, string | undefined>): string {
  const fromEnv = env.REPLYWRIGHT_DB;
  return fromEnv !== undefined && fromEnv !== ''
    ? fromEnv
    : configSchema.shape.REPLYWRIGHT_DB.parse(undefined);
}

export type CliOutput = {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
};

export function cliOutput(io: CliIo): CliOutput {
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
  if (!isEntry(moduleUrl)) return;
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

/** Whether `moduleUrl` is the script node (or deno) was started with. */
export function isEntry(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && moduleUrl === pathToFileURL(script).href;
}

export interface CliCommand<F extends { help: boolean }> {
  /** How the command names itself in messages, e.g. `sim`. */
  name: string;
  /** What `--help` prints. */
  usage: string;
  /** Reads argv (see parseCli); a bad flag or value throws a UsageError. */
  parse(argv: readonly string[]): F;
  run(flags: F, io: CliOutput): Promise<number>;
}

/**
 * The shape every CLI shares: parse (bad usage → one line `name: …` on stderr, exit 2),
 * `--help` (the usage on stdout, exit 0), then the command itself (a thrown error → one line
 * and exit 1).
 */
export async function runCli<F extends { help: boolean }>(
  command: CliCommand<F>,
  argv: readonly string[],
  io: CliIo = {},
): Promise<number> {
  const output = cliOutput(io);
  let flags: F;
  try {
    flags = command.parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(`${command.name}: ${error.message} (see --help)`);
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
