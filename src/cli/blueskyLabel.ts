import { ConfigError, loadConfig } from '../config/config.ts';
import { blueskyFromConfig } from '../platforms/bluesky/fromConfig.ts';
import { describeError } from '../runtime/errors.ts';
import { isEntry, parseCli, runCli } from './args.ts';

const USAGE = 'usage: npm run bluesky:label — takes no flags; uses the REPLYWRIGHT_BLUESKY_* settings';

export function parse(argv: readonly string[]) {
  return { help: parseCli({ options: {} }, argv).values.help === true };
}

/**
 * `npm run bluesky:label`: adds the `bot` self-label to the Bluesky account's profile
 * (clients show "Automated account"), keeping the rest of the profile. Uses the same
 * REPLYWRIGHT_BLUESKY_* settings and stored session as the pipeline.
 */
export function main(argv: readonly string[]): Promise<number> {
  return runCli({ name: 'bluesky:label', usage: USAGE, parse, run: () => label() }, argv);
}

/** Exit codes: 0 labelled (or already), 2 a bad setting, 1 the platform refused or failed. */
async function label(): Promise<number> {
  try {
    const config = loadConfig({ ...process.env, REPLYWRIGHT_PLATFORM: 'bluesky' });
    const adapter = blueskyFromConfig(config);
    const result = await adapter.labelAsBot();
    process.stdout.write(
      result === 'added'
        ? `${config.REPLYWRIGHT_ACCOUNT}: the bot self-label was added to the profile\n`
        : `${config.REPLYWRIGHT_ACCOUNT}: the profile already carries the bot self-label\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(
      `bluesky:label: ${error instanceof ConfigError ? error.message : describeError(error)}\n`,
    );
    return error instanceof ConfigError ? 2 : 1;
  }
}

// Exits at once: the adapter's client may hold sockets open.
if (isEntry(import.meta.url)) void main(process.argv.slice(2)).then((code) => process.exit(code));
