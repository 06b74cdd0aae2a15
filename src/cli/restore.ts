import { resolve } from 'node:path';
import { acquireInstanceLock, type InstanceLock, InstanceLocked } from '../../db/instanceLock.ts';
import { restoreDatabase } from '../maintenance/backup.ts';
import { formatVersions } from '../maintenance/migrationStatus.ts';
import { pendingRestorePath } from '../maintenance/pendingRestore.ts';
import { type CliIo, databasePath, parseCli, runCli, runIfEntry, UsageError } from './args.ts';

/**
 * `npm run restore -- --from FILE [--db PATH] [--force]`: replaces REPLYWRIGHT_DB (or PATH) with
 * a validated backup. Stop replywright first: while one holds the database's instance lock the
 * restore is refused, --force or not; a database that only looks live (a -wal file left by a
 * crash, another connection) is refused unless --force. With `--at-next-start` the validated
 * backup is staged instead, and the next start swaps it in (for a process that cannot be
 * stopped first, e.g. on Fly). Exits 0 done, 1 failed or refused, 2 bad usage.
 */
const USAGE = 'usage: restore --from FILE [--db PATH] [--force | --at-next-start]';

export function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
  return runCli(
    {
      name: 'restore',
      usage: USAGE,
      parse,
      async run(flags, { env, out }) {
        const db = flags.db ?? databasePath(env);
        if (flags.atNextStart) {
          const staged = await restoreDatabase(flags.from, pendingRestorePath(db));
          out(
            `staged ${staged.from} (${staged.bytes} bytes, migrations ${formatVersions(staged.migrations)}) to replace ${resolve(db)} when replywright next starts: restart it now`,
          );
          return 0;
        }
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
          result.pending.length > 0
            ? `pending ${formatVersions(result.pending)} (applied at start-up)`
            : null,
          result.removed.length > 0 ? `removed ${result.removed.join(', ')}` : null,
          result.overrodeLive
            ? `forced over a live database (${result.overrodeLive}): restart replywright now`
            : null,
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
    if (error instanceof InstanceLocked) {
      throw new Error(
        `refused: ${error.message} (or stage the restore with --at-next-start, then restart it)`,
      );
    }
    throw error;
  }
}

export function parse(argv: readonly string[]) {
  const { values } = parseCli(
    {
      options: {
        from: { type: 'string' },
        db: { type: 'string' },
        force: { type: 'boolean' },
        'at-next-start': { type: 'boolean' },
      },
    },
    argv,
  );
  const help = values.help === true;
  if (!help && values.from === undefined) throw new UsageError('--from FILE is required');
  return {
    help,
    from: values.from ?? '',
    db: values.db,
    force: values.force === true,
    atNextStart: values['at-next-start'] === true,
  };
}

runIfEntry(import.meta.url, 'restore', main);
