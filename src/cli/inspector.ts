import { createInspectorServer } from '@statelyai/inspect/server';
import { ConfigError } from '../config/config.ts';
import { devFlags } from '../config/devFlags.ts';
import { parseCli, runCli, runIfEntry } from './args.ts';

/**
 * `npm run inspector`: a local Stately inspector server for `INSPECT=1`, on the developer flag
 * INSPECT_PORT (default 8788). Open the printed URL in a browser (the inspector UI itself loads
 * from stately.ai).
 */
const USAGE =
  'usage: npm run inspector — takes no flags; INSPECT_PORT=8788 sets its port (README, "Developer flags")';

export function main(argv: readonly string[]): Promise<number> {
  return runCli({ name: 'inspector', usage: USAGE, parse, run: async () => serve() }, argv);
}

export function parse(argv: readonly string[]) {
  return { help: parseCli({ options: {} }, argv).values.help === true };
}

function serve(): number {
  let port: number;
  try {
    port = devFlags().INSPECT_PORT;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`inspector: ${error.message}\n`);
    return 2;
  }
  const server = createInspectorServer({ port, autoOpen: false });
  process.stdout.write(`inspector on http://127.0.0.1:${port}/ — start replywright with INSPECT=1\n`);
  process.on('SIGINT', () => {
    server.stop();
    process.exit(0);
  });
  return 0;
}

runIfEntry(import.meta.url, 'inspector', main);
