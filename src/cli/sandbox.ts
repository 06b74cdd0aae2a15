import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../config/config.ts';
import { createLogger } from '../logging.ts';
import { idempotencyModeSchema } from '../sandbox/behaviour.ts';
import { startSandbox } from '../sandbox/main.ts';
import { scaledLimits } from '../sandbox/mastodon/rateLimits.ts';
import { intFlag, parseCli, runCli, runIfEntry, UsageError } from './args.ts';

const USAGE = 'usage: npm run sandbox -- [--keys permanent|none|window:N] [--visibility-lag-ms N]';

/**
 * `npm run sandbox [-- --keys permanent|none|window:N] [--visibility-lag-ms N]`: the sandbox
 * platform alone. Reads SANDBOX_PORT, REPLYWRIGHT_SANDBOX_DB, SANDBOX_TRAFFIC_PER_MIN,
 * SANDBOX_SEED, SANDBOX_KEYS, SANDBOX_VISIBILITY_LAG_MS, SANDBOX_MASTODON_LIMIT_SCALE, REPLYWRIGHT_ACCOUNT and
 * REPLYWRIGHT_ADMIN_TOKEN from the config (the flags override the two SANDBOX_ settings), plus
 * REPLYWRIGHT_SANDBOX_TOKEN and REPLYWRIGHT_SANDBOX_PASSWORD (dev defaults otherwise). A flag's
 * bad value is the config's error for its setting (exit 2).
 */
export function main(argv: readonly string[]): Promise<number> {
  return runCli({ name: 'sandbox', usage: USAGE, parse, run: ({ env }) => serve(env) }, argv);
}

/** The flags, as the settings they override. */
export function parse(argv: readonly string[]) {
  const { values } = parseCli(
    { options: { keys: { type: 'string' }, 'visibility-lag-ms': { type: 'string' } } },
    argv,
  );
  const keys = values.keys === undefined ? undefined : idempotencyModeSchema.safeParse(values.keys);
  if (keys && !keys.success)
    throw new UsageError(`invalid --keys "${values.keys}": ${keys.error.issues[0]?.message}`);
  const lag = values['visibility-lag-ms'];
  return {
    help: values.help === true,
    env: {
      ...process.env,
      ...(keys === undefined ? {} : { SANDBOX_KEYS: keys.data }),
      ...(lag === undefined
        ? {}
        : { SANDBOX_VISIBILITY_LAG_MS: String(intFlag(lag, 'visibility-lag-ms', 0)) }),
    },
  };
}

async function serve(env: Record<string, string | undefined>): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`sandbox: ${error.message}\n`);
    return 2;
  }
  const log = createLogger({ level: config.REPLYWRIGHT_LOG_LEVEL });
  const account = config.REPLYWRIGHT_ACCOUNT;
  const adminToken = config.REPLYWRIGHT_ADMIN_TOKEN ?? randomBytes(18).toString('base64url');
  const sandbox = await startSandbox({
    port: config.SANDBOX_PORT,
    dbPath: config.REPLYWRIGHT_SANDBOX_DB,
    seed: config.SANDBOX_SEED,
    trafficPerMin: config.SANDBOX_TRAFFIC_PER_MIN,
    account,
    adminToken,
    accountToken: config.REPLYWRIGHT_SANDBOX_TOKEN,
    password: config.REPLYWRIGHT_SANDBOX_PASSWORD,
    behaviour: { idempotency: config.SANDBOX_KEYS, visibilityLagMs: config.SANDBOX_VISIBILITY_LAG_MS },
    mastodonLimits: scaledLimits(config.SANDBOX_MASTODON_LIMIT_SCALE),
  });
  log.info(
    {
      url: sandbox.url,
      account,
      db: config.REPLYWRIGHT_SANDBOX_DB,
      trafficPerMin: config.SANDBOX_TRAFFIC_PER_MIN,
      keys: config.SANDBOX_KEYS,
      visibilityLagMs: config.SANDBOX_VISIBILITY_LAG_MS,
      mastodonLimitScale: config.SANDBOX_MASTODON_LIMIT_SCALE,
    },
    'sandbox listening',
  );
  if (!config.REPLYWRIGHT_ADMIN_TOKEN) {
    process.stdout.write(
      `sandbox admin token for this run (set REPLYWRIGHT_ADMIN_TOKEN to fix it): ${adminToken}\n`,
    );
  }
  const shutdown = (signal: string) => {
    log.info({ signal }, 'sandbox stopping');
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return 0;
}

runIfEntry(import.meta.url, 'sandbox', main);
