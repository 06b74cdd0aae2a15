import { messageOf, restoreDatabase } from '../ops/backup.ts';
import { formatVersions } from '../ops/migrationStatus.ts';
import { type CliIo, cliOutput, databasePath, parseFlags, runIfEntry, UsageError } from './opsArgs.ts';

/**
 * `npm run restore -- --from FILE [--db PATH] [--force]`: replaces REPLYWRIGHT_DB (or PATH) with
 * a validated backup. Stop replywright first: a database that looks live (a -wal file, or a
 * lock) is refused unless --force. Exits 0 done, 1 failed or refused, 2 bad usage.
 */
const USAGE = 'usage: restore --from FILE [--db PATH] [--force]';

export async function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const { env, out, err } = cliOutput(io);
  let flags: ReturnType<typeof parse>;
  try {
    flags = parse(argv);
  } catch (error) {
    err(`restore: ${messageOf(error)}\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    out(USAGE);
    return 0;
  }
  try {
    const result = await restoreDatabase(flags.from, flags.db ?? databasePath(env), { force: flags.force });
    const notes = [
      `migrations ${formatVersions(result.migrations)}`,
      result.pending.length > 0 ? `pending ${formatVersions(result.pending)} (applied at start-up)` : null,
      result.removed.length > 0 ? `removed ${result.removed.join(', ')}` : null,
      result.overrodeLive ? `forced over a live database (${result.overrodeLive}): restart replywright now` : null,
    ].filter((note): note is string => note !== null);
    out(`restored ${result.from} to ${result.to}: ${result.bytes} bytes, ${notes.join('; ')}`);
    return 0;
  } catch (error) {
    err(`restore: ${messageOf(error)}`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  const flags = parseFlags(argv, {
    '--from': 'string',
    '--db': 'string',
    '--force': 'boolean',
    '--help': 'boolean',
    '-h': 'boolean',
  });
  const help = flags['--help'] === true || flags['-h'] === true;
  const from = flags['--from'];
  if (!help && from === undefined) throw new UsageError('--from FILE is required');
  return { help, from: from ?? '', db: flags['--db'], force: flags['--force'] === true };
}

runIfEntry(import.meta.url, 'restore', main);
