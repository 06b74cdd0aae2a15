import { type Config, ConfigError, loadConfig } from '../../config/config.ts';
import { setPlatformRisk } from '../../config/risks.ts';
import type { Logger } from '../../logging.ts';
import { describeError } from '../../runtime/errors.ts';
import { parseIdempotencyMode } from '../../sandbox/behaviour.ts';
import { mastodonIdempotency } from '../../sandbox/mastodon/idempotency.ts';
import { PlatformRejected } from '../contract.ts';
import { AccountMismatch } from './accountState.ts';
import { MastodonAdapter } from './adapter.ts';
import { BOT_FLAG_FIX, botFlagRisk } from './botFlag.ts';
import { createMastodonClient } from './client.ts';
import { accountSchema } from './schemas.ts';

export interface MastodonFromConfigOptions {
  /** The sandbox's URL (embedded or REPLYWRIGHT_SANDBOX_URL): used when REPLYWRIGHT_MASTODON_URL is unset. */
  sandboxUrl: string;
  /** The sandbox bot's API token: the bearer token on the sandbox. */
  sandboxToken: string;
}

/** The token's scopes, for the error that names them. */
export const MASTODON_SCOPES = 'read:statuses read:notifications read:accounts write:statuses';

/**
 * `REPLYWRIGHT_PLATFORM=mastodon`: the instance at REPLYWRIGHT_MASTODON_URL with the account's
 * application token, or — without that URL — the sandbox in its Mastodon dialect with the
 * sandbox bot's token, so the pipeline, chaos and the sandbox CLI run on Mastodon's wire
 * format without an account. The account's `bot` flag, whenever read, sets or clears a
 * dashboard risk.
 */
export function mastodonFromConfig(config: Config, options: MastodonFromConfigOptions): MastodonAdapter {
  const url = config.REPLYWRIGHT_MASTODON_URL;
  if (url && !config.REPLYWRIGHT_MASTODON_TOKEN) {
    throw new ConfigError(
      `invalid REPLYWRIGHT_MASTODON_TOKEN: required with REPLYWRIGHT_MASTODON_URL (an application token with ${MASTODON_SCOPES})`,
    );
  }
  return new MastodonAdapter({
    url: url ?? options.sandboxUrl,
    token: (url ? config.REPLYWRIGHT_MASTODON_TOKEN : undefined) ?? options.sandboxToken,
    account: config.REPLYWRIGHT_ACCOUNT,
    maxVisibility: config.REPLYWRIGHT_MASTODON_MAX_VISIBILITY,
    // On the sandbox, what its dialect plays: Mastodon's hour, narrowed by SANDBOX_KEYS (never
    // declared wider than it is), and its own listing lag.
    ...(url
      ? {}
      : {
          idempotency: mastodonIdempotency(parseIdempotencyMode(config.SANDBOX_KEYS)),
          visibilityLagMs: config.SANDBOX_VISIBILITY_LAG_MS,
        }),
    onAccountFacts: (facts) => setPlatformRisk('mastodon_bot_flag', botFlagRisk(facts)),
  });
}

/**
 * Defaults for a real instance, so two variables are enough:
 * - the account's username comes from the token when REPLYWRIGHT_ACCOUNT is not set (that
 *   needs the instance at start-up; set REPLYWRIGHT_ACCOUNT to start while it is unreachable);
 * - REPLYWRIGHT_SPEED is `prod` unless set: `dev`'s seconds-scale jobs make about 100
 *   requests a minute, over Mastodon's 300 per 5 minutes; `prod` makes under 10.
 */
export async function forMastodonInstance(
  config: Config,
  env: Record<string, string | undefined>,
): Promise<Config> {
  if (config.REPLYWRIGHT_PLATFORM !== 'mastodon' || !config.REPLYWRIGHT_MASTODON_URL) return config;
  const speed = env.REPLYWRIGHT_SPEED ? {} : { REPLYWRIGHT_SPEED: 'prod' };
  // Without a token mastodonFromConfig names what is missing.
  if (env.REPLYWRIGHT_ACCOUNT || !config.REPLYWRIGHT_MASTODON_TOKEN) return loadConfig({ ...env, ...speed });
  const client = createMastodonClient({
    url: config.REPLYWRIGHT_MASTODON_URL,
    token: config.REPLYWRIGHT_MASTODON_TOKEN,
    timeoutMs: 10_000,
  });
  let username: string;
  try {
    username = accountSchema.parse(await client.v1.accounts.verifyCredentials()).username;
  } catch (error) {
    throw new ConfigError(
      `REPLYWRIGHT_ACCOUNT is not set and the account could not be read from ${config.REPLYWRIGHT_MASTODON_URL} ` +
        `(${describeError(error)}); set REPLYWRIGHT_ACCOUNT to the account's username`,
    );
  }
  return loadConfig({ ...env, ...speed, REPLYWRIGHT_ACCOUNT: username });
}

/**
 * Start-up check: the token works and is this account's (else the process stops with a
 * config error: neither fixes itself), and a warning while the account is not marked as a bot. An instance that
 * cannot be reached now only warns: the pipeline retries on its own.
 */
export async function checkMastodonAccount(adapter: MastodonAdapter, log: Logger): Promise<void> {
  try {
    const facts = await adapter.connect();
    if (!facts.bot) {
      log.warn(
        { account: facts.acct, fix: BOT_FLAG_FIX },
        'the Mastodon account is not marked as a bot: mark it as an automated account (shown on the dashboard as a risk)',
      );
    }
    log.info(
      { account: facts.acct, bot: facts.bot, maxCharacters: facts.maxCharacters },
      'mastodon account checked',
    );
  } catch (error) {
    if (error instanceof AccountMismatch)
      throw new ConfigError(`invalid REPLYWRIGHT_ACCOUNT: ${error.message}`);
    if (error instanceof PlatformRejected && (error.status === 401 || error.status === 403))
      throw new ConfigError(`invalid REPLYWRIGHT_MASTODON_TOKEN: the instance refused it (${error.message})`);
    log.warn(
      { err: describeError(error) },
      'could not read the Mastodon account at start-up; the pipeline retries',
    );
  }
}
