import { backupDatabase } from '../maintenance/backup.ts';
import { formatVersions } from '../maintenance/migrationStatus.ts';
import { type CliIo, databasePath, parseCli, runCli, runIfEntry, UsageError } from './args.ts';

/**
 * `npm run backup -- --to FILE [--db PATH] [--force]`: an online, consistent copy of
 * REPLYWRIGHT_DB (or PATH) taken with VACUUM INTO while replywright keeps running. Refuses an
 * existing FILE unless --force. Exits 0 done, 1 failed, 2 bad usage.
 */
const USAGE = 'usage: backup --to FILE [--db PATH] [--force]';

export function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
  return runCli(
    {
      name: 'backup',
      usage: USAGE,
      parse,
      async run(flags, { env, out }) {
        const result = await backupDatabase(flags.db ?? databasePath(env), flags.to, { force: flags.force });
        out(
          `backed up ${result.source} to ${result.dest}: ${result.bytes} bytes, migrations ${formatVersions(result.migrations)}, integrity ok (${result.durationMs} ms)`,
        );
        return 0;
      },
    },
    argv,
    io,
  );
}

export function parse(argv: readonly string[]) {
  const { values } = parseCli(
    { options: { to: { type: 'string' }, db: { type: 'string' }, force: { type: 'boolean' } } },
    argv,
  );
  const help = values.help === true;
  if (!help && values.to === undefined) throw new UsageError('--to FILE is required');
  return { help, to: values.to ?? '', db: values.db, force: values.force === true };
}

runIfEntry(import.meta.url, 'backup', main);
