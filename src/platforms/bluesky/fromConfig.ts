import { dirname, join } from 'node:path';
import type { Config } from '../../config/config.ts';
import { setPlatformRisk } from '../../config/risks.ts';
import { BlueskyAdapter } from './adapter.ts';
import { BlueskyState } from './state.ts';

/** Where the adapter keeps its session and reply keys: REPLYWRIGHT_BLUESKY_STATE, else next to the DB. */
export function blueskyStatePath(config: Config): string {
  if (config.REPLYWRIGHT_BLUESKY_STATE) return config.REPLYWRIGHT_BLUESKY_STATE;
  if (config.REPLYWRIGHT_DB === ':memory:') return ':memory:';
  return join(dirname(config.REPLYWRIGHT_DB), 'bluesky-state.db');
}

export const BOT_LABEL_FIX = 'npm run bluesky:label';

/**
 * The Bluesky adapter as configured. Its first sign-in checks the account's `bot` self-label:
 * missing, it becomes a risk on the dashboard with the one command that fixes it.
 */
export function blueskyFromConfig(config: Config, options: { fetch?: typeof fetch } = {}): BlueskyAdapter {
  return new BlueskyAdapter({
    service: config.REPLYWRIGHT_BLUESKY_SERVICE,
    identifier: config.REPLYWRIGHT_BLUESKY_IDENTIFIER!,
    appPassword: config.REPLYWRIGHT_BLUESKY_APP_PASSWORD!,
    account: config.REPLYWRIGHT_ACCOUNT,
    state: new BlueskyState(blueskyStatePath(config)),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    onBotLabel: (status, account) =>
      setPlatformRisk(
        'bluesky_bot_label',
        status === 'labelled'
          ? null
          : {
              setting: 'REPLYWRIGHT_BLUESKY_IDENTIFIER',
              value: account,
              why:
                status === 'missing'
                  ? `the account has no \`bot\` self-label (Bluesky asks automated accounts to carry it): run \`${BOT_LABEL_FIX}\``
                  : `could not read the account's profile to check its \`bot\` self-label; \`${BOT_LABEL_FIX}\` adds it`,
            },
      ),
  });
}
