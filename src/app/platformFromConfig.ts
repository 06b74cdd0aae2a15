import type { Config } from '../config/config.ts';
import { blueskyFromConfig } from '../platforms/bluesky/fromConfig.ts';
import type { PlatformAdapter } from '../platforms/contract.ts';
import { mastodonFromConfig } from '../platforms/mastodon/fromConfig.ts';
import { createSandboxHttpAdapter } from '../platforms/sandbox/httpAdapter.ts';
import type { CallRecorder } from '../platforms/usage.ts';
import { xFromConfig } from '../platforms/x/fromConfig.ts';
import { defaultAccountToken } from '../sandbox/auth.ts';
import { parseIdempotencyMode } from '../sandbox/behaviour.ts';

/** The sandbox bot's API token: REPLYWRIGHT_SANDBOX_TOKEN, or the sandbox's dev default. */
export function sandboxAccountToken(config: Config): string {
  return config.REPLYWRIGHT_SANDBOX_TOKEN ?? defaultAccountToken(config.REPLYWRIGHT_ACCOUNT);
}

/**
 * Whether the platform runs on the sandbox: the sandbox itself, or X or Mastodon without
 * REPLYWRIGHT_X_API_URL / REPLYWRIGHT_MASTODON_URL (their dialects of it).
 */
export function needsSandbox(config: Config): boolean {
  return (
    config.REPLYWRIGHT_PLATFORM === 'sandbox' ||
    (config.REPLYWRIGHT_PLATFORM === 'x' && !config.REPLYWRIGHT_X_API_URL) ||
    (config.REPLYWRIGHT_PLATFORM === 'mastodon' && !config.REPLYWRIGHT_MASTODON_URL)
  );
}

export function platformFromConfig(
  config: Config,
  baseUrl: string,
  /** `onCall` receives every call a paid platform's adapter makes (the spend ledger). */
  deps: { onCall?: CallRecorder; now?: () => number } = {},
): PlatformAdapter {
  switch (config.REPLYWRIGHT_PLATFORM) {
    case 'sandbox':
      return createSandboxHttpAdapter({
        baseUrl,
        account: config.REPLYWRIGHT_ACCOUNT,
        token: sandboxAccountToken(config),
        // What the sandbox was started with (the embedded one, or REPLYWRIGHT_SANDBOX_URL's).
        idempotency: parseIdempotencyMode(config.SANDBOX_KEYS),
        visibilityLagMs: config.SANDBOX_VISIBILITY_LAG_MS,
      });
    case 'bluesky':
      return blueskyFromConfig(config);
    case 'mastodon':
      return mastodonFromConfig(config, { sandboxUrl: baseUrl, sandboxToken: sandboxAccountToken(config) });
    case 'x':
      return xFromConfig(config, { sandboxUrl: baseUrl, sandboxToken: sandboxAccountToken(config), ...deps });
  }
}
