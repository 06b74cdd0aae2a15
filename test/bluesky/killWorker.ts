import { createReplywright } from '../../src/app/replywright.ts';
import { createTemplateGenerator } from '../../src/generators/template.ts';
import { silentLogger } from '../../src/logging.ts';
import { blueskyFromConfig } from '../../src/platforms/bluesky/fromConfig.ts';
import { blueskyConfig, FAST_INTERVALS } from './blueskyPipeline.ts';
import type { NetworkInfo } from './localNetwork.ts';

/**
 * The child process of crash.test.ts: the whole pipeline, supervised as in `npm start`, on
 * the local network's bot. With `--hold after-put` its next putRecord reaches the PDS but the
 * answer is held forever (it prints `put-landed`); with `--hold before-put` the request is
 * held before it is sent (`put-held`). The parent then kills it with SIGKILL.
 *
 *   node --import tsx test/bluesky/killWorker.ts <network json> <dir> [after-put|before-put|none]
 */
const [infoJson, dir, hold = 'none'] = process.argv.slice(2);
if (!infoJson || !dir) throw new Error('usage: killWorker.ts <network json> <dir> [hold]');
const net = JSON.parse(infoJson) as NetworkInfo;
const say = (line: string) => process.stdout.write(`${line}\n`);

const holding: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  if (hold !== 'none' && request.url.endsWith('/xrpc/com.atproto.repo.putRecord')) {
    if (hold === 'after-put') {
      const response = await fetch(request);
      say(`put-landed ${response.status}`);
    } else {
      say('put-held');
    }
    return new Promise<Response>(() => {});
  }
  return fetch(request);
};

const config = blueskyConfig(net, dir);
const app = await createReplywright({
  config,
  log: silentLogger,
  platform: blueskyFromConfig(config, { fetch: holding }),
  generator: createTemplateGenerator(),
  intervals: FAST_INTERVALS,
});
await app.start();
say(`ready ${JSON.stringify({ postingToUnconfirmed: app.recovery?.postingToUnconfirmed ?? 0 })}`);
// The supervisor's timers do not hold the process open (npm start's HTTP server does).
const keepAlive = setInterval(() => {}, 60_000);
process.on('SIGTERM', () => {
  clearInterval(keepAlive);
  void app.stop().then(() => process.exit(0));
});
