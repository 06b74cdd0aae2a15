// A real local AT Protocol network for tests and `npm run dev:bluesky`: PLC directory, PDS,
// AppView (+ ozone, a second PDS, dataplane, mock bsync) from @atproto/dev-env, with a bot
// account (app password, `bot` self-label) and a few users. Runs as its own process so the
// tests and the pipeline talk to it over HTTP like to bsky.social.
//
//   node test/atproto-net/network.mjs [--users 3] [--traffic-per-min N] [--no-bot-label]
//
// Prints one JSON line when ready: { service, appview, bot: {handle, did, password,
// appPassword}, users: [{handle, did, password}], startMs }. Stops on SIGTERM/SIGINT or when
// its stdin closes: closes the network, drops its Postgres schemas, removes its temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '3' },
    'traffic-per-min': { type: 'string', default: '0' },
    'no-bot-label': { type: 'boolean', default: false },
    'bot-handle': { type: 'string', default: 'rwbot.test' },
  },
});

const started = performance.now();
// The PDS writes its SQLite files and blobs under os.tmpdir(): a folder of our own, removed at exit.
const dataDir = mkdtempSync(join(tmpdir(), 'rw-atproto-'));
process.env.TMPDIR = dataDir;
process.env.DB_POSTGRES_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
process.env.REDIS_HOST ??= '127.0.0.1:6379';
process.env.LOG_ENABLED ??= 'false';
// Postgres schema names here may hold letters and underscores only.
const letters = 'abcdefghijklmnopqrstuvwxyz';
const schema = `rw_${Array.from({ length: 12 }, () => letters[Math.floor(Math.random() * 26)]).join('')}`;

const { default: devEnv } = await import('@atproto/dev-env');
const { default: pg } = await import('pg');

let network = null;
let traffic = null;
let closing = false;

async function dropSchemas() {
  const client = new pg.Client({ connectionString: process.env.DB_POSTGRES_URL });
  await client.connect();
  try {
    for (const name of [`appview_${schema}`, `ozone_${schema}`, schema]) {
      await client.query(`drop schema if exists "${name}" cascade`);
    }
  } finally {
    await client.end();
  }
}

async function shutdown(code) {
  if (closing) return;
  closing = true;
  if (traffic) clearInterval(traffic);
  try {
    await network?.close();
  } catch (error) {
    process.stderr.write(`network close: ${error?.message ?? error}\n`);
  }
  try {
    await dropSchemas();
  } catch (error) {
    process.stderr.write(`drop schemas: ${error?.message ?? error}\n`);
    code ||= 1;
  }
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}

process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.stdin.on('end', () => void shutdown(0));
process.stdin.on('error', () => void shutdown(0));
process.stdin.resume();

async function createAccount(agent, handle, password) {
  const email = `${handle.replace(/\./g, '-')}@example.com`;
  const res = await agent.com.atproto.server.createAccount({ handle, email, password });
  return { handle, did: res.data.did, accessJwt: res.data.accessJwt };
}

async function setProfile(pds, account, password, labels) {
  const agent = pds.getClient();
  await agent.login({ identifier: account.handle, password });
  const record = { $type: 'app.bsky.actor.profile', displayName: account.handle.split('.')[0] };
  if (labels.length > 0) {
    record.labels = { $type: 'com.atproto.label.defs#selfLabels', values: labels.map((val) => ({ val })) };
  }
  await agent.com.atproto.repo.putRecord({
    repo: account.did,
    collection: 'app.bsky.actor.profile',
    rkey: 'self',
    record,
  });
  return agent;
}

const TOPICS = [
  'open protocols',
  'local-first apps',
  'the new release',
  'federated moderation',
  'rust vs go',
];

/** A root post by `agent` that mentions the bot with a facet, as a Bluesky client writes it. */
async function postMention(agent, author, bot, n) {
  const text = `@${bot.handle} what do you think about ${TOPICS[n % TOPICS.length]}? (#${n})`;
  const mention = `@${bot.handle}`;
  await agent.com.atproto.repo.createRecord({
    repo: author.did,
    collection: 'app.bsky.feed.post',
    record: {
      $type: 'app.bsky.feed.post',
      text,
      createdAt: new Date().toISOString(),
      facets: [
        {
          index: { byteStart: 0, byteEnd: Buffer.byteLength(mention) },
          features: [{ $type: 'app.bsky.richtext.facet#mention', did: bot.did }],
        },
      ],
    },
  });
}

try {
  network = await devEnv.TestNetwork.create({ dbPostgresSchema: schema });
  const pds = network.pds;
  const admin = pds.getClient();
  const botPassword = 'bot-password-local';
  const bot = await createAccount(admin, args['bot-handle'], botPassword);
  const botAgent = await setProfile(pds, bot, botPassword, args['no-bot-label'] ? [] : ['bot']);
  const appPassword = (await botAgent.com.atproto.server.createAppPassword({ name: 'replywright' })).data
    .password;
  const users = [];
  const agents = [];
  for (let i = 0; i < Number(args.users); i++) {
    const handle = `${['alice', 'bob', 'carol', 'dave', 'erin', 'frank'][i % 6]}${i >= 6 ? i : ''}.test`;
    const password = `${handle}-password`;
    const user = await createAccount(admin, handle, password);
    agents.push(await setProfile(pds, user, password, []));
    users.push({ handle, did: user.did, password });
  }
  const perMin = Number(args['traffic-per-min']);
  if (perMin > 0) {
    let n = 0;
    traffic = setInterval(
      () => {
        const i = n % users.length;
        postMention(agents[i], users[i], bot, n++).catch((error) =>
          process.stderr.write(`traffic: ${error?.message ?? error}\n`),
        );
      },
      Math.max(1000, Math.round(60_000 / perMin)),
    );
  }
  process.stdout.write(
    `${JSON.stringify({
      service: pds.url,
      appview: network.bsky.url,
      plc: network.plc.url,
      schema,
      bot: { handle: bot.handle, did: bot.did, password: botPassword, appPassword },
      users,
      startMs: Math.round(performance.now() - started),
    })}\n`,
  );
} catch (error) {
  process.stderr.write(`network failed to start: ${error?.stack ?? error}\n`);
  await shutdown(1);
}
