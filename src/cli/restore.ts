import { restoreDatabase } from '../ops/backup.ts';
import { formatVersions } from '../ops/migrationStatus.ts';
import { type CliIo, databasePath, parseFlags, runIfEntry, runOpsCommand, UsageError } from './opsArgs.ts';

/**
 * `npm run restore -- --from FILE [--db PATH] [--force]`: replaces REPLYWRIGHT_DB (or PATH) with
 * a validated backup. Stop replywright first: a database that looks live (a -wal file, or a
 * lock) is refused unless --force. Exits 0 done, 1 failed or refused, 2 bad usage.
 */
const USAGE = 'usage: restore --from FILE [--db PATH] [--force]';

export function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
  return runOpsCommand(
    {
      name: 'restore',
      usage: USAGE,
      parse,
      async run(flags, { env, out }) {
        const result = await restoreDatabase(flags.from, flags.db ?? databasePath(env), { force: flags.force });
        const notes = [
          `migrations ${formatVersions(result.migrations)}`,
          result.pending.length > 0 ? `pending ${formatVersions(result.pending)} (applied at start-up)` : null,
          result.removed.length > 0 ? `removed ${result.removed.join(', ')}` : null,
          result.overrodeLive ? `forced over a live database (${result.overrodeLive}): restart replywright now` : null,
        ].filter((note): note is string => note !== null);
        out(`restored ${result.from} to ${result.to}: ${result.bytes} bytes, ${notes.join('; ')}`);
        return 0;
      },
    },
    argv,
    io,
  );
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
