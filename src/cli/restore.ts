import { acquireInstanceLock, type InstanceLock, InstanceLocked } from '../../db/instanceLock.ts';
import { restoreDatabase } from '../ops/backup.ts';
import { formatVersions } from '../ops/migrationStatus.ts';
import { type CliIo, databasePath, parseFlags, runIfEntry, runOpsCommand, UsageError } from './opsArgs.ts';

/**
 * `npm run restore -- --from FILE [--db PATH] [--force]`: replaces REPLYWRIGHT_DB (or PATH) with
 * a validated backup. Stop replywright first: while one holds the database's instance lock the
 * restore is refused, --force or not; a database that only looks live (a -wal file left by a
 * crash, another connection) is refused unless --force. Exits 0 done, 1 failed or refused, 2
 * bad usage.
 */
const USAGE = 'usage: restore --from FILE [--db PATH] [--force]';

export function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
  return runOpsCommand(
    {
      name: 'restore',
      usage: USAGE,
      parse,
      async run(flags, { env, out }) {
        const db = flags.db ?? databasePath(env);
        // Held for the whole restore: a running replywright is refused, --force or not (its
        // open file would be replaced under it), and none can start on a half-restored file.
        const lock = await lockOrRefuse(db);
        let result: Awaited<ReturnType<typeof restoreDatabase>>;
        try {
          result = await restoreDatabase(flags.from, db, { force: flags.force });
        } finally {
          lock.release();
        }
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

async function lockOrRefuse(db: string): Promise<InstanceLock> {
  try {
    return await acquireInstanceLock(db);
  } catch (error) {
    if (error instanceof InstanceLocked) throw new Error(`refused: ${error.message}`);
    throw error;
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
