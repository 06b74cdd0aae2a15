import { acquireInstanceLock, InstanceLocked } from '../../db/instanceLock.ts';
import { createHttpApp } from '../../http/app.ts';
import { serveHttp } from '../../http/serve.ts';
import { createChannel } from '../app/channelFromConfig.ts';
import { writeDevAdminToken } from '../app/devAdminToken.ts';
import { needsSandbox, platformFromConfig } from '../app/platformFromConfig.ts';
import { createReplywright } from '../app/replywright.ts';
import { ConfigError, loadConfig } from '../config/config.ts';
import { createGenerator } from '../generators/index.ts';
import { createLogger } from '../logging.ts';
import { applyPendingRestore } from '../maintenance/pendingRestore.ts';
import { MastodonAdapter } from '../platforms/mastodon/adapter.ts';
import { checkMastodonAccount, forMastodonInstance } from '../platforms/mastodon/fromConfig.ts';
import { xApiEnvDefaults } from '../platforms/x/fromConfig.ts';
import { startSandbox } from '../sandbox/main.ts';
import { scaledLimits } from '../sandbox/mastodon/rateLimits.ts';
import { SpendLedger } from '../spend/ledger.ts';
import { parseXPrices } from '../spend/prices.ts';
import { databasePath, isEntry, parseCli, runCli } from './args.ts';

const USAGE =
  'usage: npm start — takes no flags: every setting is an environment variable (README, "Configuration"; e.g. PORT=9090 npm start)';

/**
 * `npm start`: the built-in sandbox (unless REPLYWRIGHT_SANDBOX_URL points elsewhere), the
 * pipeline and the HTTP server in one process. SIGTERM/SIGINT drain: no new runs, an
 * in-flight post finishes (or becomes `unconfirmed` at the next boot), WAL checkpoint, close.
 */
export function main(argv: readonly string[]): Promise<number> {
  return runCli({ name: 'replywright', usage: USAGE, parse, run: () => startOrExplain() }, argv);
}

export function parse(argv: readonly string[]) {
  return { help: parseCli({ options: {} }, argv).values.help === true };
}

/** Exit codes: 2 a bad setting, 3 another replywright holds the database, 1 any other failure. */
async function startOrExplain(): Promise<number> {
  try {
    await start();
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof InstanceLocked) {
      process.stderr.write(`replywright: ${error.message}\n`);
      return error instanceof ConfigError ? 2 : 3;
    }
    process.stderr.write(
      `replywright failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    return 1;
  }
}

async function start(): Promise<void> {
  const env = { ...process.env };
  // First of all: a second process on this database stops here, having changed nothing (not
  // even the dev admin token file beside it).
  const instanceLock = await acquireInstanceLock(databasePath(env));
  const restoredAtStart = applyPendingRestore(instanceLock.dbPath);
  if (!env.REPLYWRIGHT_ADMIN_TOKEN) env.REPLYWRIGHT_ADMIN_TOKEN = devAdminToken(databasePath(env));
  xApiEnvDefaults(env);
  const config = await forMastodonInstance(loadConfig(env), env);
  const log = createLogger({ level: config.REPLYWRIGHT_LOG_LEVEL });
  if (restoredAtStart)
    log.warn({ db: instanceLock.dbPath }, 'swapped in the restore staged with --at-next-start');

  // Only the sandbox platform, and X and Mastodon in their sandbox dialects, need the embedded sandbox.
  const sandbox =
    config.REPLYWRIGHT_SANDBOX_URL || !needsSandbox(config)
      ? null
      : await startSandbox({
          port: config.SANDBOX_PORT,
          dbPath: config.REPLYWRIGHT_SANDBOX_DB,
          seed: config.SANDBOX_SEED,
          trafficPerMin: config.SANDBOX_TRAFFIC_PER_MIN,
          account: config.REPLYWRIGHT_ACCOUNT,
          adminToken: config.REPLYWRIGHT_ADMIN_TOKEN,
          accountToken: config.REPLYWRIGHT_SANDBOX_TOKEN,
          password: config.REPLYWRIGHT_SANDBOX_PASSWORD,
          behaviour: { idempotency: config.SANDBOX_KEYS, visibilityLagMs: config.SANDBOX_VISIBILITY_LAG_MS },
          mastodonLimits: scaledLimits(config.SANDBOX_MASTODON_LIMIT_SCALE),
        });
  const sandboxUrl = config.REPLYWRIGHT_SANDBOX_URL ?? sandbox?.url ?? '';
  // Every call a paid platform's adapter makes is priced, and stored once the DB is open.
  const ledger = new SpendLedger(parseXPrices(config.REPLYWRIGHT_X_PRICES_USD));
  const platform = platformFromConfig(config, sandboxUrl, { onCall: ledger.record });
  if (platform instanceof MastodonAdapter) await checkMastodonAccount(platform, log);
  const app = await createReplywright({
    config,
    log,
    platform,
    generator: createGenerator(config),
    channel: (pipeline) => createChannel(config, { platform, sandboxUrl, log, pipeline }),
    instanceLock,
  });
  ledger.attach(app.store);
  await app.start();
  const http = await serveHttp(createHttpApp(app), { port: config.PORT, host: config.HOST });
  log.info(
    {
      dashboard: `${http.url}/`,
      sandbox: sandboxUrl,
      db: config.REPLYWRIGHT_DB,
      approval: config.REPLYWRIGHT_APPROVAL,
      poster: config.REPLYWRIGHT_POSTER,
      recovered: app.recovery && {
        actors: app.recovery.restore.active,
        quarantined: app.recovery.restore.quarantined.length,
        orphanRuns: app.recovery.orphanRuns,
        postingToUnconfirmed: app.recovery.postingToUnconfirmed,
      },
    },
    'replywright is running',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining');
    const force = setTimeout(() => {
      log.error('drain took too long; exiting');
      process.exit(1);
    }, 25_000);
    try {
      await app.stop();
      await http.close();
      await sandbox?.stop();
      log.info('stopped cleanly');
    } finally {
      clearTimeout(force);
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** Without REPLYWRIGHT_ADMIN_TOKEN, a one-run token in a 0600 file next to the DB (see writeDevAdminToken). */
function devAdminToken(dbPath: string): string {
  const { token, path } = writeDevAdminToken(dbPath);
  process.stderr.write(`REPLYWRIGHT_ADMIN_TOKEN is not set: a token for this run was written to ${path}\n`);
  return token;
}

// Running, it serves until a signal; a start that failed exits now (open handles or not).
if (isEntry(import.meta.url)) {
  void main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
