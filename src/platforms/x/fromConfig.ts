import { type Config, ConfigError } from '../../config/config.ts';
import type { CallRecorder } from '../usage.ts';
import { createXAdapter, type XAdapter } from './adapter.ts';
import { XAuth } from './auth.ts';

export interface XFromConfigOptions {
  /** The sandbox's URL (embedded or REPLYWRIGHT_SANDBOX_URL): used when REPLYWRIGHT_X_API_URL is unset. */
  sandboxUrl: string;
  /** The sandbox bot's API token: the user-context token on the sandbox. */
  sandboxToken: string;
  onCall?: CallRecorder;
  now?: () => number;
}

/**
 * `REPLYWRIGHT_PLATFORM=x`: the real X at REPLYWRIGHT_X_API_URL with the account's OAuth 2.0
 * user-context token, or — without that URL — the sandbox in its X dialect with the sandbox
 * bot's token, so the pipeline, chaos and the sandbox CLI run on X's wire format without an account.
 */
export function xFromConfig(config: Config, options: XFromConfigOptions): XAdapter {
  const apiUrl = config.REPLYWRIGHT_X_API_URL;
  if (apiUrl && !config.REPLYWRIGHT_X_ACCESS_TOKEN) {
    throw new ConfigError('invalid REPLYWRIGHT_X_ACCESS_TOKEN: required with REPLYWRIGHT_X_API_URL');
  }
  if (config.REPLYWRIGHT_X_REFRESH_TOKEN && !config.REPLYWRIGHT_X_CLIENT_ID) {
    throw new ConfigError(
      'invalid REPLYWRIGHT_X_CLIENT_ID: required to refresh with REPLYWRIGHT_X_REFRESH_TOKEN',
    );
  }
  return createXAdapter({
    baseUrl: apiUrl ?? options.sandboxUrl,
    account: config.REPLYWRIGHT_ACCOUNT,
    auth: new XAuth({
      accessToken: config.REPLYWRIGHT_X_ACCESS_TOKEN ?? options.sandboxToken,
      refreshToken: config.REPLYWRIGHT_X_REFRESH_TOKEN,
      clientId: config.REPLYWRIGHT_X_CLIENT_ID,
      clientSecret: config.REPLYWRIGHT_X_CLIENT_SECRET,
      tokenFile: config.REPLYWRIGHT_X_TOKEN_FILE,
      now: options.now,
    }),
    timeoutMs: 10_000,
    // X shows a new post in the account's timeline within seconds; the sandbox declares what it plays.
    visibilityLagMs: apiUrl ? 15_000 : config.SANDBOX_VISIBILITY_LAG_MS,
    // With no cursor yet, a post older than the policy's maximum age is never answered anyway.
    firstLookbackMs: config.REPLYWRIGHT_MAX_AGE_MIN * 60_000,
    onCall: options.onCall,
    now: options.now,
  });
}

/**
 * On the real X API (REPLYWRIGHT_X_API_URL set), REPLYWRIGHT_SPEED is `prod` unless set: `dev`'s
 * seconds-scale jobs poll about 40 times a minute (mentions and search near X's 300 per
 * 15 minutes); `prod` polls under 2 times a minute. Empty polls cost nothing, but rate limits do.
 */
export function xApiEnvDefaults(env: Record<string, string | undefined>): void {
  if (env.REPLYWRIGHT_PLATFORM === 'x' && env.REPLYWRIGHT_X_API_URL && !env.REPLYWRIGHT_SPEED) {
    env.REPLYWRIGHT_SPEED = 'prod';
  }
}
