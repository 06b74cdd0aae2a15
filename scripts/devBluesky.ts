import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intFlag, isEntry, parseCli, runCli } from '../src/cli/args.ts';

/**
 * `npm run dev:bluesky`: a real AT Protocol network on this machine (PLC, PDS, AppView from
 * the test-only package test/atproto-net, installed on first use) with a bot account and a
 * few users posting mentions of it, and replywright (`npm start`) on
 * REPLYWRIGHT_PLATFORM=bluesky against it — dashboard on :8080. No account, no internet.
 * Each run is a new network, so the pipeline's DB (./data/dev-bluesky/) starts fresh too.
 * Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (see README).
 *
 *   npm run dev:bluesky [-- --traffic-per-min 6 --users 3]
 */
const USAGE = 'usage: npm run dev:bluesky -- [--traffic-per-min N] [--users N]';

export function parse(argv: readonly string[]) {
  const { values } = parseCli(
    {
      options: {
        'traffic-per-min': { type: 'string', default: '6' },
        users: { type: 'string', default: '3' },
      },
    },
    argv,
  );
  return {
    help: values.help === true,
    trafficPerMin: intFlag(values['traffic-per-min'], 'traffic-per-min', 0),
    users: intFlag(values.users, 'users', 1),
  };
}

export function main(argv: readonly string[]): Promise<number> {
  return runCli({ name: 'dev:bluesky', usage: USAGE, parse, run: (flags) => devBluesky(flags) }, argv);
}

if (isEntry(import.meta.url)) {
  void main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}

async function devBluesky({ trafficPerMin, users }: ReturnType<typeof parse>): Promise<number> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const net = join(root, 'test/atproto-net');

  const { ensureInstalled } = (await import(join(net, 'ensure.mjs'))) as {
    ensureInstalled(): Promise<boolean>;
  };
  await ensureInstalled();

  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
    setTimeout(() => process.exit(code), 8_000).unref();
    void Promise.all(
      children.map(
        (c) => new Promise((resolve) => (c.exitCode === null ? c.once('exit', resolve) : resolve(null))),
      ),
    ).then(() => process.exit(code));
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  process.stderr.write('dev:bluesky: starting a local AT Protocol network (PLC, PDS, AppView)…\n');
  const network = spawn(
    process.execPath,
    [join(net, 'network.mjs'), '--users', String(users), '--traffic-per-min', String(trafficPerMin)],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  children.push(network);
  network.once('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`dev:bluesky: the network stopped (${code})\n`);
      stop(1);
    }
  });

  const info = await new Promise<{
    service: string;
    bot: { handle: string; appPassword: string };
    users: { handle: string }[];
    startMs: number;
  }>((resolve) => {
    let out = '';
    network.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) resolve(JSON.parse(line));
    });
  });
  process.stderr.write(
    `dev:bluesky: network ready in ${(info.startMs / 1000).toFixed(1)} s — PDS ${info.service}, bot @${info.bot.handle}, users ${info.users
      .map((u) => `@${u.handle}`)
      .join(', ')} mention it ${trafficPerMin}×/min\n`,
  );

  const dataDir = join(root, 'data/dev-bluesky');
  rmSync(dataDir, { recursive: true, force: true });
  const app = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/start.ts')], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      REPLYWRIGHT_PLATFORM: 'bluesky',
      REPLYWRIGHT_BLUESKY_SERVICE: info.service,
      REPLYWRIGHT_BLUESKY_IDENTIFIER: info.bot.handle,
      REPLYWRIGHT_BLUESKY_APP_PASSWORD: info.bot.appPassword,
      REPLYWRIGHT_DB: join(dataDir, 'replywright.db'),
      REPLYWRIGHT_MIN_SPACING_SEC: process.env.REPLYWRIGHT_MIN_SPACING_SEC ?? '5',
      REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: process.env.REPLYWRIGHT_AUTHOR_COOLDOWN_MIN ?? '0',
    },
  });
  children.push(app);
  app.once('exit', (code) => stop(code ?? 0));
  return 0;
}
