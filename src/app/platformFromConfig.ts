import type { Config } from '../config/config.ts';
import type { PlatformAdapter } from '../platforms/contract.ts';
import { blueskyFromConfig } from '../platforms/bluesky/fromConfig.ts';
import { defaultAccountToken } from '../platforms/sandbox/auth.ts';
import { createSandboxHttpAdapter } from '../platforms/sandbox/httpAdapter.ts';

/** The sandbox bot's API token: REPLYWRIGHT_SANDBOX_TOKEN, or the sandbox's dev default. */
export function sandboxAccountToken(config: Config, env: Record<string, string | undefined>): string {
  return env.REPLYWRIGHT_SANDBOX_TOKEN ?? defaultAccountToken(config.REPLYWRIGHT_ACCOUNT);
}

export function platformFromConfig(
  config: Config,
  baseUrl: string,
  env: Record<string, string | undefined> = process.env,
): PlatformAdapter {
  switch (config.REPLYWRIGHT_PLATFORM) {
    case 'sandbox':
      return createSandboxHttpAdapter({
        baseUrl,
        account: config.REPLYWRIGHT_ACCOUNT,
        token: sandboxAccountToken(config, env),
      });
    case 'bluesky':
      return blueskyFromConfig(config);
  }
}
