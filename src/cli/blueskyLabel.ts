import { ConfigError, loadConfig } from '../config/config.ts';
import { blueskyFromConfig } from '../platforms/bluesky/fromConfig.ts';
import { describeError } from '../runtime/errors.ts';

/**
 * `npm run bluesky:label`: adds the `bot` self-label to the Bluesky account's profile
 * (clients show "Automated account"), keeping the rest of the profile. Uses the same
 * REPLYWRIGHT_BLUESKY_* settings and stored session as the pipeline.
 */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, REPLYWRIGHT_PLATFORM: 'bluesky' });
  const adapter = blueskyFromConfig(config);
  const result = await adapter.labelAsBot();
  process.stdout.write(
    result === 'added'
      ? `${config.REPLYWRIGHT_ACCOUNT}: the bot self-label was added to the profile\n`
      : `${config.REPLYWRIGHT_ACCOUNT}: the profile already carries the bot self-label\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bluesky:label: ${error instanceof ConfigError ? error.message : describeError(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
